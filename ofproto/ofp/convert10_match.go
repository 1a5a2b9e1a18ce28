package ofp

// Match10 <-> Match (spec 1.0.0 §5.2.3 struct ofp_match; spec 1.3.5
// §7.2.3 OXM and table 12). The rules follow Open vSwitch's reading of a
// 1.0 match (ofputil_match_from_ofp10_match and its normalisation):
//
//   - A field whose prerequisite the 1.0 match does not fix is ignored, as
//     1.0 switches ignore it: nw_src/nw_dst need dl_type IPv4 or ARP,
//     nw_proto IPv4, IPv6 or ARP (for ARP it is the opcode), nw_tos IPv4
//     or IPv6, tp_src/tp_dst IPv4 or IPv6 with nw_proto TCP, UDP, SCTP or
//     ICMP (ICMPv6 for IPv6), where they are the ICMP type and code.
//   - dl_vlan 0xffff (OFP_VLAN_NONE) matches untagged frames
//     (vlan_vid=OFPVID_NONE) and makes dl_vlan_pcp meaningless; any other
//     dl_vlan is a VID (its low 12 bits, OFPVID_PRESENT|vid); a
//     dl_vlan_pcp without dl_vlan matches tagged frames of that priority
//     (vlan_vid=OFPVID_PRESENT/OFPVID_PRESENT plus vlan_pcp).
//   - nw_tos carries the DSCP in its upper six bits: ip_dscp = nw_tos>>2.
//   - Ports: the 1.0 reserved numbers (0xff00 and up) map to 1.3's.
//
// Every match a 1.0 controller can send converts but two kinds, refused
// with OFPBRC_BAD_TYPE (1.0 has no bad-match error): a RARP match with
// ARP fields, since 1.3's arp_* fields need eth_type 0x0806, and an ICMP
// type or code above 255 in tp_src/tp_dst (Open vSwitch keeps such a
// flow, which matches no packet; 1.3's fields have 8 bits).
// MatchTo10 is the inverse, for flow stats and flow-removed to 1.0
// sessions: ToMatch followed by MatchTo10 gives back the normalised
// original (Normalize10). A 1.3 match 1.0 cannot say (metadata, IPv6
// addresses, non-CIDR masks, ...) is refused.

import "encoding/binary"

// ipProtoHasPorts10 says whether tp_src/tp_dst of a 1.0 match are
// meaningful for IP protocol p of an IPv4 (v6 false) or IPv6 packet.
func ipProtoHasPorts10(p uint8, v6 bool) bool {
	switch p {
	case ipProtoTCP, ipProtoUDP, ipProtoSCTP:
		return true
	case ipProtoICMP:
		return !v6
	case ipProtoICMP6:
		return v6
	}
	return false
}

