package ofp

// struct ofp_match of OpenFlow 1.0 (spec 1.0.0 §5.2.3): twelve fields at
// fixed offsets and a wildcards word saying which of them are ignored; the
// IPv4 addresses are wildcarded by a count of low-order bits.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Match10Len is sizeof(struct ofp_match).
const Match10Len = 40

// Wildcard bits of ofp_match (enum ofp_flow_wildcards).
const (
	FW10InPort     uint32 = 1 << 0
	FW10DLVLAN     uint32 = 1 << 1
	FW10DLSrc      uint32 = 1 << 2
	FW10DLDst      uint32 = 1 << 3
	FW10DLType     uint32 = 1 << 4
	FW10NWProto    uint32 = 1 << 5
	FW10TPSrc      uint32 = 1 << 6
	FW10TPDst      uint32 = 1 << 7
	FW10NWSrcShift        = 8
	FW10NWSrcMask  uint32 = 0x3f << FW10NWSrcShift
	FW10NWSrcAll   uint32 = 32 << FW10NWSrcShift
	FW10NWDstShift        = 14
	FW10NWDstMask  uint32 = 0x3f << FW10NWDstShift
	FW10NWDstAll   uint32 = 32 << FW10NWDstShift
	FW10DLVLANPCP  uint32 = 1 << 20
	FW10NWTos      uint32 = 1 << 21
	FW10All        uint32 = 1<<22 - 1
)

// VLAN10None in dl_vlan matches frames without an 802.1Q tag (OFP_VLAN_NONE).
const VLAN10None uint16 = 0xffff

// Match10 is struct ofp_match. A field takes part in the match only when
// its bit in Wildcards is clear; NWSrc and NWDst ignore as many low-order
// bits as the 6-bit counts in Wildcards say (32 or more: all).
type Match10 struct {
	Wildcards uint32   `json:"wildcards"`
	InPort    PortNo10 `json:"in_port"`
	DLSrc     MAC      `json:"dl_src"`
	DLDst     MAC      `json:"dl_dst"`
	DLVLAN    uint16   `json:"dl_vlan"`
	DLVLANPCP uint8    `json:"dl_vlan_pcp"`
	DLType    uint16   `json:"dl_type"`
	NWTos     uint8    `json:"nw_tos"`
	NWProto   uint8    `json:"nw_proto"`
	NWSrc     IPv410   `json:"nw_src"`
	NWDst     IPv410   `json:"nw_dst"`
	TPSrc     uint16   `json:"tp_src"`
	TPDst     uint16   `json:"tp_dst"`
}

// MatchAll10 returns the match that every packet matches.
func MatchAll10() Match10 { return Match10{Wildcards: FW10All} }

// NWSrcPrefix returns how many leading bits of NWSrc are matched (0-32).
func (m Match10) NWSrcPrefix() int { return wildcardPrefix10(m.Wildcards, FW10NWSrcShift) }

// NWDstPrefix returns how many leading bits of NWDst are matched (0-32).
func (m Match10) NWDstPrefix() int { return wildcardPrefix10(m.Wildcards, FW10NWDstShift) }

// SetNWSrc matches the first prefix bits of a.
func (m *Match10) SetNWSrc(a IPv410, prefix int) {
	m.NWSrc = a
	m.Wildcards = setWildcardPrefix10(m.Wildcards, FW10NWSrcShift, prefix)
}

// SetNWDst matches the first prefix bits of a.
func (m *Match10) SetNWDst(a IPv410, prefix int) {
	m.NWDst = a
	m.Wildcards = setWildcardPrefix10(m.Wildcards, FW10NWDstShift, prefix)
}

func wildcardPrefix10(w uint32, shift int) int {
	n := int(w>>shift) & 0x3f
	if n >= 32 {
		return 0
	}
	return 32 - n
}

func setWildcardPrefix10(w uint32, shift, prefix int) uint32 {
	prefix = max(0, min(32, prefix))
	return w&^(0x3f<<shift) | uint32(32-prefix)<<shift
}

// prefixMask10 is the netmask of a prefix length.
func prefixMask10(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

func (m *Match10) append(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, m.Wildcards)
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	b = append(b, m.DLSrc[:]...)
	b = append(b, m.DLDst[:]...)
	b = binary.BigEndian.AppendUint16(b, m.DLVLAN)
	b = append(b, m.DLVLANPCP, 0)
	b = binary.BigEndian.AppendUint16(b, m.DLType)
	b = append(b, m.NWTos, m.NWProto, 0, 0)
	b = append(b, m.NWSrc[:]...)
	b = append(b, m.NWDst[:]...)
	b = binary.BigEndian.AppendUint16(b, m.TPSrc)
	return binary.BigEndian.AppendUint16(b, m.TPDst)
}

