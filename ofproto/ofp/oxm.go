package ofp

// OpenFlow Extensible Match TLVs (spec 1.3.5 §7.2.3.2-§7.2.3.8): the
// header (class, field, hasmask, length), the OpenFlow-basic fields of
// table 12 with their sizes, maskability and prerequisites, and typed
// constructors and getters.

import (
	"encoding/binary"
	"fmt"
	"net"
)

// OXM classes (enum ofp_oxm_class).
const (
	OXMClassNXM0          uint16 = 0x0000
	OXMClassNXM1          uint16 = 0x0001
	OXMClassOpenFlowBasic uint16 = 0x8000
	OXMClassExperimenter  uint16 = 0xffff
)

// OXM is one match TLV. For the OpenFlow-basic class Value holds the field
// in network byte order and Mask, when HasMask, a mask of the same size.
// TLVs of other classes are kept opaque: for class 0xffff Experimenter is
// the experimenter id and Value the rest of the payload; for any other
// class Value (and, when the payload splits evenly, Mask) hold the payload
// as received, so that re-encoding gives back the same bytes.
type OXM struct {
	Class        uint16 `json:"class"`
	Field        uint8  `json:"field"`
	HasMask      bool   `json:"has_mask,omitempty"`
	Value        []byte `json:"value"`
	Mask         []byte `json:"mask,omitempty"`
	Experimenter uint32 `json:"experimenter,omitempty"`
}

// OpenFlow-basic match fields (enum oxm_ofb_match_fields, table 12).
const (
	OXMInPortField       uint8 = 0
	OXMInPhyPortField    uint8 = 1
	OXMMetadataField     uint8 = 2
	OXMEthDstField       uint8 = 3
	OXMEthSrcField       uint8 = 4
	OXMEthTypeField      uint8 = 5
	OXMVlanVIDField      uint8 = 6
	OXMVlanPCPField      uint8 = 7
	OXMIPDSCPField       uint8 = 8
	OXMIPECNField        uint8 = 9
	OXMIPProtoField      uint8 = 10
	OXMIPv4SrcField      uint8 = 11
	OXMIPv4DstField      uint8 = 12
	OXMTCPSrcField       uint8 = 13
	OXMTCPDstField       uint8 = 14
	OXMUDPSrcField       uint8 = 15
	OXMUDPDstField       uint8 = 16
	OXMSCTPSrcField      uint8 = 17
	OXMSCTPDstField      uint8 = 18
	OXMICMPv4TypeField   uint8 = 19
	OXMICMPv4CodeField   uint8 = 20
	OXMARPOpField        uint8 = 21
	OXMARPSPAField       uint8 = 22
	OXMARPTPAField       uint8 = 23
	OXMARPSHAField       uint8 = 24
	OXMARPTHAField       uint8 = 25
	OXMIPv6SrcField      uint8 = 26
	OXMIPv6DstField      uint8 = 27
	OXMIPv6FlabelField   uint8 = 28
	OXMICMPv6TypeField   uint8 = 29
	OXMICMPv6CodeField   uint8 = 30
	OXMIPv6NDTargetField uint8 = 31
	OXMIPv6NDSLLField    uint8 = 32
	OXMIPv6NDTLLField    uint8 = 33
	OXMMPLSLabelField    uint8 = 34
	OXMMPLSTCField       uint8 = 35
	OXMMPLSBOSField      uint8 = 36
	OXMPBBISIDField      uint8 = 37
	OXMTunnelIDField     uint8 = 38
	OXMIPv6ExthdrField   uint8 = 39
)

// OFPVID_PRESENT and OFPVID_NONE (spec 1.3.5 §7.2.3.8, table 13).
const (
	VIDPresent uint16 = 0x1000
	VIDNone    uint16 = 0x0000
)

// prereq is a field's prerequisite: another basic field that must be
// matched exactly with one of values (nil: any value, as for IN_PHY_PORT
// needing IN_PORT), and, when next is set, a further prerequisite.
type prereq struct {
	field  uint8
	values []uint64
	next   *prereq
}