// Normalize10 returns m as a 1.0 switch that follows Open vSwitch reads
// it: wildcarded and meaningless fields cleared and wildcarded, address
// bits outside their prefix cleared, undefined wildcard bits dropped, and
// VLAN values cut to the bits the field has. ToMatch followed by MatchTo10
// gives this form.
func Normalize10(m Match10) Match10 {
	w := m.Wildcards
	has := func(bit uint32) bool { return w&bit == 0 }
	var out Match10
	out.Wildcards = FW10All &^ (FW10NWSrcMask | FW10NWDstMask)
	out.Wildcards |= FW10NWSrcAll | FW10NWDstAll
	keep := func(bit uint32) { out.Wildcards &^= bit }
	if has(FW10InPort) {
		keep(FW10InPort)
		out.InPort = m.InPort
	}
	if has(FW10DLSrc) {
		keep(FW10DLSrc)
		out.DLSrc = m.DLSrc
	}
	if has(FW10DLDst) {
		keep(FW10DLDst)
		out.DLDst = m.DLDst
	}
	switch {
	case has(FW10DLVLAN) && m.DLVLAN == VLAN10None:
		// OVS writes "no tag" back with dl_vlan_pcp matched as 0.
		keep(FW10DLVLAN | FW10DLVLANPCP)
		out.DLVLAN = VLAN10None
	default:
		if has(FW10DLVLAN) {
			keep(FW10DLVLAN)
			out.DLVLAN = m.DLVLAN & 0x0fff
		}
		if has(FW10DLVLANPCP) {
			keep(FW10DLVLANPCP)
			out.DLVLANPCP = m.DLVLANPCP & 7
		}
	}
	if !has(FW10DLType) {
		return out
	}
	keep(FW10DLType)
	out.DLType = m.DLType
	v4, v6 := m.DLType == ethTypeIPv4, m.DLType == ethTypeIPv6
	arp := m.DLType == ethTypeARP || m.DLType == ethTypeRARP
	if v4 || arp {
		if p := m.NWSrcPrefix(); p > 0 {
			out.SetNWSrc(ipv410(m.NWSrc.uint32()&prefixMask10(p)), p)
		}
		if p := m.NWDstPrefix(); p > 0 {
			out.SetNWDst(ipv410(m.NWDst.uint32()&prefixMask10(p)), p)
		}
	}
	if (v4 || v6) && has(FW10NWTos) {
		keep(FW10NWTos)
		out.NWTos = m.NWTos & 0xfc
	}
	if (v4 || v6 || arp) && has(FW10NWProto) {
		keep(FW10NWProto)
		out.NWProto = m.NWProto
	}
	if (v4 || v6) && has(FW10NWProto) && ipProtoHasPorts10(m.NWProto, v6) {
		if has(FW10TPSrc) {
			keep(FW10TPSrc)
			out.TPSrc = m.TPSrc
		}
		if has(FW10TPDst) {
			keep(FW10TPDst)
			out.TPDst = m.TPDst
		}
	}
	return out
}

// ToMatch converts a 1.0 match to the OXM match that means the same to a
// switch, prerequisites first (spec 1.3.5 §7.2.3.6). The result passes
// Match.Validate.
func (m Match10) ToMatch() (Match, error) {
	n := Normalize10(m)
	w := n.Wildcards
	has := func(bit uint32) bool { return w&bit == 0 }
	var f []OXM
	if has(FW10InPort) {
		f = append(f, OXMInPort(n.InPort.To13()))
	}
	if has(FW10DLDst) {
		f = append(f, basicOXM(OXMEthDstField, cloneBytes(n.DLDst[:]), nil))
	}
	if has(FW10DLSrc) {
		f = append(f, basicOXM(OXMEthSrcField, cloneBytes(n.DLSrc[:]), nil))
	}
	if has(FW10DLType) {
		f = append(f, OXMEthType(n.DLType))
	}
	switch {
	case has(FW10DLVLAN) && n.DLVLAN == VLAN10None:
		f = append(f, OXMVlanVID(VIDNone))
	case has(FW10DLVLAN):
		f = append(f, OXMVlanVID(VIDPresent|n.DLVLAN))
		if has(FW10DLVLANPCP) {
			f = append(f, OXMVlanPCP(n.DLVLANPCP))
		}
	case has(FW10DLVLANPCP):
		f = append(f, OXMVlanVIDMasked(VIDPresent, VIDPresent), OXMVlanPCP(n.DLVLANPCP))
	}
	if n.DLType == ethTypeRARP && has(FW10DLType) &&
		(n.NWSrcPrefix() > 0 || n.NWDstPrefix() > 0 || has(FW10NWProto)) {
		return Match{}, err10(ET10BadRequest, BRC10BadType, "match: RARP fields have no OpenFlow 1.3 form (arp_* need eth_type 0x0806)")
	}
	v6 := n.DLType == ethTypeIPv6
	if has(FW10NWTos) {
		f = append(f, OXMIPDSCP(n.NWTos>>2))
	}
	arp := n.DLType == ethTypeARP
	if has(FW10NWProto) {
		if arp {
			f = append(f, OXMARPOp(uint16(n.NWProto)))
		} else {
			f = append(f, OXMIPProto(n.NWProto))
		}
	}
	addr := func(field uint8, a IPv410, prefix int) {
		if prefix == 0 {
			return
		}
		var mask []byte
		if prefix < 32 {
			mask = be32(prefixMask10(prefix))
		}
		f = append(f, basicOXM(field, cloneBytes(a[:]), mask))
	}
	if arp {
		addr(OXMARPSPAField, n.NWSrc, n.NWSrcPrefix())
		addr(OXMARPTPAField, n.NWDst, n.NWDstPrefix())
	} else {
		addr(OXMIPv4SrcField, n.NWSrc, n.NWSrcPrefix())
		addr(OXMIPv4DstField, n.NWDst, n.NWDstPrefix())
	}
	if has(FW10TPSrc) || has(FW10TPDst) {
		src, dst, width := tpFields10(n.NWProto, v6)
		for _, p := range []struct {
			bit   uint32
			field uint8
			v     uint16
		}{{FW10TPSrc, src, n.TPSrc}, {FW10TPDst, dst, n.TPDst}} {
			if !has(p.bit) {
				continue
			}
			if width == 1 {
				if p.v > 0xff {
					// OVS keeps the 16 bits, so the flow matches no
					// packet; 1.3's 8-bit field cannot say that.
					return Match{}, err10(ET10BadRequest, BRC10BadType, "match: ICMP type or code %d exceeds 8 bits", p.v)
				}
				f = append(f, basicOXM(p.field, []byte{byte(p.v)}, nil))
			} else {
				f = append(f, basicOXM(p.field, be16(p.v), nil))
			}
		}
	}
	return Match{Fields: f}, nil
}

