package dptest

import (
	"bytes"
	"encoding/binary"
	"net"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// actionCase is one action list applied to a frame, with the frame
// expected on the output port.
type actionCase struct {
	name    string
	in      []byte
	actions []datapath.Action
	want    []byte
	decode  bool // the output must decode with correct checksums
}

// actionCases returns the action scenarios: every action kind with its
// effect on the bytes. The expected frames are built independently with
// gopacket (checksums computed from scratch).
func actionCases(t *testing.T) []actionCase {
	f := func(l3, l4 string, mod func(*Stack)) []byte {
		s := NewStack(l3, l4)
		if mod != nil {
			mod(s)
		}
		return s.Build(t)
	}
	mac9 := [6]byte{0x02, 9, 9, 9, 9, 9}
	ip9 := [4]byte{192, 0, 2, 9}
	ip69 := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 9}
	vlan10 := func(s *Stack) { s.Tag(layers.EthernetTypeDot1Q, 10, 3) }
	mpls := func(label uint32, ttl uint8) func(*Stack) {
		return func(s *Stack) { s.MPLS = &layers.MPLS{Label: label, TrafficClass: 2, StackBottom: true, TTL: ttl} }
	}
	arp := ARPRequest(t)
	udpNoSum := func(b []byte) []byte { // zero the UDP checksum of an untagged IPv4/UDP frame
		b = slices.Clone(b)
		binary.BigEndian.PutUint16(b[14+20+6:], 0)
		return b
	}
	pbbHdr := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xe7, 0x00, 0x01, 0xe2, 0x40}
	udp4 := f("ip4", "udp", nil)

	cases := []actionCase{
		{"push_vlan", udp4, []datapath.Action{datapath.PushVLAN{TPID: 0x8100, TCI: datapath.MakeTCI(10, 3, false)}},
			f("ip4", "udp", vlan10), true},
		{"push_vlan_qinq", f("ip4", "udp", vlan10), []datapath.Action{datapath.PushVLAN{TPID: 0x88a8, TCI: 100}},
			f("ip4", "udp", func(s *Stack) { s.Tag(layers.EthernetTypeQinQ, 100, 0); vlan10(s) }), true},
		{"pop_vlan", f("ip4", "udp", vlan10), []datapath.Action{datapath.PopVLAN{}}, udp4, true},
		{"pop_vlan_untagged", udp4, []datapath.Action{datapath.PopVLAN{}}, udp4, true},
		{"set_vlan_vid", f("ip4", "udp", vlan10), []datapath.Action{datapath.SetVLANVID{VID: 20}},
			f("ip4", "udp", func(s *Stack) { s.Tag(layers.EthernetTypeDot1Q, 20, 3) }), true},
		{"set_vlan_pcp", f("ip4", "udp", vlan10), []datapath.Action{datapath.SetVLANPCP{PCP: 5}},
			f("ip4", "udp", func(s *Stack) { s.Tag(layers.EthernetTypeDot1Q, 10, 5) }), true},
		{"set_eth", udp4, []datapath.Action{datapath.SetEthSrc{Addr: mac9}, datapath.SetEthDst{Addr: mac9}},
			f("ip4", "udp", func(s *Stack) { s.Eth.SrcMAC, s.Eth.DstMAC = mac9[:], mac9[:] }), true},
		{"set_ipv4_src_tcp", f("ip4", "tcp", nil), []datapath.Action{datapath.SetIPv4Src{Addr: ip9}},
			f("ip4", "tcp", func(s *Stack) { s.IPv4.SrcIP = ip9[:] }), true},
		{"set_ipv4_dst_udp", udp4, []datapath.Action{datapath.SetIPv4Dst{Addr: ip9}},
			f("ip4", "udp", func(s *Stack) { s.IPv4.DstIP = ip9[:] }), true},
		{"set_ipv4_dst_vlan_udp", f("ip4", "udp", vlan10), []datapath.Action{datapath.SetIPv4Dst{Addr: ip9}},
			f("ip4", "udp", func(s *Stack) { vlan10(s); s.IPv4.DstIP = ip9[:] }), true},
		{"set_ipv4_src_icmp", f("ip4", "icmp", nil), []datapath.Action{datapath.SetIPv4Src{Addr: ip9}},
			f("ip4", "icmp", func(s *Stack) { s.IPv4.SrcIP = ip9[:] }), true},
		{"set_ipv4_src_udp_nosum", udpNoSum(udp4), []datapath.Action{datapath.SetIPv4Src{Addr: ip9}},
			udpNoSum(f("ip4", "udp", func(s *Stack) { s.IPv4.SrcIP = ip9[:] })), false},
		{"set_ipv4_on_arp", arp, []datapath.Action{datapath.SetIPv4Src{Addr: ip9}}, arp, true},
		{"set_ip_dscp", f("ip4", "tcp", nil), []datapath.Action{datapath.SetIPDSCP{DSCP: 46}},
			f("ip4", "tcp", func(s *Stack) { s.IPv4.TOS = 46 << 2 }), true},
		{"set_ip_ecn", udp4, []datapath.Action{datapath.SetIPECN{ECN: 3}},
			f("ip4", "udp", func(s *Stack) { s.IPv4.TOS |= 3 }), true},
		{"set_ip_ttl", f("ip4", "tcp", nil), []datapath.Action{datapath.SetIPTTL{TTL: 9}},
			f("ip4", "tcp", func(s *Stack) { s.IPv4.TTL = 9 }), true},
		{"dec_ttl", udp4, []datapath.Action{datapath.DecTTL{}},
			f("ip4", "udp", func(s *Stack) { s.IPv4.TTL = 63 }), true},
		{"dec_ttl_ipv6", f("ip6", "udp", nil), []datapath.Action{datapath.DecTTL{}},
			f("ip6", "udp", func(s *Stack) { s.IPv6.HopLimit = 63 }), true},
		{"set_ip_dscp_ipv6", f("ip6", "tcp", nil), []datapath.Action{datapath.SetIPDSCP{DSCP: 10}},
			f("ip6", "tcp", func(s *Stack) { s.IPv6.TrafficClass = 10 << 2 }), true},
		{"set_ipv6_src_tcp", f("ip6", "tcp", nil), []datapath.Action{datapath.SetIPv6Src{Addr: ip69}},
			f("ip6", "tcp", func(s *Stack) { s.IPv6.SrcIP = ip69[:] }), true},
		{"set_ipv6_dst_udp", f("ip6", "udp", nil), []datapath.Action{datapath.SetIPv6Dst{Addr: ip69}},
			f("ip6", "udp", func(s *Stack) { s.IPv6.DstIP = ip69[:] }), true},
		{"set_ipv6_dst_icmp6", f("ip6", "icmp", nil), []datapath.Action{datapath.SetIPv6Dst{Addr: ip69}},
			f("ip6", "icmp", func(s *Stack) { s.IPv6.DstIP = ip69[:] }), true},
		{"set_tp_src_tcp", f("ip4", "tcp", nil), []datapath.Action{datapath.SetTPSrc{Port: 4242}},
			f("ip4", "tcp", func(s *Stack) { s.TCP.SrcPort = 4242 }), true},
		{"set_tp_dst_udp", udp4, []datapath.Action{datapath.SetTPDst{Port: 4243}},
			f("ip4", "udp", func(s *Stack) { s.UDP.DstPort = 4243 }), true},
		{"set_tp_both_tcp6", f("ip6", "tcp", nil), []datapath.Action{datapath.SetTPSrc{Port: 1}, datapath.SetTPDst{Port: 2}},
			f("ip6", "tcp", func(s *Stack) { s.TCP.SrcPort, s.TCP.DstPort = 1, 2 }), true},
		{"set_icmp", f("ip4", "icmp", nil), []datapath.Action{datapath.SetICMPType{Type: 0}, datapath.SetICMPCode{Code: 1}},
			f("ip4", "icmp", func(s *Stack) { s.ICMP4.TypeCode = layers.CreateICMPv4TypeCode(0, 1) }), true},
		{"set_icmp6_type", f("ip6", "icmp", nil), []datapath.Action{datapath.SetICMPType{Type: 129}},
			f("ip6", "icmp", func(s *Stack) { s.ICMP6.TypeCode = layers.CreateICMPv6TypeCode(129, 0) }), true},
		{"push_mpls", udp4, []datapath.Action{datapath.PushMPLS{EthType: 0x8847, Label: 100, TC: 2, TTL: 64}},
			f("ip4", "udp", mpls(100, 64)), true},
		{"pop_mpls", f("ip4", "udp", mpls(100, 64)), []datapath.Action{datapath.PopMPLS{EthType: 0x0800}}, udp4, true},
		{"set_mpls", f("ip4", "udp", mpls(100, 64)), []datapath.Action{datapath.SetMPLSLabel{Label: 7}, datapath.SetMPLSTC{TC: 5}, datapath.SetMPLSTTL{TTL: 30}},
			f("ip4", "udp", func(s *Stack) { mpls(7, 30)(s); s.MPLS.TrafficClass = 5 }), true},
		{"dec_mpls_ttl", f("ip4", "udp", mpls(100, 64)), []datapath.Action{datapath.DecMPLSTTL{}},
			f("ip4", "udp", mpls(100, 63)), true},
		{"copy_ttl_out", f("ip4", "udp", mpls(100, 5)), []datapath.Action{datapath.CopyTTLOut{}},
			f("ip4", "udp", mpls(100, 64)), true},
		{"copy_ttl_in", f("ip4", "udp", mpls(100, 5)), []datapath.Action{datapath.CopyTTLIn{}},
			f("ip4", "udp", func(s *Stack) { mpls(100, 5)(s); s.IPv4.TTL = 5 }), true},
		{"push_pbb", udp4, []datapath.Action{datapath.PushPBB{ISID: 123456}}, append(slices.Clone(pbbHdr), udp4...), false},
		{"pop_pbb", append(slices.Clone(pbbHdr), udp4...), []datapath.Action{datapath.PopPBB{}}, udp4, true},
		{"set_ipv4_after_push_vlan", udp4, []datapath.Action{datapath.PushVLAN{TPID: 0x8100, TCI: datapath.MakeTCI(10, 3, false)}, datapath.SetIPv4Src{Addr: ip9}, datapath.SetTPSrc{Port: 9}},
			f("ip4", "udp", func(s *Stack) { vlan10(s); s.IPv4.SrcIP = ip9[:]; s.UDP.SrcPort = 9 }), true},
	}
	return append(cases, setFieldCases(t)...)
}