// oxmField describes one OpenFlow-basic field of table 12.
type oxmField struct {
	name     string // OXM_OF_* without the prefix, lower case, as in docs
	size     int    // payload bytes without mask
	maskable bool
	maxValue uint64 // largest valid value for fields narrower than size; 0 = no limit
	prereq   *prereq
}

var (
	ethIPv4IPv6 = &prereq{OXMEthTypeField, []uint64{0x0800, 0x86dd}, nil}
	ethIPv4     = &prereq{OXMEthTypeField, []uint64{0x0800}, nil}
	ethIPv6     = &prereq{OXMEthTypeField, []uint64{0x86dd}, nil}
	ethARP      = &prereq{OXMEthTypeField, []uint64{0x0806}, nil}
	ethMPLS     = &prereq{OXMEthTypeField, []uint64{0x8847, 0x8848}, nil}
	// Table 12 asks only ip_proto 1 or 58 of the ICMP fields; like Open
	// vSwitch, xvs also wants the matching IP version (ICMPv6 over IPv4
	// is no packet anyone sends).
	icmpv4 = &prereq{OXMIPProtoField, []uint64{1}, ethIPv4}
	icmpv6 = &prereq{OXMIPProtoField, []uint64{58}, ethIPv6}
)

// oxmFields is table 12 of spec 1.3.5, indexed by field number.
var oxmFields = [...]oxmField{
	OXMInPortField:       {"in_port", 4, false, 0, nil},
	OXMInPhyPortField:    {"in_phy_port", 4, false, 0, &prereq{OXMInPortField, nil, nil}},
	OXMMetadataField:     {"metadata", 8, true, 0, nil},
	OXMEthDstField:       {"eth_dst", 6, true, 0, nil},
	OXMEthSrcField:       {"eth_src", 6, true, 0, nil},
	OXMEthTypeField:      {"eth_type", 2, false, 0, nil},
	OXMVlanVIDField:      {"vlan_vid", 2, true, 0x1fff, nil},
	OXMVlanPCPField:      {"vlan_pcp", 1, false, 7, nil}, // prerequisite VLAN_VID!=NONE: checked specially
	OXMIPDSCPField:       {"ip_dscp", 1, false, 63, ethIPv4IPv6},
	OXMIPECNField:        {"ip_ecn", 1, false, 3, ethIPv4IPv6},
	OXMIPProtoField:      {"ip_proto", 1, false, 0, ethIPv4IPv6},
	OXMIPv4SrcField:      {"ipv4_src", 4, true, 0, ethIPv4},
	OXMIPv4DstField:      {"ipv4_dst", 4, true, 0, ethIPv4},
	OXMTCPSrcField:       {"tcp_src", 2, false, 0, &prereq{OXMIPProtoField, []uint64{6}, nil}},
	OXMTCPDstField:       {"tcp_dst", 2, false, 0, &prereq{OXMIPProtoField, []uint64{6}, nil}},
	OXMUDPSrcField:       {"udp_src", 2, false, 0, &prereq{OXMIPProtoField, []uint64{17}, nil}},
	OXMUDPDstField:       {"udp_dst", 2, false, 0, &prereq{OXMIPProtoField, []uint64{17}, nil}},
	OXMSCTPSrcField:      {"sctp_src", 2, false, 0, &prereq{OXMIPProtoField, []uint64{132}, nil}},
	OXMSCTPDstField:      {"sctp_dst", 2, false, 0, &prereq{OXMIPProtoField, []uint64{132}, nil}},
	OXMICMPv4TypeField:   {"icmpv4_type", 1, false, 0, icmpv4},
	OXMICMPv4CodeField:   {"icmpv4_code", 1, false, 0, icmpv4},
	OXMARPOpField:        {"arp_op", 2, false, 0, ethARP},
	OXMARPSPAField:       {"arp_spa", 4, true, 0, ethARP},
	OXMARPTPAField:       {"arp_tpa", 4, true, 0, ethARP},
	OXMARPSHAField:       {"arp_sha", 6, true, 0, ethARP},
	OXMARPTHAField:       {"arp_tha", 6, true, 0, ethARP},
	OXMIPv6SrcField:      {"ipv6_src", 16, true, 0, ethIPv6},
	OXMIPv6DstField:      {"ipv6_dst", 16, true, 0, ethIPv6},
	OXMIPv6FlabelField:   {"ipv6_flabel", 4, true, 0xfffff, ethIPv6},
	OXMICMPv6TypeField:   {"icmpv6_type", 1, false, 0, icmpv6},
	OXMICMPv6CodeField:   {"icmpv6_code", 1, false, 0, icmpv6},
	OXMIPv6NDTargetField: {"ipv6_nd_target", 16, false, 0, &prereq{OXMICMPv6TypeField, []uint64{135, 136}, nil}},
	OXMIPv6NDSLLField:    {"ipv6_nd_sll", 6, false, 0, &prereq{OXMICMPv6TypeField, []uint64{135}, nil}},
	OXMIPv6NDTLLField:    {"ipv6_nd_tll", 6, false, 0, &prereq{OXMICMPv6TypeField, []uint64{136}, nil}},
	OXMMPLSLabelField:    {"mpls_label", 4, false, 0xfffff, ethMPLS},
	OXMMPLSTCField:       {"mpls_tc", 1, false, 7, ethMPLS},
	OXMMPLSBOSField:      {"mpls_bos", 1, false, 1, ethMPLS},
	OXMPBBISIDField:      {"pbb_isid", 3, true, 0, &prereq{OXMEthTypeField, []uint64{0x88e7}, nil}},
	OXMTunnelIDField:     {"tunnel_id", 8, true, 0, nil},
	OXMIPv6ExthdrField:   {"ipv6_exthdr", 2, true, 0x1ff, ethIPv6},
}

