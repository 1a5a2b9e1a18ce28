package datapath

import (
	"encoding/binary"
	"fmt"
)

// ActionSlot is the fixed-size (24-byte) encoding of one action, the form a
// BPF map value can hold as an array. The C mirror is
//
//	struct xvs_action { __u8 kind; __u8 b; __u16 h; __u32 w; __u8 data[16]; };
//
// Operands by kind (all integers in host byte order; addresses in data, in
// network byte order, as they are written into the frame):
//
//	Output         w = port
//	PushVLAN       h = TPID, w = TCI
//	SetVLANVID     h = VID            SetVLANPCP   b = PCP
//	SetEthSrc/Dst  data[0:6]          SetIPv4Src/Dst data[0:4]
//	SetIPv6Src/Dst data[0:16]
//	SetIPDSCP      b = DSCP           SetIPECN b = ECN   SetIPTTL b = TTL
//	SetTPSrc/Dst   h = port           SetICMPType/Code b
//	PushMPLS       h = ethertype, w = label, b = TC, data[0] = TTL
//	PopMPLS        h = ethertype      SetMPLSLabel w    SetMPLSTC/TTL b
//	PushPBB        w = I-SID          Userspace data[0:8] = cookie (little endian)
//	Meter          w = meter id
//	SetARPOp       h = opcode         SetARPSpa/Tpa data[0:4]   SetARPSha/Tha data[0:6]
//	SetNDTarget    data[0:16]         SetNDSLL/TLL data[0:6]
//	SetIPv6Label   w = label          SetPBBISID w = I-SID      SetMPLSBOS b
//	others         no operand
type ActionSlot struct {
	Kind ActionKind
	B    uint8
	H    uint16
	W    uint32
	Data [16]byte
}

// EncodeAction returns the slot of a valid action.
func EncodeAction(a Action) ActionSlot {
	s := ActionSlot{Kind: a.Kind()}
	switch a := a.(type) {
	case Output:
		s.W = a.Port
	case PushVLAN:
		s.H, s.W = a.TPID, uint32(a.TCI)
	case SetVLANVID:
		s.H = a.VID
	case SetVLANPCP:
		s.B = a.PCP
	case SetEthSrc:
		copy(s.Data[:], a.Addr[:])
	case SetEthDst:
		copy(s.Data[:], a.Addr[:])
	case SetIPv4Src:
		copy(s.Data[:], a.Addr[:])
	case SetIPv4Dst:
		copy(s.Data[:], a.Addr[:])
	case SetIPv6Src:
		copy(s.Data[:], a.Addr[:])
	case SetIPv6Dst:
		copy(s.Data[:], a.Addr[:])
	case SetIPDSCP:
		s.B = a.DSCP
	case SetIPECN:
		s.B = a.ECN
	case SetIPTTL:
		s.B = a.TTL
	case SetTPSrc:
		s.H = a.Port
	case SetTPDst:
		s.H = a.Port
	case SetICMPType:
		s.B = a.Type
	case SetICMPCode:
		s.B = a.Code
	case PushMPLS:
		s.H, s.W, s.B, s.Data[0] = a.EthType, a.Label, a.TC, a.TTL
	case PopMPLS:
		s.H = a.EthType
	case SetMPLSLabel:
		s.W = a.Label
	case SetMPLSTC:
		s.B = a.TC
	case SetMPLSTTL:
		s.B = a.TTL
	case PushPBB:
		s.W = a.ISID
	case Userspace:
		binary.LittleEndian.PutUint64(s.Data[:8], a.Cookie)
	case Meter:
		s.W = a.ID
	case SetARPOp:
		s.H = a.Op
	case SetARPSpa:
		copy(s.Data[:], a.Addr[:])
	case SetARPTpa:
		copy(s.Data[:], a.Addr[:])
	case SetARPSha:
		copy(s.Data[:], a.Addr[:])
	case SetARPTha:
		copy(s.Data[:], a.Addr[:])
	case SetNDTarget:
		copy(s.Data[:], a.Addr[:])
	case SetNDSLL:
		copy(s.Data[:], a.Addr[:])
	case SetNDTLL:
		copy(s.Data[:], a.Addr[:])
	case SetIPv6Label:
		s.W = a.Label
	case SetPBBISID:
		s.W = a.ISID
	case SetMPLSBOS:
		s.B = a.BOS
	}
	return s
}