// tpFields10 returns the OXM fields that tp_src and tp_dst stand for with
// IP protocol p, and their width in bytes. The caller has checked
// ipProtoHasPorts10.
func tpFields10(p uint8, v6 bool) (src, dst uint8, width int) {
	switch p {
	case ipProtoTCP:
		return OXMTCPSrcField, OXMTCPDstField, 2
	case ipProtoUDP:
		return OXMUDPSrcField, OXMUDPDstField, 2
	case ipProtoSCTP:
		return OXMSCTPSrcField, OXMSCTPDstField, 2
	case ipProtoICMP6:
		return OXMICMPv6TypeField, OXMICMPv6CodeField, 1
	}
	return OXMICMPv4TypeField, OXMICMPv4CodeField, 1
}

// MatchTo10 converts an OXM match to OpenFlow 1.0, as Open vSwitch writes
// the match of a flow into flow stats and flow-removed for a 1.0 session
// (nw_src/nw_dst wildcard counts of 32 for "any", dl_vlan_pcp matched as
// 0 with dl_vlan OFP_VLAN_NONE). Fields 1.0 has no place for, masks other
// than a prefix on IPv4 addresses, experimenter fields and partial VLAN
// masks are refused with OFPBRC_BAD_TYPE (1.0 has no bad-match error).
func MatchTo10(m Match) (Match10, error) {
	var out Match10
	out.Wildcards = FW10All &^ (FW10NWSrcMask | FW10NWDstMask)
	out.Wildcards |= FW10NWSrcAll | FW10NWDstAll
	bad := func(format string, args ...any) (Match10, error) {
		return Match10{}, err10(ET10BadRequest, BRC10BadType, "match: "+format, args...)
	}
	var vid, pcp *OXM
	for i := range m.Fields {
		o := &m.Fields[i]
		if !o.IsBasic() {
			return bad("oxm class %#04x has no OpenFlow 1.0 form", o.Class)
		}
		def, ok := basicField(o.Field)
		if !ok || len(o.Value) != def.size || (o.HasMask && len(o.Mask) != def.size) {
			return bad("%s is not a valid field", o.String())
		}
		exact := !o.HasMask || isAllOnes(o.Mask)
		clear := func(bit uint32) { out.Wildcards &^= bit }
		u := o.Uint()
		switch o.Field {
		case OXMInPortField:
			p, ok := PortNo(u).To10()
			if !ok {
				return bad("in_port %s does not fit OpenFlow 1.0's 16 bits", PortNo(u))
			}
			clear(FW10InPort)
			out.InPort = p
		case OXMEthDstField, OXMEthSrcField:
			if !exact {
				return bad("%s: OpenFlow 1.0 cannot mask Ethernet addresses", o.String())
			}
			if o.Field == OXMEthDstField {
				clear(FW10DLDst)
				copy(out.DLDst[:], o.Value)
			} else {
				clear(FW10DLSrc)
				copy(out.DLSrc[:], o.Value)
			}
		case OXMEthTypeField:
			clear(FW10DLType)
			out.DLType = uint16(u)
		case OXMVlanVIDField:
			vid = o
		case OXMVlanPCPField:
			pcp = o
		case OXMIPDSCPField:
			clear(FW10NWTos)
			out.NWTos = uint8(u) << 2
		case OXMIPProtoField:
			clear(FW10NWProto)
			out.NWProto = uint8(u)
		case OXMARPOpField:
			if u > 0xff {
				return bad("arp_op %d does not fit OpenFlow 1.0's 8-bit nw_proto", u)
			}
			clear(FW10NWProto)
			out.NWProto = uint8(u)
		case OXMIPv4SrcField, OXMIPv4DstField, OXMARPSPAField, OXMARPTPAField:
			prefix, ok := maskPrefix10(o)
			if !ok {
				return bad("%s: OpenFlow 1.0 masks IPv4 addresses only by prefix", o.String())
			}
			a := IPv410(o.Value)
			if o.Field == OXMIPv4SrcField || o.Field == OXMARPSPAField {
				out.SetNWSrc(a, prefix)
			} else {
				out.SetNWDst(a, prefix)
			}
		case OXMTCPSrcField, OXMUDPSrcField, OXMSCTPSrcField:
			clear(FW10TPSrc)
			out.TPSrc = uint16(u)
		case OXMTCPDstField, OXMUDPDstField, OXMSCTPDstField:
			clear(FW10TPDst)
			out.TPDst = uint16(u)
		case OXMICMPv4TypeField, OXMICMPv6TypeField:
			clear(FW10TPSrc)
			out.TPSrc = uint16(u)
		case OXMICMPv4CodeField, OXMICMPv6CodeField:
			clear(FW10TPDst)
			out.TPDst = uint16(u)
		default:
			if o.HasMask && isAllZeros(o.Mask) {
				continue // matches everything: nothing to say
			}
			return bad("%s has no OpenFlow 1.0 form", def.name)
		}
	}
	if err := vlanTo10(&out, vid, pcp); err != nil {
		return Match10{}, err
	}
	return out, nil
}

