package ofp

// The "actions=" part of ovs-ofctl flow text (ovs-actions(7)) as OpenFlow
// 1.3 instructions (spec 1.3.5 §7.2.4) and actions (§7.2.5). OpenFlow
// 1.0-style actions (mod_vlan_vid, mod_nw_src, ...) become the set-field
// actions ovs-ofctl sends for them to an OpenFlow 1.3 switch.

import "strings"

// instruction order ovs-ofctl insists on "for OpenFlow 1.1+ compatibility"
// (spec 1.3.5 §5.9 executes them in this order whatever the wire order).
var instOrder = []struct {
	t    InstructionType
	name string
}{
	{ITMeter, "meter"}, {ITApplyActions, "apply_actions"}, {ITClearActions, "clear_actions"},
	{ITWriteActions, "write_actions"}, {ITWriteMetadata, "write_metadata"}, {ITGotoTable, "goto_table"},
}

func instRank(t InstructionType) (int, string) {
	for i, o := range instOrder {
		if o.t == t {
			return i, o.name
		}
	}
	return len(instOrder), "?"
}

// ParseInstructions parses the text after "actions=" given the flow's
// match (which decides e.g. whether mod_tp_dst is tcp_dst or udp_dst, and
// whether mod_vlan_vid must push a tag first).
func ParseInstructions(text string, match Match) ([]Instruction, error) {
	toks := splitTop(text, false)
	if len(toks) == 1 && strings.EqualFold(toks[0], "drop") {
		return nil, nil
	}
	var (
		out     []Instruction
		apply   *InstApplyActions
		lastRnk = -1
		lastNm  string
	)
	addInst := func(tok string, in Instruction) error {
		r, name := instRank(in.Type())
		if r == lastRnk {
			return tokErr(tok, "instruction %s may be specified only once", name)
		}
		if r < lastRnk {
			return tokErr(tok, "invalid instruction ordering: %s must appear before %s, for OpenFlow 1.1+ compatibility", name, lastNm)
		}
		lastRnk, lastNm = r, name
		out = append(out, in)
		return nil
	}
	ctx := newActionCtx(match)
	for _, tok := range toks {
		name, arg := splitAction(tok)
		switch strings.ToLower(name) {
		case "drop":
			return nil, tokErr(tok, `"drop" must not be accompanied by any other action or instruction`)
		case "meter":
			v, err := parseUint(arg, 32)
			if err != nil {
				return nil, tokErr(tok, "meter id must be a 32-bit number")
			}
			if err := addInst(tok, &InstMeter{MeterID: uint32(v)}); err != nil {
				return nil, err
			}
		case "clear_actions":
			if err := addInst(tok, &InstClearActions{}); err != nil {
				return nil, err
			}
		case "write_actions":
			as, err := ctx.parseActions(arg)
			if err != nil {
				return nil, err
			}
			if err := addInst(tok, &InstWriteActions{Actions: as}); err != nil {
				return nil, err
			}
		case "apply_actions":
			as, err := ctx.parseActions(arg)
			if err != nil {
				return nil, err
			}
			if err := addInst(tok, &InstApplyActions{Actions: as}); err != nil {
				return nil, err
			}
		case "write_metadata":
			vs, ms, masked := strings.Cut(arg, "/")
			v, err := parseUint(vs, 64)
			mask := ^uint64(0)
			if err == nil && masked {
				mask, err = parseUint(ms, 64)
			}
			if err != nil {
				return nil, tokErr(tok, "write_metadata wants VALUE[/MASK], 64-bit numbers")
			}
			if err := addInst(tok, &InstWriteMetadata{Metadata: v, Mask: mask}); err != nil {
				return nil, err
			}
		case "goto_table":
			v, err := parseUint(arg, 8)
			if err != nil || v > uint64(TableMax) {
				return nil, tokErr(tok, "goto_table wants a table id 0 to 254")
			}
			if err := addInst(tok, &InstGotoTable{TableID: uint8(v)}); err != nil {
				return nil, err
			}
		default:
			// A plain action goes to the one apply-actions instruction.
			a, err := ctx.parseAction(tok)
			if err != nil {
				return nil, err
			}
			if apply == nil {
				apply = &InstApplyActions{}
				if err := addInst(tok, apply); err != nil {
					return nil, err
				}
			} else if lastRnk > 1 {
				_, name := instRank(out[len(out)-1].Type())
				return nil, tokErr(tok, "invalid instruction ordering: apply_actions must appear before %s, for OpenFlow 1.1+ compatibility", name)
			}
			apply.Actions = append(apply.Actions, a...)
		}
	}
	// ParseFlow validates the instructions against the flow's table.
	return out, nil
}

// ParseActions parses an action list (no instructions), as for
// packet-out and group buckets.
func ParseActions(text string, match Match) ([]Action, error) {
	if strings.EqualFold(strings.TrimSpace(text), "drop") {
		return nil, nil
	}
	return newActionCtx(match).parseActions(text)
}

