package ofp

// A one-line summary of a packet's headers, as ovs-ofctl prints under a
// packet-in or packet-out: the packet's exact flow in flow syntax and the
// L4 checksum ("tcp,vlan_tci=0x0000,dl_src=...,tcp_flags=syn tcp_csum:f1b4").
// It covers Ethernet, 802.1Q/802.1ad, IPv4, IPv6 (without extension
// headers), ARP, TCP, UDP, SCTP, ICMP and ICMPv6 (with neighbour
// discovery); other protocols stop at the layer before.

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
)

// formatPacket summarises an Ethernet frame.
func formatPacket(frame []byte) string {
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	var dst, src net.HardwareAddr = make([]byte, 6), make([]byte, 6)
	var ethType, tci, tci1 uint16
	b := frame
	if len(b) >= 14 {
		copy(dst, b[0:6])
		copy(src, b[6:12])
		ethType = binary.BigEndian.Uint16(b[12:14])
		b = b[14:]
		// ovs-ofctl parses up to two tags.
		for _, t := range []*uint16{&tci, &tci1} {
			if (ethType == 0x8100 || ethType == 0x88a8) && len(b) >= 4 {
				*t = binary.BigEndian.Uint16(b[0:2]) | 0x1000
				ethType = binary.BigEndian.Uint16(b[2:4])
				b = b[4:]
			}
		}
		if ethType < 0x600 {
			ethType = 0x05ff // 802.2 frame: ovs-ofctl's "no Ethernet type"
		}
	} else {
		b = nil
	}
	vlan := fmt.Sprintf("vlan_tci=0x%04x", tci)
	if tci != 0 {
		vlan = fmt.Sprintf("dl_vlan=%d,dl_vlan_pcp=%d,vlan_tci1=0x0000", tci&0xfff, tci>>13)
		if tci1 != 0 {
			vlan = fmt.Sprintf("dl_vlan=%d,dl_vlan_pcp=%d,dl_vlan1=%d,dl_vlan_pcp1=%d", tci&0xfff, tci>>13, tci1&0xfff, tci1>>13)
		}
	}
	l2 := func(short string) {
		if short != "" {
			f = append(f, short)
		}
		f = append(f, vlan, "dl_src="+src.String(), "dl_dst="+dst.String())
		if short == "" {
			add("dl_type=0x%04x", ethType)
		}
	}
	var l4 []byte
	var proto uint8
	laterFrag := false // a later fragment has no transport fields
	var short string
	switch ethType {
	case 0x0800:
		var srcIP, dstIP net.IP = make([]byte, 4), make([]byte, 4)
		var tos, ttl uint8
		frag := "no"
		// Like ovs-ofctl, a header that is short, or whose lengths do not
		// fit the frame, leaves every IP field zero.
		ihl := 0
		if len(b) > 0 {
			ihl = int(b[0]&0xf) * 4
		}
		if len(b) >= 20 && b[0]>>4 == 4 && ihl >= 20 && ihl <= len(b) &&
			int(binary.BigEndian.Uint16(b[2:4])) >= ihl && int(binary.BigEndian.Uint16(b[2:4])) <= len(b) {
			tos, ttl, proto = b[1], b[8], b[9]
			copy(srcIP, b[12:16])
			copy(dstIP, b[16:20])
			off := binary.BigEndian.Uint16(b[6:8])
			switch {
			case off&0x1fff != 0:
				frag = "later"
			case off&0x2000 != 0:
				frag = "first"
			}
			if frag != "later" {
				l4 = b[ihl:binary.BigEndian.Uint16(b[2:4])]
			}
		}
		short = ipShorthand("ip", "", proto)
		l2(short)
		add("nw_src=%s", srcIP)
		add("nw_dst=%s", dstIP)
		if short == "ip" {
			add("nw_proto=%d", proto)
		}
		add("nw_tos=%d", tos&0xfc)
		add("nw_ecn=%d", tos&3)
		add("nw_ttl=%d", ttl)
		add("nw_frag=%s", frag)
		laterFrag = frag == "later"
	case 0x86dd:
		var srcIP, dstIP net.IP = make([]byte, 16), make([]byte, 16)
		var tc, hlim uint8
		var label uint32
		if len(b) >= 40 && b[0]>>4 == 6 && int(binary.BigEndian.Uint16(b[4:6])) <= len(b)-40 {
			vtf := binary.BigEndian.Uint32(b[0:4])
			tc, label = uint8(vtf>>20), vtf&0xfffff
			proto, hlim = b[6], b[7]
			copy(srcIP, b[8:24])
			copy(dstIP, b[24:40])
			l4 = b[40 : 40+int(binary.BigEndian.Uint16(b[4:6]))]
		}
		short = ipShorthand("ipv6", "6", proto)
		l2(short)
		add("ipv6_src=%s", srcIP)
		add("ipv6_dst=%s", dstIP)
		add("ipv6_label=0x%05x", label)
		if short == "ipv6" {
			add("nw_proto=%d", proto)
		}
		add("nw_tos=%d", tc&0xfc)
		add("nw_ecn=%d", tc&3)
		add("nw_ttl=%d", hlim)
		add("nw_frag=no")
	case 0x0806, 0x8035:
		var spa, tpa net.IP = make([]byte, 4), make([]byte, 4)
		var sha, tha net.HardwareAddr = make([]byte, 6), make([]byte, 6)
		var op uint16
		if len(b) >= 28 && binary.BigEndian.Uint16(b[0:2]) == 1 && binary.BigEndian.Uint16(b[2:4]) == 0x0800 &&
			b[4] == 6 && b[5] == 4 {
			op = binary.BigEndian.Uint16(b[6:8])
			if op <= 0xff {
				copy(sha, b[8:14])
				copy(spa, b[14:18])
				copy(tha, b[18:24])
				copy(tpa, b[24:28])
			} else {
				op = 0
			}
		}
		name := "arp"
		if ethType == 0x8035 {
			name = "rarp"
		}
		l2(name)
		add("arp_spa=%s", spa)
		add("arp_tpa=%s", tpa)
		add("arp_op=%d", op)
		add("arp_sha=%s", sha)
		add("arp_tha=%s", tha)
		return strings.Join(f, ",")
	default:
		l2("")
		return strings.Join(f, ",")
	}
	if laterFrag {
		return strings.Join(f, ",")
	}
	s := strings.Join(append(f, l4Fields(proto, l4, ethType == 0x86dd)...), ",")
	return s + l4Checksum(proto, l4)
}

