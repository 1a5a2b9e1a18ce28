package dptest

import (
	"net"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
)

// ARP builds an Ethernet ARP packet with the given fields (RFC 826).
func ARP(t testing.TB, op uint16, sha net.HardwareAddr, spa net.IP, tha net.HardwareAddr, tpa net.IP) []byte {
	e := Eth(layers.EthernetTypeARP)
	e.DstMAC = layers.EthernetBroadcast
	return Build(t, e, &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: op,
		SourceHwAddress: sha, SourceProtAddress: spa.To4(), DstHwAddress: tha, DstProtAddress: tpa.To4()})
}

// ND builds a neighbor solicitation (typ 135) or advertisement (136) for
// target with one link-layer address option of type opt (1 source, 2
// target; 0: no option), RFC 4861 §4.3, §4.4.
func ND(t testing.TB, typ uint8, target net.IP, opt uint8, lladdr net.HardwareAddr) []byte {
	ip := IPv6(layers.IPProtocolICMPv6)
	ip.HopLimit = 255
	var opts layers.ICMPv6Options
	if opt != 0 {
		opts = layers.ICMPv6Options{{Type: layers.ICMPv6Opt(opt), Data: lladdr}}
	}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, 0)}
	if typ == 135 {
		return Build(t, Eth(layers.EthernetTypeIPv6), ip, icmp,
			&layers.ICMPv6NeighborSolicitation{TargetAddress: target, Options: opts})
	}
	return Build(t, Eth(layers.EthernetTypeIPv6), ip, icmp,
		&layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: target, Options: opts})
}

// setFieldCases are the cases of the set-field actions of
// datapath/action_setfield.go, each on a frame with the header and on one
// without it (left alone).
func setFieldCases(t *testing.T) []actionCase {
	mac7 := net.HardwareAddr{0x02, 7, 7, 7, 7, 7}
	mac8 := net.HardwareAddr{0x02, 8, 8, 8, 8, 8}
	ip7, ip8 := net.IPv4(192, 0, 2, 7), net.IPv4(192, 0, 2, 8)
	ip67 := net.ParseIP("2001:db8::7")
	zero := make(net.HardwareAddr, 6)
	arp := ARP(t, 1, MAC1, IP1, zero, IP2)
	ns := ND(t, 135, IP62, 1, MAC1)
	na := ND(t, 136, IP62, 2, MAC2)
	udp4 := NewStack("ip4", "udp").Build(t)
	tcp6 := NewStack("ip6", "tcp").Build(t)
	mpls := func(bos bool) []byte {
		s := NewStack("ip4", "udp")
		s.MPLS = &layers.MPLS{Label: 100, TrafficClass: 2, StackBottom: bos, TTL: 64}
		return s.Build(t)
	}
	pbb := func(itag uint32) []byte {
		hdr := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xe7,
			byte(itag >> 24), byte(itag >> 16), byte(itag >> 8), byte(itag)}
		return append(hdr, udp4...)
	}
	label := NewStack("ip6", "tcp")
	label.IPv6.FlowLabel = 0xabcde

	return []actionCase{
		{"set_arp_fields", arp, []datapath.Action{
			datapath.SetARPOp{Op: 2}, datapath.SetARPSha{Addr: [6]byte(mac7)}, datapath.SetARPSpa{Addr: [4]byte(ip7.To4())},
			datapath.SetARPTha{Addr: [6]byte(mac8)}, datapath.SetARPTpa{Addr: [4]byte(ip8.To4())}},
			ARP(t, 2, mac7, ip7, mac8, ip8), true},
		{"set_arp_on_ipv4", udp4, []datapath.Action{datapath.SetARPSpa{Addr: [4]byte(ip7.To4())}, datapath.SetARPOp{Op: 2}}, udp4, true},
		{"set_nd_target_ns", ns, []datapath.Action{datapath.SetNDTarget{Addr: [16]byte(ip67)}}, ND(t, 135, ip67, 1, MAC1), true},
		{"set_nd_target_na", na, []datapath.Action{datapath.SetNDTarget{Addr: [16]byte(ip67)}}, ND(t, 136, ip67, 2, MAC2), true},
		{"set_nd_sll", ns, []datapath.Action{datapath.SetNDSLL{Addr: [6]byte(mac7)}}, ND(t, 135, IP62, 1, mac7), true},
		{"set_nd_tll", na, []datapath.Action{datapath.SetNDTLL{Addr: [6]byte(mac8)}}, ND(t, 136, IP62, 2, mac8), true},
		{"set_nd_sll_on_na", na, []datapath.Action{datapath.SetNDSLL{Addr: [6]byte(mac7)}}, na, true},
		{"set_nd_sll_no_option", ND(t, 135, IP62, 0, nil), []datapath.Action{datapath.SetNDSLL{Addr: [6]byte(mac7)}},
			ND(t, 135, IP62, 0, nil), true},
		{"set_nd_on_echo", ICMP6Echo(t), []datapath.Action{datapath.SetNDTarget{Addr: [16]byte(ip67)}}, ICMP6Echo(t), true},
		{"set_ipv6_label", tcp6, []datapath.Action{datapath.SetIPv6Label{Label: 0xabcde}}, label.Build(t), true},
		{"set_ipv6_label_on_ipv4", udp4, []datapath.Action{datapath.SetIPv6Label{Label: 1}}, udp4, true},
		{"set_pbb_isid", pbb(0x8a01e240), []datapath.Action{datapath.SetPBBISID{ISID: 0xfedcba}}, pbb(0x8afedcba), false},
		{"set_pbb_isid_on_ipv4", udp4, []datapath.Action{datapath.SetPBBISID{ISID: 7}}, udp4, true},
		{"set_mpls_bos", mpls(true), []datapath.Action{datapath.SetMPLSBOS{BOS: 0}}, mpls(false), false},
		{"set_mpls_bos_back", mpls(false), []datapath.Action{datapath.SetMPLSBOS{BOS: 1}}, mpls(true), true},
		{"set_mpls_bos_on_ipv4", udp4, []datapath.Action{datapath.SetMPLSBOS{BOS: 0}}, udp4, true},
		{"set_arp_after_push_vlan", arp, []datapath.Action{
			datapath.PushVLAN{TPID: 0x8100, TCI: 10}, datapath.SetARPTpa{Addr: [4]byte(ip8.To4())}},
			slices.Concat(arp[:12], []byte{0x81, 0, 0, 10}, ARP(t, 1, MAC1, IP1, zero, ip8)[12:]), true},
	}
}
