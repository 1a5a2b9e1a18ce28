package ebpf

import (
	"bytes"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// actionCase runs acts on in; the output must equal want byte for byte.
// want is built independently by gopacket, which computes every checksum
// from scratch, so equality checks the edits and the incremental
// checksum updates at once.
type actionCase struct {
	name   string
	in     []byte
	acts   []datapath.Action
	want   []byte
	skipTC string // why the TC test run cannot show the result
}

func v4(mod func(*layers.IPv4)) *layers.IPv4 {
	ip := ipv4(layers.IPProtocolTCP)
	if mod != nil {
		mod(ip)
	}
	return ip
}

func v6(proto layers.IPProtocol, mod func(*layers.IPv6)) *layers.IPv6 {
	ip := ipv6(proto)
	if mod != nil {
		mod(ip)
	}
	return ip
}

func actionCases(t *testing.T) []actionCase {
	newIP4 := net.IPv4(192, 168, 7, 9).To4()
	newIP6 := net.ParseIP("2001:db8:ffff::77")
	newMAC := net.HardwareAddr{0x0e, 1, 2, 3, 4, 5}
	out := datapath.Output{Port: outPort}
	tcpIn := build(t, eth(layers.EthernetTypeIPv4), v4(nil), tcp(), payload)
	udpIn := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(), payload)
	icmpL := func(typ, code uint8) *layers.ICMPv4 {
		return &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: 1, Seq: 1}
	}
	icmpIP := func(mod func(*layers.IPv4)) *layers.IPv4 {
		ip := ipv4(layers.IPProtocolICMPv4)
		if mod != nil {
			mod(ip)
		}
		return ip
	}
	icmpIn := build(t, eth(layers.EthernetTypeIPv4), icmpIP(nil), icmpL(8, 0), payload)
	tcp6In := build(t, eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolTCP, nil), tcp(), payload)
	udp6In := build(t, eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolUDP, nil), udp(), payload)
	echo6 := func(typ uint8) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, 0)},
			&layers.ICMPv6Echo{Identifier: 1, SeqNumber: 2}, payload}
	}
	icmp6In := build(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolICMPv6, nil)}, echo6(128)...)...)
	vlanFrame := func(pcp uint8, vid uint16) []byte {
		return build(t, eth(layers.EthernetTypeDot1Q), &layers.Dot1Q{Priority: pcp, VLANIdentifier: vid, Type: layers.EthernetTypeIPv4},
			ipv4(layers.IPProtocolUDP), udp(), payload)
	}
	tcpPorts := func(src, dst layers.TCPPort) *layers.TCP { l := tcp(); l.SrcPort, l.DstPort = src, dst; return l }
	udpPorts := func(src, dst layers.UDPPort) *layers.UDP { return &layers.UDP{SrcPort: src, DstPort: dst} }
	mplsFrame := func(label uint32, tc uint8, ttl uint8) []byte {
		return build(t, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: label, TrafficClass: tc, StackBottom: true, TTL: ttl},
			ipv4(layers.IPProtocolUDP), udp())
	}
	ethMod := eth(layers.EthernetTypeIPv4)
	ethMod.SrcMAC, ethMod.DstMAC = newMAC, macA

	cases := []actionCase{
		{name: "output", in: tcpIn, acts: []datapath.Action{out}, want: tcpIn},
		{name: "set-eth", in: tcpIn, acts: []datapath.Action{datapath.SetEthSrc{Addr: [6]byte(newMAC)}, datapath.SetEthDst{Addr: [6]byte(macA)}, out},
			want: build(t, ethMod, v4(nil), tcp(), payload)},
		{name: "ipv4-src-tcp", in: tcpIn, acts: []datapath.Action{datapath.SetIPv4Src{Addr: [4]byte(newIP4)}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), v4(func(ip *layers.IPv4) { ip.SrcIP = newIP4 }), tcp(), payload)},
		{name: "ipv4-dst-udp", in: udpIn, acts: []datapath.Action{datapath.SetIPv4Dst{Addr: [4]byte(newIP4)}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), func() *layers.IPv4 { ip := ipv4(layers.IPProtocolUDP); ip.DstIP = newIP4; return ip }(), udp(), payload)},
		{name: "ipv4-src-icmp", in: icmpIn, acts: []datapath.Action{datapath.SetIPv4Src{Addr: [4]byte(newIP4)}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), icmpIP(func(ip *layers.IPv4) { ip.SrcIP = newIP4 }), icmpL(8, 0), payload)},
		{name: "ipv4-dscp-ecn-ttl", in: tcpIn, acts: []datapath.Action{datapath.SetIPDSCP{DSCP: 46}, datapath.SetIPECN{ECN: 1}, datapath.SetIPTTL{TTL: 5}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), v4(func(ip *layers.IPv4) { ip.TOS = 46<<2 | 1; ip.TTL = 5 }), tcp(), payload)},
		{name: "ipv4-dec-ttl", in: tcpIn, acts: []datapath.Action{datapath.DecTTL{}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), v4(func(ip *layers.IPv4) { ip.TTL = 63 }), tcp(), payload)},
		{name: "tcp-ports", in: tcpIn, acts: []datapath.Action{datapath.SetTPSrc{Port: 4321}, datapath.SetTPDst{Port: 8080}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), v4(nil), tcpPorts(4321, 8080), payload)},
		{name: "udp-ports", in: udpIn, acts: []datapath.Action{datapath.SetTPSrc{Port: 1}, datapath.SetTPDst{Port: 2}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udpPorts(1, 2), payload)},
		{name: "icmp-type-code", in: icmpIn, acts: []datapath.Action{datapath.SetICMPType{Type: 0}, datapath.SetICMPCode{Code: 3}, out},
			want: build(t, eth(layers.EthernetTypeIPv4), icmpIP(nil), icmpL(0, 3), payload)},
		{name: "ipv6-src-tcp", in: tcp6In, acts: []datapath.Action{datapath.SetIPv6Src{Addr: [16]byte(newIP6)}, out},
			want: build(t, eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolTCP, func(ip *layers.IPv6) { ip.SrcIP = newIP6 }), tcp(), payload)},
		{name: "ipv6-dst-udp", in: udp6In, acts: []datapath.Action{datapath.SetIPv6Dst{Addr: [16]byte(newIP6)}, out},
			want: build(t, eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolUDP, func(ip *layers.IPv6) { ip.DstIP = newIP6 }), udp(), payload)},
		{name: "ipv6-dst-icmpv6", in: icmp6In, acts: []datapath.Action{datapath.SetIPv6Dst{Addr: [16]byte(newIP6)}, out},
			want: build(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolICMPv6, func(ip *layers.IPv6) { ip.DstIP = newIP6 })}, echo6(128)...)...)},
		{name: "icmpv6-type", in: icmp6In, acts: []datapath.Action{datapath.SetICMPType{Type: 129}, out},
			want: build(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolICMPv6, nil)}, echo6(129)...)...)},
		{name: "ipv6-tclass-hoplimit", in: tcp6In, acts: []datapath.Action{datapath.SetIPDSCP{DSCP: 10}, datapath.SetIPECN{ECN: 2}, datapath.DecTTL{}, out},
			want: build(t, eth(layers.EthernetTypeIPv6), v6(layers.IPProtocolTCP, func(ip *layers.IPv6) { ip.TrafficClass = 10<<2 | 2; ip.HopLimit = 62 }), tcp(), payload)},
		{name: "set-vlan-vid-pcp", in: vlanFrame(5, 100), acts: []datapath.Action{datapath.SetVLANVID{VID: 42}, datapath.SetVLANPCP{PCP: 3}, out},
			want: vlanFrame(3, 42)},
		{name: "pop-vlan", in: vlanFrame(5, 100), acts: []datapath.Action{datapath.PopVLAN{}, out}, want: udpIn},
		{name: "push-vlan", in: udpIn, acts: []datapath.Action{datapath.PushVLAN{TPID: 0x8100, TCI: datapath.MakeTCI(100, 5, false)}, out},
			want: vlanFrame(5, 100), skipTC: "TC pushes the tag into skb metadata, which a test run does not return"},
		{name: "mpls-set", in: mplsFrame(1000, 3, 9), acts: []datapath.Action{datapath.SetMPLSLabel{Label: 77}, datapath.SetMPLSTC{TC: 5}, datapath.DecMPLSTTL{}, out},
			want: mplsFrame(77, 5, 8)},
		{name: "mpls-copy-ttl-out", in: mplsFrame(1000, 3, 9), acts: []datapath.Action{datapath.CopyTTLOut{}, out},
			want: mplsFrame(1000, 3, 64)},
		{name: "mpls-copy-ttl-in", in: mplsFrame(1000, 3, 9), acts: []datapath.Action{datapath.CopyTTLIn{}, out},
			want: build(t, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: 1000, TrafficClass: 3, StackBottom: true, TTL: 9},
				func() *layers.IPv4 { ip := ipv4(layers.IPProtocolUDP); ip.TTL = 9; return ip }(), udp())},
		{name: "meter-pass", in: tcpIn, acts: []datapath.Action{datapath.Meter{ID: 1}, out}, want: tcpIn},
		{name: "missing-header-noop", in: udpIn, acts: []datapath.Action{datapath.SetIPv6Src{Addr: [16]byte(newIP6)}, datapath.SetICMPType{Type: 3}, out}, want: udpIn},
	}
	return append(cases, setFieldActionCases(t)...)
}