// splitAction splits "name:arg", "name(arg)" or "name=arg".
func splitAction(tok string) (name, arg string) {
	i := strings.IndexAny(tok, ":(=")
	if i < 0 {
		return tok, ""
	}
	name, arg = tok[:i], tok[i+1:]
	if tok[i] == '(' {
		arg = strings.TrimSuffix(arg, ")")
	}
	return strings.TrimSpace(name), strings.TrimSpace(arg)
}

// actionCtx is what the flow's match says about the packet, and how the
// actions so far changed it.
type actionCtx struct {
	ethType uint16
	proto   int
	vlan    bool // a VLAN header is known to be present
}

func newActionCtx(m Match) *actionCtx {
	c := &actionCtx{proto: -1}
	if o, ok := m.Lookup(OXMEthTypeField); ok {
		c.ethType = uint16(o.Uint())
	}
	if o, ok := m.Lookup(OXMIPProtoField); ok {
		c.proto = int(o.Uint())
	}
	if o, ok := m.Lookup(OXMVlanVIDField); ok && o.Uint()&uint64(VIDPresent) != 0 {
		c.vlan = !o.HasMask || o.MaskUint()&uint64(VIDPresent) != 0
	}
	return c
}

func (c *actionCtx) parseActions(text string) ([]Action, error) {
	var out []Action
	for _, tok := range splitTop(text, false) {
		a, err := c.parseAction(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, a...)
	}
	return out, nil
}

// outputTo is output to p; only output to the controller has a max_len
// that matters (OFPCML_NO_BUFFER: the whole packet).
func outputTo(p PortNo) Action {
	if p == PortController {
		return &ActionOutput{Port: p, MaxLen: ControllerMaxLenNoBuffer}
	}
	return &ActionOutput{Port: p}
}

func setField(f uint8, v []byte) Action { return &ActionSetField{Field: basicOXM(f, v, nil)} }

