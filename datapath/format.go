package datapath

// The text form of datapath flows follows what ovs-dpctl dump-flows prints
// (Open vSwitch lib/odp-util.c): a comma-separated list of key attributes,
// VLAN tags nested as eth_type(0x8100),vlan(...),encap(...), then the
// statistics and the action list:
//
//	in_port(1),eth(src=..,dst=..),eth_type(0x0800),ipv4(src=..,dst=..,proto=6,
//	tos=0,ttl=64,frag=no),tcp(src=1,dst=2),tcp_flags(syn), packets:1,
//	bytes:60, used:0.400s, flags:S, actions:2,push_vlan(vid=10,pcp=0),3
//
// Attributes OVS does not have (pbb, set(l4(..)), set(ip(..)), userspace
// cookies) follow the same pattern.

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// String formats the key in the text form.
func (k FlowKey) String() string {
	var b strings.Builder
	if k.Fields.Has(FieldTunnel) {
		fmt.Fprintf(&b, "tunnel(tun_id=%#x),", k.TunnelID)
	}
	fmt.Fprintf(&b, "in_port(%d)", k.InPort)
	if !k.Fields.Has(FieldEth) {
		return b.String()
	}
	fmt.Fprintf(&b, ",eth(src=%s,dst=%s)", mac(k.EthSrc), mac(k.EthDst))
	closing := 0
	sep := ","
	for i, v := range k.VLAN {
		if !k.Fields.Has(FieldVLAN0 << i) {
			break
		}
		fmt.Fprintf(&b, "%seth_type(%#04x),vlan(vid=%d,pcp=%d", sep, v.TPID, v.VID(), v.PCP())
		sep = ""
		if v.DEI() {
			b.WriteString(",dei=1")
		}
		b.WriteString("),encap(")
		closing++
	}
	if closing > 0 {
		fmt.Fprintf(&b, "eth_type(%#04x)", k.EthType)
	} else {
		fmt.Fprintf(&b, ",eth_type(%#04x)", k.EthType)
	}
	f := k.Fields
	switch {
	case f.Has(FieldMPLS):
		fmt.Fprintf(&b, ",mpls(label=%d,tc=%d,ttl=%d,bos=%d)", k.MPLSLabel, k.MPLSTC, k.MPLSTTL, k.MPLSBOS)
	case f.Has(FieldPBB):
		fmt.Fprintf(&b, ",pbb(isid=%d)", k.PBBISID)
	case f.Has(FieldARP):
		fmt.Fprintf(&b, ",arp(sip=%s,tip=%s,op=%d,sha=%s,tha=%s)", ip4(k.ARPSpa), ip4(k.ARPTpa), k.ARPOp, mac(k.ARPSha), mac(k.ARPTha))
	case f.Has(FieldIPv4):
		fmt.Fprintf(&b, ",ipv4(src=%s,dst=%s,proto=%d,tos=%s,ttl=%d,frag=%s)", ip4(k.IPv4Src), ip4(k.IPv4Dst), k.IPProto, hex(k.IPTOS), k.IPTTL, k.IPFrag)
	case f.Has(FieldIPv6):
		fmt.Fprintf(&b, ",ipv6(src=%s,dst=%s,label=%s,proto=%d,tclass=%s,hlimit=%d,frag=%s)", ip6(k.IPv6Src), ip6(k.IPv6Dst), hex(k.IPv6Label), k.IPProto, hex(k.IPTOS), k.IPTTL, k.IPFrag)
		if k.IPv6ExtHdr != 0 {
			fmt.Fprintf(&b, ",ipv6_exthdr(%#x)", k.IPv6ExtHdr)
		}
	}
	switch {
	case f.Has(FieldTCP):
		fmt.Fprintf(&b, ",tcp(src=%d,dst=%d),tcp_flags(%s)", k.TPSrc, k.TPDst, tcpFlagNames(k.TCPFlags))
	case f.Has(FieldUDP):
		fmt.Fprintf(&b, ",udp(src=%d,dst=%d)", k.TPSrc, k.TPDst)
	case f.Has(FieldSCTP):
		fmt.Fprintf(&b, ",sctp(src=%d,dst=%d)", k.TPSrc, k.TPDst)
	case f.Has(FieldICMP):
		fmt.Fprintf(&b, ",icmp(type=%d,code=%d)", k.ICMPType, k.ICMPCode)
	case f.Has(FieldICMPv6):
		fmt.Fprintf(&b, ",icmpv6(type=%d,code=%d)", k.ICMPType, k.ICMPCode)
		if f.Has(FieldND) {
			fmt.Fprintf(&b, ",nd(target=%s,sll=%s,tll=%s)", ip6(k.NDTarget), mac(k.NDSLL), mac(k.NDTLL))
		}
	}
	b.WriteString(strings.Repeat(")", closing))
	return b.String()
}