// TestActions installs each list as a cache entry for its frame's key and
// runs the frame through both ingress programs.
func TestActions(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	if err := d.SetMeter(1, datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 1000, Burst: 1000}}}); err != nil {
		t.Fatal(err)
	}
	for _, h := range hooks {
		for _, c := range actionCases(t) {
			t.Run(h.name+"/"+c.name, func(t *testing.T) {
				if h.name == "tc" && c.skipTC != "" {
					t.Skip(c.skipTC)
				}
				key := packet.Extract(c.in, inPort)
				if err := d.Put(key, c.acts, 0); err != nil {
					t.Fatalf("put: %v", err)
				}
				defer d.Delete(key)
				ret, got := runOut(t, h.prog(d), c.in)
				if ret != h.redirect {
					t.Fatalf("verdict %d, want redirect %d", ret, h.redirect)
				}
				if !bytes.Equal(got, c.want) {
					t.Errorf("output differs\n got  %x\n want %x", got, c.want)
				}
				f, err := d.Get(key)
				if err != nil || f.Stats.Packets != 1 || f.Stats.Bytes != uint64(len(c.in)) {
					t.Errorf("entry stats %+v, err %v; want 1 packet of %d bytes", f.Stats, err, len(c.in))
				}
			})
		}
	}
}

