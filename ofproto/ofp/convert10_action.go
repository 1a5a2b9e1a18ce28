package ofp

// Actions10 <-> []Action (spec 1.0.0 §5.2.4; spec 1.3.5 §7.2.5). Each 1.0
// action becomes the 1.3 action or set-field that does the same, as Open
// vSwitch encodes its 1.0 actions for a 1.3 peer:
//
//	output:P (max_len)   output:P (max_len)
//	set_vlan_vid:V       [push_vlan:0x8100,] set_field:vlan_vid=0x1000|V
//	set_vlan_pcp:P       [push_vlan:0x8100,] set_field:vlan_pcp=P
//	strip_vlan           pop_vlan
//	set_dl_src/dst       set_field:eth_src/eth_dst
//	set_nw_src/dst       set_field:ipv4_src/ipv4_dst
//	set_nw_tos:T         set_field:ip_dscp=T>>2
//	set_tp_src/dst       set_field:tcp_/udp_/sctp_src/dst, by the match's nw_proto
//	enqueue:P:Q          set_queue:Q, output:P
//
// OpenFlow 1.0's set_vlan_vid and set_vlan_pcp add a tag to an untagged
// frame; 1.3's set-field does not, so a push_vlan comes first unless the
// flow's match (or an earlier action of the list) guarantees a tag. Like
// Open vSwitch, the decision is made once, from the match: on a flow that
// matches tagged and untagged frames alike the tag is always pushed.
//
// Refused (OFPET_BAD_ACTION): vendor actions (OFPBAC_BAD_VENDOR);
// set_tp_src/dst when the match does not say TCP, UDP or SCTP, since 1.3
// has no protocol-independent port field (OFPBAC_BAD_ARGUMENT); an output
// after an enqueue in the same list (1.3's set_queue lasts for the rest of
// the list and xvs has no pop-queue; OFPBAC_BAD_QUEUE).

import "reflect"

// ActionsFrom10 converts a 1.0 action list that applies to any packet
// (no match is known): set_vlan_* push a tag first, set_tp_* are refused.
// Flow-mods and packet-outs use ActionsFrom10For with what they know.
func ActionsFrom10(a Actions10) ([]Action, error) { return ActionsFrom10For(a, MatchAll10()) }

// ActionsFrom10For converts the action list of a 1.0 flow whose match is m
// (for a packet-out, the match of the packet's own headers).
func ActionsFrom10For(as Actions10, m Match10) ([]Action, error) {
	n := Normalize10(m)
	has := func(bit uint32) bool { return n.Wildcards&bit == 0 }
	tagged := (has(FW10DLVLAN) && n.DLVLAN != VLAN10None) || (has(FW10DLVLANPCP) && !has(FW10DLVLAN))
	ip := has(FW10DLType) && (n.DLType == ethTypeIPv4 || n.DLType == ethTypeIPv6)
	proto := -1
	if ip && has(FW10NWProto) {
		proto = int(n.NWProto)
	}
	out := make([]Action, 0, len(as)+2)
	enqueued := false
	push := func() {
		if !tagged {
			out = append(out, &ActionPushVLAN{EtherType: 0x8100})
			tagged = true
		}
	}
	set := func(o OXM) { out = append(out, &ActionSetField{Field: o}) }
	for i, a := range as {
		switch a := derefAction10(a).(type) {
		case ActionOutput10:
			if enqueued {
				return nil, err10(ET10BadAction, BAC10BadQueue, "action %d: output after enqueue has no OpenFlow 1.3 form (set_queue would last)", i)
			}
			out = append(out, &ActionOutput{Port: a.Port.To13(), MaxLen: a.MaxLen})
		case ActionSetVLANVID10:
			push()
			set(OXMVlanVID(VIDPresent | a.VLANVID&0x0fff))
		case ActionSetVLANPCP10:
			push()
			set(OXMVlanPCP(a.VLANPCP & 7))
		case ActionStripVLAN10:
			out = append(out, &ActionPopVLAN{})
			tagged = false
		case ActionSetDLSrc10:
			set(basicOXM(OXMEthSrcField, cloneBytes(a.Addr[:]), nil))
		case ActionSetDLDst10:
			set(basicOXM(OXMEthDstField, cloneBytes(a.Addr[:]), nil))
		case ActionSetNWSrc10:
			set(basicOXM(OXMIPv4SrcField, cloneBytes(a.Addr[:]), nil))
		case ActionSetNWDst10:
			set(basicOXM(OXMIPv4DstField, cloneBytes(a.Addr[:]), nil))
		case ActionSetNWTos10:
			set(OXMIPDSCP(a.NWTos >> 2))
		case ActionSetTPSrc10, ActionSetTPDst10:
			var field uint8
			switch proto {
			case ipProtoTCP:
				field = OXMTCPSrcField
			case ipProtoUDP:
				field = OXMUDPSrcField
			case ipProtoSCTP:
				field = OXMSCTPSrcField
			default:
				return nil, err10(ET10BadAction, BAC10BadArgument, "action %d: %s needs a match on TCP, UDP or SCTP", i, a.format())
			}
			var port uint16
			if d, ok := a.(ActionSetTPDst10); ok {
				field++ // each protocol's dst field follows its src field
				port = d.Port
			} else {
				port = a.(ActionSetTPSrc10).Port
			}
			set(basicOXM(field, be16(port), nil))
		case ActionEnqueue10:
			out = append(out, &ActionSetQueue{QueueID: a.QueueID}, &ActionOutput{Port: a.Port.To13(), MaxLen: 0})
			enqueued = true
		case ActionVendor10:
			return nil, err10(ET10BadAction, BAC10BadVendor, "action %d: vendor %#08x actions are not supported", i, a.Vendor)
		case nil:
			return nil, err10(ET10BadAction, BAC10BadType, "action %d: nil", i)
		default:
			return nil, err10(ET10BadAction, BAC10BadType, "action %d: type %d", i, a.Type10())
		}
	}
	return out, nil
}

