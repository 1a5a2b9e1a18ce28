package ofp

// The match part of ovs-ofctl flow text (ovs-fields(7)) as OXM fields of
// the OpenFlow-basic class (spec 1.3.5 §7.2.3.7). OpenFlow 1.0-era names
// whose meaning depends on other fields (nw_src is arp_spa in an ARP flow,
// tp_dst is tcp_dst or udp_dst by ip_proto, icmp_type is ICMPv4 or v6) are
// resolved once the whole match has been read.

import (
	"encoding/binary"
	"fmt"
	"net"
	"slices"
	"strings"
)

type matchBuilder struct {
	fields   map[uint8]OXM
	toks     map[uint8]string // token that set each field, for errors
	deferred []deferredField
	warnings []string
}

// deferredField is a field whose OXM depends on eth_type or ip_proto.
type deferredField struct{ tok, key, val string }

func newMatchBuilder() *matchBuilder {
	return &matchBuilder{fields: map[uint8]OXM{}, toks: map[uint8]string{}}
}

// shorthands are the protocol keywords of ovs-fields(7): eth_type and,
// for transport protocols, ip_proto.
var shorthands = map[string]struct {
	ethType uint16
	proto   int // -1: none
}{
	"ip": {0x0800, -1}, "ipv4": {0x0800, -1}, "icmp": {0x0800, 1}, "tcp": {0x0800, 6}, "udp": {0x0800, 17},
	"sctp": {0x0800, 132}, "ipv6": {0x86dd, -1}, "icmp6": {0x86dd, 58}, "tcp6": {0x86dd, 6},
	"udp6": {0x86dd, 17}, "sctp6": {0x86dd, 132}, "arp": {0x0806, -1}, "rarp": {0x8035, -1},
	"mpls": {0x8847, -1}, "mplsm": {0x8848, -1},
}

func (m *matchBuilder) shorthand(tok string) error {
	s, ok := shorthands[strings.ToLower(tok)]
	if !ok {
		return tokErr(tok, "unknown keyword (not a field, protocol or flag)")
	}
	if err := m.put(tok, basicOXM(OXMEthTypeField, be16(s.ethType), nil)); err != nil {
		return err
	}
	if s.proto >= 0 {
		return m.put(tok, basicOXM(OXMIPProtoField, []byte{uint8(s.proto)}, nil))
	}
	return nil
}

// put records a field; the same field set twice must agree.
func (m *matchBuilder) put(tok string, o OXM) error {
	if old, ok := m.fields[o.Field]; ok {
		if !slices.Equal(old.Value, o.Value) || !slices.Equal(old.Mask, o.Mask) {
			return tokErr(tok, "conflicts with %q", m.toks[o.Field])
		}
		return nil
	}
	o.HasMask = o.Mask != nil
	if o.HasMask && allZero(o.Mask) {
		return nil // a zero mask matches everything: no field at all
	}
	if o.HasMask && len(o.Mask) == len(o.Value) {
		// Bits outside the mask do not take part (ovs-ofctl clears them;
		// spec 1.3.5 §7.2.3.5 makes them an error on the wire).
		v := make([]byte, len(o.Value))
		for i := range v {
			v[i] = o.Value[i] & o.Mask[i]
		}
		o.Value = v
	}
	m.fields[o.Field] = o
	m.toks[o.Field] = tok
	return nil
}