func testActions(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	for _, c := range actionCases(t) {
		t.Run(c.name, func(t *testing.T) {
			k := packet.Extract(c.in, in)
			e.put(t, k, append(slices.Clone(c.actions), datapath.Output{Port: out})...)
			t.Cleanup(func() { e.DP.Delete(k) })
			e.inject(t, in, c.in)
			got := e.recv(t, out)
			if !bytes.Equal(got, c.want) {
				t.Errorf("actions:%s\n got %x\nwant %x", datapath.FormatActions(c.actions), got, c.want)
			}
			if c.decode {
				Decode(t, got)
			}
		})
	}
}

func testMultiOutputEdits(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 4})
	in := e.Ports[0]
	s := NewStack("ip4", "tcp")
	f := s.Build(t)
	e.put(t, packet.Extract(f, in),
		datapath.Output{Port: e.Ports[1]},
		datapath.PushVLAN{TPID: 0x8100, TCI: 10}, datapath.Output{Port: e.Ports[2]},
		datapath.PopVLAN{}, datapath.SetIPv4Dst{Addr: [4]byte{10, 0, 0, 99}}, datapath.Output{Port: e.Ports[3]})
	e.inject(t, in, f)
	if got := e.recv(t, e.Ports[1]); !bytes.Equal(got, f) {
		t.Errorf("first output edited: %x", got)
	}
	want2 := NewStack("ip4", "tcp").Tag(layers.EthernetTypeDot1Q, 10, 0).Build(t)
	if got := e.recv(t, e.Ports[2]); !bytes.Equal(got, want2) {
		t.Errorf("second output\n got %x\nwant %x", got, want2)
	}
	s3 := NewStack("ip4", "tcp")
	s3.IPv4.DstIP = net.IPv4(10, 0, 0, 99).To4()
	want3 := s3.Build(t)
	got3 := e.recv(t, e.Ports[3])
	if !bytes.Equal(got3, want3) {
		t.Errorf("third output\n got %x\nwant %x", got3, want3)
	}
	Decode(t, got3)
	e.noFrame(t, in)
}