// ipShorthand names an IP packet by its protocol as ovs-ofctl does.
func ipShorthand(ip, suffix string, proto uint8) string {
	switch proto {
	case 6:
		return "tcp" + suffix
	case 17:
		return "udp" + suffix
	case 132:
		return "sctp" + suffix
	case 1:
		if suffix == "" {
			return "icmp"
		}
	case 58:
		if suffix == "6" {
			return "icmp6"
		}
	}
	return ip
}

// l4Fields prints the transport fields of the packet's flow.
func l4Fields(proto uint8, l4 []byte, v6 bool) []string {
	port := func() (uint16, uint16) {
		if len(l4) < 4 {
			return 0, 0
		}
		return binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
	}
	switch {
	case proto == 6:
		sp, dp := port()
		var flags uint16
		if len(l4) >= 20 {
			sp, dp = binary.BigEndian.Uint16(l4[0:2]), binary.BigEndian.Uint16(l4[2:4])
			flags = binary.BigEndian.Uint16(l4[12:14]) & 0x0fff
		} else {
			sp, dp = 0, 0
		}
		return []string{fmt.Sprintf("tp_src=%d", sp), fmt.Sprintf("tp_dst=%d", dp), "tcp_flags=" + tcpFlagsString(flags)}
	case proto == 17 && len(l4) >= 8, proto == 132 && len(l4) >= 12:
		sp, dp := port()
		return []string{fmt.Sprintf("tp_src=%d", sp), fmt.Sprintf("tp_dst=%d", dp)}
	case proto == 17, proto == 132:
		return []string{"tp_src=0", "tp_dst=0"}
	case proto == 1 && !v6, proto == 58 && v6:
		var t, c uint8
		if len(l4) >= 4 {
			t, c = l4[0], l4[1]
		}
		out := []string{fmt.Sprintf("icmp_type=%d", t), fmt.Sprintf("icmp_code=%d", c)}
		if v6 && c == 0 && (t == 135 || t == 136) {
			out = append(out, ndFields(t, l4)...)
		}
		return out
	}
	return nil
}

// ndFields prints the target and link-layer address options of an IPv6
// neighbour solicitation (135) or advertisement (136).
func ndFields(t uint8, l4 []byte) []string {
	target := make(net.IP, 16)
	sll, tll := make(net.HardwareAddr, 6), make(net.HardwareAddr, 6)
	if len(l4) >= 24 {
		copy(target, l4[8:24])
		for opts := l4[24:]; len(opts) >= 8; {
			n := int(opts[1]) * 8
			if n == 0 || n > len(opts) {
				break
			}
			if n == 8 && opts[0] == 1 && t == 135 {
				copy(sll, opts[2:8])
			} else if n == 8 && opts[0] == 2 && t == 136 {
				copy(tll, opts[2:8])
			}
			opts = opts[n:]
		}
	}
	return []string{"nd_target=" + target.String(), "nd_sll=" + sll.String(), "nd_tll=" + tll.String()}
}

// l4Checksum prints the transport checksum as ovs-ofctl does.
func l4Checksum(proto uint8, l4 []byte) string {
	switch {
	case proto == 6 && len(l4) >= 20:
		return fmt.Sprintf(" tcp_csum:%x", binary.BigEndian.Uint16(l4[16:18]))
	case proto == 17 && len(l4) >= 8:
		return fmt.Sprintf(" udp_csum:%x", binary.BigEndian.Uint16(l4[6:8]))
	case proto == 132 && len(l4) >= 12:
		return fmt.Sprintf(" sctp_csum:%x", binary.BigEndian.Uint32(l4[8:12]))
	case proto == 1 && len(l4) >= 4:
		return fmt.Sprintf(" icmp_csum:%x", binary.BigEndian.Uint16(l4[2:4]))
	case proto == 58 && len(l4) >= 4:
		return fmt.Sprintf(" icmp6_csum:%x", binary.BigEndian.Uint16(l4[2:4]))
	}
	return ""
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
