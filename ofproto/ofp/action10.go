package ofp

// OpenFlow 1.0 actions (spec 1.0.0 §5.2.4, enum ofp_action_type): a list
// of TLVs, each a multiple of 8 bytes, in flow-mod, packet-out and flow
// stats. Decoding validates as a switch must: lengths (OFPBAC_BAD_LEN),
// types (OFPBAC_BAD_TYPE), ports (OFPBAC_BAD_OUT_PORT) and argument
// values (OFPBAC_BAD_ARGUMENT).

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// OFPAT_* of OpenFlow 1.0.
const (
	AT10Output     uint16 = 0
	AT10SetVLANVID uint16 = 1
	AT10SetVLANPCP uint16 = 2
	AT10StripVLAN  uint16 = 3
	AT10SetDLSrc   uint16 = 4
	AT10SetDLDst   uint16 = 5
	AT10SetNWSrc   uint16 = 6
	AT10SetNWDst   uint16 = 7
	AT10SetNWTos   uint16 = 8
	AT10SetTPSrc   uint16 = 9
	AT10SetTPDst   uint16 = 10
	AT10Enqueue    uint16 = 11
	AT10Vendor     uint16 = 0xffff
)

var actionNames10 = map[uint16]string{
	AT10Output: "OFPAT_OUTPUT", AT10SetVLANVID: "OFPAT_SET_VLAN_VID", AT10SetVLANPCP: "OFPAT_SET_VLAN_PCP",
	AT10StripVLAN: "OFPAT_STRIP_VLAN", AT10SetDLSrc: "OFPAT_SET_DL_SRC", AT10SetDLDst: "OFPAT_SET_DL_DST",
	AT10SetNWSrc: "OFPAT_SET_NW_SRC", AT10SetNWDst: "OFPAT_SET_NW_DST", AT10SetNWTos: "OFPAT_SET_NW_TOS",
	AT10SetTPSrc: "OFPAT_SET_TP_SRC", AT10SetTPDst: "OFPAT_SET_TP_DST", AT10Enqueue: "OFPAT_ENQUEUE",
	AT10Vendor: "OFPAT_VENDOR",
}

// actionLen10 is each fixed-size action's length; vendor actions have
// their own.
var actionLen10 = map[uint16]int{
	AT10Output: 8, AT10SetVLANVID: 8, AT10SetVLANPCP: 8, AT10StripVLAN: 8,
	AT10SetDLSrc: 16, AT10SetDLDst: 16, AT10SetNWSrc: 8, AT10SetNWDst: 8,
	AT10SetNWTos: 8, AT10SetTPSrc: 8, AT10SetTPDst: 8, AT10Enqueue: 16,
}

// Action10 is one OpenFlow 1.0 action.
type Action10 interface {
	// Type10 returns the action's OFPAT_* number.
	Type10() uint16
	// appendArgs appends what follows the 4-byte type/length header.
	appendArgs(b []byte) []byte
	// format prints the action in ovs-ofctl's syntax.
	format() string
}

// ActionOutput10 sends the packet to Port; MaxLen bounds what goes to the
// controller when Port is OFPP_CONTROLLER.
type ActionOutput10 struct {
	Port   PortNo10 `json:"port"`
	MaxLen uint16   `json:"max_len"`
}

// ActionSetVLANVID10 sets the 802.1Q VLAN id (12 bits), adding a tag if
// there is none.
type ActionSetVLANVID10 struct {
	VLANVID uint16 `json:"vlan_vid"`
}

// ActionSetVLANPCP10 sets the 802.1Q priority (3 bits).
type ActionSetVLANPCP10 struct {
	VLANPCP uint8 `json:"vlan_pcp"`
}

// ActionStripVLAN10 removes the 802.1Q tag.
type ActionStripVLAN10 struct{}

// ActionSetDLSrc10 sets the Ethernet source address.
type ActionSetDLSrc10 struct {
	Addr MAC `json:"dl_addr"`
}

// ActionSetDLDst10 sets the Ethernet destination address.
type ActionSetDLDst10 struct {
	Addr MAC `json:"dl_addr"`
}