// FormatActions formats an action list; the empty list is "drop".
func FormatActions(list []Action) string {
	if len(list) == 0 {
		return "drop"
	}
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = FormatAction(a)
	}
	return strings.Join(s, ",")
}

// FormatAction formats one action.
func FormatAction(a Action) string {
	switch a := a.(type) {
	case Output:
		return strconv.FormatUint(uint64(a.Port), 10)
	case PushVLAN:
		v := VLANTag{a.TPID, a.TCI}
		s := "push_vlan("
		if a.TPID != EthTypeVLAN {
			s += fmt.Sprintf("tpid=%#04x,", a.TPID)
		}
		s += fmt.Sprintf("vid=%d,pcp=%d", v.VID(), v.PCP())
		if v.DEI() {
			s += ",dei=1"
		}
		return s + ")"
	case PopVLAN:
		return "pop_vlan"
	case SetVLANVID:
		return fmt.Sprintf("set(vlan(vid=%d))", a.VID)
	case SetVLANPCP:
		return fmt.Sprintf("set(vlan(pcp=%d))", a.PCP)
	case SetEthSrc:
		return fmt.Sprintf("set(eth(src=%s))", mac(a.Addr))
	case SetEthDst:
		return fmt.Sprintf("set(eth(dst=%s))", mac(a.Addr))
	case SetIPv4Src:
		return fmt.Sprintf("set(ipv4(src=%s))", ip4(a.Addr))
	case SetIPv4Dst:
		return fmt.Sprintf("set(ipv4(dst=%s))", ip4(a.Addr))
	case SetIPDSCP:
		return fmt.Sprintf("set(ip(dscp=%d))", a.DSCP)
	case SetIPECN:
		return fmt.Sprintf("set(ip(ecn=%d))", a.ECN)
	case SetIPTTL:
		return fmt.Sprintf("set(ip(ttl=%d))", a.TTL)
	case DecTTL:
		return "dec_ttl"
	case SetIPv6Src:
		return fmt.Sprintf("set(ipv6(src=%s))", ip6(a.Addr))
	case SetIPv6Dst:
		return fmt.Sprintf("set(ipv6(dst=%s))", ip6(a.Addr))
	case SetTPSrc:
		return fmt.Sprintf("set(l4(src=%d))", a.Port)
	case SetTPDst:
		return fmt.Sprintf("set(l4(dst=%d))", a.Port)
	case SetICMPType:
		return fmt.Sprintf("set(icmp(type=%d))", a.Type)
	case SetICMPCode:
		return fmt.Sprintf("set(icmp(code=%d))", a.Code)
	case PushMPLS:
		return fmt.Sprintf("push_mpls(label=%d,tc=%d,ttl=%d,eth_type=%#04x)", a.Label, a.TC, a.TTL, a.EthType)
	case PopMPLS:
		return fmt.Sprintf("pop_mpls(eth_type=%#x)", a.EthType)
	case SetMPLSLabel:
		return fmt.Sprintf("set(mpls(label=%d))", a.Label)
	case SetMPLSTC:
		return fmt.Sprintf("set(mpls(tc=%d))", a.TC)
	case SetMPLSTTL:
		return fmt.Sprintf("set(mpls(ttl=%d))", a.TTL)
	case DecMPLSTTL:
		return "dec_mpls_ttl"
	case CopyTTLIn:
		return "copy_ttl_in"
	case CopyTTLOut:
		return "copy_ttl_out"
	case PushPBB:
		return fmt.Sprintf("push_pbb(isid=%d)", a.ISID)
	case PopPBB:
		return "pop_pbb"
	case Userspace:
		return fmt.Sprintf("userspace(cookie=%#x)", a.Cookie)
	case Meter:
		return fmt.Sprintf("meter(%d)", a.ID)
	case SlowPath:
		return "slow_path"
	case SetARPOp:
		return fmt.Sprintf("set(arp(op=%d))", a.Op)
	case SetARPSpa:
		return fmt.Sprintf("set(arp(sip=%s))", ip4(a.Addr))
	case SetARPTpa:
		return fmt.Sprintf("set(arp(tip=%s))", ip4(a.Addr))
	case SetARPSha:
		return fmt.Sprintf("set(arp(sha=%s))", mac(a.Addr))
	case SetARPTha:
		return fmt.Sprintf("set(arp(tha=%s))", mac(a.Addr))
	case SetNDTarget:
		return fmt.Sprintf("set(nd(target=%s))", ip6(a.Addr))
	case SetNDSLL:
		return fmt.Sprintf("set(nd(sll=%s))", mac(a.Addr))
	case SetNDTLL:
		return fmt.Sprintf("set(nd(tll=%s))", mac(a.Addr))
	case SetIPv6Label:
		return fmt.Sprintf("set(ipv6(label=%s))", hex(a.Label))
	case SetPBBISID:
		return fmt.Sprintf("set(pbb(isid=%d))", a.ISID)
	case SetMPLSBOS:
		return fmt.Sprintf("set(mpls(bos=%d))", a.BOS)
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("<unknown action %T>", a)
}

// FormatStats formats entry statistics as ovs-dpctl does: "packets:N,
// bytes:N, used:0.400s" (or "used:never"), then ", flags:S." when TCP flags
// were seen. now is the reference time for "used".
func FormatStats(s FlowStats, now time.Time) string {
	used := "never"
	if !s.Used.IsZero() {
		d := now.Sub(s.Used)
		if d < 0 {
			d = 0
		}
		used = fmt.Sprintf("%.3fs", d.Seconds())
	}
	out := fmt.Sprintf("packets:%d, bytes:%d, used:%s", s.Packets, s.Bytes, used)
	if s.TCPFlags != 0 {
		out += ", flags:" + TCPFlagsString(s.TCPFlags)
	}
	return out
}

// TCPFlagsString spells TCP flags as Open vSwitch does: F S R P . (ACK) U E C N.
func TCPFlagsString(f uint16) string {
	const letters = "FSRP.UECN"
	var b strings.Builder
	for i := range len(letters) {
		if f&(1<<i) != 0 {
			b.WriteByte(letters[i])
		}
	}
	return b.String()
}

// FormatFlow formats a whole entry as one ovs-dpctl dump-flows line.
func FormatFlow(f Flow, now time.Time) string {
	return f.KeyString() + ", " + FormatStats(f.Stats, now) + ", actions:" + FormatActions(f.Actions)
}

// hex prints as C's %#x does, which Open vSwitch uses for tos, tclass and
// label: "0" for zero, "0x1f" otherwise.
func hex[T uint8 | uint32](v T) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

// tcpFlagBits names the TCP flags as the tcp_flags() key attribute does
// (Open vSwitch packet_tcp_flag_to_string), low bit first.
var tcpFlagBits = [...]string{"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"}

// tcpFlagNames joins the names of the set flags with '|'; bits without a
// name print as one hex remainder; no flag prints "0".
func tcpFlagNames(f uint16) string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for i, n := range tcpFlagBits {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := f &^ (1<<len(tcpFlagBits) - 1); rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", rest))
	}
	return strings.Join(parts, "|")
}

func mac(a [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5])
}

func ip4(a [4]byte) string  { return netip.AddrFrom4(a).String() }
func ip6(a [16]byte) string { return netip.AddrFrom16(a).String() }
