package ofp

// OpenFlow 1.3 actions (spec 1.3.5 §7.2.5, enum ofp_action_type): one Go
// type per action, decoding with the OFPBAC_* errors of §7.4.4, and
// encoding.

import (
	"encoding/binary"
	"fmt"
)

// ActionType is ofp_action_type.
type ActionType uint16

// OpenFlow 1.3 action types (OFPAT_*).
const (
	ATOutput       ActionType = 0
	ATCopyTTLOut   ActionType = 11
	ATCopyTTLIn    ActionType = 12
	ATSetMPLSTTL   ActionType = 15
	ATDecMPLSTTL   ActionType = 16
	ATPushVLAN     ActionType = 17
	ATPopVLAN      ActionType = 18
	ATPushMPLS     ActionType = 19
	ATPopMPLS      ActionType = 20
	ATSetQueue     ActionType = 21
	ATGroup        ActionType = 22
	ATSetNwTTL     ActionType = 23
	ATDecNwTTL     ActionType = 24
	ATSetField     ActionType = 25
	ATPushPBB      ActionType = 26
	ATPopPBB       ActionType = 27
	ATExperimenter ActionType = 0xffff
)

// OFPCML_NO_BUFFER: output to the controller sends the whole packet.
const ControllerMaxLenNoBuffer uint16 = 0xffff

// Action is one OpenFlow 1.3 action. The concrete types are the Action*
// structs of this file, used by pointer.
type Action interface {
	// Type returns the OFPAT_* number.
	Type() ActionType
	// bodyLen is the wire length after the 4-byte type/length header.
	bodyLen() int
	// appendBody appends the bytes after the header (padding included).
	appendBody(b []byte) []byte
	// format prints the action as ovs-ofctl does.
	format() string
}

// ActionOutput sends the packet to Port; MaxLen bytes go to the controller
// for OFPP_CONTROLLER (OFPCML_NO_BUFFER: all of it).
type ActionOutput struct {
	Port   PortNo `json:"port"`
	MaxLen uint16 `json:"max_len"`
}

// ActionCopyTTLOut copies the TTL outwards (next-to-outermost to outermost).
type ActionCopyTTLOut struct{}

// ActionCopyTTLIn copies the TTL inwards (outermost to next-to-outermost).
type ActionCopyTTLIn struct{}

// ActionSetMPLSTTL sets the MPLS TTL.
type ActionSetMPLSTTL struct {
	TTL uint8 `json:"mpls_ttl"`
}

// ActionDecMPLSTTL decrements the MPLS TTL.
type ActionDecMPLSTTL struct{}

// ActionPushVLAN pushes a VLAN tag of the given TPID (0x8100 or 0x88a8).
type ActionPushVLAN struct {
	EtherType uint16 `json:"ethertype"`
}

// ActionPopVLAN pops the outer VLAN tag.
type ActionPopVLAN struct{}

// ActionPushMPLS pushes an MPLS label stack entry (0x8847 or 0x8848).
type ActionPushMPLS struct {
	EtherType uint16 `json:"ethertype"`
}

// ActionPopMPLS pops the outer MPLS entry; EtherType is the payload's.
type ActionPopMPLS struct {
	EtherType uint16 `json:"ethertype"`
}

// ActionSetQueue sets the output queue.
type ActionSetQueue struct {
	QueueID uint32 `json:"queue_id"`
}

// ActionGroup processes the packet through a group.
type ActionGroup struct {
	GroupID uint32 `json:"group_id"`
}

// ActionSetNwTTL sets the IP TTL.
type ActionSetNwTTL struct {
	TTL uint8 `json:"nw_ttl"`
}

// ActionDecNwTTL decrements the IP TTL.
type ActionDecNwTTL struct{}

// ActionSetField sets a header field; Field is one OXM TLV without mask.
type ActionSetField struct {
	Field OXM `json:"field"`
}

// ActionPushPBB pushes a PBB service tag (0x88e7).
type ActionPushPBB struct {
	EtherType uint16 `json:"ethertype"`
}

// ActionPopPBB pops the outer PBB service tag.
type ActionPopPBB struct{}

// ActionExperimenter is an experimenter action, kept opaque: Data is what
// follows the experimenter id, padding included.
type ActionExperimenter struct {
	Experimenter uint32 `json:"experimenter"`
	Data         []byte `json:"data,omitempty"`
}