// ActionSetNWSrc10 sets the IPv4 source address.
type ActionSetNWSrc10 struct {
	Addr IPv410 `json:"nw_addr"`
}

// ActionSetNWDst10 sets the IPv4 destination address.
type ActionSetNWDst10 struct {
	Addr IPv410 `json:"nw_addr"`
}

// ActionSetNWTos10 sets the IP ToS; the spec takes the six DSCP bits, so
// the two low bits must be zero.
type ActionSetNWTos10 struct {
	NWTos uint8 `json:"nw_tos"`
}

// ActionSetTPSrc10 sets the TCP/UDP source port.
type ActionSetTPSrc10 struct {
	Port uint16 `json:"tp_port"`
}

// ActionSetTPDst10 sets the TCP/UDP destination port.
type ActionSetTPDst10 struct {
	Port uint16 `json:"tp_port"`
}

// ActionEnqueue10 sends the packet to queue QueueID of Port.
type ActionEnqueue10 struct {
	Port    PortNo10 `json:"port"`
	QueueID uint32   `json:"queue_id"`
}

// ActionVendor10 is a vendor action, kept opaque: Data is what follows the
// vendor id, padding included.
type ActionVendor10 struct {
	Vendor uint32 `json:"vendor"`
	Data   []byte `json:"data,omitempty"`
}

func (ActionOutput10) Type10() uint16     { return AT10Output }
func (ActionSetVLANVID10) Type10() uint16 { return AT10SetVLANVID }
func (ActionSetVLANPCP10) Type10() uint16 { return AT10SetVLANPCP }
func (ActionStripVLAN10) Type10() uint16  { return AT10StripVLAN }
func (ActionSetDLSrc10) Type10() uint16   { return AT10SetDLSrc }
func (ActionSetDLDst10) Type10() uint16   { return AT10SetDLDst }
func (ActionSetNWSrc10) Type10() uint16   { return AT10SetNWSrc }
func (ActionSetNWDst10) Type10() uint16   { return AT10SetNWDst }
func (ActionSetNWTos10) Type10() uint16   { return AT10SetNWTos }
func (ActionSetTPSrc10) Type10() uint16   { return AT10SetTPSrc }
func (ActionSetTPDst10) Type10() uint16   { return AT10SetTPDst }
func (ActionEnqueue10) Type10() uint16    { return AT10Enqueue }
func (ActionVendor10) Type10() uint16     { return AT10Vendor }

func (a ActionOutput10) appendArgs(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(a.Port))
	return binary.BigEndian.AppendUint16(b, a.MaxLen)
}
func (a ActionSetVLANVID10) appendArgs(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.VLANVID), 0, 0)
}
func (a ActionSetVLANPCP10) appendArgs(b []byte) []byte { return append(b, a.VLANPCP, 0, 0, 0) }
func (ActionStripVLAN10) appendArgs(b []byte) []byte    { return append(b, 0, 0, 0, 0) }
func (a ActionSetDLSrc10) appendArgs(b []byte) []byte {
	return append(append(b, a.Addr[:]...), 0, 0, 0, 0, 0, 0)
}
func (a ActionSetDLDst10) appendArgs(b []byte) []byte {
	return append(append(b, a.Addr[:]...), 0, 0, 0, 0, 0, 0)
}
func (a ActionSetNWSrc10) appendArgs(b []byte) []byte { return append(b, a.Addr[:]...) }
func (a ActionSetNWDst10) appendArgs(b []byte) []byte { return append(b, a.Addr[:]...) }
func (a ActionSetNWTos10) appendArgs(b []byte) []byte { return append(b, a.NWTos, 0, 0, 0) }
func (a ActionSetTPSrc10) appendArgs(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.Port), 0, 0)
}
func (a ActionSetTPDst10) appendArgs(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.Port), 0, 0)
}
func (a ActionEnqueue10) appendArgs(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(a.Port))
	b = appendZeros(b, 6)
	return binary.BigEndian.AppendUint32(b, a.QueueID)
}
func (a ActionVendor10) appendArgs(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, a.Vendor), a.Data...)
}