// decode reads the match at the start of b; callers check the length.
func (m *Match10) decode(b []byte) {
	_ = b[Match10Len-1]
	m.Wildcards = binary.BigEndian.Uint32(b[0:4])
	m.InPort = PortNo10(binary.BigEndian.Uint16(b[4:6]))
	copy(m.DLSrc[:], b[6:12])
	copy(m.DLDst[:], b[12:18])
	m.DLVLAN = binary.BigEndian.Uint16(b[18:20])
	m.DLVLANPCP = b[20]
	m.DLType = binary.BigEndian.Uint16(b[22:24])
	m.NWTos = b[24]
	m.NWProto = b[25]
	copy(m.NWSrc[:], b[28:32])
	copy(m.NWDst[:], b[32:36])
	m.TPSrc = binary.BigEndian.Uint16(b[36:38])
	m.TPDst = binary.BigEndian.Uint16(b[38:40])
}

// MarshalBinary returns the 40-byte wire form.
func (m Match10) MarshalBinary() ([]byte, error) { return m.append(make([]byte, 0, Match10Len)), nil }

// UnmarshalBinary decodes a 40-byte ofp_match.
func (m *Match10) UnmarshalBinary(b []byte) error {
	if len(b) != Match10Len {
		return badRequest(BRC10BadLen, "ofp_match: %d bytes, want %d", len(b), Match10Len)
	}
	m.decode(b)
	return nil
}

// String prints the match in ovs-ofctl's flow syntax.
func (m Match10) String() string { return formatMatch10(m, -1, false) }

// EtherTypes and IP protocols the match printer names.
const (
	ethTypeIPv4  = 0x0800
	ethTypeARP   = 0x0806
	ethTypeRARP  = 0x8035
	ethTypeIPv6  = 0x86dd
	ethTypeMPLS  = 0x8847
	ethTypeMPLM  = 0x8848
	ipProtoICMP  = 1
	ipProtoTCP   = 6
	ipProtoUDP   = 17
	ipProtoICMP6 = 58
	ipProtoSCTP  = 132
)

// defaultPriority10 is OFP_DEFAULT_PRIORITY, which the flow syntax omits.
const defaultPriority10 = 0x8000

