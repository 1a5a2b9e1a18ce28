package ofp

// Flow text in the syntax of ovs-ofctl (ovs-ofctl(8) "Flow Syntax",
// ovs-fields(7), ovs-actions(7)) parsed into OpenFlow 1.3 messages:
// "priority=10,ip,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2".
// The match goes to OXM fields of the OpenFlow-basic class (spec 1.3.5
// §7.2.3.7, table 12), the actions to instructions (§7.2.4).

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseFlowError names the token of flow text that could not be parsed.
type ParseFlowError struct {
	Token string
	Err   error
}

func (e *ParseFlowError) Error() string { return fmt.Sprintf("%q: %v", e.Token, e.Err) }
func (e *ParseFlowError) Unwrap() error { return e.Err }

func tokErr(tok string, format string, args ...any) error {
	return &ParseFlowError{Token: tok, Err: fmt.Errorf(format, args...)}
}

// FlowSpec is flow text parsed: the flow-mod it describes, and which
// settings the text gave explicitly (ovs-ofctl defaults differ per command:
// a delete without table= means all tables).
type FlowSpec struct {
	FlowMod
	HasTable    bool
	HasPriority bool
	HasActions  bool
	HasCookie   bool
	// Warnings says which fields were left out because the flow lacks
	// their prerequisite (ovs-ofctl drops them the same way).
	Warnings []string
}

// ParseFlow parses flow text for a flow-mod of the given command
// (FlowAdd, FlowModify, ...). For FlowAdd "cookie=V" sets the cookie; for
// the other commands "cookie=V/M" selects flows by cookie. Actions are
// required for FlowAdd and FlowModify (ovs-ofctl: "must specify an
// action") and refused for deletes.
func ParseFlow(text string, command uint8) (*FlowSpec, error) {
	fs := &FlowSpec{FlowMod: FlowMod{
		Command:  command,
		Priority: DefaultPriority,
		BufferID: NoBuffer,
		OutPort:  PortAny,
		OutGroup: groupAny,
	}}
	text = strings.TrimSpace(text)
	matchText, actText, hasActions := cutActions(text)
	m := newMatchBuilder()
	for _, tok := range splitTop(matchText, true) {
		key, val, hasVal := strings.Cut(tok, "=")
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		if err := fs.setKey(m, tok, key, val, hasVal); err != nil {
			return nil, err
		}
	}
	match, err := m.build()
	if err != nil {
		return nil, err
	}
	fs.Match = match
	fs.Warnings = m.warnings
	del := command == FlowDelete || command == FlowDeleteStrict
	switch {
	case hasActions && del:
		return nil, tokErr("actions="+actText, "actions are not allowed when selecting flows to delete or dump")
	case !hasActions && !del:
		return nil, tokErr(text, "must specify an action")
	}
	if hasActions {
		fs.HasActions = true
		is, err := ParseInstructions(actText, fs.Match)
		if err != nil {
			return nil, err
		}
		fs.Instructions = is
	}
	if del && !fs.HasTable {
		fs.TableID = TableAll
	}
	// What a switch would refuse (a goto_table backwards, a set_field
	// whose prerequisites the match lacks) is refused here, as ovs-ofctl
	// does, rather than sent.
	if err := fs.FlowMod.Validate(); err != nil {
		tok := text
		if hasActions {
			tok = "actions=" + actText
		}
		return nil, &ParseFlowError{Token: tok, Err: err}
	}
	return fs, nil
}

// FlowStatsRequest returns the request that selects the flows of the
// spec, as ovs-ofctl dump-flows does: all tables unless table= was given.
func (fs *FlowSpec) FlowStatsRequest() *FlowStatsRequest {
	r := &FlowStatsRequest{TableID: TableAll, OutPort: fs.OutPort, OutGroup: fs.OutGroup,
		Cookie: fs.Cookie, CookieMask: fs.CookieMask, Match: fs.Match}
	if fs.HasTable {
		r.TableID = fs.TableID
	}
	return r
}

const groupAny uint32 = 0xffffffff // OFPG_ANY

// cutActions splits off "actions=..." which, as in ovs-ofctl, runs to the
// end of the text.
func cutActions(s string) (match, actions string, ok bool) {
	i := strings.Index(s, "actions=")
	if i < 0 {
		i = strings.Index(s, "actions:")
	}
	// "actions" must start a token, not end e.g. "no_actions=".
	for i > 0 && !isSep(s[i-1]) {
		j := strings.Index(s[i+1:], "actions=")
		if j < 0 {
			return s, "", false
		}
		i += 1 + j
	}
	if i < 0 {
		return s, "", false
	}
	return s[:i], strings.TrimSpace(s[i+len("actions="):]), true
}

func isSep(c byte) bool { return c == ',' || c == ' ' || c == '\t' }

// splitTop splits at commas (and, when spaces, at blanks) that are not
// inside parentheses; empty pieces are dropped.
func splitTop(s string, spaces bool) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case depth == 0 && (c == ',' || (spaces && (c == ' ' || c == '\t'))):
			if p := strings.TrimSpace(s[start:i]); p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	if p := strings.TrimSpace(s[start:]); p != "" {
		out = append(out, p)
	}
	return out
}