// DecodeAction is the inverse of EncodeAction.
func DecodeAction(s ActionSlot) (Action, error) {
	var a Action
	switch s.Kind {
	case KindOutput:
		a = Output{s.W}
	case KindPushVLAN:
		a = PushVLAN{TPID: s.H, TCI: uint16(s.W)}
	case KindPopVLAN:
		a = PopVLAN{}
	case KindSetVLANVID:
		a = SetVLANVID{s.H}
	case KindSetVLANPCP:
		a = SetVLANPCP{s.B}
	case KindSetEthSrc:
		a = SetEthSrc{[6]byte(s.Data[:6])}
	case KindSetEthDst:
		a = SetEthDst{[6]byte(s.Data[:6])}
	case KindSetIPv4Src:
		a = SetIPv4Src{[4]byte(s.Data[:4])}
	case KindSetIPv4Dst:
		a = SetIPv4Dst{[4]byte(s.Data[:4])}
	case KindSetIPv6Src:
		a = SetIPv6Src{s.Data}
	case KindSetIPv6Dst:
		a = SetIPv6Dst{s.Data}
	case KindSetIPDSCP:
		a = SetIPDSCP{s.B}
	case KindSetIPECN:
		a = SetIPECN{s.B}
	case KindSetIPTTL:
		a = SetIPTTL{s.B}
	case KindDecTTL:
		a = DecTTL{}
	case KindSetTPSrc:
		a = SetTPSrc{s.H}
	case KindSetTPDst:
		a = SetTPDst{s.H}
	case KindSetICMPType:
		a = SetICMPType{s.B}
	case KindSetICMPCode:
		a = SetICMPCode{s.B}
	case KindPushMPLS:
		a = PushMPLS{EthType: s.H, Label: s.W, TC: s.B, TTL: s.Data[0]}
	case KindPopMPLS:
		a = PopMPLS{s.H}
	case KindSetMPLSLabel:
		a = SetMPLSLabel{s.W}
	case KindSetMPLSTC:
		a = SetMPLSTC{s.B}
	case KindSetMPLSTTL:
		a = SetMPLSTTL{s.B}
	case KindDecMPLSTTL:
		a = DecMPLSTTL{}
	case KindCopyTTLIn:
		a = CopyTTLIn{}
	case KindCopyTTLOut:
		a = CopyTTLOut{}
	case KindPushPBB:
		a = PushPBB{s.W}
	case KindPopPBB:
		a = PopPBB{}
	case KindUserspace:
		a = Userspace{binary.LittleEndian.Uint64(s.Data[:8])}
	case KindMeter:
		a = Meter{s.W}
	case KindSlowPath:
		a = SlowPath{}
	case KindSetARPOp:
		a = SetARPOp{s.H}
	case KindSetARPSpa:
		a = SetARPSpa{[4]byte(s.Data[:4])}
	case KindSetARPTpa:
		a = SetARPTpa{[4]byte(s.Data[:4])}
	case KindSetARPSha:
		a = SetARPSha{[6]byte(s.Data[:6])}
	case KindSetARPTha:
		a = SetARPTha{[6]byte(s.Data[:6])}
	case KindSetNDTarget:
		a = SetNDTarget{s.Data}
	case KindSetNDSLL:
		a = SetNDSLL{[6]byte(s.Data[:6])}
	case KindSetNDTLL:
		a = SetNDTLL{[6]byte(s.Data[:6])}
	case KindSetIPv6Label:
		a = SetIPv6Label{s.W}
	case KindSetPBBISID:
		a = SetPBBISID{s.W}
	case KindSetMPLSBOS:
		a = SetMPLSBOS{s.B}
	default:
		return nil, fmt.Errorf("action slot: unknown kind %d", s.Kind)
	}
	if err := validateAction(a); err != nil {
		return nil, fmt.Errorf("action slot: %w", err)
	}
	return a, nil
}