func (a ActionOutput10) format() string {
	switch {
	case a.Port < Port10Max:
		return fmt.Sprintf("output:%d", a.Port)
	case a.Port == Port10Controller:
		return fmt.Sprintf("CONTROLLER:%d", a.MaxLen)
	}
	return a.Port.String()
}
func (a ActionSetVLANVID10) format() string { return fmt.Sprintf("mod_vlan_vid:%d", a.VLANVID) }
func (a ActionSetVLANPCP10) format() string { return fmt.Sprintf("mod_vlan_pcp:%d", a.VLANPCP) }
func (ActionStripVLAN10) format() string    { return "strip_vlan" }
func (a ActionSetDLSrc10) format() string   { return "mod_dl_src:" + a.Addr.String() }
func (a ActionSetDLDst10) format() string   { return "mod_dl_dst:" + a.Addr.String() }
func (a ActionSetNWSrc10) format() string   { return "mod_nw_src:" + a.Addr.String() }
func (a ActionSetNWDst10) format() string   { return "mod_nw_dst:" + a.Addr.String() }
func (a ActionSetNWTos10) format() string   { return fmt.Sprintf("mod_nw_tos:%d", a.NWTos) }
func (a ActionSetTPSrc10) format() string   { return fmt.Sprintf("mod_tp_src:%d", a.Port) }
func (a ActionSetTPDst10) format() string   { return fmt.Sprintf("mod_tp_dst:%d", a.Port) }
func (a ActionEnqueue10) format() string {
	return fmt.Sprintf("enqueue:%s:%d", a.Port.String(), a.QueueID)
}
func (a ActionVendor10) format() string {
	return fmt.Sprintf("vendor(0x%08x,%d bytes)", a.Vendor, len(a.Data))
}

// Actions10 is an action list. It encodes to JSON as objects tagged with
// their OFPAT_* name.
type Actions10 []Action10

// MarshalJSON tags each action with its type: {"type":"OFPAT_OUTPUT",...}.
func (as Actions10) MarshalJSON() ([]byte, error) {
	out := make([]json.RawMessage, 0, len(as))
	for _, a := range as {
		if a == nil {
			return nil, fmt.Errorf("nil action")
		}
		fields, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		s := fmt.Sprintf(`{"type":%q`, actionNames10[a.Type10()])
		if len(fields) > 2 {
			s += "," + string(fields[1:])
		} else {
			s += "}"
		}
		out = append(out, json.RawMessage(s))
	}
	return json.Marshal(out)
}

func (as Actions10) String() string { return formatActions10(as) }

// formatActions10 prints an action list as ovs-ofctl does
// ("output:2,mod_vlan_vid:10,strip_vlan"); an empty list is "drop".
func formatActions10(as []Action10) string {
	if len(as) == 0 {
		return "drop"
	}
	s := make([]string, len(as))
	for i, a := range as {
		if a == nil {
			s[i] = "***nil action***"
			continue
		}
		s[i] = a.format()
	}
	return strings.Join(s, ",")
}

// actionsLen10 returns the wire length of an action list.
func actionsLen10(as []Action10) int {
	n := 0
	for _, a := range as {
		if a != nil {
			n += actionWireLen10(a)
		}
	}
	return n
}

func actionWireLen10(a Action10) int {
	if v, ok := a.(ActionVendor10); ok {
		return 8 + len(v.Data)
	}
	if v, ok := a.(*ActionVendor10); ok {
		return 8 + len(v.Data)
	}
	return actionLen10[a.Type10()]
}

// appendActions10 encodes an action list. A vendor action whose data does
// not pad it to a multiple of 8 bytes, or that exceeds the 16-bit length,
// cannot be encoded.
func appendActions10(b []byte, as []Action10) ([]byte, error) {
	for _, a := range as {
		if a == nil {
			return b, fmt.Errorf("nil action")
		}
		n := actionWireLen10(a)
		if n%8 != 0 || n > 0xfff8 {
			return b, fmt.Errorf("%s action of %d bytes is not a multiple of 8", actionNames10[a.Type10()], n)
		}
		b = binary.BigEndian.AppendUint16(b, a.Type10())
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = a.appendArgs(b)
	}
	return b, nil
}