func (*ActionOutput) Type() ActionType       { return ATOutput }
func (*ActionCopyTTLOut) Type() ActionType   { return ATCopyTTLOut }
func (*ActionCopyTTLIn) Type() ActionType    { return ATCopyTTLIn }
func (*ActionSetMPLSTTL) Type() ActionType   { return ATSetMPLSTTL }
func (*ActionDecMPLSTTL) Type() ActionType   { return ATDecMPLSTTL }
func (*ActionPushVLAN) Type() ActionType     { return ATPushVLAN }
func (*ActionPopVLAN) Type() ActionType      { return ATPopVLAN }
func (*ActionPushMPLS) Type() ActionType     { return ATPushMPLS }
func (*ActionPopMPLS) Type() ActionType      { return ATPopMPLS }
func (*ActionSetQueue) Type() ActionType     { return ATSetQueue }
func (*ActionGroup) Type() ActionType        { return ATGroup }
func (*ActionSetNwTTL) Type() ActionType     { return ATSetNwTTL }
func (*ActionDecNwTTL) Type() ActionType     { return ATDecNwTTL }
func (*ActionSetField) Type() ActionType     { return ATSetField }
func (*ActionPushPBB) Type() ActionType      { return ATPushPBB }
func (*ActionPopPBB) Type() ActionType       { return ATPopPBB }
func (*ActionExperimenter) Type() ActionType { return ATExperimenter }

// Fixed-size actions: header + 4 bytes (ofp_action_header's pad, or a
// 16/32-bit argument and padding), except output (16 bytes).
func (*ActionOutput) bodyLen() int         { return 12 }
func (*ActionCopyTTLOut) bodyLen() int     { return 4 }
func (*ActionCopyTTLIn) bodyLen() int      { return 4 }
func (*ActionSetMPLSTTL) bodyLen() int     { return 4 }
func (*ActionDecMPLSTTL) bodyLen() int     { return 4 }
func (*ActionPushVLAN) bodyLen() int       { return 4 }
func (*ActionPopVLAN) bodyLen() int        { return 4 }
func (*ActionPushMPLS) bodyLen() int       { return 4 }
func (*ActionPopMPLS) bodyLen() int        { return 4 }
func (*ActionSetQueue) bodyLen() int       { return 4 }
func (*ActionGroup) bodyLen() int          { return 4 }
func (*ActionSetNwTTL) bodyLen() int       { return 4 }
func (*ActionDecNwTTL) bodyLen() int       { return 4 }
func (*ActionPushPBB) bodyLen() int        { return 4 }
func (*ActionPopPBB) bodyLen() int         { return 4 }
func (a *ActionExperimenter) bodyLen() int { return 4 + len(a.Data) }

// set_field: the TLV, then padding to make the whole action a multiple of 8.
func (a *ActionSetField) bodyLen() int {
	n := 4 + a.Field.wireLen()
	return n + pad8(n) - 4
}

func (a *ActionOutput) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(a.Port))
	b = binary.BigEndian.AppendUint16(b, a.MaxLen)
	return appendZeros(b, 6)
}
func appendPad4(b []byte) []byte                       { return append(b, 0, 0, 0, 0) }
func (*ActionCopyTTLOut) appendBody(b []byte) []byte   { return appendPad4(b) }
func (*ActionCopyTTLIn) appendBody(b []byte) []byte    { return appendPad4(b) }
func (a *ActionSetMPLSTTL) appendBody(b []byte) []byte { return append(b, a.TTL, 0, 0, 0) }
func (*ActionDecMPLSTTL) appendBody(b []byte) []byte   { return appendPad4(b) }
func appendEtherType(b []byte, t uint16) []byte {
	return append(binary.BigEndian.AppendUint16(b, t), 0, 0)
}
func (a *ActionPushVLAN) appendBody(b []byte) []byte { return appendEtherType(b, a.EtherType) }
func (*ActionPopVLAN) appendBody(b []byte) []byte    { return appendPad4(b) }
func (a *ActionPushMPLS) appendBody(b []byte) []byte { return appendEtherType(b, a.EtherType) }
func (a *ActionPopMPLS) appendBody(b []byte) []byte  { return appendEtherType(b, a.EtherType) }
func (a *ActionSetQueue) appendBody(b []byte) []byte {
	return binary.BigEndian.AppendUint32(b, a.QueueID)
}
func (a *ActionGroup) appendBody(b []byte) []byte    { return binary.BigEndian.AppendUint32(b, a.GroupID) }
func (a *ActionSetNwTTL) appendBody(b []byte) []byte { return append(b, a.TTL, 0, 0, 0) }
func (*ActionDecNwTTL) appendBody(b []byte) []byte   { return appendPad4(b) }
func (a *ActionPushPBB) appendBody(b []byte) []byte  { return appendEtherType(b, a.EtherType) }
func (*ActionPopPBB) appendBody(b []byte) []byte     { return appendPad4(b) }
func (a *ActionExperimenter) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, a.Experimenter), a.Data...)
}
func (a *ActionSetField) appendBody(b []byte) []byte {
	b = a.Field.appendTo(b)
	return appendPad8(b, 4+a.Field.wireLen())
}

