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
func formatMatch(m Match) string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
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
			out = append(out, name)
			skipType = true
			skipProto = name != "ip" && name != "ipv6" && name != "arp" && name != "rarp" && name != "mpls" && name != "mplsm"
		}
	}
	// Open vSwitch's registers (NXM class 1, fields 0-7), which its flow
	// statistics carry in 1.3 matches too.
	for i := range m.Fields {
		if o := &m.Fields[i]; isNXMReg(o) {
			add("reg%d=%s", o.Field, hexMasked(o))
		}
	}
	if o := get(OXMTunnelIDField); o != nil {
		out = append(out, "tun_id="+hexMasked(o))
	}
	if o := get(OXMMetadataField); o != nil {
		out = append(out, "metadata="+hexMasked(o))
	}
	if o := get(OXMInPortField); o != nil {
		out = append(out, "in_port="+PortNo(o.Uint()).String())
	}
	if s := formatVLAN(get(OXMVlanVIDField), get(OXMVlanPCPField)); s != "" {
		out = append(out, s)
	}
	if o := get(OXMEthSrcField); o != nil {
		out = append(out, "dl_src="+macMasked(o))
	}
	if o := get(OXMEthDstField); o != nil {
		out = append(out, "dl_dst="+macMasked(o))
	}
	if ethType != nil && !skipType {
		add("dl_type=0x%04x", dlType)
	}
	switch dlType {
	case 0x86dd:
		if o := get(OXMIPv6SrcField); o != nil {
			out = append(out, "ipv6_src="+ipMasked(o))
		}
		if o := get(OXMIPv6DstField); o != nil {
			out = append(out, "ipv6_dst="+ipMasked(o))
		}
		if o := get(OXMIPv6FlabelField); o != nil {
			out = append(out, "ipv6_label="+hexMaskedWidth(o, 5))
		}
	case 0x0806, 0x8035:
		if o := get(OXMARPSPAField); o != nil {
			out = append(out, "arp_spa="+ipMasked(o))
		}
		if o := get(OXMARPTPAField); o != nil {
			out = append(out, "arp_tpa="+ipMasked(o))
		}
	default:
		if o := get(OXMIPv4SrcField); o != nil {
			out = append(out, "nw_src="+ipMasked(o))
		}
		if o := get(OXMIPv4DstField); o != nil {
			out = append(out, "nw_dst="+ipMasked(o))
		}
	}
	if dlType == 0x0806 || dlType == 0x8035 {
		if o := get(OXMARPOpField); o != nil {
			out = append(out, "arp_op="+strconv.FormatUint(o.Uint(), 10))
		}
		if o := get(OXMARPSHAField); o != nil {
			out = append(out, "arp_sha="+macMasked(o))
		}
		if o := get(OXMARPTHAField); o != nil {
			out = append(out, "arp_tha="+macMasked(o))
		}
	} else if proto != nil && !skipProto {
		add("nw_proto=%d", proto.Uint())
	}
	if o := get(OXMIPDSCPField); o != nil {
		out = append(out, "nw_tos="+strconv.FormatUint(o.Uint()<<2, 10))
	}
	if o := get(OXMIPECNField); o != nil {
		out = append(out, "nw_ecn="+strconv.FormatUint(o.Uint(), 10))
	}
	if o := get(OXMMPLSLabelField); o != nil {
		out = append(out, "mpls_label="+strconv.FormatUint(o.Uint(), 10))
	}
	if o := get(OXMMPLSTCField); o != nil {
		out = append(out, "mpls_tc="+strconv.FormatUint(o.Uint(), 10))
	}
	if o := get(OXMMPLSBOSField); o != nil {
		out = append(out, "mpls_bos="+strconv.FormatUint(o.Uint(), 10))
	}
	for _, f := range [][2]uint8{
		{OXMICMPv4TypeField, OXMICMPv4CodeField}, {OXMICMPv6TypeField, OXMICMPv6CodeField},
	} {
		if o := get(f[0]); o != nil {
			out = append(out, "icmp_type="+strconv.FormatUint(o.Uint(), 10))
		}
		if o := get(f[1]); o != nil {
			out = append(out, "icmp_code="+strconv.FormatUint(o.Uint(), 10))
		}
	}
	if o := get(OXMIPv6NDTargetField); o != nil {
		out = append(out, "nd_target="+ipMasked(o))
	}
	if o := get(OXMIPv6NDSLLField); o != nil {
		out = append(out, "nd_sll="+macMasked(o))
	}
	if o := get(OXMIPv6NDTLLField); o != nil {
		out = append(out, "nd_tll="+macMasked(o))
	}
	for _, f := range [][2]uint8{
		{OXMTCPSrcField, OXMTCPDstField}, {OXMUDPSrcField, OXMUDPDstField}, {OXMSCTPSrcField, OXMSCTPDstField},
	} {
		if o := get(f[0]); o != nil {
			out = append(out, "tp_src="+decMasked(o))
		}
		if o := get(f[1]); o != nil {
			out = append(out, "tp_dst="+decMasked(o))
		}
	}
	for i := range m.Fields {
		if o := &m.Fields[i]; isONFTCPFlags(o) {
			if isFullMask(o) || o.MaskUint()&0xfff == 0xfff {
				out = append(out, "tcp_flags="+tcpFlagsString(uint16(o.Uint())))
			} else {
				add("tcp_flags=0x%03x/0x%03x", o.Uint(), o.MaskUint())
			}
		}
	}
	// Fields ovs-ofctl has no flow syntax for, and other classes.
	for i := range m.Fields {
		o := &m.Fields[i]
		switch {
		case isNXMReg(o), isONFTCPFlags(o):
		case o.IsBasic() && o.Field == OXMInPhyPortField:
			out = append(out, "in_phy_port="+PortNo(o.Uint()).String())
		case o.IsBasic() && o.Field == OXMPBBISIDField:
			out = append(out, "pbb_isid="+hexMasked(o))
		case o.IsBasic() && o.Field == OXMIPv6ExthdrField:
			out = append(out, "ipv6_exthdr="+hexMasked(o))
		case !o.IsBasic() || int(o.Field) >= len(oxmFields):
			out = append(out, o.String())
		}
	}
	return strings.Join(out, ",")
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