// MarshalActions10 encodes an action list.
func MarshalActions10(as []Action10) ([]byte, error) { return appendActions10(nil, as) }

// UnmarshalActions10 decodes and validates an action list that fills b.
func UnmarshalActions10(b []byte) ([]Action10, error) {
	var as []Action10
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errf(ET10BadAction, BAC10BadLen, "action: %d trailing bytes", len(b))
		}
		t := binary.BigEndian.Uint16(b[0:2])
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, errf(ET10BadAction, BAC10BadLen, "action type %d: length %d with %d bytes left", t, n, len(b))
		}
		a, err := decodeAction10(t, b[:n])
		if err != nil {
			return nil, err
		}
		as = append(as, a)
		b = b[n:]
	}
	return as, nil
}

// decodeAction10 decodes one action whose length has been checked to be a
// multiple of 8 within the buffer.
func decodeAction10(t uint16, b []byte) (Action10, error) {
	if t == AT10Vendor {
		return ActionVendor10{Vendor: binary.BigEndian.Uint32(b[4:8]), Data: cloneBytes(b[8:])}, nil
	}
	want, ok := actionLen10[t]
	if !ok {
		return nil, errf(ET10BadAction, BAC10BadType, "unknown action type %d", t)
	}
	if len(b) != want {
		return nil, errf(ET10BadAction, BAC10BadLen, "%s: length %d, want %d", actionNames10[t], len(b), want)
	}
	u16 := binary.BigEndian.Uint16(b[4:6])
	switch t {
	case AT10Output:
		p := PortNo10(u16)
		if !validOutPort10(p) {
			return nil, errf(ET10BadAction, BAC10BadOutPort, "output to port %s", p)
		}
		return ActionOutput10{Port: p, MaxLen: binary.BigEndian.Uint16(b[6:8])}, nil
	case AT10SetVLANVID:
		if u16 > 0x0fff {
			return nil, errf(ET10BadAction, BAC10BadArgument, "set_vlan_vid %d exceeds 12 bits", u16)
		}
		return ActionSetVLANVID10{VLANVID: u16}, nil
	case AT10SetVLANPCP:
		if b[4] > 7 {
			return nil, errf(ET10BadAction, BAC10BadArgument, "set_vlan_pcp %d exceeds 3 bits", b[4])
		}
		return ActionSetVLANPCP10{VLANPCP: b[4]}, nil
	case AT10StripVLAN:
		return ActionStripVLAN10{}, nil
	case AT10SetDLSrc:
		return ActionSetDLSrc10{Addr: MAC(b[4:10])}, nil
	case AT10SetDLDst:
		return ActionSetDLDst10{Addr: MAC(b[4:10])}, nil
	case AT10SetNWSrc:
		return ActionSetNWSrc10{Addr: IPv410(b[4:8])}, nil
	case AT10SetNWDst:
		return ActionSetNWDst10{Addr: IPv410(b[4:8])}, nil
	case AT10SetNWTos:
		if b[4]&0x03 != 0 {
			return nil, errf(ET10BadAction, BAC10BadArgument, "set_nw_tos 0x%02x sets the ECN bits", b[4])
		}
		return ActionSetNWTos10{NWTos: b[4]}, nil
	case AT10SetTPSrc:
		return ActionSetTPSrc10{Port: u16}, nil
	case AT10SetTPDst:
		return ActionSetTPDst10{Port: u16}, nil
	case AT10Enqueue:
		p := PortNo10(u16)
		if p >= Port10Max && p != Port10InPort && p != Port10Local {
			return nil, errf(ET10BadAction, BAC10BadOutPort, "enqueue on port %s", p)
		}
		return ActionEnqueue10{Port: p, QueueID: binary.BigEndian.Uint32(b[12:16])}, nil
	}
	return nil, errf(ET10BadAction, BAC10BadType, "unknown action type %d", t)
}

// validOutPort10 says whether an output action may name p: a physical
// port or a reserved port other than OFPP_NONE (spec 1.0.0 §5.2.1).
func validOutPort10(p PortNo10) bool {
	return p < Port10Max || (p >= Port10InPort && p != Port10None)
}