// basicField returns the table-12 entry of an OpenFlow-basic field.
func basicField(f uint8) (*oxmField, bool) {
	if int(f) < len(oxmFields) {
		return &oxmFields[f], true
	}
	return nil, false
}

// IsBasic reports whether the TLV is of the OpenFlow-basic class.
func (o *OXM) IsBasic() bool { return o.Class == OXMClassOpenFlowBasic }

// payloadLen is oxm_length: the bytes after the 4-byte header.
func (o *OXM) payloadLen() int {
	n := len(o.Value) + len(o.Mask)
	if o.Class == OXMClassExperimenter {
		n += 4
	}
	return n
}

// wireLen is the TLV's size on the wire.
func (o *OXM) wireLen() int { return 4 + o.payloadLen() }

// appendTo appends the TLV. The caller has checked payloadLen <= 255.
func (o *OXM) appendTo(b []byte) []byte {
	fh := o.Field << 1
	if o.HasMask {
		fh |= 1
	}
	b = binary.BigEndian.AppendUint16(b, o.Class)
	b = append(b, fh, byte(o.payloadLen()))
	if o.Class == OXMClassExperimenter {
		b = binary.BigEndian.AppendUint32(b, o.Experimenter)
	}
	b = append(b, o.Value...)
	return append(b, o.Mask...)
}

// checkEncodable reports a TLV that cannot be put on the wire.
func (o *OXM) checkEncodable() error {
	if n := o.payloadLen(); n > 0xff {
		return fmt.Errorf("oxm class %#x field %d: payload of %d bytes exceeds 255", o.Class, o.Field, n)
	}
	if o.Field > 0x7f {
		return fmt.Errorf("oxm field %d does not fit 7 bits", o.Field)
	}
	return nil
}