// actionsLen is the wire size of an action list.
func actionsLen(as []Action) int {
	n := 0
	for _, a := range as {
		n += 4 + a.bodyLen()
	}
	return n
}

// appendActions appends an action list. It fails on an action that cannot
// be encoded (a nil action, a set-field TLV longer than 255 bytes, an
// experimenter action whose length is not a multiple of 8).
func appendActions(b []byte, as []Action) ([]byte, error) {
	for _, a := range as {
		if a == nil {
			return b, fmt.Errorf("nil action")
		}
		n := 4 + a.bodyLen()
		if n%8 != 0 || n > 0xffff {
			return b, fmt.Errorf("action %d: length %d is not a multiple of 8 or too long", a.Type(), n)
		}
		if sf, ok := a.(*ActionSetField); ok {
			if err := sf.Field.checkEncodable(); err != nil {
				return b, fmt.Errorf("set_field: %w", err)
			}
		}
		b = binary.BigEndian.AppendUint16(b, uint16(a.Type()))
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = a.appendBody(b)
	}
	return b, nil
}

// decodeActions decodes a whole action list (spec 1.3.5 §7.2.5). Every
// action must be at least 8 bytes, a multiple of 8 and inside b
// (OFPBAC_BAD_LEN), of a known type (OFPBAC_BAD_TYPE) and of its type's
// size (OFPBAC_BAD_LEN). A set-field action must carry one TLV that fills
// it up to its padding (OFPBAC_BAD_SET_LEN); what the TLV says is checked
// by ValidateActions.
func decodeActions(b []byte) ([]Action, error) {
	if len(b) == 0 {
		return nil, nil
	}
	n, nOut := countActions(b)
	as := make([]Action, 0, n)
	// Output actions, the commonest, share one allocation.
	var outs []ActionOutput
	if nOut > 0 {
		outs = make([]ActionOutput, 0, nOut)
	}
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errf(ETBadAction, BACBadLen, "action: %d bytes left, need 8", len(b))
		}
		t := ActionType(binary.BigEndian.Uint16(b[0:2]))
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, errf(ETBadAction, BACBadLen, "action type %d: length %d (%d bytes left)", t, n, len(b))
		}
		if t == ATOutput && n == 16 && len(outs) < cap(outs) {
			outs = append(outs, ActionOutput{Port: PortNo(binary.BigEndian.Uint32(b[4:8])), MaxLen: binary.BigEndian.Uint16(b[8:10])})
			as = append(as, &outs[len(outs)-1])
			b = b[n:]
			continue
		}
		a, err := decodeAction(t, b[4:n])
		if err != nil {
			return nil, err
		}
		as = append(as, a)
		b = b[n:]
	}
	return as, nil
}

// countActions counts the well-framed actions at the start of b, and the
// output actions among them, so that lists are allocated once.
func countActions(b []byte) (n, outputs int) {
	for len(b) >= 8 {
		l := int(binary.BigEndian.Uint16(b[2:4]))
		if l < 8 || l > len(b) {
			break
		}
		if binary.BigEndian.Uint16(b[0:2]) == uint16(ATOutput) && l == 16 {
			outputs++
		}
		n++
		b = b[l:]
	}
	return n, outputs
}

