package ofproto

// The wildcard mask of a translation: the union of the classifier masks
// of every table lookup, plus what NORMAL reads. A masked flow-cache tier
// ("megaflows") can install one entry for every key equal to this one on
// the consulted bits; the exact-match cache ignores it, trace prints it.

import (
	"strings"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// fieldNames are the OXM basic fields as ovs-ofctl names them.
var fieldNames = [numFields]string{
	"in_port", "in_phy_port", "metadata", "eth_dst", "eth_src", "eth_type", "vlan_vid", "vlan_pcp",
	"ip_dscp", "ip_ecn", "ip_proto", "ipv4_src", "ipv4_dst", "tcp_src", "tcp_dst", "udp_src", "udp_dst",
	"sctp_src", "sctp_dst", "icmpv4_type", "icmpv4_code", "arp_op", "arp_spa", "arp_tpa", "arp_sha",
	"arp_tha", "ipv6_src", "ipv6_dst", "ipv6_flabel", "icmpv6_type", "icmpv6_code", "ipv6_nd_target",
	"ipv6_nd_sll", "ipv6_nd_tll", "mpls_label", "mpls_tc", "mpls_bos", "pbb_isid", "tunnel_id", "ipv6_exthdr",
}

// wcFields names the fields with consulted bits.
func wcFields(wc *classifier.Key) string {
	var names []string
	for f := range uint8(numFields) {
		if fieldUsed(wc, f) {
			names = append(names, fieldNames[f])
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ",")
}

// portOnly says whether wc consulted nothing of the packet but its
// ingress port: every word past the in_port's and the pipeline
// metadata's is clear (field_layout.go).
func portOnly(wc *classifier.Key) bool {
	for _, w := range wc[2:] {
		if w != 0 {
			return false
		}
	}
	return true
}

// portWideMask is what every packet of a port-wide entry shares at each
// of its lookups: the first two words (in_port, in_phy_port, metadata),
// which a translation with no action but outputs cannot vary from packet
// to packet of the port.
var portWideMask = classifier.Key{0: ^uint64(0), 1: ^uint64(0)}

// usesNormal marks what the NORMAL action reads in wc.
func usesNormal(wc *classifier.Key) {
	for _, f := range []uint8{ofp.OXMInPortField, ofp.OXMEthSrcField, ofp.OXMEthDstField, ofp.OXMVlanVIDField, ofp.OXMVlanPCPField} {
		fieldMask(wc, f)
	}
}

// wcMask converts a wildcard mask in the field layout into a datapath
// mask over the flow key. Pipeline-only fields (metadata) have no key
// bits; in_port maps to the datapath port as a whole.
func wcMask(wc *classifier.Key) datapath.Mask {
	var m datapath.Mask
	k := (*datapath.FlowKey)(&m)
	cp := func(dst []byte, f uint8) {
		if fieldUsed(wc, f) {
			copy(dst, get(wc, f))
		}
	}
	u16 := func(f uint8) uint16 { return uint16(beUint(get(wc, f))) }
	u8 := func(f uint8) uint8 { return uint8(beUint(get(wc, f))) }
	if fieldUsed(wc, ofp.OXMInPortField) || fieldUsed(wc, ofp.OXMInPhyPortField) {
		k.InPort = ^uint32(0)
	}
	k.TunnelID = beUint(get(wc, ofp.OXMTunnelIDField))
	cp(k.EthDst[:], ofp.OXMEthDstField)
	cp(k.EthSrc[:], ofp.OXMEthSrcField)
	k.EthType = u16(ofp.OXMEthTypeField)
	if v := u16(ofp.OXMVlanVIDField); v != 0 {
		k.VLAN[0].TCI |= v & 0x0fff
		k.VLAN[0].TPID = 0xffff // present or not
	}
	if p := u8(ofp.OXMVlanPCPField); p != 0 {
		k.VLAN[0].TCI |= uint16(p) << 13
	}
	k.IPTOS = u8(ofp.OXMIPDSCPField)<<2 | u8(ofp.OXMIPECNField)&3
	k.IPProto = u8(ofp.OXMIPProtoField)
	cp(k.IPv4Src[:], ofp.OXMIPv4SrcField)
	cp(k.IPv4Dst[:], ofp.OXMIPv4DstField)
	cp(k.IPv6Src[:], ofp.OXMIPv6SrcField)
	cp(k.IPv6Dst[:], ofp.OXMIPv6DstField)
	k.IPv6Label = uint32(beUint(get(wc, ofp.OXMIPv6FlabelField)))
	k.IPv6ExtHdr = u16(ofp.OXMIPv6ExthdrField)
	k.TPSrc = u16(ofp.OXMTCPSrcField) | u16(ofp.OXMUDPSrcField) | u16(ofp.OXMSCTPSrcField)
	k.TPDst = u16(ofp.OXMTCPDstField) | u16(ofp.OXMUDPDstField) | u16(ofp.OXMSCTPDstField)
	k.ICMPType = u8(ofp.OXMICMPv4TypeField) | u8(ofp.OXMICMPv6TypeField)
	k.ICMPCode = u8(ofp.OXMICMPv4CodeField) | u8(ofp.OXMICMPv6CodeField)
	k.ARPOp = u16(ofp.OXMARPOpField)
	cp(k.ARPSpa[:], ofp.OXMARPSPAField)
	cp(k.ARPTpa[:], ofp.OXMARPTPAField)
	cp(k.ARPSha[:], ofp.OXMARPSHAField)
	cp(k.ARPTha[:], ofp.OXMARPTHAField)
	cp(k.NDTarget[:], ofp.OXMIPv6NDTargetField)
	cp(k.NDSLL[:], ofp.OXMIPv6NDSLLField)
	cp(k.NDTLL[:], ofp.OXMIPv6NDTLLField)
	k.MPLSLabel = uint32(beUint(get(wc, ofp.OXMMPLSLabelField)))
	k.MPLSTC = u8(ofp.OXMMPLSTCField)
	k.MPLSBOS = u8(ofp.OXMMPLSBOSField)
	k.PBBISID = uint32(beUint(get(wc, ofp.OXMPBBISIDField)))
	// Which headers parsed always matters: a field's absence is a value.
	k.Fields = ^datapath.KeyFields(0)
	return m
}

// wcMatch turns the consulted bits of a lookup key into an ofp.Match, for
// trace's "Megaflow:" line (the flow as a masked match, in ovs-ofctl
// syntax).
func wcMatch(k, wc *classifier.Key) ofp.Match {
	var fs []ofp.OXM
	for f := range uint8(numFields) {
		if !fieldUsed(wc, f) || f == ofp.OXMInPhyPortField {
			continue
		}
		var full classifier.Key
		fieldMask(&full, f)
		v, m := get(k, f), get(wc, f)
		for i := range v {
			v[i] &= m[i]
		}
		o := ofp.OXM{Class: ofp.OXMClassOpenFlowBasic, Field: f, Value: v}
		if fieldUsed(&full, f) && string(get(&full, f)) != string(m) {
			o.HasMask, o.Mask = true, m
		}
		fs = append(fs, o)
	}
	return ofp.NewMatch(fs...)
}