// ActionsTo10 converts a 1.3 action list to 1.0, for flow stats to a 1.0
// session: the inverse of ActionsFrom10For. A push_vlan directly followed
// by a set-field of the VLAN id or priority folds into 1.0's set_vlan_*;
// outputs after a set_queue become enqueue actions. Actions 1.0 has no
// form for (groups, TTLs, MPLS, PBB, other set-fields, experimenter) are
// refused with OFPBAC_BAD_TYPE.
func ActionsTo10(as []Action) (Actions10, error) {
	out := make(Actions10, 0, len(as))
	queue, queued := uint32(0), false
	bad := func(i int, format string, args ...any) (Actions10, error) {
		return nil, err10(ET10BadAction, BAC10BadType, "action %d: "+format, append([]any{i}, args...)...)
	}
	for i := 0; i < len(as); i++ {
		if v := reflect.ValueOf(as[i]); v.Kind() == reflect.Pointer && v.IsNil() {
			return bad(i, "nil")
		}
		switch a := as[i].(type) {
		case *ActionOutput:
			p, ok := a.Port.To10()
			if !ok {
				return nil, err10(ET10BadAction, BAC10BadOutPort, "action %d: port %s does not fit 16 bits", i, a.Port)
			}
			if queued && (p < Port10Max || p == Port10InPort || p == Port10Local) {
				out = append(out, ActionEnqueue10{Port: p, QueueID: queue})
			} else {
				out = append(out, ActionOutput10{Port: p, MaxLen: a.MaxLen})
			}
		case *ActionSetQueue:
			queue, queued = a.QueueID, true
		case *ActionPushVLAN:
			// Only as the first half of a 1.0 set_vlan_*.
			if a.EtherType != 0x8100 || i+1 == len(as) || !isVLANSetField(as[i+1]) {
				return bad(i, "push_vlan has no OpenFlow 1.0 form")
			}
		case *ActionPopVLAN:
			out = append(out, ActionStripVLAN10{})
		case *ActionSetField:
			a10, err := setFieldTo10(&a.Field)
			if err != nil {
				return bad(i, "%v", err)
			}
			out = append(out, a10)
		case nil:
			return bad(i, "nil")
		default:
			return bad(i, "type %d has no OpenFlow 1.0 form", a.Type())
		}
	}
	return out, nil
}

// derefAction10 returns the value a pointer to a 1.0 action points to:
// the codec decodes actions as values, but a caller may build a list of
// pointers, which implement Action10 too.
func derefAction10(a Action10) Action10 {
	v := reflect.ValueOf(a)
	if v.Kind() != reflect.Pointer {
		return a
	}
	if v.IsNil() {
		return nil // a typed nil would panic in its value methods
	}
	if d, ok := v.Elem().Interface().(Action10); ok {
		return d
	}
	return a
}

func isVLANSetField(a Action) bool {
	sf, ok := a.(*ActionSetField)
	return ok && sf.Field.IsBasic() && (sf.Field.Field == OXMVlanVIDField || sf.Field.Field == OXMVlanPCPField)
}

// setFieldTo10 returns the 1.0 action that writes the field of a 1.3
// set-field.
func setFieldTo10(o *OXM) (Action10, error) {
	def, ok := basicField(o.Field)
	if !o.IsBasic() || !ok || o.HasMask || len(o.Value) != def.size {
		return nil, errNotIn10(o)
	}
	u := o.Uint()
	switch o.Field {
	case OXMVlanVIDField:
		return ActionSetVLANVID10{VLANVID: uint16(u) & 0x0fff}, nil
	case OXMVlanPCPField:
		return ActionSetVLANPCP10{VLANPCP: uint8(u) & 7}, nil
	case OXMEthSrcField:
		return ActionSetDLSrc10{Addr: MAC(o.Value)}, nil
	case OXMEthDstField:
		return ActionSetDLDst10{Addr: MAC(o.Value)}, nil
	case OXMIPv4SrcField:
		return ActionSetNWSrc10{Addr: IPv410(o.Value)}, nil
	case OXMIPv4DstField:
		return ActionSetNWDst10{Addr: IPv410(o.Value)}, nil
	case OXMIPDSCPField:
		return ActionSetNWTos10{NWTos: uint8(u) << 2}, nil
	case OXMTCPSrcField, OXMUDPSrcField, OXMSCTPSrcField:
		return ActionSetTPSrc10{Port: uint16(u)}, nil
	case OXMTCPDstField, OXMUDPDstField, OXMSCTPDstField:
		return ActionSetTPDst10{Port: uint16(u)}, nil
	}
	return nil, errNotIn10(o)
}

func errNotIn10(o *OXM) error {
	return err10(ET10BadAction, BAC10BadType, "set_field %s has no OpenFlow 1.0 form", o.String())
}