// isFullMask reports a mask that matches every bit (or no mask at all).
func isFullMask(o *OXM) bool {
	if !o.HasMask {
		return true
	}
	for _, c := range o.Mask {
		if c != 0xff {
			return false
		}
	}
	return true
}

// hexMasked prints value[/mask] as ovs-ofctl's C "%#x" does: zero is "0".
func hexMasked(o *OXM) string {
	if isFullMask(o) {
		return cHex(o.Uint())
	}
	return cHex(o.Uint()) + "/" + cHex(o.MaskUint())
}

func hexMaskedWidth(o *OXM, w int) string {
	if isFullMask(o) {
		return fmt.Sprintf("0x%0*x", w, o.Uint())
	}
	return fmt.Sprintf("0x%0*x/0x%0*x", w, o.Uint(), w, o.MaskUint())
}

func decMasked(o *OXM) string {
	if isFullMask(o) {
		return fmt.Sprintf("%d", o.Uint())
	}
	return fmt.Sprintf("%#x/%#x", o.Uint(), o.MaskUint())
}

func macMasked(o *OXM) string {
	s := net.HardwareAddr(o.Value).String()
	if !isFullMask(o) {
		s += "/" + net.HardwareAddr(o.Mask).String()
	}
	return s
}

// ipMasked prints an address with a prefix length when the mask is a
// prefix, else with the mask itself.
func ipMasked(o *OXM) string {
	s := net.IP(o.Value).String()
	if isFullMask(o) {
		return s
	}
	if ones, ok := prefixLen(o.Mask); ok {
		return fmt.Sprintf("%s/%d", s, ones)
	}
	return s + "/" + net.IP(o.Mask).String()
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
func formatSetFieldValue(o *OXM) string {
	name, ok := ovsFieldNames[o.Field]
	if !o.IsBasic() || !ok {
		return o.String()
	}
	var v string
	switch o.Field {
	case OXMEthDstField, OXMEthSrcField, OXMARPSHAField, OXMARPTHAField, OXMIPv6NDSLLField, OXMIPv6NDTLLField:
		v = macMasked(o)
	case OXMIPv4SrcField, OXMIPv4DstField, OXMARPSPAField, OXMARPTPAField,
		OXMIPv6SrcField, OXMIPv6DstField, OXMIPv6NDTargetField:
		v = ipMasked(o)
	case OXMMetadataField, OXMTunnelIDField, OXMPBBISIDField, OXMIPv6ExthdrField, OXMIPv6FlabelField:
		v = hexMasked(o)
	case OXMEthTypeField:
		v = fmt.Sprintf("0x%04x", o.Uint())
	case OXMInPortField:
		v = PortNo(o.Uint()).String()
	default:
		v = decMasked(o)
	}
	return v + "->" + name
}
