package ofp

// Text of matches and set-field values in the flow syntax of ovs-ofctl
// (ovs-fields(7)): "tcp,in_port=1,dl_vlan=10,nw_dst=10.0.0.0/24,tp_dst=80".
// ovs-ofctl prints fields in a fixed order, not the wire order, and folds
// eth_type and ip_proto into shorthands (ip, tcp, arp, ...); so does this.

import (
	"fmt"
	"math/bits"
	"net"
	"strconv"
	"strings"
)

// formatMatch prints a match as ovs-ofctl does; an empty match is "".
// TLVs ovs-ofctl has no name for are printed last as oxm(class,field)=hex.
func formatMatch(m Match) string { return string(appendMatch(nil, &m)) }

// appendMatch appends formatMatch's text to b. It appends rather than
// joins strings: dump-flows prints a match per flow, and the strings and
// fmt calls of each field were most of the client's time.
func appendMatch(b []byte, m *Match) []byte {
	start := len(b)
	// sep starts a field: a comma unless it is the first.
	sep := func(b []byte) []byte {
		if len(b) > start {
			return append(b, ',')
		}
		return b
	}
	// The first TLV of each basic field, indexed once: formatting asks
	// for every field ovs-ofctl knows, most of them absent.
	var byField [128]*OXM
	for i := range m.Fields {
		if o := &m.Fields[i]; o.Class == OXMClassOpenFlowBasic && int(o.Field) < len(byField) && byField[o.Field] == nil {
			byField[o.Field] = o
		}
	}
	get := func(f uint8) *OXM {
		if int(f) < len(byField) {
			return byField[f]
		}
		o, _ := m.Lookup(f)
		return o
	}
	ethType := get(OXMEthTypeField)
	proto := get(OXMIPProtoField)
	var dlType uint64
	skipType, skipProto := false, false
	if ethType != nil {
		dlType = ethType.Uint()
		var p uint64 = 1 << 16 // no protocol
		if proto != nil {
			p = proto.Uint()
		}
		name := ""
		switch dlType {
		case 0x0800:
			name = "ip"
			switch p {
			case 1:
				name = "icmp"
			case 6:
				name = "tcp"
			case 17:
				name = "udp"
			case 132:
				name = "sctp"
			}
		case 0x86dd:
			name = "ipv6"
			switch p {
			case 58:
				name = "icmp6"
			case 6:
				name = "tcp6"
			case 17:
				name = "udp6"
			case 132:
				name = "sctp6"
			}
		case 0x0806:
			name = "arp"
		case 0x8035:
			name = "rarp"
		case 0x8847:
			name = "mpls"
		case 0x8848:
			name = "mplsm"
		}
		if name != "" {
			b = append(b, name...)
			skipType = true
			skipProto = name != "ip" && name != "ipv6" && name != "arp" && name != "rarp" && name != "mpls" && name != "mplsm"
		}
	}
	// field appends ",name=" (or "name=" first).
	field := func(b []byte, name string) []byte {
		b = sep(b)
		b = append(b, name...)
		return append(b, '=')
	}
	// Open vSwitch's registers (NXM class 1, fields 0-7), which its flow
	// statistics carry in 1.3 matches too.
	for i := range m.Fields {
		if o := &m.Fields[i]; isNXMReg(o) {
			b = append(sep(b), "reg"...)
			b = strconv.AppendUint(b, uint64(o.Field), 10)
			b = appendHexMasked(append(b, '='), o)
		}
	}
	if o := get(OXMTunnelIDField); o != nil {
		b = appendHexMasked(field(b, "tun_id"), o)
	}
	if o := get(OXMMetadataField); o != nil {
		b = appendHexMasked(field(b, "metadata"), o)
	}
	if o := get(OXMInPortField); o != nil {
		b = PortNo(o.Uint()).appendText(field(b, "in_port"))
	}
	if s := formatVLAN(get(OXMVlanVIDField), get(OXMVlanPCPField)); s != "" {
		b = append(sep(b), s...)
	}
	if o := get(OXMEthSrcField); o != nil {
		b = appendMACMasked(field(b, "dl_src"), o)
	}
	if o := get(OXMEthDstField); o != nil {
		b = appendMACMasked(field(b, "dl_dst"), o)
	}
	if ethType != nil && !skipType {
		b = appendHexWidth(field(b, "dl_type"), dlType, 4)
	}
	switch dlType {
	case 0x86dd:
		if o := get(OXMIPv6SrcField); o != nil {
			b = appendIPMasked(field(b, "ipv6_src"), o)
		}
		if o := get(OXMIPv6DstField); o != nil {
			b = appendIPMasked(field(b, "ipv6_dst"), o)
		}
		if o := get(OXMIPv6FlabelField); o != nil {
			b = appendHexMaskedWidth(field(b, "ipv6_label"), o, 5)
		}
	case 0x0806, 0x8035:
		if o := get(OXMARPSPAField); o != nil {
			b = appendIPMasked(field(b, "arp_spa"), o)
		}
		if o := get(OXMARPTPAField); o != nil {
			b = appendIPMasked(field(b, "arp_tpa"), o)
		}
	default:
		if o := get(OXMIPv4SrcField); o != nil {
			b = appendIPMasked(field(b, "nw_src"), o)
		}
		if o := get(OXMIPv4DstField); o != nil {
			b = appendIPMasked(field(b, "nw_dst"), o)
		}
	}
	if dlType == 0x0806 || dlType == 0x8035 {
		if o := get(OXMARPOpField); o != nil {
			b = strconv.AppendUint(field(b, "arp_op"), o.Uint(), 10)
		}
		if o := get(OXMARPSHAField); o != nil {
			b = appendMACMasked(field(b, "arp_sha"), o)
		}
		if o := get(OXMARPTHAField); o != nil {
			b = appendMACMasked(field(b, "arp_tha"), o)
		}
	} else if proto != nil && !skipProto {
		b = strconv.AppendUint(field(b, "nw_proto"), proto.Uint(), 10)
	}
	if o := get(OXMIPDSCPField); o != nil {
		b = strconv.AppendUint(field(b, "nw_tos"), o.Uint()<<2, 10)
	}
	if o := get(OXMIPECNField); o != nil {
		b = strconv.AppendUint(field(b, "nw_ecn"), o.Uint(), 10)
	}
	if o := get(OXMMPLSLabelField); o != nil {
		b = strconv.AppendUint(field(b, "mpls_label"), o.Uint(), 10)
	}
	if o := get(OXMMPLSTCField); o != nil {
		b = strconv.AppendUint(field(b, "mpls_tc"), o.Uint(), 10)
	}
	if o := get(OXMMPLSBOSField); o != nil {
		b = strconv.AppendUint(field(b, "mpls_bos"), o.Uint(), 10)
	}
	for _, f := range [][2]uint8{
		{OXMICMPv4TypeField, OXMICMPv4CodeField}, {OXMICMPv6TypeField, OXMICMPv6CodeField},
	} {
		if o := get(f[0]); o != nil {
			b = strconv.AppendUint(field(b, "icmp_type"), o.Uint(), 10)
		}
		if o := get(f[1]); o != nil {
			b = strconv.AppendUint(field(b, "icmp_code"), o.Uint(), 10)
		}
	}
	if o := get(OXMIPv6NDTargetField); o != nil {
		b = appendIPMasked(field(b, "nd_target"), o)
	}
	if o := get(OXMIPv6NDSLLField); o != nil {
		b = appendMACMasked(field(b, "nd_sll"), o)
	}
	if o := get(OXMIPv6NDTLLField); o != nil {
		b = appendMACMasked(field(b, "nd_tll"), o)
	}
	for _, f := range [][2]uint8{
		{OXMTCPSrcField, OXMTCPDstField}, {OXMUDPSrcField, OXMUDPDstField}, {OXMSCTPSrcField, OXMSCTPDstField},
	} {
		if o := get(f[0]); o != nil {
			b = appendDecMasked(field(b, "tp_src"), o)
		}
		if o := get(f[1]); o != nil {
			b = appendDecMasked(field(b, "tp_dst"), o)
		}
	}
	for i := range m.Fields {
		if o := &m.Fields[i]; isONFTCPFlags(o) {
			if o.IsExact() || o.MaskUint()&0xfff == 0xfff {
				b = append(field(b, "tcp_flags"), tcpFlagsString(uint16(o.Uint()))...)
			} else {
				b = fmt.Appendf(field(b, "tcp_flags"), "0x%03x/0x%03x", o.Uint(), o.MaskUint())
			}
		}
	}
	// Fields ovs-ofctl has no flow syntax for, and other classes.
	for i := range m.Fields {
		o := &m.Fields[i]
		switch {
		case isNXMReg(o), isONFTCPFlags(o):
		case o.IsBasic() && o.Field == OXMInPhyPortField:
			b = PortNo(o.Uint()).appendText(field(b, "in_phy_port"))
		case o.IsBasic() && o.Field == OXMPBBISIDField:
			b = appendHexMasked(field(b, "pbb_isid"), o)
		case o.IsBasic() && o.Field == OXMIPv6ExthdrField:
			b = appendHexMasked(field(b, "ipv6_exthdr"), o)
		case !o.IsBasic() || int(o.Field) >= len(oxmFields):
			b = append(sep(b), o.String()...)
		}
	}
	return b
}

