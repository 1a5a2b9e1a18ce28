package ofp

// OpenFlow 1.3 instructions (spec 1.3.5 §7.2.4, enum ofp_instruction_type)
// with the OFPBIC_* errors of §7.4.4.

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// InstructionType is ofp_instruction_type.
type InstructionType uint16

// OpenFlow 1.3 instruction types (OFPIT_*).
const (
	ITGotoTable     InstructionType = 1
	ITWriteMetadata InstructionType = 2
	ITWriteActions  InstructionType = 3
	ITApplyActions  InstructionType = 4
	ITClearActions  InstructionType = 5
	ITMeter         InstructionType = 6
	ITExperimenter  InstructionType = 0xffff
)

// OFPTT_MAX and OFPTT_ALL: the last usable table id and the wildcard.
const (
	TableMax uint8 = 0xfe
	TableAll uint8 = 0xff
)

// Instruction is one OpenFlow 1.3 instruction; the concrete types are the
// Inst* structs of this file, used by pointer.
type Instruction interface {
	// Type returns the OFPIT_* number.
	Type() InstructionType
	// wireLen is the whole instruction's length, header included.
	wireLen() int
	// appendBody appends what follows the 4-byte type/length header.
	appendBody(b []byte) ([]byte, error)
}

// InstGotoTable continues processing at table TableID.
type InstGotoTable struct {
	TableID uint8 `json:"table_id"`
}

// InstWriteMetadata writes Metadata under Mask into the metadata field.
type InstWriteMetadata struct {
	Metadata uint64 `json:"metadata"`
	Mask     uint64 `json:"metadata_mask"`
}

// InstWriteActions merges Actions into the action set.
type InstWriteActions struct {
	Actions []Action `json:"actions"`
}

// InstApplyActions applies Actions at once.
type InstApplyActions struct {
	Actions []Action `json:"actions"`
}

// InstClearActions clears the action set.
type InstClearActions struct{}

// InstMeter directs the packet to meter MeterID.
type InstMeter struct {
	MeterID uint32 `json:"meter_id"`
}

// InstExperimenter is an experimenter instruction, kept opaque: Data is
// what follows the experimenter id.
type InstExperimenter struct {
	Experimenter uint32 `json:"experimenter"`
	Data         []byte `json:"data,omitempty"`
}

func (*InstGotoTable) Type() InstructionType     { return ITGotoTable }
func (*InstWriteMetadata) Type() InstructionType { return ITWriteMetadata }
func (*InstWriteActions) Type() InstructionType  { return ITWriteActions }
func (*InstApplyActions) Type() InstructionType  { return ITApplyActions }
func (*InstClearActions) Type() InstructionType  { return ITClearActions }
func (*InstMeter) Type() InstructionType         { return ITMeter }
func (*InstExperimenter) Type() InstructionType  { return ITExperimenter }

func (*InstGotoTable) wireLen() int      { return 8 }
func (*InstWriteMetadata) wireLen() int  { return 24 }
func (i *InstWriteActions) wireLen() int { return 8 + actionsLen(i.Actions) }
func (i *InstApplyActions) wireLen() int { return 8 + actionsLen(i.Actions) }
func (*InstClearActions) wireLen() int   { return 8 }
func (*InstMeter) wireLen() int          { return 8 }
func (i *InstExperimenter) wireLen() int { return 8 + len(i.Data) }

func (i *InstGotoTable) appendBody(b []byte) ([]byte, error) {
	return append(b, i.TableID, 0, 0, 0), nil
}
func (i *InstWriteMetadata) appendBody(b []byte) ([]byte, error) {
	b = appendPad4(b)
	b = binary.BigEndian.AppendUint64(b, i.Metadata)
	return binary.BigEndian.AppendUint64(b, i.Mask), nil
}
func (i *InstWriteActions) appendBody(b []byte) ([]byte, error) {
	return appendActions(appendPad4(b), i.Actions)
}
func (i *InstApplyActions) appendBody(b []byte) ([]byte, error) {
	return appendActions(appendPad4(b), i.Actions)
}
func (*InstClearActions) appendBody(b []byte) ([]byte, error) { return appendPad4(b), nil }
func (i *InstMeter) appendBody(b []byte) ([]byte, error) {
	return binary.BigEndian.AppendUint32(b, i.MeterID), nil
}
func (i *InstExperimenter) appendBody(b []byte) ([]byte, error) {
	return append(binary.BigEndian.AppendUint32(b, i.Experimenter), i.Data...), nil
}

// AppendInstructions appends the wire form of an instruction list (as in a
// flow-mod): two lists with the same bytes are the same instructions.
func AppendInstructions(b []byte, is []Instruction) ([]byte, error) { return appendInstructions(b, is) }

// appendInstructions appends an instruction list.
func appendInstructions(b []byte, is []Instruction) ([]byte, error) {
	for _, in := range is {
		if in == nil {
			return b, fmt.Errorf("nil instruction")
		}
		n := in.wireLen()
		if n%8 != 0 || n > 0xffff {
			return b, fmt.Errorf("instruction %d: length %d is not a multiple of 8 or too long", in.Type(), n)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(in.Type()))
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		var err error
		if b, err = in.appendBody(b); err != nil {
			return b, err
		}
	}
	return b, nil
}