// fieldAliases maps the ovs-fields(7) names to OpenFlow-basic fields whose
// value is written as is.
var fieldAliases = map[string]uint8{
	"in_port": OXMInPortField, "in_port_oxm": OXMInPortField, "in_phy_port": OXMInPhyPortField,
	"metadata": OXMMetadataField,
	"dl_dst":   OXMEthDstField, "eth_dst": OXMEthDstField, "dl_src": OXMEthSrcField, "eth_src": OXMEthSrcField,
	"dl_type": OXMEthTypeField, "eth_type": OXMEthTypeField,
	"vlan_vid": OXMVlanVIDField, "dl_vlan_pcp": OXMVlanPCPField, "vlan_pcp": OXMVlanPCPField,
	"ip_dscp": OXMIPDSCPField, "nw_ecn": OXMIPECNField, "ip_ecn": OXMIPECNField, "ip_proto": OXMIPProtoField,
	"ipv4_src": OXMIPv4SrcField, "ipv4_dst": OXMIPv4DstField,
	"tcp_src": OXMTCPSrcField, "tcp_dst": OXMTCPDstField, "udp_src": OXMUDPSrcField, "udp_dst": OXMUDPDstField,
	"sctp_src": OXMSCTPSrcField, "sctp_dst": OXMSCTPDstField,
	"icmpv4_type": OXMICMPv4TypeField, "icmpv4_code": OXMICMPv4CodeField,
	"arp_op": OXMARPOpField, "arp_spa": OXMARPSPAField, "arp_tpa": OXMARPTPAField,
	"arp_sha": OXMARPSHAField, "arp_tha": OXMARPTHAField,
	"ipv6_src": OXMIPv6SrcField, "ipv6_dst": OXMIPv6DstField,
	"ipv6_label": OXMIPv6FlabelField, "ipv6_flabel": OXMIPv6FlabelField,
	"icmpv6_type": OXMICMPv6TypeField, "icmpv6_code": OXMICMPv6CodeField,
	"nd_target": OXMIPv6NDTargetField, "ipv6_nd_target": OXMIPv6NDTargetField,
	"nd_sll": OXMIPv6NDSLLField, "ipv6_nd_sll": OXMIPv6NDSLLField,
	"nd_tll": OXMIPv6NDTLLField, "ipv6_nd_tll": OXMIPv6NDTLLField,
	"mpls_label": OXMMPLSLabelField, "mpls_tc": OXMMPLSTCField, "mpls_bos": OXMMPLSBOSField,
	"pbb_isid": OXMPBBISIDField, "tun_id": OXMTunnelIDField, "tunnel_id": OXMTunnelIDField,
	"ipv6_exthdr": OXMIPv6ExthdrField,
}

func (m *matchBuilder) set(tok, key, val string) error {
	switch key {
	case "nw_src", "nw_dst", "ip_src", "ip_dst", "nw_proto", "tp_src", "tp_dst", "icmp_type", "icmp_code":
		m.deferred = append(m.deferred, deferredField{tok, key, val})
		return nil
	case "dl_vlan":
		v, err := parseUint(val, 16)
		if err != nil || (v > 0xfff && v != 0xffff) {
			return tokErr(tok, "dl_vlan must be 0 to 4095 (or 0xffff: no VLAN)")
		}
		if v == 0xffff {
			return m.put(tok, basicOXM(OXMVlanVIDField, be16(VIDNone), nil))
		}
		return m.put(tok, basicOXM(OXMVlanVIDField, be16(uint16(v)|VIDPresent), nil))
	case "vlan_tci":
		return m.vlanTCI(tok, val)
	case "nw_tos":
		v, err := parseUint(val, 8)
		if err != nil || v&3 != 0 {
			return tokErr(tok, "nw_tos must be a byte with the low two (ECN) bits zero")
		}
		return m.put(tok, basicOXM(OXMIPDSCPField, []byte{uint8(v >> 2)}, nil))
	}
	f, ok := fieldAliases[key]
	if !ok {
		return tokErr(tok, "unknown field %q", key)
	}
	v, mk, err := ParseFieldValue(f, val)
	if err != nil {
		return tokErr(tok, "%v", err)
	}
	return m.put(tok, basicOXM(f, v, mk))
}

// vlanTCI maps an 802.1Q TCI match onto vlan_vid and vlan_pcp: the CFI bit
// is OFPVID_PRESENT (spec 1.3.5 §7.2.3.8), the top three bits the PCP.
func (m *matchBuilder) vlanTCI(tok, val string) error {
	v, mk, err := parseNumMasked(val, 2)
	if err != nil {
		return tokErr(tok, "%v", err)
	}
	tci := binary.BigEndian.Uint16(v)
	mask := uint16(0xffff)
	if mk != nil {
		mask = binary.BigEndian.Uint16(mk)
	}
	vidMask := mask & 0x1fff
	if vidMask != 0 {
		o := basicOXM(OXMVlanVIDField, be16(tci&vidMask), nil)
		if vidMask != 0x1fff {
			o.Mask = be16(vidMask)
		}
		if err := m.put(tok, o); err != nil {
			return err
		}
	}
	// A PCP means something only on a tagged frame: ovs-ofctl drops it
	// unless the match requires the tag (CFI set and matched).
	pcpMask := mask >> 13
	tagged := mask&VIDPresent != 0 && tci&VIDPresent != 0
	switch {
	case pcpMask == 0:
	case !tagged:
		m.warnings = append(m.warnings, fmt.Sprintf("%q: the PCP part is ignored: it needs the tag present (CFI bit 0x1000 set and matched)", tok))
	case pcpMask == 7:
		return m.put(tok, basicOXM(OXMVlanPCPField, []byte{uint8(tci >> 13)}, nil))
	default:
		return tokErr(tok, "OpenFlow 1.3 cannot match part of the VLAN PCP")
	}
	return nil
}