// isNXMReg reports an Open vSwitch register TLV (NXM_NX_REG0..7).
func isNXMReg(o *OXM) bool { return o.Class == OXMClassNXM1 && o.Field < 8 && len(o.Value) == 4 }

// ONFExperimenter is the ONF's experimenter id, under which OpenFlow 1.3
// switches (Open vSwitch among them) carry the 1.5 tcp_flags field.
const ONFExperimenter uint32 = 0x4f4e4600

// isONFTCPFlags reports ONFOXM_ET_TCP_FLAGS (experimenter field 42).
func isONFTCPFlags(o *OXM) bool {
	return o.Class == OXMClassExperimenter && o.Experimenter == ONFExperimenter && o.Field == 42 && len(o.Value) == 2
}

// formatVLAN prints vlan_vid and vlan_pcp the way ovs-ofctl prints its
// 802.1Q TCI (whose CFI bit stands for OFPVID_PRESENT).
func formatVLAN(vid, pcp *OXM) string {
	if vid == nil && pcp == nil {
		return ""
	}
	var tci, mask uint16
	if vid != nil {
		tci = uint16(vid.Uint()) & 0x1fff
		mask = uint16(vid.MaskUint()) & 0x1fff
	}
	if pcp != nil {
		tci |= uint16(pcp.Uint()&7) << 13
		mask |= 0xe000
	}
	vidMask, pcpMask := mask&0x0fff, mask&0xe000
	if mask&0x1000 != 0 && tci&0x1000 != 0 && (vidMask == 0 || vidMask == 0x0fff) &&
		(pcpMask == 0 || pcpMask == 0xe000) && (vidMask != 0 || pcpMask != 0) {
		var s []string
		if vidMask != 0 {
			s = append(s, fmt.Sprintf("dl_vlan=%d", tci&0x0fff))
		}
		if pcpMask != 0 {
			s = append(s, fmt.Sprintf("dl_vlan_pcp=%d", tci>>13))
		}
		return strings.Join(s, ",")
	}
	if mask == 0xffff {
		return fmt.Sprintf("vlan_tci=0x%04x", tci)
	}
	return fmt.Sprintf("vlan_tci=0x%04x/0x%04x", tci, mask)
}