// decodeAction decodes the body (after type and length) of one action.
func decodeAction(t ActionType, p []byte) (Action, error) {
	fixed := func(want int) error {
		if len(p) != want {
			return errf(ETBadAction, BACBadLen, "action type %d: length %d, want %d", t, len(p)+4, want+4)
		}
		return nil
	}
	u16 := func() uint16 { return binary.BigEndian.Uint16(p[0:2]) }
	u32 := func() uint32 { return binary.BigEndian.Uint32(p[0:4]) }
	var a Action
	switch t {
	case ATOutput:
		if err := fixed(12); err != nil {
			return nil, err
		}
		return &ActionOutput{Port: PortNo(u32()), MaxLen: binary.BigEndian.Uint16(p[4:6])}, nil
	case ATSetField:
		return decodeSetField(p)
	case ATExperimenter:
		// n >= 8 was checked: the experimenter id is there.
		return &ActionExperimenter{Experimenter: u32(), Data: cloneBytes(p[4:])}, nil
	case ATCopyTTLOut:
		a = &ActionCopyTTLOut{}
	case ATCopyTTLIn:
		a = &ActionCopyTTLIn{}
	case ATSetMPLSTTL:
		a = &ActionSetMPLSTTL{TTL: p[0]}
	case ATDecMPLSTTL:
		a = &ActionDecMPLSTTL{}
	case ATPushVLAN:
		a = &ActionPushVLAN{EtherType: u16()}
	case ATPopVLAN:
		a = &ActionPopVLAN{}
	case ATPushMPLS:
		a = &ActionPushMPLS{EtherType: u16()}
	case ATPopMPLS:
		a = &ActionPopMPLS{EtherType: u16()}
	case ATSetQueue:
		a = &ActionSetQueue{QueueID: u32()}
	case ATGroup:
		a = &ActionGroup{GroupID: u32()}
	case ATSetNwTTL:
		a = &ActionSetNwTTL{TTL: p[0]}
	case ATDecNwTTL:
		a = &ActionDecNwTTL{}
	case ATPushPBB:
		a = &ActionPushPBB{EtherType: u16()}
	case ATPopPBB:
		a = &ActionPopPBB{}
	default:
		return nil, errf(ETBadAction, BACBadType, "unknown action type %d", t)
	}
	// Every remaining type is the 8-byte header-plus-argument form.
	if err := fixed(4); err != nil {
		return nil, err
	}
	return a, nil
}

// decodeSetField decodes the body of an OFPAT_SET_FIELD: one TLV and at
// most 7 bytes of zero padding (§7.2.5: "padded to a multiple of 8").
func decodeSetField(p []byte) (Action, error) {
	var o OXM
	k, err := decodeOXM(p, &o)
	if err != nil {
		return nil, errf(ETBadAction, BACBadSetLen, "set_field: %s", err.(*Error).Reason)
	}
	if len(p)-k != pad8(4+k) {
		return nil, errf(ETBadAction, BACBadSetLen, "set_field: %d-byte TLV in a %d-byte action", k, len(p)+4)
	}
	// One allocation holds the action and, for all but the longest
	// fields, its TLV.
	sf := new(struct {
		ActionSetField
		buf [40]byte
	})
	own := append(sf.buf[:0], p[:k]...)
	decodeOXM(own, &sf.Field)
	return &sf.ActionSetField, nil
}

// ValidateActions checks what decoding leaves to the switch (spec 1.3.5
// §7.2.5, §7.4.4): output ports must be a valid port or one of the
// reserved ports an output may name (OFPBAC_BAD_OUT_PORT); a group id
// must not be OFPG_ANY or OFPG_ALL (OFPBAC_BAD_OUT_GROUP); push ethertypes
// must be the spec's (OFPBAC_BAD_ARGUMENT); a set-field TLV must be a
// known OpenFlow-basic field (OFPBAC_BAD_SET_TYPE) of the field's length
// (OFPBAC_BAD_SET_LEN), unmasked, writable and with a valid value
// (OFPBAC_BAD_SET_ARGUMENT; vlan_vid must carry OFPVID_PRESENT).
func ValidateActions(as []Action) error {
	for _, a := range as {
		switch a := a.(type) {
		case nil:
			return errf(ETBadAction, BACBadType, "nil action")
		case *ActionOutput:
			if a.Port == 0 || (a.Port > PortMax && a.Port < PortInPort) || a.Port == PortAny {
				return errf(ETBadAction, BACBadOutPort, "output to port %s", a.Port)
			}
		case *ActionGroup:
			if a.GroupID > GroupMax {
				return errf(ETBadAction, BACBadOutGroup, "group %#x is not a group id", a.GroupID)
			}
		case *ActionPushVLAN:
			if a.EtherType != 0x8100 && a.EtherType != 0x88a8 {
				return errf(ETBadAction, BACBadArgument, "push_vlan ethertype %#04x", a.EtherType)
			}
		case *ActionPushMPLS:
			if a.EtherType != 0x8847 && a.EtherType != 0x8848 {
				return errf(ETBadAction, BACBadArgument, "push_mpls ethertype %#04x", a.EtherType)
			}
		case *ActionPushPBB:
			if a.EtherType != 0x88e7 {
				return errf(ETBadAction, BACBadArgument, "push_pbb ethertype %#04x", a.EtherType)
			}
		case *ActionSetField:
			if err := validateBasicOXM(&a.Field, true); err != nil {
				return err
			}
		}
	}
	return nil
}
