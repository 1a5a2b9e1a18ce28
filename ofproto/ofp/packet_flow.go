package ofp

// A summary of the frame a packet-in or packet-out carries (either
// version), in the flow syntax ovs-ofctl prints for it
// ("tcp,vlan_tci=0x0000,dl_src=...,tp_dst=80,tcp_flags=syn tcp_csum:abcd"),
// as OVS's flow extraction sees the frame.

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// formatPacket prints the flow of frame data.
func formatPacket(data []byte) string {
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	if len(data) < 14 {
		// Too short for Ethernet: OVS prints an all-zero flow.
		return "vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,dl_type=0x0000"
	}
	dst, src := MAC(data[0:6]), MAC(data[6:12])
	// Up to two 802.1Q/802.1ad tags, as OVS parses them.
	typ := binary.BigEndian.Uint16(data[12:14])
	rest := data[14:]
	var tags []string
	for len(tags) < 2 && (typ == 0x8100 || typ == 0x88a8) && len(rest) >= 4 {
		tci := binary.BigEndian.Uint16(rest[0:2])
		suffix := ""
		if len(tags) == 1 {
			suffix = "1"
		}
		tags = append(tags, fmt.Sprintf("dl_vlan%s=%d,dl_vlan_pcp%s=%d", suffix, tci&0x0fff, suffix, tci>>13))
		typ = binary.BigEndian.Uint16(rest[2:4])
		rest = rest[4:]
	}
	vlan := "vlan_tci=0x0000"
	switch len(tags) {
	case 1:
		vlan = tags[0] + ",vlan_tci1=0x0000"
	case 2:
		vlan = tags[0] + "," + tags[1]
	}
	if typ < 0x0600 {
		// An 802.3 length: OVS reads the type from a SNAP header, else
		// calls it 0x05ff.
		if len(rest) >= 8 && string(rest[0:6]) == "\xaa\xaa\x03\x00\x00\x00" && binary.BigEndian.Uint16(rest[6:8]) >= 0x0600 {
			typ, rest = binary.BigEndian.Uint16(rest[6:8]), rest[8:]
		} else {
			typ = 0x05ff
		}
	}
	l2 := []string{vlan, "dl_src=" + src.String(), "dl_dst=" + dst.String()}
	switch typ {
	case ethTypeARP, ethTypeRARP:
		var spa, tpa IPv410
		var sha, tha MAC
		var op uint16
		if len(rest) >= 28 && binary.BigEndian.Uint16(rest[0:2]) == 1 && binary.BigEndian.Uint16(rest[2:4]) == ethTypeIPv4 &&
			rest[4] == 6 && rest[5] == 4 {
			op = binary.BigEndian.Uint16(rest[6:8])
			sha, spa, tha, tpa = MAC(rest[8:14]), IPv410(rest[14:18]), MAC(rest[18:24]), IPv410(rest[24:28])
			if op > 0xff {
				op = 0
			}
		}
		f = append(f, map[uint16]string{ethTypeARP: "arp", ethTypeRARP: "rarp"}[typ])
		f = append(f, l2...)
		add("arp_spa=%s,arp_tpa=%s,arp_op=%d,arp_sha=%s,arp_tha=%s", spa, tpa, op, sha, tha)
		return strings.Join(f, ",")
	case ethTypeIPv4:
		return formatIPv4Flow10(l2, rest)
	case ethTypeIPv6:
		return formatIPv6Flow10(l2, rest)
	}
	f = append(f, l2...)
	add("dl_type=0x%04x", typ)
	return strings.Join(f, ",")
}