func testMeterDrop(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	// One packet of burst, refilled at one per second: of three packets
	// sent back to back, the first passes and the others are dropped.
	if err := e.DP.SetMeter(1, datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 1, Burst: 1}}}); err != nil {
		t.Fatalf("set meter: %v", err)
	}
	f := UDP4(t, 1, 2)
	e.put(t, packet.Extract(f, in), datapath.Meter{ID: 1}, datapath.Output{Port: out})
	for range 3 {
		e.inject(t, in, f)
	}
	e.recv(t, out)
	e.noFrame(t, out)
	ms, err := e.DP.MeterStats(1)
	if err != nil || ms.Packets != 3 || len(ms.Bands) != 1 || ms.Bands[0].Packets != 2 {
		t.Errorf("meter stats %+v, %v; want 3 packets, 2 in the drop band", ms, err)
	}
	if err := e.DP.DeleteMeter(1); err != nil {
		t.Fatalf("delete meter: %v", err)
	}
	// A missing meter passes everything.
	e.inject(t, in, f)
	e.recv(t, out)
	if _, err := e.DP.MeterStats(1); err == nil {
		t.Error("stats of a deleted meter")
	}
	if err := e.DP.SetMeter(2, datapath.MeterConfig{}); err == nil {
		t.Error("a meter without bands was accepted")
	}
}

func testMeterRemark(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	if err := e.DP.SetMeter(3, datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDSCPRemark, Rate: 1, Burst: 1, PrecLevel: 1}}}); err != nil {
		t.Fatalf("set meter: %v", err)
	}
	s := NewStack("ip4", "tcp")
	s.IPv4.TOS = 10 << 2 // AF11
	f := s.Build(t)
	e.put(t, packet.Extract(f, in), datapath.Meter{ID: 3}, datapath.Output{Port: out})
	e.inject(t, in, f)
	e.inject(t, in, f)
	if got := e.recv(t, out); !bytes.Equal(got, f) {
		t.Errorf("first packet (within burst) changed: %x", got)
	}
	s2 := NewStack("ip4", "tcp")
	s2.IPv4.TOS = 12 << 2 // AF12: drop precedence raised by one
	want := s2.Build(t)
	got := e.recv(t, out)
	if !bytes.Equal(got, want) {
		t.Errorf("remarked packet\n got %x\nwant %x", got, want)
	}
	Decode(t, got)
}