// decodeInstructions decodes a whole instruction list (spec 1.3.5 §7.2.4).
// Every instruction must be at least 8 bytes, a multiple of 8, inside b
// and of its type's size (OFPBIC_BAD_LEN) and of a known type
// (OFPBIC_UNKNOWN_INST); the actions inside write/apply-actions decode as
// decodeActions does, with its OFPBAC_* errors.
func decodeInstructions(b []byte) ([]Instruction, error) {
	if len(b) == 0 {
		return nil, nil
	}
	n, _ := countActions(b) // instructions are framed as actions are
	is := make([]Instruction, 0, n)
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errf(ETBadInstruction, BICBadLen, "instruction: %d bytes left, need 8", len(b))
		}
		t := InstructionType(binary.BigEndian.Uint16(b[0:2]))
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, errf(ETBadInstruction, BICBadLen, "instruction type %d: length %d (%d bytes left)", t, n, len(b))
		}
		p := b[4:n]
		fixed := func(want int) error {
			if n != want {
				return errf(ETBadInstruction, BICBadLen, "instruction type %d: length %d, want %d", t, n, want)
			}
			return nil
		}
		var in Instruction
		var err error
		switch t {
		case ITGotoTable:
			err = fixed(8)
			in = &InstGotoTable{TableID: p[0]}
		case ITWriteMetadata:
			if err = fixed(24); err == nil {
				in = &InstWriteMetadata{Metadata: binary.BigEndian.Uint64(p[4:12]), Mask: binary.BigEndian.Uint64(p[12:20])}
			}
		case ITWriteActions, ITApplyActions:
			var as []Action
			if as, err = decodeActions(p[4:]); err == nil {
				if t == ITWriteActions {
					in = &InstWriteActions{Actions: as}
				} else {
					in = &InstApplyActions{Actions: as}
				}
			}
		case ITClearActions:
			err = fixed(8)
			in = &InstClearActions{}
		case ITMeter:
			err = fixed(8)
			in = &InstMeter{MeterID: binary.BigEndian.Uint32(p[0:4])}
		case ITExperimenter:
			in = &InstExperimenter{Experimenter: binary.BigEndian.Uint32(p[0:4]), Data: cloneBytes(p[4:])}
		default:
			err = errf(ETBadInstruction, BICUnknownInst, "unknown instruction type %d", t)
		}
		if err != nil {
			return nil, err
		}
		is = append(is, in)
		b = b[n:]
	}
	return is, nil
}

// ValidateInstructions checks an instruction list of a flow in table
// tableID as a switch must (spec 1.3.5 §5.9, §7.2.4): at most one
// instruction of each type (1.3 has no error code for a duplicate; 1.4
// added OFPBIC_DUP_INST; OFPBIC_UNSUP_INST is the closest 1.3 code), goto
// only to a later table (OFPBIC_BAD_TABLE_ID), no experimenter instruction
// (xvs implements none: OFPBIC_BAD_EXPERIMENTER), and the actions as
// ValidateActions checks them.
func ValidateInstructions(is []Instruction, tableID uint8) error {
	var seen [8]bool
	for _, in := range is {
		if in == nil {
			return errf(ETBadInstruction, BICUnknownInst, "nil instruction")
		}
		t := in.Type()
		if t < ITExperimenter {
			if seen[t] {
				return errf(ETBadInstruction, BICUnsupInst, "instruction type %d appears twice", t)
			}
			seen[t] = true
		}
		switch in := in.(type) {
		case *InstGotoTable:
			if in.TableID <= tableID || in.TableID > TableMax {
				return errf(ETBadInstruction, BICBadTableID, "goto_table:%d from table %d", in.TableID, tableID)
			}
		case *InstWriteActions:
			if err := ValidateActions(in.Actions); err != nil {
				return err
			}
		case *InstApplyActions:
			if err := ValidateActions(in.Actions); err != nil {
				return err
			}
		case *InstExperimenter:
			return errf(ETBadInstruction, BICBadExperimenter, "experimenter instruction %#x", in.Experimenter)
		}
	}
	return nil
}

// formatInstructions prints an instruction list as ovs-ofctl does after
// "actions=": in its fixed order (meter, applied actions, clear_actions,
// write_actions(...), write_metadata, goto_table), "drop" when nothing
// outputs.
func formatInstructions(is []Instruction) string { return string(appendInstructionsText(nil, is)) }

// appendInstructionsText appends formatInstructions's text to b.
func appendInstructionsText(b []byte, is []Instruction) []byte {
	start := len(b)
	sep := func(b []byte) []byte {
		if len(b) > start {
			return append(b, ',')
		}
		return b
	}
	byType := func(t InstructionType) Instruction {
		for _, in := range is {
			if in != nil && in.Type() == t {
				return in
			}
		}
		return nil
	}
	if in, ok := byType(ITMeter).(*InstMeter); ok {
		b = strconv.AppendUint(append(sep(b), "meter:"...), uint64(in.MeterID), 10)
	}
	if in, ok := byType(ITApplyActions).(*InstApplyActions); ok && len(in.Actions) > 0 {
		b = appendActionsText(sep(b), in.Actions)
	}
	if byType(ITClearActions) != nil {
		b = append(sep(b), "clear_actions"...)
	}
	if in, ok := byType(ITWriteActions).(*InstWriteActions); ok {
		b = appendActionsText(append(sep(b), "write_actions("...), in.Actions)
		b = append(b, ')')
	}
	if in, ok := byType(ITWriteMetadata).(*InstWriteMetadata); ok {
		b = appendCHex(append(sep(b), "write_metadata:"...), in.Metadata)
		if in.Mask != ^uint64(0) {
			b = appendCHex(append(b, '/'), in.Mask)
		}
	}
	if in, ok := byType(ITGotoTable).(*InstGotoTable); ok {
		b = strconv.AppendUint(append(sep(b), "goto_table:"...), uint64(in.TableID), 10)
	}
	for _, in := range is {
		if e, ok := in.(*InstExperimenter); ok {
			b = fmt.Appendf(sep(b), "experimenter_instruction(%#x,%x)", e.Experimenter, e.Data)
		}
	}
	if len(b) == start {
		return append(b, "drop"...)
	}
	return b
}