// formatIPv4Flow10 completes the flow of an IPv4 packet. An invalid IP
// header leaves every IP field zero, as in OVS.
func formatIPv4Flow10(l2 []string, ip []byte) string {
	var proto, tos, ttl uint8
	var src, dst IPv410
	frag := "no"
	var l4 []byte
	later := false
	if len(ip) >= 20 {
		ihl := int(ip[0]&0x0f) * 4
		tot := int(binary.BigEndian.Uint16(ip[2:4]))
		if ip[0]>>4 == 4 && ihl >= 20 && ihl <= len(ip) && tot >= ihl && tot <= len(ip) {
			proto, tos, ttl = ip[9], ip[1], ip[8]
			src, dst = IPv410(ip[12:16]), IPv410(ip[16:20])
			off := binary.BigEndian.Uint16(ip[6:8])
			if off&0x3fff != 0 {
				frag = "first"
				if off&0x1fff != 0 {
					frag, later = "later", true
				}
			}
			l4 = ip[ihl:tot]
		}
	}
	// The shorthand and its position come from formatMatch10's rules.
	name := "ip"
	switch proto {
	case ipProtoTCP:
		name = "tcp"
	case ipProtoUDP:
		name = "udp"
	case ipProtoICMP:
		name = "icmp"
	case ipProtoSCTP:
		name = "sctp"
	}
	out := append([]string{name}, l2...)
	out = append(out, fmt.Sprintf("nw_src=%s,nw_dst=%s", src, dst))
	if name == "ip" {
		out = append(out, fmt.Sprintf("nw_proto=%d", proto))
	}
	out = append(out, fmt.Sprintf("nw_tos=%d,nw_ecn=%d,nw_ttl=%d,nw_frag=%s", tos&0xfc, tos&3, ttl, frag))
	var csum string
	switch proto {
	case ipProtoTCP, ipProtoUDP, ipProtoSCTP:
		var fields []string
		fields, csum = formatL4Flow10(proto, l4, later)
		out = append(out, fields...)
	case ipProtoICMP:
		var typ, code uint8
		if len(l4) >= 8 {
			typ, code = l4[0], l4[1]
			csum = fmt.Sprintf(" icmp_csum:%x", binary.BigEndian.Uint16(l4[2:4]))
		}
		if !later {
			out = append(out, fmt.Sprintf("icmp_type=%d,icmp_code=%d", typ, code))
		}
	}
	return strings.Join(out, ",") + csum
}

// formatL4Flow10 prints the ports (and TCP flags) of a TCP, UDP or SCTP
// header and, when the header is whole, its checksum; later fragments
// have no ports.
func formatL4Flow10(proto uint8, l4 []byte, later bool) (out []string, csum string) {
	switch proto {
	case ipProtoTCP:
		var sp, dp, flags uint16
		if len(l4) >= 20 {
			sp, dp = binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
			flags = binary.BigEndian.Uint16(l4[12:14]) & 0x0fff
			csum = fmt.Sprintf(" tcp_csum:%x", binary.BigEndian.Uint16(l4[16:18]))
		}
		if !later {
			out = append(out, fmt.Sprintf("tp_src=%d,tp_dst=%d,tcp_flags=%s", sp, dp, tcpFlagsString(flags)))
		}
	case ipProtoUDP, ipProtoSCTP:
		var sp, dp uint16
		n, field := 8, "udp_csum"
		if proto == ipProtoSCTP {
			n, field = 12, "sctp_csum"
		}
		if len(l4) >= n {
			sp, dp = binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
			if proto == ipProtoUDP {
				csum = fmt.Sprintf(" %s:%x", field, binary.BigEndian.Uint16(l4[6:8]))
			} else {
				csum = fmt.Sprintf(" %s:%x", field, binary.BigEndian.Uint32(l4[8:12]))
			}
		}
		if !later {
			out = append(out, fmt.Sprintf("tp_src=%d,tp_dst=%d", sp, dp))
		}
	}
	return out, csum
}