// parseAction parses one action token; some ovs-ofctl actions are more
// than one OpenFlow action (mod_vlan_vid on an untagged packet pushes a tag
// first, as ovs-ofctl does).
func (c *actionCtx) parseAction(tok string) ([]Action, error) {
	name, arg := splitAction(tok)
	one := func(a Action) ([]Action, error) { return []Action{a}, nil }
	num := func(bits int) (uint64, error) {
		v, err := parseUint(arg, bits)
		if err != nil {
			return 0, tokErr(tok, "%s wants a %d-bit number", name, bits)
		}
		return v, nil
	}
	ethertype := func() (uint16, error) {
		v, err := num(16)
		return uint16(v), err
	}
	field := func(f uint8) ([]Action, error) {
		v, mk, err := ParseFieldValue(f, arg)
		if err != nil || mk != nil {
			if err == nil {
				return nil, tokErr(tok, "%s takes no mask", name)
			}
			return nil, tokErr(tok, "%v", err)
		}
		return one(setField(f, v))
	}
	lname := strings.ToLower(name)
	if p, ok := portNames[strings.ToUpper(name)]; ok && arg == "" && lname != "any" && lname != "none" {
		return one(outputTo(p))
	}
	switch lname {
	case "output":
		p, err := ParsePort(arg)
		if err != nil {
			return nil, tokErr(tok, "%v", err)
		}
		return one(outputTo(p))
	case "controller":
		ml := uint64(ControllerMaxLenNoBuffer)
		for _, kv := range strings.Split(arg, ",") {
			k, v, hasV := strings.Cut(strings.TrimSpace(kv), "=")
			var err error
			switch {
			case k == "":
			case !hasV:
				ml, err = parseUint(k, 16)
			case k == "max_len":
				ml, err = parseUint(v, 16)
			case k == "reason" || k == "id" || k == "userdata" || k == "pause" || k == "meter_id":
				return nil, tokErr(tok, "controller option %s cannot be encoded in OpenFlow 1.3", k)
			default:
				return nil, tokErr(tok, "unknown controller option %s", k)
			}
			if err != nil {
				return nil, tokErr(tok, "controller max_len must be 0 to 65535")
			}
		}
		return one(&ActionOutput{Port: PortController, MaxLen: uint16(ml)})
	case "mod_vlan_vid":
		v, err := num(12)
		if err != nil {
			return nil, err
		}
		set := setField(OXMVlanVIDField, be16(uint16(v)|VIDPresent))
		if !c.vlan {
			c.vlan = true
			return []Action{&ActionPushVLAN{EtherType: 0x8100}, set}, nil
		}
		return one(set)
	case "mod_vlan_pcp":
		v, err := num(3)
		if err != nil {
			return nil, err
		}
		set := setField(OXMVlanPCPField, []byte{uint8(v)})
		if !c.vlan {
			c.vlan = true
			return []Action{&ActionPushVLAN{EtherType: 0x8100}, set}, nil
		}
		return one(set)
	case "strip_vlan", "pop_vlan":
		c.vlan = false
		return one(&ActionPopVLAN{})
	case "push_vlan":
		t, err := ethertype()
		if err != nil {
			return nil, err
		}
		c.vlan = true
		return one(&ActionPushVLAN{EtherType: t})
	case "mod_dl_src":
		return field(OXMEthSrcField)
	case "mod_dl_dst":
		return field(OXMEthDstField)
	case "mod_nw_src":
		return field(OXMIPv4SrcField)
	case "mod_nw_dst":
		return field(OXMIPv4DstField)
	case "mod_nw_tos":
		v, err := num(8)
		if err != nil {
			return nil, err
		}
		if v&3 != 0 {
			return nil, tokErr(tok, "mod_nw_tos: the low two bits (ECN) must be zero")
		}
		return one(setField(OXMIPDSCPField, []byte{uint8(v >> 2)}))
	case "mod_nw_ecn":
		return field(OXMIPECNField)
	case "mod_nw_ttl":
		v, err := num(8)
		if err != nil {
			return nil, err
		}
		return one(&ActionSetNwTTL{TTL: uint8(v)})
	case "mod_tp_src", "mod_tp_dst":
		src := lname == "mod_tp_src"
		switch c.proto {
		case 6:
			return field(pick(src, OXMTCPSrcField, OXMTCPDstField))
		case 17:
			return field(pick(src, OXMUDPSrcField, OXMUDPDstField))
		case 132:
			return field(pick(src, OXMSCTPSrcField, OXMSCTPDstField))
		}
		return nil, tokErr(tok, "%s needs a tcp, udp or sctp match", name)
	case "dec_ttl":
		if arg != "" {
			return nil, tokErr(tok, "dec_ttl with controller ids cannot be encoded in OpenFlow 1.3")
		}
		return one(&ActionDecNwTTL{})
	case "set_field", "load":
		if lname == "load" {
			return nil, tokErr(tok, "load is a Nicira extension; use set_field:VALUE->FIELD")
		}
		vs, fname, ok := strings.Cut(arg, "->")
		if !ok {
			return nil, tokErr(tok, "set_field wants VALUE->FIELD")
		}
		f, ok := fieldAliases[strings.TrimSpace(fname)]
		if !ok {
			switch strings.TrimSpace(fname) {
			case "nw_src", "ip_src":
				f = OXMIPv4SrcField
			case "nw_dst", "ip_dst":
				f = OXMIPv4DstField
			default:
				return nil, tokErr(tok, "unknown field %q", fname)
			}
		}
		arg = strings.TrimSpace(vs)
		return field(f)
	case "group":
		g, err := parseGroupID(arg)
		if err != nil {
			return nil, tokErr(tok, "%v", err)
		}
		return one(&ActionGroup{GroupID: g})
	case "set_queue":
		v, err := num(32)
		return []Action{&ActionSetQueue{QueueID: uint32(v)}}, err
	case "push_mpls":
		t, err := ethertype()
		if err != nil {
			return nil, err
		}
		if t != 0x8847 && t != 0x8848 {
			return nil, tokErr(tok, "push_mpls wants ethertype 0x8847 or 0x8848")
		}
		c.ethType = t
		return one(&ActionPushMPLS{EtherType: t})
	case "pop_mpls":
		t, err := ethertype()
		if err != nil {
			return nil, err
		}
		c.ethType = t
		return one(&ActionPopMPLS{EtherType: t})
	case "set_mpls_label":
		return field(OXMMPLSLabelField)
	case "set_mpls_tc":
		return field(OXMMPLSTCField)
	case "set_mpls_ttl":
		v, err := num(8)
		if err != nil {
			return nil, err
		}
		return one(&ActionSetMPLSTTL{TTL: uint8(v)})
	case "dec_mpls_ttl":
		return one(&ActionDecMPLSTTL{})
	case "copy_ttl_out":
		return one(&ActionCopyTTLOut{})
	case "copy_ttl_in":
		return one(&ActionCopyTTLIn{})
	case "push_pbb":
		t, err := ethertype()
		return []Action{&ActionPushPBB{EtherType: t}}, err
	case "pop_pbb":
		return one(&ActionPopPBB{})
	case "meter", "goto_table", "write_metadata", "write_actions", "clear_actions", "apply_actions":
		return nil, tokErr(tok, "instruction %s is not allowed inside an action list", name)
	}
	// A bare number is output to that port (ovs-actions(7)).
	if arg == "" {
		if v, err := parseUint(name, 32); err == nil {
			return one(outputTo(PortNo(v)))
		}
	}
	return nil, tokErr(tok, "unknown action %q", name)
}