// TestActionUpcalls covers the lists that end in userspace.
func TestActionUpcalls(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	frames := testFrames(t)
	in := frames["ipv4-tcp"]
	key := packet.Extract(in, inPort)
	newIP4 := [4]byte{192, 168, 1, 1}
	for _, h := range hooks {
		t.Run(h.name+"/userspace", func(t *testing.T) {
			acts := []datapath.Action{datapath.SetIPv4Dst{Addr: newIP4}, datapath.Userspace{Cookie: 0xfeedf00d}, datapath.Output{Port: outPort}}
			if err := d.Put(key, acts, 0); err != nil {
				t.Fatal(err)
			}
			defer d.Delete(key)
			ret, _ := runOut(t, h.prog(d), in)
			if ret != h.redirect {
				t.Errorf("verdict %d, want redirect", ret)
			}
			u := nextUpcall(t, d)
			want := build(t, eth(layers.EthernetTypeIPv4), v4(func(ip *layers.IPv4) { ip.DstIP = newIP4[:] }), tcp(), payload)
			if u.Reason != datapath.ReasonUserspace || u.Cookie != 0xfeedf00d || !bytes.Equal(u.Frame, want) {
				t.Errorf("upcall %v cookie %#x frame %x, want userspace 0xfeedf00d %x", u.Reason, u.Cookie, u.Frame, want)
			}
			if u.Key != key {
				t.Errorf("upcall key is not the key of the frame as it arrived")
			}
		})
		t.Run(h.name+"/dec-ttl-expired", func(t *testing.T) {
			low := build(t, eth(layers.EthernetTypeIPv4), v4(func(ip *layers.IPv4) { ip.TTL = 1 }), tcp(), payload)
			k := packet.Extract(low, inPort)
			if err := d.Put(k, []datapath.Action{datapath.DecTTL{}, datapath.Output{Port: outPort}}, 0); err != nil {
				t.Fatal(err)
			}
			defer d.Delete(k)
			ret, _ := runOut(t, h.prog(d), low)
			if ret != h.drop {
				t.Errorf("verdict %d, want drop", ret)
			}
			if u := nextUpcall(t, d); u.Reason != datapath.ReasonInvalidTTL || !bytes.Equal(u.Frame, low) {
				t.Errorf("upcall %v, want invalid_ttl with the frame", u.Reason)
			}
		})
		t.Run(h.name+"/slow-path", func(t *testing.T) {
			if err := d.Put(key, []datapath.Action{datapath.SlowPath{}, datapath.Output{Port: outPort}}, 0); err != nil {
				t.Fatal(err)
			}
			defer d.Delete(key)
			f, _ := d.Get(key)
			if !f.SlowPath {
				t.Error("entry with the SlowPath marker not marked slow path")
			}
			before, _ := d.Stats()
			ret, _ := runOut(t, h.prog(d), in)
			if ret != h.drop {
				t.Errorf("verdict %d, want drop", ret)
			}
			if u := nextUpcall(t, d); u.Reason != datapath.ReasonSlowPath || !bytes.Equal(u.Frame, in) {
				t.Errorf("upcall %v, want slow_path with the frame", u.Reason)
			}
			after, _ := d.Stats()
			if after.SlowPath != before.SlowPath+1 || after.Hit != before.Hit+1 {
				t.Errorf("stats before %+v after %+v: want one more hit and slow path", before, after)
			}
		})
		t.Run(h.name+"/drop", func(t *testing.T) {
			if err := d.Put(key, nil, 0); err != nil {
				t.Fatal(err)
			}
			defer d.Delete(key)
			if ret, _ := runOut(t, h.prog(d), in); ret != h.drop {
				t.Errorf("verdict %d, want drop", ret)
			}
		})
	}
}