// decodeOXM reads one TLV from the start of b into o, with Value and Mask
// aliasing b, and returns its length. It checks only the framing: the
// header and payload fit b, and an experimenter TLV has its id. Field
// sizes and values are checked by Match.Validate and ValidateActions.
func decodeOXM(b []byte, o *OXM) (int, error) {
	if len(b) < 4 {
		return 0, errf(ETBadMatch, BMCBadLen, "oxm: %d bytes left, too short for a header", len(b))
	}
	o.Class = binary.BigEndian.Uint16(b[0:2])
	o.Field = b[2] >> 1
	o.HasMask = b[2]&1 != 0
	n := int(b[3])
	if 4+n > len(b) {
		return 0, errf(ETBadMatch, BMCBadLen, "oxm class %#x field %d: length %d overruns the %d bytes left", o.Class, o.Field, n, len(b)-4)
	}
	p := b[4 : 4+n]
	o.Experimenter = 0
	o.Value, o.Mask = nil, nil
	switch {
	case o.Class == OXMClassExperimenter:
		if n < 4 {
			return 0, errf(ETBadMatch, BMCBadLen, "experimenter oxm of %d bytes has no experimenter id", n)
		}
		o.Experimenter = binary.BigEndian.Uint32(p[0:4])
		o.Value = p[4:]
	case o.HasMask && n%2 == 0:
		o.Value, o.Mask = p[:n/2], p[n/2:]
	default:
		o.Value = p
	}
	return 4 + n, nil
}

// Typed constructors of OpenFlow-basic TLVs.