// formatMatch10 prints a match in ovs-ofctl's flow syntax
// ("priority=10,tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80"), with the
// priority first unless it is negative or the default, and addresses with
// their ignored bits cleared. With normalize, it prints only the fields
// whose prerequisites are matched (an nw_src without dl_type=0x0800 means
// nothing in 1.0, §5.2.3): ovs-ofctl normalises the match of a flow-mod
// so, and prints the matches of other messages as they are.
func formatMatch10(m Match10, priority int, normalize bool) string {
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	if priority >= 0 && priority != defaultPriority10 {
		add("priority=%d", priority)
	}
	w := m.Wildcards
	has := func(bit uint32) bool { return w&bit == 0 }

	// Which fields have their prerequisites.
	var mayNW, mayProto, mayTOS, mayTP bool
	if has(FW10DLType) {
		switch m.DLType {
		case ethTypeIPv4:
			mayNW, mayProto, mayTOS = true, true, true
		case ethTypeIPv6:
			mayProto, mayTOS = true, true
		case ethTypeARP, ethTypeRARP:
			mayNW, mayProto = true, true
		}
		if (m.DLType == ethTypeIPv4 || m.DLType == ethTypeIPv6) && has(FW10NWProto) {
			switch m.NWProto {
			case ipProtoTCP, ipProtoUDP, ipProtoSCTP:
				mayTP = true
			case ipProtoICMP:
				mayTP = m.DLType == ethTypeIPv4
			case ipProtoICMP6:
				mayTP = m.DLType == ethTypeIPv6
			}
		}
	}
	if !normalize {
		mayNW, mayProto, mayTOS, mayTP = true, true, true, true
	}
	protoMatched := mayProto && has(FW10NWProto)

	// The protocol shorthand stands for dl_type and, when it names one,
	// nw_proto.
	skipType, skipProto := false, false
	if has(FW10DLType) {
		skipType = true
		switch m.DLType {
		case ethTypeIPv4, ethTypeIPv6:
			six := ""
			if m.DLType == ethTypeIPv6 {
				six = "6"
			}
			name := ""
			if protoMatched {
				switch {
				case m.NWProto == ipProtoICMP && six == "":
					name = "icmp"
				case m.NWProto == ipProtoICMP6 && six == "6":
					name = "icmp6"
				case m.NWProto == ipProtoTCP:
					name = "tcp" + six
				case m.NWProto == ipProtoUDP:
					name = "udp" + six
				case m.NWProto == ipProtoSCTP:
					name = "sctp" + six
				}
			}
			if name != "" {
				skipProto = true
			} else if six == "" {
				name = "ip"
			} else {
				name = "ipv6"
			}
			add("%s", name)
		case ethTypeARP:
			add("arp")
		case ethTypeRARP:
			add("rarp")
		case ethTypeMPLS:
			add("mpls")
		case ethTypeMPLM:
			add("mplsm")
		default:
			skipType = false
		}
	}
	if has(FW10InPort) {
		add("in_port=%s", m.InPort.String())
	}
	if s := formatVLAN10(m); s != "" {
		f = append(f, s)
	}
	if has(FW10DLSrc) {
		add("dl_src=%s", m.DLSrc)
	}
	if has(FW10DLDst) {
		add("dl_dst=%s", m.DLDst)
	}
	if has(FW10DLType) && !skipType {
		add("dl_type=0x%04x", m.DLType)
	}
	arp := has(FW10DLType) && (m.DLType == ethTypeARP || m.DLType == ethTypeRARP)
	if mayNW {
		src, dst := "nw_src", "nw_dst"
		if arp {
			src, dst = "arp_spa", "arp_tpa"
		}
		if p := m.NWSrcPrefix(); p > 0 {
			add("%s=%s", src, formatPrefix10(m.NWSrc, p))
		}
		if p := m.NWDstPrefix(); p > 0 {
			add("%s=%s", dst, formatPrefix10(m.NWDst, p))
		}
	}
	if protoMatched && !skipProto {
		if arp {
			add("arp_op=%d", m.NWProto)
		} else {
			add("nw_proto=%d", m.NWProto)
		}
	}
	if mayTOS && has(FW10NWTos) {
		add("nw_tos=%d", m.NWTos&0xfc)
	}
	if mayTP {
		src, dst := "tp_src", "tp_dst"
		if has(FW10DLType) && has(FW10NWProto) &&
			(m.DLType == ethTypeIPv4 && m.NWProto == ipProtoICMP || m.DLType == ethTypeIPv6 && m.NWProto == ipProtoICMP6) {
			src, dst = "icmp_type", "icmp_code"
		}
		if has(FW10TPSrc) {
			add("%s=%d", src, m.TPSrc)
		}
		if has(FW10TPDst) {
			add("%s=%d", dst, m.TPDst)
		}
	}
	return strings.Join(f, ",")
}

// formatVLAN10 prints the VLAN part of a match the way ovs-ofctl does
// after turning dl_vlan and dl_vlan_pcp into an 802.1Q TCI and mask:
// dl_vlan=/dl_vlan_pcp= for a tagged match, vlan_tci=0x0000 for "no tag".
func formatVLAN10(m Match10) string {
	const vidMask, pcpMask, cfi = 0x0fff, 0xe000, 0x1000
	var mask, tci uint16
	if m.Wildcards&FW10DLVLAN == 0 {
		mask |= vidMask | cfi
	}
	if m.Wildcards&FW10DLVLANPCP == 0 {
		mask |= pcpMask | cfi
	}
	if m.Wildcards&FW10DLVLAN == 0 && m.DLVLAN == VLAN10None {
		tci, mask = 0, 0xffff
	} else {
		tci = (m.DLVLAN & vidMask) | (uint16(m.DLVLANPCP)<<13)&pcpMask | cfi
		tci &= mask
	}
	if mask == 0 {
		return ""
	}
	vm, pm := mask&vidMask, mask&pcpMask
	if mask&cfi != 0 && tci&cfi != 0 && (vm == 0 || vm == vidMask) && (pm == 0 || pm == pcpMask) && (vm != 0 || pm != 0) {
		var f []string
		if vm != 0 {
			f = append(f, fmt.Sprintf("dl_vlan=%d", tci&vidMask))
		}
		if pm != 0 {
			f = append(f, fmt.Sprintf("dl_vlan_pcp=%d", tci>>13))
		}
		return strings.Join(f, ",")
	}
	if mask == 0xffff {
		return fmt.Sprintf("vlan_tci=0x%04x", tci)
	}
	return fmt.Sprintf("vlan_tci=0x%04x/0x%04x", tci, mask)
}

// formatPrefix10 prints a with its ignored bits cleared, and the prefix
// length unless it is 32.
func formatPrefix10(a IPv410, prefix int) string {
	masked := ipv410(a.uint32() & prefixMask10(prefix))
	if prefix == 32 {
		return masked.String()
	}
	return fmt.Sprintf("%s/%d", masked, prefix)
}