// formatIPv6Flow10 completes the flow of an IPv6 packet: the fixed
// header, the extension headers OVS skips (hop-by-hop, routing,
// destination options, AH, fragment), then TCP, UDP, SCTP or ICMPv6 with
// neighbour discovery. An invalid header leaves every IPv6 field zero.
func formatIPv6Flow10(l2 []string, ip []byte) string {
	var src, dst [16]byte
	var label uint32
	var tos, hlim, proto uint8
	frag := "no"
	later := false
	var l4 []byte
	if len(ip) >= 40 && ip[0]>>4 == 6 && 40+int(binary.BigEndian.Uint16(ip[4:6])) <= len(ip) {
		vtf := binary.BigEndian.Uint32(ip[0:4])
		label = vtf & 0xfffff
		copy(src[:], ip[8:24])
		copy(dst[:], ip[24:40])
		nh := ip[6]
		l4 = ip[40 : 40+int(binary.BigEndian.Uint16(ip[4:6]))]
		// OVS sets the addresses and label before it walks the extension
		// headers, and the other fields only once the walk succeeds.
		valid := true
	walk:
		for {
			switch nh {
			case 0, 43, 60, 51: // hop-by-hop, routing, destination options, AH
				if len(l4) < 8 {
					valid = false
					break walk
				}
				n := (int(l4[1]) + 1) * 8
				if nh == 51 {
					n = (int(l4[1]) + 2) * 4
				}
				if len(l4) < n {
					valid = false
					break walk
				}
				nh, l4 = l4[0], l4[n:]
			case 44: // fragment
				if len(l4) < 8 {
					valid = false
					break walk
				}
				off := binary.BigEndian.Uint16(l4[2:4])
				frag = "first"
				if off&0xfff8 != 0 {
					// A later fragment has no upper-layer header; the
					// protocol stays that of the fragment header.
					frag, later = "later", true
					l4 = nil
					break walk
				}
				nh, l4 = l4[0], l4[8:]
				break walk
			default:
				break walk
			}
		}
		if valid {
			tos, hlim, proto = uint8(vtf>>20), ip[7], nh
		} else {
			frag, l4 = "no", nil
		}
	}
	name := "ipv6"
	switch proto {
	case ipProtoTCP:
		name = "tcp6"
	case ipProtoUDP:
		name = "udp6"
	case ipProtoSCTP:
		name = "sctp6"
	case ipProtoICMP6:
		name = "icmp6"
	}
	out := append([]string{name}, l2...)
	out = append(out, fmt.Sprintf("ipv6_src=%s,ipv6_dst=%s,ipv6_label=0x%05x", netip.AddrFrom16(src), netip.AddrFrom16(dst), label))
	if name == "ipv6" {
		out = append(out, fmt.Sprintf("nw_proto=%d", proto))
	}
	out = append(out, fmt.Sprintf("nw_tos=%d,nw_ecn=%d,nw_ttl=%d,nw_frag=%s", tos&0xfc, tos&3, hlim, frag))
	if proto != ipProtoICMP6 {
		l4fields, csum := formatL4Flow10(proto, l4, later)
		return strings.Join(append(out, l4fields...), ",") + csum
	}
	if len(l4) < 8 {
		if !later {
			out = append(out, "icmp_type=0,icmp_code=0")
		}
		return strings.Join(out, ",")
	}
	csum := fmt.Sprintf(" icmp6_csum:%x", binary.BigEndian.Uint16(l4[2:4]))
	if later {
		return strings.Join(out, ",") + csum
	}
	out = append(out, fmt.Sprintf("icmp_type=%d,icmp_code=%d", l4[0], l4[1]))
	if (l4[0] == 135 || l4[0] == 136) && l4[1] == 0 {
		out = append(out, formatND10(l4))
	}
	return strings.Join(out, ",") + csum
}

// formatND10 prints the target and link-layer address options of a
// neighbour solicitation or advertisement; malformed options zero them
// all, as in OVS.
func formatND10(icmp []byte) string {
	var target [16]byte
	var sll, tll MAC
	invalid := fmt.Sprintf("nd_target=::,nd_sll=%s,nd_tll=%s", MAC{}, MAC{})
	if len(icmp) < 24 {
		return invalid
	}
	copy(target[:], icmp[8:24])
	// As in OVS: a zero or overlong option length ends the walk, keeping
	// what was read; a second non-zero address of one kind clears all.
	for opts := icmp[24:]; len(opts) >= 8; {
		n := int(opts[1]) * 8
		if n == 0 || n > len(opts) {
			break
		}
		if n == 8 && (opts[0] == 1 || opts[0] == 2) {
			addr := &sll
			if opts[0] == 2 {
				addr = &tll
			}
			if *addr != (MAC{}) {
				return invalid
			}
			*addr = MAC(opts[2:8])
		}
		opts = opts[n:]
	}
	return fmt.Sprintf("nd_target=%s,nd_sll=%s,nd_tll=%s", netip.AddrFrom16(target), sll, tll)
}

// tcpFlagsString prints TCP flags as ovs-ofctl does ("syn|ack", "0").
func tcpFlagsString(flags uint16) string {
	names := [...]string{"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"}
	var s []string
	for i, n := range names {
		if flags&(1<<i) != 0 {
			s = append(s, n)
		}
	}
	for i := len(names); i < 12; i++ {
		if flags&(1<<i) != 0 {
			s = append(s, fmt.Sprintf("0x%03x", 1<<i))
		}
	}
	if len(s) == 0 {
		return "0"
	}
	return strings.Join(s, "|")
}