// narrowFields are the widths of the OXM basic fields whose values take
// fewer bits than their bytes: a mask of all those bits is full, as
// ovs-ofctl prints it (ipv6_label=0x12345, not 0x12345/0xfffff).
var narrowFields = map[uint8]uint{OXMIPv6FlabelField: 20, OXMIPv6ExthdrField: 9}

// IsExact reports whether o matches every bit of its field's value: no
// mask, or a mask that covers them all (for a narrow field, all its bits).
func (o *OXM) IsExact() bool {
	if !o.HasMask {
		return true
	}
	if bits, ok := narrowFields[o.Field]; ok && o.IsBasic() {
		all := uint64(1)<<bits - 1
		return o.MaskUint()&all == all
	}
	for _, c := range o.Mask {
		if c != 0xff {
			return false
		}
	}
	return true
}

// hexMasked prints value[/mask] as ovs-ofctl's C "%#x" does: zero is "0".
func hexMasked(o *OXM) string { return string(appendHexMasked(nil, o)) }

func appendHexMasked(b []byte, o *OXM) []byte {
	b = appendCHex(b, o.Uint())
	if o.IsExact() {
		return b
	}
	return appendCHex(append(b, '/'), o.MaskUint())
}

// appendCHex appends v as C's "%#x": "0x" and lowercase hex digits, but
// zero is "0".
func appendCHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	return strconv.AppendUint(append(b, "0x"...), v, 16)
}

