package dptest

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Addresses of the canned frames.
var (
	MAC1 = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	MAC2 = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
	IP1  = net.IPv4(10, 0, 0, 1).To4()
	IP2  = net.IPv4(10, 0, 0, 2).To4()
	IP61 = net.ParseIP("fd00::1")
	IP62 = net.ParseIP("fd00::2")
)

// Build serializes layers with lengths fixed and checksums computed (the
// network layer for TCP, UDP and ICMPv6 checksums is found among them).
func Build(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	var nl gopacket.NetworkLayer
	for _, l := range ls {
		switch l := l.(type) {
		case *layers.IPv4:
			nl = l
		case *layers.IPv6:
			nl = l
		case *layers.TCP:
			if err := l.SetNetworkLayerForChecksum(nl); err != nil {
				t.Fatal(err)
			}
		case *layers.UDP:
			if err := l.SetNetworkLayerForChecksum(nl); err != nil {
				t.Fatal(err)
			}
		case *layers.ICMPv6:
			if err := l.SetNetworkLayerForChecksum(nl); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatalf("build frame: %v", err)
	}
	return buf.Bytes()
}

// Eth returns an Ethernet header from MAC1 to MAC2.
func Eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: MAC1, DstMAC: MAC2, EthernetType: t}
}

// IPv4 returns an IPv4 header from IP1 to IP2 with TTL 64.
func IPv4(p layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: p, SrcIP: IP1, DstIP: IP2, TOS: 0x28 << 2}
}

// IPv6 returns an IPv6 header from IP61 to IP62 with hop limit 64.
func IPv6(nh layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: nh, SrcIP: IP61, DstIP: IP62, FlowLabel: 0x12345, TrafficClass: 0x10}
}

// Payload is a short recognisable payload.
func Payload(n int) gopacket.Payload {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i)
	}
	return p
}

// TCP4 is an Ethernet/IPv4/TCP SYN-ACK from port sport to dport with a
// 20-byte payload.
func TCP4(t testing.TB, sport, dport uint16) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv4), IPv4(layers.IPProtocolTCP),
		&layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), SYN: true, ACK: true, Seq: 1, Window: 1000, DataOffset: 5},
		Payload(20))
}

// UDP4 is an Ethernet/IPv4/UDP datagram with a 16-byte payload.
func UDP4(t testing.TB, sport, dport uint16) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv4), IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, Payload(16))
}

// ICMP4 is an Ethernet/IPv4 ICMP echo request.
func ICMP4(t testing.TB) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv4), IPv4(layers.IPProtocolICMPv4),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 1}, Payload(8))
}

// TCP6 is an Ethernet/IPv6/TCP segment.
func TCP6(t testing.TB, sport, dport uint16) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv6), IPv6(layers.IPProtocolTCP),
		&layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), SYN: true, Window: 1000, DataOffset: 5},
		Payload(20))
}

// UDP6 is an Ethernet/IPv6/UDP datagram.
func UDP6(t testing.TB, sport, dport uint16) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv6), IPv6(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, Payload(16))
}

// ICMP6Echo is an Ethernet/IPv6 ICMPv6 echo request.
func ICMP6Echo(t testing.TB) []byte {
	return Build(t, Eth(layers.EthernetTypeIPv6), IPv6(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)}, &layers.ICMPv6Echo{Identifier: 1, SeqNumber: 1}, Payload(8))
}

// ARPRequest is a who-has IP2 from MAC1/IP1.
func ARPRequest(t testing.TB) []byte {
	e := Eth(layers.EthernetTypeARP)
	e.DstMAC = layers.EthernetBroadcast
	return Build(t, e, &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
		SourceHwAddress: MAC1, SourceProtAddress: IP1, DstHwAddress: make([]byte, 6), DstProtAddress: IP2})
}

// NeighborSolicitation is an NS for IP62 with a source link-layer option.
func NeighborSolicitation(t testing.TB) []byte {
	ip := IPv6(layers.IPProtocolICMPv6)
	ip.HopLimit = 255
	return Build(t, Eth(layers.EthernetTypeIPv6), ip,
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(135, 0)},
		&layers.ICMPv6NeighborSolicitation{TargetAddress: IP62,
			Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: MAC1}}})
}

// Decode decodes a frame and fails the test if any checksum is wrong.
func Decode(t testing.TB, frame []byte) gopacket.Packet {
	t.Helper()
	p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("decode frame: %v\n%x", el.Error(), frame)
	}
	// gopacket needs the network layer to verify L4 checksums.
	type l4 interface {
		SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
	}
	type verifier interface {
		VerifyChecksum() (error, gopacket.ChecksumVerificationResult)
	}
	for _, l := range p.Layers() {
		if c, ok := l.(l4); ok {
			if err := c.SetNetworkLayerForChecksum(p.NetworkLayer()); err != nil {
				t.Fatalf("checksum of %v: %v", l.LayerType(), err)
			}
		}
		if v, ok := l.(verifier); ok {
			err, r := v.VerifyChecksum()
			if err != nil {
				t.Fatalf("verify %v checksum: %v", l.LayerType(), err)
			}
			if !r.Valid {
				t.Errorf("bad %v checksum: %#x, want %#x\n%x", l.LayerType(), r.Actual, r.Correct, frame)
			}
		}
	}
	return p
}
