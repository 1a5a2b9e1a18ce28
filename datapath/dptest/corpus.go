package dptest

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// NamedFrame is one frame of the corpus.
type NamedFrame struct {
	Name  string
	Frame []byte
}

// Corpus returns frames of every shape the parser must key: each protocol
// it knows, VLAN and QinQ, IPv6 extension headers, fragments, truncated
// headers and unknown types. Every frame is at least 14 bytes, so it can be
// sent through a real device; shorter runts are tested on the parser alone.
func Corpus(t testing.TB) []NamedFrame {
	tcp4 := TCP4(t, 1000, 80)
	udp4 := NewStack("ip4", "udp").Build(t)
	tag := func(f []byte, tags ...uint32) []byte {
		out := slices.Clone(f[:12])
		for _, tg := range tags {
			out = binary.BigEndian.AppendUint32(out, tg)
		}
		return append(out, f[12:]...)
	}
	withType := func(typ uint16, rest ...byte) []byte {
		return append(binary.BigEndian.AppendUint16(slices.Clone(tcp4[:12]), typ), rest...)
	}
	frag4 := func(flags layers.IPv4Flag, off uint16) []byte {
		ip := IPv4(layers.IPProtocolUDP)
		ip.Flags, ip.FragOffset = flags, off
		return Build(t, Eth(layers.EthernetTypeIPv4), ip, udp(7, 9), Payload(32))
	}
	return []NamedFrame{
		{"eth-only", tcp4[:14]},
		{"unknown-ethertype", withType(0x1234, make([]byte, 46)...)},
		{"802.3-llc", withType(0x0040, 0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0)},
		{"tcp4", tcp4},
		{"udp4", udp4},
		{"icmp4", ICMP4(t)},
		{"tcp4-options-fin", Build(t, Eth(layers.EthernetTypeIPv4), IPv4(layers.IPProtocolTCP),
			&layers.TCP{SrcPort: 1, DstPort: 2, FIN: true, ACK: true, PSH: true, DataOffset: 6,
				Options: []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{5, 0xb4}}}}, Payload(30))},
		{"ipv4-truncated", tcp4[:14+12]},
		{"tcp4-truncated", tcp4[:14+20+10]},
		{"ipv4-first-fragment", frag4(layers.IPv4MoreFragments, 0)},
		{"ipv4-later-fragment", frag4(0, 185)},
		{"vlan-udp4", tag(udp4, 0x8100<<16|0x600a)},
		{"qinq-tcp4", tag(tcp4, 0x88a8<<16|100, 0x8100<<16|10)},
		{"three-tags", tag(udp4, 0x88a8<<16|1, 0x8100<<16|2, 0x8100<<16|3)},
		{"vlan-truncated", tag(udp4, 0x8100<<16|5)[:17]},
		{"arp", ARPRequest(t)},
		{"rarp-truncated", withType(0x8035, 0, 1, 8, 0)},
		{"tcp6", TCP6(t, 1, 2)},
		{"udp6", UDP6(t, 3, 4)},
		{"icmp6-echo", ICMP6Echo(t)},
		{"nd-ns", NeighborSolicitation(t)},
		{"ipv6-truncated", TCP6(t, 1, 2)[:14+30]},
		{"ipv6-hop-dest-frag-udp", IPv6Ext(t, []byte{0, 60, 44, 17}, false)},
		{"ipv6-later-fragment", IPv6Ext(t, []byte{44, 17}, true)},
		{"ipv6-routing-ah-tcp-truncated", IPv6Ext(t, []byte{43, 51, 6}, false)},
		{"ipv6-unordered", IPv6Ext(t, []byte{60, 0, 0, 17}, false)},
		{"ipv6-esp", IPv6Ext(t, []byte{50}, false)},
		{"mpls", withType(0x8847, 0x00, 0x06, 0x43, 0x40, 0x45, 0, 0, 20)},
		{"mpls-truncated", withType(0x8847, 0x00, 0x06)},
		{"pbb", withType(0x88e7, append([]byte{0, 0x12, 0x34, 0x56}, tcp4...)...)},
	}
}

// IPv6Ext builds Ethernet/IPv6 with the extension headers chain[:len-1],
// 8 bytes each (a fragment header at offset 0 with M set, or at offset 800
// if later), followed by an 8-byte UDP header when the last element is 17.
func IPv6Ext(t testing.TB, chain []byte, later bool) []byte {
	f := Build(t, Eth(layers.EthernetTypeIPv6), IPv6(layers.IPProtocol(chain[0])))[:14+40]
	for i := 0; i+1 < len(chain); i++ {
		h := make([]byte, 8)
		h[0] = chain[i+1]
		switch chain[i] {
		case 44:
			if later {
				binary.BigEndian.PutUint16(h[2:], 100<<3)
			} else {
				h[3] = 1
			}
		case 51:
			h[1] = 0 // (0+2)*4 = 8 bytes
		}
		f = append(f, h...)
	}
	if chain[len(chain)-1] == 17 {
		f = append(f, 0, 7, 0, 9, 0, 8, 0, 0)
	}
	binary.BigEndian.PutUint16(f[14+4:], uint16(len(f)-14-40))
	return f
}