func (m *matchBuilder) ethType() (uint16, bool) {
	o, ok := m.fields[OXMEthTypeField]
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint16(o.Value), true
}

func (m *matchBuilder) build() (Match, error) {
	// nw_proto first: tp_src and tp_dst depend on it.
	slices.SortStableFunc(m.deferred, func(a, b deferredField) int {
		pa, pb := a.key == "nw_proto", b.key == "nw_proto"
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		}
		return 0
	})
	for _, d := range m.deferred {
		if err := m.resolve(d); err != nil {
			return Match{}, err
		}
	}
	// vlan_pcp needs a VLAN present (spec 1.3.5 table 12); ovs-ofctl adds
	// the present bit the same way.
	if _, ok := m.fields[OXMVlanPCPField]; ok {
		if _, ok := m.fields[OXMVlanVIDField]; !ok {
			m.fields[OXMVlanVIDField] = OXM{Class: OXMClassOpenFlowBasic, Field: OXMVlanVIDField, HasMask: true,
				Value: be16(VIDPresent), Mask: be16(VIDPresent)}
		}
	}
	keys := make([]uint8, 0, len(m.fields))
	for k := range m.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var match Match
	for _, k := range keys {
		match.Fields = append(match.Fields, m.fields[k])
	}
	if err := match.Validate(); err != nil {
		return Match{}, fmt.Errorf("match: %w", err)
	}
	return match, nil
}

func (m *matchBuilder) resolve(d deferredField) error {
	et, hasET := m.ethType()
	arp := hasET && (et == 0x0806 || et == 0x8035)
	var f uint8
	switch d.key {
	case "nw_src", "ip_src", "nw_dst", "ip_dst":
		src := d.key == "nw_src" || d.key == "ip_src"
		switch {
		case arp && src:
			f = OXMARPSPAField
		case arp:
			f = OXMARPTPAField
		case hasET && et == 0x0800 && src:
			f = OXMIPv4SrcField
		case hasET && et == 0x0800:
			f = OXMIPv4DstField
		default:
			return m.dropped(d, "ip or arp")
		}
	case "nw_proto":
		switch {
		case arp:
			f = OXMARPOpField
		case hasET && (et == 0x0800 || et == 0x86dd):
			f = OXMIPProtoField
		default:
			return m.dropped(d, "ip, ipv6 or arp")
		}
	case "tp_src", "tp_dst":
		p, ok := m.fields[OXMIPProtoField]
		proto := -1
		if ok {
			proto = int(p.Value[0])
		}
		src := d.key == "tp_src"
		switch proto {
		case 6:
			f = pick(src, OXMTCPSrcField, OXMTCPDstField)
		case 17:
			f = pick(src, OXMUDPSrcField, OXMUDPDstField)
		case 132:
			f = pick(src, OXMSCTPSrcField, OXMSCTPDstField)
		default:
			return m.dropped(d, "tcp, udp or sctp")
		}
	case "icmp_type", "icmp_code":
		typ := d.key == "icmp_type"
		p, ok := m.fields[OXMIPProtoField]
		if !ok || (p.Value[0] != 1 && p.Value[0] != 58) {
			return m.dropped(d, "icmp or icmp6")
		}
		if hasET && et == 0x86dd {
			f = pick(typ, OXMICMPv6TypeField, OXMICMPv6CodeField)
		} else {
			f = pick(typ, OXMICMPv4TypeField, OXMICMPv4CodeField)
		}
	}
	v, mk, err := ParseFieldValue(f, d.val)
	if err != nil {
		return tokErr(d.tok, "%v", err)
	}
	return m.put(d.tok, basicOXM(f, v, mk))
}

