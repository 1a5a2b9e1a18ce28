package packet_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	dp "github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
)

var (
	mac1 = [6]byte(dptest.MAC1)
	mac2 = [6]byte(dptest.MAC2)
	ip1  = [4]byte(dptest.IP1)
	ip2  = [4]byte(dptest.IP2)
	ip61 = netip.MustParseAddr("fd00::1").As16()
	ip62 = netip.MustParseAddr("fd00::2").As16()
)

// ethKey is the key of an untagged frame from MAC1 to MAC2 on port 1.
func ethKey(t uint16) dp.FlowKey {
	return dp.FlowKey{InPort: 1, Fields: dp.FieldEth, EthSrc: mac1, EthDst: mac2, EthType: t}
}

func ip4Key(proto uint8) dp.FlowKey {
	k := ethKey(dp.EthTypeIPv4)
	k.Fields |= dp.FieldIPv4
	k.IPv4Src, k.IPv4Dst, k.IPProto, k.IPTTL, k.IPTOS = ip1, ip2, proto, 64, 0x28<<2
	return k
}

func ip6Key(proto uint8) dp.FlowKey {
	k := ethKey(dp.EthTypeIPv6)
	k.Fields |= dp.FieldIPv6
	k.IPv6Src, k.IPv6Dst, k.IPProto, k.IPTTL, k.IPTOS, k.IPv6Label = ip61, ip62, proto, 64, 0x10, 0x12345
	return k
}

// vlanTag returns the 4 bytes of a tag.
func vlanTag(tpid, tci uint16) []byte {
	return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, tpid), tci)
}

// tagged inserts tags after the MAC addresses of frame.
func tagged(frame []byte, tags ...[]byte) []byte {
	out := slices.Clone(frame[:12])
	for _, t := range tags {
		out = append(out, t...)
	}
	return append(out, frame[12:]...)
}