func basicOXM(field uint8, value, mask []byte) OXM {
	return OXM{Class: OXMClassOpenFlowBasic, Field: field, HasMask: mask != nil, Value: value, Mask: mask}
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// OXMInPort matches the ingress port.
func OXMInPort(p PortNo) OXM { return basicOXM(OXMInPortField, be32(uint32(p)), nil) }

// OXMMetadata matches metadata under mask (mask 0: exact).
func OXMMetadata(v, mask uint64) OXM {
	if mask == 0 {
		return basicOXM(OXMMetadataField, be64(v), nil)
	}
	return basicOXM(OXMMetadataField, be64(v), be64(mask))
}

// OXMEthDst matches the Ethernet destination (mask nil: exact).
func OXMEthDst(a, mask net.HardwareAddr) OXM {
	return basicOXM(OXMEthDstField, cloneBytes(a), cloneBytes(mask))
}

// OXMEthSrc matches the Ethernet source (mask nil: exact).
func OXMEthSrc(a, mask net.HardwareAddr) OXM {
	return basicOXM(OXMEthSrcField, cloneBytes(a), cloneBytes(mask))
}

// OXMEthType matches the Ethernet type.
func OXMEthType(t uint16) OXM { return basicOXM(OXMEthTypeField, be16(t), nil) }

// OXMVlanVID matches the VLAN id field: VIDPresent|vid for a tag with that
// id, VIDNone for untagged frames.
func OXMVlanVID(v uint16) OXM { return basicOXM(OXMVlanVIDField, be16(v), nil) }

// OXMVlanVIDMasked matches the VLAN id under a mask (VIDPresent/VIDPresent:
// any tagged frame).
func OXMVlanVIDMasked(v, mask uint16) OXM { return basicOXM(OXMVlanVIDField, be16(v), be16(mask)) }

// OXMVlanPCP matches the VLAN priority.
func OXMVlanPCP(p uint8) OXM { return basicOXM(OXMVlanPCPField, []byte{p}, nil) }

// OXMIPDSCP matches the 6-bit DSCP.
func OXMIPDSCP(d uint8) OXM { return basicOXM(OXMIPDSCPField, []byte{d}, nil) }

// OXMIPECN matches the 2-bit ECN.
func OXMIPECN(e uint8) OXM { return basicOXM(OXMIPECNField, []byte{e}, nil) }

// OXMIPProto matches the IP protocol.
func OXMIPProto(p uint8) OXM { return basicOXM(OXMIPProtoField, []byte{p}, nil) }

func ipv4Bytes(ip net.IP) []byte {
	if ip == nil {
		return nil
	}
	if v4 := ip.To4(); v4 != nil {
		return append([]byte(nil), v4...)
	}
	return append([]byte(nil), ip...)
}

func ipv4Mask(m net.IPMask) []byte {
	if m == nil {
		return nil
	}
	if len(m) == 16 {
		m = m[12:]
	}
	return append([]byte(nil), m...)
}

// OXMIPv4Src matches the IPv4 source (mask nil: exact).
func OXMIPv4Src(ip net.IP, mask net.IPMask) OXM {
	return basicOXM(OXMIPv4SrcField, ipv4Bytes(ip), ipv4Mask(mask))
}

// OXMIPv4Dst matches the IPv4 destination (mask nil: exact).
func OXMIPv4Dst(ip net.IP, mask net.IPMask) OXM {
	return basicOXM(OXMIPv4DstField, ipv4Bytes(ip), ipv4Mask(mask))
}

// OXMTCPSrc, OXMTCPDst, OXMUDPSrc, OXMUDPDst, OXMSCTPSrc and OXMSCTPDst
// match transport ports.
func OXMTCPSrc(p uint16) OXM  { return basicOXM(OXMTCPSrcField, be16(p), nil) }
func OXMTCPDst(p uint16) OXM  { return basicOXM(OXMTCPDstField, be16(p), nil) }
func OXMUDPSrc(p uint16) OXM  { return basicOXM(OXMUDPSrcField, be16(p), nil) }
func OXMUDPDst(p uint16) OXM  { return basicOXM(OXMUDPDstField, be16(p), nil) }
func OXMSCTPSrc(p uint16) OXM { return basicOXM(OXMSCTPSrcField, be16(p), nil) }
func OXMSCTPDst(p uint16) OXM { return basicOXM(OXMSCTPDstField, be16(p), nil) }

// OXMICMPv4Type and OXMICMPv4Code match ICMP type and code.
func OXMICMPv4Type(t uint8) OXM { return basicOXM(OXMICMPv4TypeField, []byte{t}, nil) }
func OXMICMPv4Code(c uint8) OXM { return basicOXM(OXMICMPv4CodeField, []byte{c}, nil) }

// OXMARPOp matches the ARP opcode.
func OXMARPOp(op uint16) OXM { return basicOXM(OXMARPOpField, be16(op), nil) }

// OXMIPv6Src and OXMIPv6Dst match IPv6 addresses (mask nil: exact).
func OXMIPv6Src(ip net.IP, mask net.IPMask) OXM {
	return basicOXM(OXMIPv6SrcField, cloneBytes(ip.To16()), cloneBytes(mask))
}
func OXMIPv6Dst(ip net.IP, mask net.IPMask) OXM {
	return basicOXM(OXMIPv6DstField, cloneBytes(ip.To16()), cloneBytes(mask))
}

// OXMICMPv6Type and OXMICMPv6Code match ICMPv6 type and code.
func OXMICMPv6Type(t uint8) OXM { return basicOXM(OXMICMPv6TypeField, []byte{t}, nil) }
func OXMICMPv6Code(c uint8) OXM { return basicOXM(OXMICMPv6CodeField, []byte{c}, nil) }

// OXMMPLSLabel matches the 20-bit MPLS label.
func OXMMPLSLabel(l uint32) OXM { return basicOXM(OXMMPLSLabelField, be32(l), nil) }

// OXMTunnelID matches the tunnel id under mask (mask 0: exact).
func OXMTunnelID(v, mask uint64) OXM {
	if mask == 0 {
		return basicOXM(OXMTunnelIDField, be64(v), nil)
	}
	return basicOXM(OXMTunnelIDField, be64(v), be64(mask))
}

// Uint returns the value of a TLV of up to 8 bytes as an integer.
func (o *OXM) Uint() uint64 { return beUint(o.Value) }

// MaskUint returns the mask as an integer, or all ones over the value's
// width when the TLV has no mask.
func (o *OXM) MaskUint() uint64 {
	if !o.HasMask || len(o.Mask) == 0 {
		if len(o.Value) >= 8 {
			return ^uint64(0)
		}
		return 1<<(8*len(o.Value)) - 1
	}
	return beUint(o.Mask)
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// String names the TLV and its value, for error messages and debugging.
func (o *OXM) String() string {
	name := fmt.Sprintf("oxm(%#04x,%d)", o.Class, o.Field)
	if f, ok := basicField(o.Field); ok && o.IsBasic() {
		name = f.name
	}
	if o.HasMask {
		return fmt.Sprintf("%s=%x/%x", name, o.Value, o.Mask)
	}
	return fmt.Sprintf("%s=%x", name, o.Value)
}