// dropped leaves out a field whose prerequisite the flow lacks, with a
// warning, as ovs-ofctl's match normalization does ("tp_dst=80" without
// tcp or udp matches every packet).
func (m *matchBuilder) dropped(d deferredField, need string) error {
	m.warnings = append(m.warnings, fmt.Sprintf("%q ignored: %s needs %s in the match", d.tok, d.key, need))
	return nil
}

func pick(c bool, a, b uint8) uint8 {
	if c {
		return a
	}
	return b
}

// ParseFieldValue reads the value of an OpenFlow-basic field, with
// "/mask" where the field is maskable: numbers (decimal or 0x-hex), MAC
// addresses, IPv4 and IPv6 addresses with a prefix length or a mask, and
// port names for in_port.
func ParseFieldValue(field uint8, s string) (value, mask []byte, err error) {
	fd, ok := basicField(field)
	if !ok {
		return nil, nil, fmt.Errorf("unknown field %d", field)
	}
	vs, ms, masked := strings.Cut(s, "/")
	if masked && !fd.maskable {
		return nil, nil, fmt.Errorf("%s cannot be masked", fd.name)
	}
	switch field {
	case OXMInPortField, OXMInPhyPortField:
		p, err := ParsePort(s)
		if err != nil {
			return nil, nil, err
		}
		return be32(uint32(p)), nil, nil
	case OXMEthSrcField, OXMEthDstField, OXMARPSHAField, OXMARPTHAField, OXMIPv6NDSLLField, OXMIPv6NDTLLField:
		v, err := parseMAC(vs)
		if err != nil {
			return nil, nil, err
		}
		if masked {
			if mask, err = parseMAC(ms); err != nil {
				return nil, nil, err
			}
		}
		return v, mask, nil
	case OXMIPv4SrcField, OXMIPv4DstField, OXMARPSPAField, OXMARPTPAField:
		return parseIPMasked(vs, ms, masked, 4)
	case OXMIPv6SrcField, OXMIPv6DstField, OXMIPv6NDTargetField:
		return parseIPMasked(vs, ms, masked, 16)
	}
	value, mask, err = parseNumMasked(s, fd.size)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", fd.name, err)
	}
	if fd.maxValue != 0 && beUint(value) > fd.maxValue {
		return nil, nil, fmt.Errorf("%s: %s is above the largest value %d", fd.name, vs, fd.maxValue)
	}
	return value, mask, nil
}

// parseNumMasked reads "V" or "V/M" as size-byte big-endian numbers.
func parseNumMasked(s string, size int) (value, mask []byte, err error) {
	vs, ms, masked := strings.Cut(s, "/")
	num := func(t string) ([]byte, error) {
		v, err := parseUint(t, size*8)
		if err != nil {
			return nil, fmt.Errorf("%q is not a %d-bit number", t, size*8)
		}
		return be64(v)[8-size:], nil
	}
	if value, err = num(vs); err != nil {
		return nil, nil, err
	}
	if masked {
		if mask, err = num(ms); err != nil {
			return nil, nil, err
		}
	}
	return value, mask, nil
}

func parseMAC(s string) ([]byte, error) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return nil, fmt.Errorf("%q is not an Ethernet address", s)
	}
	return hw, nil
}

// parseIPMasked reads an address and an optional prefix length or mask.
func parseIPMasked(vs, ms string, masked bool, size int) (value, mask []byte, err error) {
	ip := net.ParseIP(vs)
	if ip == nil || (size == 4) != (ip.To4() != nil) {
		return nil, nil, fmt.Errorf("%q is not an IPv%d address", vs, map[int]int{4: 4, 16: 6}[size])
	}
	if size == 4 {
		ip = ip.To4()
	}
	value = []byte(ip)
	if !masked {
		return value, nil, nil
	}
	if n, err := parseUint(ms, 8); err == nil && !strings.Contains(ms, ".") && !strings.Contains(ms, ":") {
		if int(n) > size*8 {
			return nil, nil, fmt.Errorf("prefix length %d is longer than %d", n, size*8)
		}
		mask = net.CIDRMask(int(n), size*8)
	} else {
		m := net.ParseIP(ms)
		if m == nil || (size == 4) != (m.To4() != nil) {
			return nil, nil, fmt.Errorf("%q is not a prefix length or mask", ms)
		}
		if size == 4 {
			m = m.To4()
		}
		mask = []byte(m)
	}
	if len(mask) == size && allOnes(mask) {
		return value, nil, nil
	}
	return value, mask, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func allOnes(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}
