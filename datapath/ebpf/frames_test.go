package ebpf

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}
	ip4A = net.IPv4(10, 0, 0, 1).To4()
	ip4B = net.IPv4(10, 0, 0, 2).To4()
	ip6A = net.ParseIP("2001:db8::1")
	ip6B = net.ParseIP("2001:db8::2")
)

// build serialises layers with lengths and checksums computed.
func build(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	for _, l := range ls {
		switch l := l.(type) {
		case *layers.TCP:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					l.SetNetworkLayerForChecksum(nl)
				}
			}
		case *layers.UDP:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					l.SetNetworkLayerForChecksum(nl)
				}
			}
		case *layers.ICMPv6:
			for _, n := range ls {
				if nl, ok := n.(gopacket.NetworkLayer); ok {
					l.SetNetworkLayerForChecksum(nl)
				}
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func eth(typ layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: typ}
}

func ipv4(proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, TOS: 0x2a, Protocol: proto, SrcIP: ip4A, DstIP: ip4B, Id: 7}
}

func ipv6(next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, TrafficClass: 0x28, FlowLabel: 0x12345, HopLimit: 63, NextHeader: next, SrcIP: ip6A, DstIP: ip6B}
}

func tcp() *layers.TCP {
	return &layers.TCP{SrcPort: 1234, DstPort: 80, Seq: 1, SYN: true, ACK: true, Window: 1000}
}

func udp() *layers.UDP { return &layers.UDP{SrcPort: 5353, DstPort: 53} }

var payload = gopacket.Payload([]byte("xvs datapath test payload"))

// ipv6Ext is a raw IPv6 extension header (hop-by-hop, destination or
// routing: (len+1)*8 bytes).
func ipv6Ext(next uint8, units int) []byte {
	b := make([]byte, (units+1)*8)
	b[0] = next
	b[1] = uint8(units)
	if units == 0 {
		b[2], b[3] = 1, 4 // PadN option filling the header
	}
	return b
}

// rawIPv6 builds an IPv6 frame with raw bytes after the fixed header.
func rawIPv6(t testing.TB, next uint8, rest []byte) []byte {
	ip := ipv6(layers.IPProtocol(next))
	b := build(t, eth(layers.EthernetTypeIPv6), ip, gopacket.Payload(rest))
	b[14+6] = next // gopacket may rewrite NextHeader for known payloads
	return b
}