// setKey applies one "key=value" (or bare "key") token of the match part.
func (fs *FlowSpec) setKey(m *matchBuilder, tok, key, val string, hasVal bool) error {
	need := func() error {
		if !hasVal || val == "" {
			return tokErr(tok, "field %s requires a value", key)
		}
		return nil
	}
	flag := func(f uint16) error {
		if hasVal {
			return tokErr(tok, "%s takes no value", key)
		}
		fs.Flags |= f
		return nil
	}
	switch key {
	case "table":
		if err := need(); err != nil {
			return err
		}
		v, err := parseUint(val, 8)
		if err != nil || v == uint64(TableAll) && fs.Command == FlowAdd {
			return tokErr(tok, "table id must be 0 to 254")
		}
		fs.TableID, fs.HasTable = uint8(v), true
	case "priority":
		if err := need(); err != nil {
			return err
		}
		v, err := parseUint(val, 16)
		if err != nil {
			return tokErr(tok, "priority must be 0 to 65535")
		}
		fs.Priority, fs.HasPriority = uint16(v), true
	case "cookie":
		if err := need(); err != nil {
			return err
		}
		vs, ms, masked := strings.Cut(val, "/")
		v, err := parseUint(vs, 64)
		if err != nil {
			return tokErr(tok, "bad cookie: %v", err)
		}
		fs.Cookie, fs.HasCookie = v, true
		if masked {
			if fs.Command == FlowAdd {
				return tokErr(tok, "cannot set cookie mask when adding a flow")
			}
			mk, err := parseUint(ms, 64)
			if ms == "-1" { // ovs-ofctl's way of writing all ones
				mk, err = ^uint64(0), nil
			}
			if err != nil {
				return tokErr(tok, "bad cookie mask: %v", err)
			}
			fs.CookieMask = mk
		} else if fs.Command != FlowAdd {
			fs.CookieMask = ^uint64(0)
		}
	case "idle_timeout", "hard_timeout":
		if err := need(); err != nil {
			return err
		}
		v, err := parseUint(val, 16)
		if err != nil {
			return tokErr(tok, "%s must be 0 to 65535", key)
		}
		if key == "idle_timeout" {
			fs.IdleTimeout = uint16(v)
		} else {
			fs.HardTimeout = uint16(v)
		}
	case "out_port":
		if err := need(); err != nil {
			return err
		}
		p, err := ParsePort(val)
		if err != nil {
			return tokErr(tok, "%v", err)
		}
		fs.OutPort = p
	case "out_group":
		if err := need(); err != nil {
			return err
		}
		g, err := parseGroupID(val)
		if err != nil {
			return tokErr(tok, "%v", err)
		}
		fs.OutGroup = g
	case "buffer_id":
		if err := need(); err != nil {
			return err
		}
		v, err := parseUint(val, 32)
		if err != nil {
			return tokErr(tok, "bad buffer_id")
		}
		fs.BufferID = uint32(v)
	case "send_flow_rem":
		return flag(FlowSendFlowRem)
	case "check_overlap":
		return flag(FlowCheckOverlap)
	case "reset_counts":
		return flag(FlowResetCounts)
	case "no_packet_counts":
		return flag(FlowNoPktCounts)
	case "no_byte_counts":
		return flag(FlowNoBytCounts)
	default:
		if !hasVal {
			return m.shorthand(tok)
		}
		if val == "" {
			return tokErr(tok, "field %s requires a value", key)
		}
		return m.set(tok, key, val)
	}
	return nil
}

// parseUint reads a decimal or 0x-hex number of at most bitSize bits.
func parseUint(s string, bitSize int) (uint64, error) {
	return strconv.ParseUint(strings.TrimSpace(s), 0, bitSize)
}

// portNames are the reserved ports by their ovs-ofctl names (spec 1.3.5
// §7.2.1, enum ofp_port_no).
var portNames = map[string]PortNo{
	"IN_PORT": PortInPort, "TABLE": PortTable, "NORMAL": PortNormal, "FLOOD": PortFlood,
	"ALL": PortAll, "CONTROLLER": PortController, "LOCAL": PortLocal, "ANY": PortAny, "NONE": PortAny,
}

// ParsePort reads a port number or a reserved port name (LOCAL, ...).
func ParsePort(s string) (PortNo, error) {
	if p, ok := portNames[strings.ToUpper(s)]; ok {
		return p, nil
	}
	v, err := parseUint(s, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a port number or name", s)
	}
	// OpenFlow 1.0 numbers of the reserved ports (65528-65535) mean
	// those ports, as in ovs-ofctl.
	if v >= uint64(Port10InPort) && v <= 0xffff {
		return PortNo10(v).To13(), nil
	}
	return PortNo(v), nil
}

func parseGroupID(s string) (uint32, error) {
	switch strings.ToUpper(s) {
	case "ALL":
		return 0xfffffffc, nil
	case "ANY":
		return groupAny, nil
	}
	v, err := parseUint(s, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a group id", s)
	}
	return uint32(v), nil
}