// TestMeterDrops checks that a drop band at 2 packets of burst lets two
// packets through and drops the rest, and counts them.
func TestMeterDrops(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	in := testFrames(t)["ipv4-udp"]
	key := packet.Extract(in, inPort)
	if err := d.SetMeter(3, datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 1, Burst: 2}}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(key, []datapath.Action{datapath.Meter{ID: 3}, datapath.Output{Port: outPort}}, 0); err != nil {
		t.Fatal(err)
	}
	p := d.objs.tc.XvsTcIngress
	var passed, dropped int
	for range 5 {
		ret, _ := runOut(t, p, in)
		switch ret {
		case 7:
			passed++
		case 2:
			dropped++
		}
	}
	if passed != 2 || dropped != 3 {
		t.Errorf("passed %d dropped %d, want 2 and 3", passed, dropped)
	}
	st, err := d.MeterStats(3)
	if err != nil || st.Packets != 5 || len(st.Bands) != 1 || st.Bands[0].Packets != 3 {
		t.Errorf("meter stats %+v err %v: want 5 packets, band 3", st, err)
	}
}

// TestLostUpcallCounts: with nobody reading upcalls (a management handle
// reads none, and its programs get a ring of one page), misses fill the
// ring, and each one beyond is lost: counted in Stats.Lost and as a drop
// on the ingress port.
func TestLostUpcallCounts(t *testing.T) {
	testenv.RequireRoot(t)
	d, err := New(Config{Name: "xbp-lost", PinDir: testPinDir(t), Manage: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	fakePorts(t, d)
	in := testFrames(t)["ipv4-udp"]
	// A page holds fewer than 30 upcalls of this frame (the metadata
	// alone is 160 bytes).
	const each = 30
	for _, h := range hooks {
		for range each {
			if ret, _ := runOut(t, h.prog(d), in); ret != h.drop {
				t.Fatalf("%s: verdict %d, want drop", h.name, ret)
			}
		}
	}
	st, err := d.Stats()
	if err != nil || st.Missed != 2*each || st.Lost == 0 || st.Lost >= st.Missed {
		t.Fatalf("stats %+v err %v: want %d missed, some but not all lost", st, err, 2*each)
	}
	ps, err := d.ports.stats(inPort)
	if err != nil || ps.RxPackets != 2*each || ps.RxDropped != st.Lost {
		t.Errorf("port stats %+v err %v: want %d received, %d dropped (the lost ones)", ps, err, 2*each, st.Lost)
	}
}

// TestMeterInUserspaceList checks that a meter inside a list only
// userspace can run (push MPLS) measures against the same bucket as the
// fast path: with a burst of 2 packets, one packet through the fast path
// and four executed leave two outputs and three drops.
func TestMeterInUserspaceList(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	in := testFrames(t)["ipv4-udp"]
	key := packet.Extract(in, inPort)
	if err := d.SetMeter(4, datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 1, Burst: 2}}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(key, []datapath.Action{datapath.Meter{ID: 4}, datapath.Output{Port: outPort}}, 0); err != nil {
		t.Fatal(err)
	}
	if ret, _ := runOut(t, d.objs.tc.XvsTcIngress, in); ret != 7 {
		t.Fatalf("fast path verdict %d, want a redirect", ret)
	}
	slow := []datapath.Action{datapath.Meter{ID: 4}, datapath.PushMPLS{EthType: 0x8847}, datapath.Output{Port: outPort}}
	if fastPathRuns(key, slow[1]) {
		t.Fatal("push MPLS runs in BPF: the test no longer covers userspace lists")
	}
	for range 4 {
		if err := d.Execute(in, inPort, slow); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := d.ports.stats(outPort)
	if err != nil || ps.TxPackets != 2 {
		t.Errorf("port stats %+v err %v: want 2 sent (1 fast path, 1 userspace)", ps, err)
	}
	st, err := d.MeterStats(4)
	if err != nil || st.Packets != 5 || len(st.Bands) != 1 || st.Bands[0].Packets != 3 {
		t.Errorf("meter stats %+v err %v: want 5 packets, band 3", st, err)
	}
}