func TestExtract(t *testing.T) {
	tcp4 := dptest.TCP4(t, 1234, 80)
	udp4 := dptest.UDP4(t, 5000, 53)

	type row struct {
		name  string
		frame []byte
		want  func() dp.FlowKey
	}
	rows := []row{
		{"empty", nil, func() dp.FlowKey { return dp.FlowKey{InPort: 1} }},
		{"runt-13", tcp4[:13], func() dp.FlowKey { return dp.FlowKey{InPort: 1} }},
		{"eth-only-ipv4-type", tcp4[:14], func() dp.FlowKey { return ethKey(dp.EthTypeIPv4) }},
		{"unknown-ethertype", append(slices.Clone(tcp4[:12]), 0x12, 0x34, 1, 2, 3), func() dp.FlowKey { return ethKey(0x1234) }},
		{"802.3-length", append(slices.Clone(tcp4[:12]), 0x00, 0x40, 0xaa, 0xaa, 3), func() dp.FlowKey { return ethKey(dp.EthTypeNone) }},
		{"tcp4", tcp4, func() dp.FlowKey {
			k := ip4Key(6)
			k.Fields |= dp.FieldTCP
			k.TPSrc, k.TPDst, k.TCPFlags = 1234, 80, 0x012
			return k
		}},
		{"udp4", udp4, func() dp.FlowKey {
			k := ip4Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst = 5000, 53
			return k
		}},
		{"icmp4", dptest.ICMP4(t), func() dp.FlowKey {
			k := ip4Key(1)
			k.Fields |= dp.FieldICMP
			k.ICMPType = 8
			return k
		}},
		{"ipv4-truncated", tcp4[:14+19], func() dp.FlowKey { return ethKey(dp.EthTypeIPv4) }},
		{"ipv4-bad-version", func() []byte { f := slices.Clone(tcp4); f[14] = 0x55; return f }(), func() dp.FlowKey { return ethKey(dp.EthTypeIPv4) }},
		{"ipv4-ihl-4", func() []byte { f := slices.Clone(tcp4); f[14] = 0x44; return f }(), func() dp.FlowKey { return ethKey(dp.EthTypeIPv4) }},
		{"ipv4-ihl-beyond-frame", func() []byte { f := slices.Clone(tcp4[:14+24]); f[14] = 0x46; return f }(), func() dp.FlowKey {
			k := ip4Key(6)
			k.Fields &^= dp.FieldTCP
			return k
		}},
		{"tcp-truncated", tcp4[:14+20+19], func() dp.FlowKey { return ip4Key(6) }},
		{"udp-truncated", udp4[:14+20+7], func() dp.FlowKey { return ip4Key(17) }},
		{"ipv4-options", func() []byte {
			ip := dptest.IPv4(layers.IPProtocolUDP)
			ip.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 1}, {OptionType: 1}, {OptionType: 0}}
			return dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), ip, &layers.UDP{SrcPort: 7, DstPort: 9}, dptest.Payload(4))
		}(), func() dp.FlowKey {
			k := ip4Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst = 7, 9
			return k
		}},
		{"ipv4-first-fragment", func() []byte {
			ip := dptest.IPv4(layers.IPProtocolUDP)
			ip.Flags = layers.IPv4MoreFragments
			return dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), ip, &layers.UDP{SrcPort: 7, DstPort: 9}, dptest.Payload(4))
		}(), func() dp.FlowKey {
			k := ip4Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst, k.IPFrag = 7, 9, dp.FragFirst
			return k
		}},
		{"ipv4-later-fragment", func() []byte {
			ip := dptest.IPv4(layers.IPProtocolUDP)
			ip.FragOffset = 100
			return dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), ip, dptest.Payload(16))
		}(), func() dp.FlowKey {
			k := ip4Key(17)
			k.IPFrag = dp.FragLater
			return k
		}},
		{"vlan", tagged(udp4, vlanTag(0x8100, dp.MakeTCI(10, 3, false))), func() dp.FlowKey {
			k := ip4Key(17)
			k.Fields |= dp.FieldUDP | dp.FieldVLAN0
			k.TPSrc, k.TPDst = 5000, 53
			k.VLAN[0] = dp.VLANTag{TPID: 0x8100, TCI: dp.MakeTCI(10, 3, false)}
			return k
		}},
		{"qinq", tagged(udp4, vlanTag(0x88a8, 100), vlanTag(0x8100, 0x1000|10)), func() dp.FlowKey {
			k := ip4Key(17)
			k.Fields |= dp.FieldUDP | dp.FieldVLAN0 | dp.FieldVLAN1
			k.TPSrc, k.TPDst = 5000, 53
			k.VLAN = [2]dp.VLANTag{{TPID: 0x88a8, TCI: 100}, {TPID: 0x8100, TCI: 0x1000 | 10}}
			return k
		}},
		{"three-tags", tagged(udp4, vlanTag(0x88a8, 1), vlanTag(0x8100, 2), vlanTag(0x8100, 3)), func() dp.FlowKey {
			k := ethKey(0x8100)
			k.Fields |= dp.FieldVLAN0 | dp.FieldVLAN1
			k.VLAN = [2]dp.VLANTag{{TPID: 0x88a8, TCI: 1}, {TPID: 0x8100, TCI: 2}}
			return k
		}},
		{"vlan-truncated", tagged(udp4, vlanTag(0x8100, 5))[:17], func() dp.FlowKey { return ethKey(0x8100) }},
		{"vlan-then-nothing", tagged(udp4, vlanTag(0x8100, 5))[:18], func() dp.FlowKey {
			k := ethKey(dp.EthTypeIPv4)
			k.Fields |= dp.FieldVLAN0
			k.VLAN[0] = dp.VLANTag{TPID: 0x8100, TCI: 5}
			return k
		}},
		{"arp", dptest.ARPRequest(t), func() dp.FlowKey {
			k := ethKey(dp.EthTypeARP)
			k.EthDst = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			k.Fields |= dp.FieldARP
			k.ARPOp, k.ARPSha, k.ARPSpa, k.ARPTpa = 1, mac1, ip1, ip2
			return k
		}},
		{"arp-truncated", dptest.ARPRequest(t)[:14+27], func() dp.FlowKey {
			k := ethKey(dp.EthTypeARP)
			k.EthDst = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			return k
		}},
		{"arp-not-ethernet", func() []byte { f := dptest.ARPRequest(t); f[15] = 6; return f }(), func() dp.FlowKey {
			k := ethKey(dp.EthTypeARP)
			k.EthDst = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			return k
		}},
		{"tcp6", dptest.TCP6(t, 1, 2), func() dp.FlowKey {
			k := ip6Key(6)
			k.Fields |= dp.FieldTCP
			k.TPSrc, k.TPDst, k.TCPFlags = 1, 2, 0x002
			return k
		}},
		{"ipv6-truncated", dptest.TCP6(t, 1, 2)[:14+39], func() dp.FlowKey { return ethKey(dp.EthTypeIPv6) }},
		{"icmp6", dptest.ICMP6Echo(t), func() dp.FlowKey {
			k := ip6Key(58)
			k.Fields |= dp.FieldICMPv6
			k.ICMPType = 128
			return k
		}},
		{"nd-ns", dptest.NeighborSolicitation(t), func() dp.FlowKey {
			k := ip6Key(58)
			k.IPTTL = 255
			k.Fields |= dp.FieldICMPv6 | dp.FieldND
			k.ICMPType, k.NDTarget, k.NDSLL = 135, ip62, mac1
			return k
		}},
		{"nd-na-tll", func() []byte {
			ip := dptest.IPv6(layers.IPProtocolICMPv6)
			return dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv6), ip,
				&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(136, 0)},
				&layers.ICMPv6NeighborAdvertisement{TargetAddress: dptest.IP61,
					Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: dptest.MAC2}}})
		}(), func() dp.FlowKey {
			k := ip6Key(58)
			k.Fields |= dp.FieldICMPv6 | dp.FieldND
			k.ICMPType, k.NDTarget, k.NDTLL = 136, ip61, mac2
			return k
		}},
		{"nd-truncated-target", dptest.NeighborSolicitation(t)[:14+40+23], func() dp.FlowKey {
			k := ip6Key(58)
			k.IPTTL = 255
			k.Fields |= dp.FieldICMPv6
			k.ICMPType = 135
			return k
		}},
		{"ipv6-hop-dest-udp", ext6(t, []byte{0, 60, 17}, false), func() dp.FlowKey {
			k := ip6Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst = 7, 9
			k.IPv6ExtHdr = dp.ExtHdrHop | dp.ExtHdrDest
			return k
		}},
		{"ipv6-frag-first", ext6(t, []byte{44, 17}, false), func() dp.FlowKey {
			k := ip6Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst, k.IPFrag = 7, 9, dp.FragFirst
			k.IPv6ExtHdr = dp.ExtHdrFrag
			return k
		}},
		{"ipv6-frag-later", ext6(t, []byte{44, 17}, true), func() dp.FlowKey {
			k := ip6Key(17)
			k.IPFrag = dp.FragLater
			k.IPv6ExtHdr = dp.ExtHdrFrag
			return k
		}},
		{"ipv6-unseq-unrep", ext6(t, []byte{60, 0, 0, 17}, false), func() dp.FlowKey {
			k := ip6Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst = 7, 9
			k.IPv6ExtHdr = dp.ExtHdrHop | dp.ExtHdrDest | dp.ExtHdrUnseq | dp.ExtHdrUnrep
			return k
		}},
		{"ipv6-two-dest-allowed", ext6(t, []byte{60, 43, 60, 17}, false), func() dp.FlowKey {
			k := ip6Key(17)
			k.Fields |= dp.FieldUDP
			k.TPSrc, k.TPDst = 7, 9
			k.IPv6ExtHdr = dp.ExtHdrDest | dp.ExtHdrRouter
			return k
		}},
		{"ipv6-ah-esp", ext6(t, []byte{51, 50}, false), func() dp.FlowKey {
			k := ip6Key(50)
			k.IPv6ExtHdr = dp.ExtHdrAuth | dp.ExtHdrESP
			return k
		}},
		{"ipv6-no-next", ext6(t, []byte{0, 59}, false), func() dp.FlowKey {
			k := ip6Key(59)
			k.IPv6ExtHdr = dp.ExtHdrHop | dp.ExtHdrNoNext
			return k
		}},
		{"ipv6-ext-truncated", ext6(t, []byte{0, 17}, false)[:14+40+7], func() dp.FlowKey { return ip6Key(0) }},
		{"mpls", append(slices.Clone(tcp4[:12]), 0x88, 0x47, 0x00, 0x06, 0x43, 0x40), func() dp.FlowKey {
			k := ethKey(dp.EthTypeMPLS)
			k.Fields |= dp.FieldMPLS
			k.MPLSLabel, k.MPLSTC, k.MPLSBOS, k.MPLSTTL = 100, 1, 1, 64
			return k
		}},
		{"mpls-truncated", append(slices.Clone(tcp4[:12]), 0x88, 0x47, 0x00, 0x06, 0x43), func() dp.FlowKey { return ethKey(dp.EthTypeMPLS) }},
		{"pbb", append(append(slices.Clone(tcp4[:12]), 0x88, 0xe7, 0x00, 0x12, 0x34, 0x56), tcp4...), func() dp.FlowKey {
			k := ethKey(dp.EthTypePBB)
			k.Fields |= dp.FieldPBB
			k.PBBISID = 0x123456
			return k
		}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			got := packet.Extract(r.frame, 1)
			if want := r.want(); got != want {
				t.Errorf("Extract:\n got %v\nwant %v", got, want)
			}
		})
	}
}

var ext6 = dptest.IPv6Ext

func FuzzExtract(f *testing.F) {
	for _, c := range dptest.Corpus(f) {
		f.Add(c.Frame)
	}
	f.Add(dptest.NeighborSolicitation(f))
	f.Add(ext6(f, []byte{0, 60, 43, 44, 51, 17}, false))
	f.Fuzz(func(t *testing.T, b []byte) {
		k := packet.Extract(b, 3)
		if k.InPort != 3 {
			t.Fatal("in_port lost")
		}
		// The text form of any extracted key parses back to it.
		back, err := dp.ParseKey(k.String())
		if err != nil || back != k {
			t.Fatalf("key %v does not round-trip: %v", k, err)
		}
	})
}