// appendHexWidth appends v as "0x%0*x": at least w hex digits.
func appendHexWidth(b []byte, v uint64, w int) []byte {
	b = append(b, "0x"...)
	var tmp [16]byte
	d := strconv.AppendUint(tmp[:0], v, 16)
	for i := len(d); i < w; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

func appendHexMaskedWidth(b []byte, o *OXM, w int) []byte {
	b = appendHexWidth(b, o.Uint(), w)
	if o.IsExact() {
		return b
	}
	return appendHexWidth(append(b, '/'), o.MaskUint(), w)
}

// appendDecMasked appends a value in decimal, or value/mask as Go's
// "%#x/%#x" (zero is "0x0" there) when masked.
func appendDecMasked(b []byte, o *OXM) []byte {
	if o.IsExact() {
		return strconv.AppendUint(b, o.Uint(), 10)
	}
	b = strconv.AppendUint(append(b, "0x"...), o.Uint(), 16)
	return strconv.AppendUint(append(b, "/0x"...), o.MaskUint(), 16)
}

func appendMACMasked(b []byte, o *OXM) []byte {
	b = appendMAC(b, o.Value)
	if !o.IsExact() {
		b = appendMAC(append(b, '/'), o.Mask)
	}
	return b
}

// appendMAC appends bytes as net.HardwareAddr's String does: two lowercase
// hex digits each, colon-separated.
func appendMAC(b, a []byte) []byte {
	const hex = "0123456789abcdef"
	for i, c := range a {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return b
}

// appendIPMasked appends an address with a prefix length when the mask is
// a prefix, else with the mask itself.
func appendIPMasked(b []byte, o *OXM) []byte {
	b = appendIP(b, o.Value)
	if o.IsExact() {
		return b
	}
	if ones, ok := prefixLen(o.Mask); ok {
		return strconv.AppendUint(append(b, '/'), uint64(ones), 10)
	}
	return appendIP(append(b, '/'), o.Mask)
}

// appendIP appends an address as net.IP's String does; IPv4 (the common
// case) without going through a string.
func appendIP(b, ip []byte) []byte {
	if len(ip) != 4 {
		return append(b, net.IP(ip).String()...)
	}
	for i, c := range ip {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(c), 10)
	}
	return b
}

func prefixLen(mask []byte) (int, bool) {
	ones, i := 0, 0
	for ; i < len(mask) && mask[i] == 0xff; i++ {
		ones += 8
	}
	if i < len(mask) {
		n := bits.LeadingZeros8(^mask[i])
		if mask[i] != byte(0xff<<(8-n)) {
			return 0, false
		}
		ones += n
		for i++; i < len(mask); i++ {
			if mask[i] != 0 {
				return 0, false
			}
		}
	}
	return ones, true
}

// ovsFieldNames are the names ovs-ofctl gives basic fields in set_field.
var ovsFieldNames = map[uint8]string{
	OXMInPortField: "in_port", OXMMetadataField: "metadata", OXMEthDstField: "eth_dst",
	OXMEthSrcField: "eth_src", OXMEthTypeField: "eth_type", OXMVlanVIDField: "vlan_vid",
	OXMVlanPCPField: "vlan_pcp", OXMIPDSCPField: "ip_dscp", OXMIPECNField: "nw_ecn",
	OXMIPProtoField: "nw_proto", OXMIPv4SrcField: "ip_src", OXMIPv4DstField: "ip_dst",
	OXMTCPSrcField: "tcp_src", OXMTCPDstField: "tcp_dst", OXMUDPSrcField: "udp_src",
	OXMUDPDstField: "udp_dst", OXMSCTPSrcField: "sctp_src", OXMSCTPDstField: "sctp_dst",
	OXMICMPv4TypeField: "icmp_type", OXMICMPv4CodeField: "icmp_code", OXMARPOpField: "arp_op",
	OXMARPSPAField: "arp_spa", OXMARPTPAField: "arp_tpa", OXMARPSHAField: "arp_sha",
	OXMARPTHAField: "arp_tha", OXMIPv6SrcField: "ipv6_src", OXMIPv6DstField: "ipv6_dst",
	OXMIPv6FlabelField: "ipv6_label", OXMICMPv6TypeField: "icmpv6_type",
	OXMICMPv6CodeField: "icmpv6_code", OXMIPv6NDTargetField: "nd_target",
	OXMIPv6NDSLLField: "nd_sll", OXMIPv6NDTLLField: "nd_tll", OXMMPLSLabelField: "mpls_label",
	OXMMPLSTCField: "mpls_tc", OXMMPLSBOSField: "mpls_bos", OXMTunnelIDField: "tun_id",
	OXMPBBISIDField: "pbb_isid", OXMIPv6ExthdrField: "ipv6_exthdr", OXMInPhyPortField: "in_phy_port",
}

// formatSetFieldValue prints "value->field" as ovs-ofctl's set_field.
func formatSetFieldValue(o *OXM) string { return string(appendSetFieldValue(nil, o)) }

func appendSetFieldValue(b []byte, o *OXM) []byte {
	name, ok := ovsFieldNames[o.Field]
	if !o.IsBasic() || !ok {
		return append(b, o.String()...)
	}
	switch o.Field {
	case OXMEthDstField, OXMEthSrcField, OXMARPSHAField, OXMARPTHAField, OXMIPv6NDSLLField, OXMIPv6NDTLLField:
		b = appendMACMasked(b, o)
	case OXMIPv4SrcField, OXMIPv4DstField, OXMARPSPAField, OXMARPTPAField,
		OXMIPv6SrcField, OXMIPv6DstField, OXMIPv6NDTargetField:
		b = appendIPMasked(b, o)
	case OXMMetadataField, OXMTunnelIDField, OXMPBBISIDField, OXMIPv6ExthdrField, OXMIPv6FlabelField:
		b = appendHexMasked(b, o)
	case OXMEthTypeField:
		b = appendHexWidth(b, o.Uint(), 4)
	case OXMInPortField:
		b = PortNo(o.Uint()).appendText(b)
	default:
		b = appendDecMasked(b, o)
	}
	b = append(b, "->"...)
	return append(b, name...)
}
