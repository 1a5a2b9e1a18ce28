package dptest

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Stack is a frame under construction: the canned headers of one protocol
// stack, editable before Build. Tags and MPLS go between Ethernet and IP.
type Stack struct {
	Eth   *layers.Ethernet
	TPIDs []layers.EthernetType // one per tag: 0x8100 or 0x88a8
	Tags  []*layers.Dot1Q
	MPLS  *layers.MPLS
	IPv4  *layers.IPv4
	IPv6  *layers.IPv6
	TCP   *layers.TCP
	UDP   *layers.UDP
	ICMP4 *layers.ICMPv4
	ICMP6 *layers.ICMPv6
	Echo6 *layers.ICMPv6Echo
	Data  gopacket.Payload
}

// NewStack returns the canned stack for l3 ("ip4" or "ip6") and l4 ("tcp",
// "udp" or "icmp").
func NewStack(l3, l4 string) *Stack {
	s := &Stack{Eth: Eth(0), Data: Payload(32)} // long enough that no Ethernet padding is added
	var proto layers.IPProtocol
	switch l4 {
	case "tcp":
		proto = layers.IPProtocolTCP
		s.TCP = &layers.TCP{SrcPort: 1000, DstPort: 80, SYN: true, ACK: true, Seq: 7, Window: 512, DataOffset: 5}
	case "udp":
		proto = layers.IPProtocolUDP
		s.UDP = udp(5000, 5001)
	case "icmp":
		if l3 == "ip4" {
			proto = layers.IPProtocolICMPv4
			s.ICMP4 = &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 1}
		} else {
			proto = layers.IPProtocolICMPv6
			s.ICMP6 = &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)}
			s.Echo6 = &layers.ICMPv6Echo{Identifier: 1, SeqNumber: 1}
		}
	}
	if l3 == "ip4" {
		s.IPv4 = IPv4(proto)
	} else {
		s.IPv6 = IPv6(proto)
	}
	return s
}

// Tag adds an innermost VLAN tag.
func (s *Stack) Tag(tpid layers.EthernetType, vid uint16, pcp uint8) *Stack {
	s.TPIDs = append(s.TPIDs, tpid)
	s.Tags = append(s.Tags, &layers.Dot1Q{VLANIdentifier: vid, Priority: pcp})
	return s
}

// Build serializes the stack with checksums computed.
func (s *Stack) Build(t testing.TB) []byte {
	t.Helper()
	ls := []gopacket.SerializableLayer{s.Eth}
	ipType := layers.EthernetTypeIPv4
	if s.IPv6 != nil {
		ipType = layers.EthernetTypeIPv6
	}
	setType := func(ty layers.EthernetType) { s.Eth.EthernetType = ty }
	for i, tag := range s.Tags {
		setType(s.TPIDs[i])
		ls = append(ls, tag)
		setType = func(ty layers.EthernetType) { tag.Type = ty }
	}
	if s.MPLS != nil {
		setType(layers.EthernetTypeMPLSUnicast)
		ls = append(ls, s.MPLS)
	} else {
		setType(ipType)
	}
	for _, l := range []gopacket.SerializableLayer{s.IPv4, s.IPv6, s.TCP, s.UDP, s.ICMP4, s.ICMP6, s.Echo6} {
		switch l := l.(type) {
		case *layers.IPv4:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.IPv6:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.TCP:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.UDP:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.ICMPv4:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.ICMPv6:
			if l != nil {
				ls = append(ls, l)
			}
		case *layers.ICMPv6Echo:
			if l != nil {
				ls = append(ls, l)
			}
		}
	}
	ls = append(ls, s.Data)
	return Build(t, ls...)
}

func udp(sport, dport uint16) *layers.UDP {
	return &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
}