// vlanTo10 fills dl_vlan and dl_vlan_pcp from the VLAN TLVs of a match.
func vlanTo10(out *Match10, vid, pcp *OXM) error {
	bad := func(format string, args ...any) error {
		return err10(ET10BadRequest, BRC10BadType, "match: "+format, args...)
	}
	if pcp != nil {
		out.Wildcards &^= FW10DLVLANPCP
		out.DLVLANPCP = uint8(pcp.Uint())
	}
	if vid == nil {
		if pcp != nil {
			return bad("vlan_pcp without vlan_vid")
		}
		return nil
	}
	v, mask := uint16(vid.Uint()), uint16(vid.MaskUint())&0x1fff
	switch {
	case mask == 0:
		if pcp != nil {
			return bad("vlan_pcp with a wildcarded vlan_vid")
		}
	case mask == 0x1fff && v == VIDNone:
		if pcp != nil {
			return bad("vlan_pcp with vlan_vid=none")
		}
		out.Wildcards &^= FW10DLVLAN | FW10DLVLANPCP
		out.DLVLAN = VLAN10None
		out.DLVLANPCP = 0
	case mask == 0x1fff && v&VIDPresent != 0:
		out.Wildcards &^= FW10DLVLAN
		out.DLVLAN = v & 0x0fff
	case mask == VIDPresent && v == VIDPresent && pcp != nil:
		// Any tagged frame of that priority: dl_vlan wildcarded.
	default:
		return bad("vlan_vid %#04x/%#04x has no OpenFlow 1.0 form", v, mask)
	}
	return nil
}

// maskPrefix10 returns the prefix length of an IPv4 TLV's mask, and false
// when the mask is not a prefix.
func maskPrefix10(o *OXM) (int, bool) {
	if !o.HasMask {
		return 32, true
	}
	m := binary.BigEndian.Uint32(o.Mask)
	for p := 0; p <= 32; p++ {
		if prefixMask10(p) == m {
			if o.Value != nil && binary.BigEndian.Uint32(o.Value)&^m != 0 {
				return 0, false
			}
			return p, true
		}
	}
	return 0, false
}

func isAllOnes(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

func isAllZeros(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