// testFrames are the crafted frames of the parser and action tests.
func testFrames(t testing.TB) map[string][]byte {
	f := map[string][]byte{}
	f["ipv4-tcp"] = build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), payload)
	f["ipv4-udp"] = build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(), payload)
	f["ipv4-icmp"] = build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 1}, payload)
	sctp := make([]byte, 16)
	sctp[0], sctp[1], sctp[2], sctp[3] = 0x0b, 0xb8, 0x0b, 0xb9
	f["ipv4-sctp"] = build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolSCTP), gopacket.Payload(sctp))
	fr := ipv4(layers.IPProtocolUDP)
	fr.Flags = layers.IPv4MoreFragments
	f["ipv4-frag-first"] = build(t, eth(layers.EthernetTypeIPv4), fr, udp(), payload)
	fl := ipv4(layers.IPProtocolUDP)
	fl.FragOffset = 100
	f["ipv4-frag-later"] = build(t, eth(layers.EthernetTypeIPv4), fl, payload)
	opt := ipv4(layers.IPProtocolTCP)
	opt.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
	f["ipv4-options-tcp"] = build(t, eth(layers.EthernetTypeIPv4), opt, tcp(), payload)
	f["ipv6-tcp"] = build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), payload)
	f["ipv6-udp"] = build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolUDP), udp(), payload)
	// hop-by-hop, destination, routing, then UDP
	ext := append(append(append(ipv6Ext(60, 0), ipv6Ext(43, 1)...), ipv6Ext(17, 0)...),
		[]byte{0x13, 0x88, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00}...)
	f["ipv6-ext-hop-dest-rt-udp"] = rawIPv6(t, 0, ext)
	// routing before hop-by-hop: out of order; two destination headers
	ext2 := append(append(append(ipv6Ext(0, 0), ipv6Ext(60, 0)...), ipv6Ext(60, 0)...), ipv6Ext(59, 0)...)
	f["ipv6-ext-unseq-unrep"] = rawIPv6(t, 43, ext2)
	fragFirst := []byte{17, 0, 0x00, 0x01, 0, 0, 0, 1} // offset 0, M=1
	f["ipv6-frag-first"] = rawIPv6(t, 44, append(fragFirst, 0x13, 0x88, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00))
	fragLater := []byte{17, 0, 0x00, 0xa0, 0, 0, 0, 1} // offset 20
	f["ipv6-frag-later"] = rawIPv6(t, 44, append(fragLater, 1, 2, 3, 4, 5, 6, 7, 8))
	f["ipv6-esp"] = rawIPv6(t, 50, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f["ipv6-truncated-ext"] = rawIPv6(t, 0, []byte{17, 3, 0, 0})
	f["ipv6-ns"] = build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(135, 0)},
		&layers.ICMPv6NeighborSolicitation{TargetAddress: ip6B, Options: layers.ICMPv6Options{
			{Type: layers.ICMPv6OptSourceAddress, Data: macA}}})
	f["ipv6-na"] = build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(136, 0)},
		&layers.ICMPv6NeighborAdvertisement{TargetAddress: ip6B, Flags: 0x60, Options: layers.ICMPv6Options{
			{Type: layers.ICMPv6OptTargetAddress, Data: macB}}})
	f["ipv6-echo"] = build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)}, &layers.ICMPv6Echo{Identifier: 1, SeqNumber: 2}, payload)
	f["arp-request"] = build(t, eth(layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet,
		Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4, Operation: 1,
		SourceHwAddress: macA, SourceProtAddress: ip4A, DstHwAddress: make([]byte, 6), DstProtAddress: ip4B})
	f["arp-not-ethernet"] = build(t, eth(layers.EthernetTypeARP), gopacket.Payload([]byte{0, 6, 8, 0, 6, 4, 0, 1,
		1, 2, 3, 4, 5, 6, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2}))
	f["vlan-ipv4-udp"] = build(t, eth(layers.EthernetTypeDot1Q),
		&layers.Dot1Q{Priority: 5, VLANIdentifier: 100, Type: layers.EthernetTypeIPv4}, ipv4(layers.IPProtocolUDP), udp(), payload)
	f["qinq-ipv6-tcp"] = build(t, eth(layers.EthernetTypeQinQ),
		&layers.Dot1Q{Priority: 1, VLANIdentifier: 200, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{Priority: 2, VLANIdentifier: 300, Type: layers.EthernetTypeIPv6}, ipv6(layers.IPProtocolTCP), tcp(), payload)
	f["three-tags"] = build(t, eth(layers.EthernetTypeDot1Q),
		&layers.Dot1Q{VLANIdentifier: 1, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 2, Type: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 3, Type: layers.EthernetTypeIPv4}, ipv4(layers.IPProtocolUDP), udp())
	f["mpls"] = build(t, eth(layers.EthernetTypeMPLSUnicast),
		&layers.MPLS{Label: 1000, TrafficClass: 3, StackBottom: true, TTL: 9}, ipv4(layers.IPProtocolUDP), udp())
	pbb := []byte{0x00, 0x12, 0x34, 0x56}
	pbb = append(pbb, macB...)
	pbb = append(pbb, macA...)
	pbb = append(pbb, 0x08, 0x00)
	f["pbb"] = build(t, eth(0x88e7), gopacket.Payload(pbb))
	f["unknown-ethertype"] = build(t, eth(0x1234), gopacket.Payload([]byte("garbage garbage garbage garbage")))
	f["ieee8023-length"] = build(t, eth(layers.EthernetType(46)), gopacket.Payload(make([]byte, 46)))
	full := f["ipv4-tcp"]
	f["runt-10"] = append([]byte(nil), full[:10]...)
	f["eth-only"] = append([]byte(nil), full[:14]...)
	f["ipv4-truncated"] = append([]byte(nil), full[:14+12]...)
	f["ipv4-bad-version"] = func() []byte { b := append([]byte(nil), full...); b[14] = 0x55; return b }()
	f["tcp-truncated"] = append([]byte(nil), full[:14+20+10]...)
	f["vlan-truncated"] = append([]byte(nil), f["vlan-ipv4-udp"][:15]...)
	f["garbage"] = []byte{0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 0x86, 0xdd, 0x60, 0, 0}
	return f
}
