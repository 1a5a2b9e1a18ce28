package ofproto

import (
	"bytes"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func decode(t *testing.T, f []byte) gopacket.Packet {
	t.Helper()
	return gopacket.NewPacket(f, layers.LayerTypeEthernet, gopacket.Default)
}

func TestGotoMetadataAndActionSet(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add(
		"table=0,in_port=1,actions=write_actions(output:2),write_metadata:0x5/0xff,goto_table:1",
		"table=1,metadata=0x5/0xff,actions=write_actions(output:3),goto_table:2",
		"table=2,priority=0,actions=drop",
	)
	f := dptest.UDP4(t, 1, 2)
	for range 2 { // translated, then from the cache
		r.send(1, f)
		if got := r.counts(3); got[0] != 0 || got[1] != 0 || got[2] != 1 {
			t.Fatalf("frames per port %v: the action set's output:2 should be replaced by output:3", got)
		}
	}
	// clear_actions in the last table empties the set.
	r.add("table=2,priority=0,actions=clear_actions")
	r.send(1, f)
	if got := r.counts(3); got[2] != 0 {
		t.Fatalf("after clear_actions port 3 got %d frames", got[2])
	}
	// Metadata not matching: table 1 misses (no table-miss flow). As in
	// Open vSwitch, the pipeline ends there and the action set written so
	// far runs.
	r.add("table=0,in_port=1,actions=write_actions(output:2),write_metadata:0x6/0xff,goto_table:1")
	r.send(1, f)
	if got := r.counts(3); got[1] != 1 || got[2] != 0 {
		t.Fatalf("implicit miss in table 1: %v, want the action set's output:2", got)
	}
}

func TestActionSetOrder(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	// Written in the "wrong" order: the set runs push_vlan first, then
	// the TTL decrement and set-fields, and the output last (spec 1.3.5
	// §5.10).
	r.add("ip,actions=write_actions(output:2,set_field:10.0.0.9->ip_dst,dec_ttl,push_vlan:0x8100)")
	f := dptest.UDP4(t, 1, 2)
	tr, err := r.sw.Trace(1, f)
	if err != nil {
		t.Fatal(err)
	}
	want := []datapath.Action{datapath.PushVLAN{TPID: 0x8100}, datapath.DecTTL{},
		datapath.SetIPv4Dst{Addr: [4]byte{10, 0, 0, 9}}, datapath.Output{Port: r.sw.ports[2].dpPort}}
	if !datapath.ActionsEqual(tr.Actions, want) {
		t.Fatalf("datapath actions %s, want %s", datapath.FormatActions(tr.Actions), datapath.FormatActions(want))
	}
	r.send(1, f)
	out := r.recv(2)
	if len(out) != 1 {
		t.Fatalf("port 2 got %d frames", len(out))
	}
	p := decode(t, out[0])
	vl, _ := p.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
	ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if vl == nil || vl.VLANIdentifier != 0 || ip == nil || ip.TTL != 63 || !ip.DstIP.Equal(net.IPv4(10, 0, 0, 9)) {
		t.Fatalf("frame out: %v", p)
	}
}

func TestGroupAllBucketsGetOwnCopy(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	gm, err := ofp.ParseGroup("group_id=1,type=all,bucket=set_field:10.0.0.9->ip_dst,output:2,bucket=output:3", ofp.GroupAdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	r.add("ip,actions=group:1")
	f := dptest.UDP4(t, 1, 2)
	r.send(1, f)
	r.send(1, f) // cached
	o2, o3 := r.recv(2), r.recv(3)
	if len(o2) != 2 || len(o3) != 2 {
		t.Fatalf("port 2 got %d, port 3 got %d frames, want 2 each", len(o2), len(o3))
	}
	ip2 := decode(t, o2[0]).Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if !ip2.DstIP.Equal(net.IPv4(10, 0, 0, 9)) {
		t.Fatalf("bucket 1 copy has dst %v", ip2.DstIP)
	}
	if !bytes.Equal(o3[0], f) {
		t.Fatal("bucket 2 copy was changed by bucket 1's set-field")
	}
	// Group stats count both packets once; every bucket of the ALL group
	// ran both.
	rep, err := r.sw.Multipart(&ofp.GroupStatsRequest{GroupID: 1})
	if err != nil {
		t.Fatal(err)
	}
	gs := rep.(*ofp.GroupStatsReply).Entries
	if len(gs) != 1 || gs[0].PacketCount != 2 || gs[0].Buckets[0].PacketCount != 2 || gs[0].Buckets[1].PacketCount != 2 ||
		gs[0].Buckets[1].ByteCount != gs[0].ByteCount || gs[0].RefCount != 1 {
		t.Fatalf("group stats %+v", gs)
	}
	// Modifying the group revalidates the cached entry.
	gm, _ = ofp.ParseGroup("group_id=1,type=all,bucket=output:3", ofp.GroupModify)
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	r.send(1, f)
	if got := r.counts(3); got[1] != 0 || got[2] != 1 {
		t.Fatalf("after group modify: %v", got)
	}
}

func TestReservedPorts(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	if _, err := r.sw.AddPort(PortSpec{Name: "br0", Type: datapath.PortInternal}); err != nil {
		t.Fatal(err)
	}
	f := dptest.UDP4(t, 1, 2)
	cases := []struct {
		actions string
		want    []int // ports 1, 2, 3
		local   int
	}{
		{"output:1", []int{0, 0, 0}, 0}, // never back out the ingress port...
		{"in_port", []int{1, 0, 0}, 0},  // ...unless asked
		{"flood", []int{0, 1, 1}, 1},
		{"all", []int{0, 1, 1}, 1},
		{"local", []int{0, 0, 0}, 1},
		{"output:2,output:3", []int{0, 1, 1}, 0},
		{"drop", []int{0, 0, 0}, 0},
	}
	for _, c := range cases {
		r.add("priority=100,in_port=1,actions=" + c.actions)
		r.send(1, f)
		got := r.counts(3)
		local := len(r.recv(LocalPort))
		for i := range got {
			if got[i] != c.want[i] || local != c.local {
				t.Fatalf("actions=%s: ports %v local %d, want %v local %d", c.actions, got, local, c.want, c.local)
			}
		}
	}
	// A no_fwd port gets nothing, flooded or not; port-mod checks the
	// address.
	p3 := r.sw.Ports()[2]
	wantOFError(t, r.sw.PortMod(&ofp.PortMod{PortNo: 3, Config: ofp.PortConfigNoFwd, Mask: ofp.PortConfigNoFwd}), ofp.ETPortModFailed, ofp.PMFCBadHWAddr)
	wantOFError(t, r.sw.PortMod(&ofp.PortMod{PortNo: 7, Config: ofp.PortConfigNoFwd, Mask: ofp.PortConfigNoFwd}), ofp.ETPortModFailed, ofp.PMFCBadPort)
	if err := r.sw.PortMod(&ofp.PortMod{PortNo: 3, HWAddr: ofp.MAC(p3.HWAddr), Config: ofp.PortConfigNoFwd, Mask: ofp.PortConfigNoFwd}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"flood", "all", "output:3"} {
		r.add("priority=100,in_port=1,actions=" + a)
		r.send(1, f)
		if got := r.counts(3); got[2] != 0 {
			t.Fatalf("%s with no_fwd on 3: %v", a, got)
		}
	}
}

func TestPacketInReasons(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	rec := r.listen()
	r.add("table=0,cookie=0x42,in_port=1,ip,actions=write_metadata:0x7,goto_table:1",
		"table=1,cookie=0x43,udp,actions=controller:128",
		"table=1,priority=0,cookie=0x44,actions=controller")
	f := dptest.UDP4(t, 1, 2)
	r.send(1, f)
	r.send(1, f) // from the cache: the fast path sends it up
	pins, _ := rec.take()
	if len(pins) != 2 {
		t.Fatalf("%d packet-ins, want 2", len(pins))
	}
	for _, p := range pins {
		m := p.Msg
		in, _ := m.Match.InPort()
		md, ok := m.Match.Lookup(ofp.OXMMetadataField)
		if m.Reason != ofp.PacketInAction || m.TableID != 1 || m.Cookie != 0x43 || p.MaxLen != 128 ||
			m.BufferID != ofp.NoBuffer || !bytes.Equal(m.Data, f) || in != 1 || !ok || md.Uint() != 7 || p.Miss {
			t.Fatalf("packet-in %+v maxlen %d", m, p.MaxLen)
		}
	}
	// The table-miss flow entry: reason NO_MATCH (§7.4.1).
	r.send(1, dptest.TCP4(t, 1, 2))
	pins, _ = rec.take()
	if len(pins) != 1 || pins[0].Msg.Reason != ofp.PacketInNoMatch || pins[0].Msg.Cookie != 0x44 {
		t.Fatalf("table-miss packet-ins %+v", pins)
	}
	// Invalid TTL.
	r.add("priority=40000,ip,actions=dec_ttl,output:2")
	ttl1 := dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4),
		&layers.IPv4{Version: 4, IHL: 5, TTL: 1, Protocol: layers.IPProtocolUDP, SrcIP: dptest.IP1, DstIP: dptest.IP2},
		&layers.UDP{SrcPort: 1, DstPort: 2}, dptest.Payload(4))
	r.send(1, ttl1)
	pins, _ = rec.take()
	if len(pins) != 1 || pins[0].Msg.Reason != ofp.PacketInInvalidTTL || len(r.recv(2)) != 0 {
		t.Fatalf("invalid ttl packet-ins %d reason %d, port 2 frames %d", len(pins), pins[0].Msg.Reason, len(r.recv(2)))
	}
	// Implicit miss: only while a controller is connected, marked Miss.
	r2 := newRig(t, 2, FailSecure)
	rec2 := r2.listen()
	r2.send(1, f)
	if pins, _ := rec2.take(); len(pins) != 0 {
		t.Fatalf("implicit miss without controller sent %d packet-ins", len(pins))
	}
	r2.sw.SetControllers(1, 1)
	r2.send(1, f) // cached drop entry was revalidated
	pins, _ = rec2.take()
	if len(pins) != 1 || !pins[0].Miss || pins[0].Msg.Reason != ofp.PacketInNoMatch {
		t.Fatalf("implicit miss packet-ins %+v", pins)
	}
}

func TestPacketOut(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("in_port=1,actions=output:3")
	f := dptest.UDP4(t, 1, 2)
	po := &ofp.PacketOut{BufferID: ofp.NoBuffer, InPort: 1, Data: f,
		Actions: []ofp.Action{&ofp.ActionOutput{Port: 2}, &ofp.ActionOutput{Port: ofp.PortTable}}}
	if err := r.sw.PacketOut(po); err != nil {
		t.Fatal(err)
	}
	if got := r.counts(3); got[0] != 0 || got[1] != 1 || got[2] != 1 {
		t.Fatalf("packet-out output:2 then TABLE: %v", got)
	}
	if fs := r.flowStats(""); fs[0].PacketCount != 1 {
		t.Fatalf("OFPP_TABLE packet not counted: %+v", fs[0])
	}
	po.InPort = ofp.PortController
	po.Actions = []ofp.Action{&ofp.ActionOutput{Port: ofp.PortAll}}
	if err := r.sw.PacketOut(po); err != nil {
		t.Fatal(err)
	}
	if got := r.counts(3); got[0] != 1 || got[1] != 1 || got[2] != 1 {
		t.Fatalf("packet-out from CONTROLLER to ALL: %v", got)
	}
	po.BufferID, po.Data = 3, nil
	wantOFError(t, r.sw.PacketOut(po), ofp.ETBadRequest, ofp.BRCBufferUnknown)
	po.BufferID, po.InPort, po.Data = ofp.NoBuffer, 9, f
	wantOFError(t, r.sw.PacketOut(po), ofp.ETBadRequest, ofp.BRCBadPort)
}

func TestNormalLearningRevalidates(t *testing.T) {
	r := newRig(t, 3, FailStandalone) // "priority=0 actions=NORMAL"
	a2b := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	b2a := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	r.send(1, a2b) // unknown destination: flood
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("flood: %v", got)
	}
	r.send(2, b2a) // mac(1) learned on 1
	if got := r.counts(3); got[0] != 1 || got[2] != 0 {
		t.Fatalf("to learned port: %v", got)
	}
	// mac(2) is now known on port 2: the cached flooding entry for a2b
	// must have been revalidated to unicast.
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 0 {
		t.Fatalf("stale flood entry: %v", got)
	}
	if n := len(r.sw.MACs()); n != 2 {
		t.Fatalf("%d MACs learned", n)
	}
	// A move: mac(2) shows up on port 3.
	r.send(3, b2a)
	r.send(1, a2b)
	if got := r.counts(3); got[2] != 1 || got[1] != 0 {
		t.Fatalf("after move: %v", got)
	}
	r.sw.FlushMACs()
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("after flush: %v", got)
	}
}

func TestNormalVLANAccess(t *testing.T) {
	r := newRig(t, 0, FailStandalone)
	r.sw.AddPort(PortSpec{Name: "a1", VLAN: vlanAccess(10)})
	r.sw.AddPort(PortSpec{Name: "a2", VLAN: vlanAccess(20)})
	r.sw.AddPort(PortSpec{Name: "tr"})
	r.send(1, udp(t, mac(1), mac(9), ip4(1), ip4(2), 1, 2))
	if got := r.counts(3); got[1] != 0 || got[2] != 1 {
		t.Fatalf("access 10 flood: %v", got)
	}
}

func TestNormalTagEditsDoNotLeak(t *testing.T) {
	r := newRig(t, 0, FailSecure)
	r.sw.AddPort(PortSpec{Name: "tr1"})
	r.sw.AddPort(PortSpec{Name: "acc", VLAN: vlanAccess(10)})
	r.sw.AddPort(PortSpec{Name: "tr2"})
	r.add("in_port=1,actions=NORMAL,output:3")
	f := dptest.Build(t, &layers.Ethernet{SrcMAC: mac(1), DstMAC: mac(9), EthernetType: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4}, dptest.IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 1, DstPort: 2}, dptest.Payload(4))
	r.send(1, f)
	acc, tr2 := r.recv(2), r.recv(3)
	if len(acc) != 1 || decode(t, acc[0]).Layer(layers.LayerTypeDot1Q) != nil {
		t.Fatalf("access port got %d frames or a tagged one", len(acc))
	}
	if len(tr2) != 2 || !bytes.Equal(tr2[0], f) || !bytes.Equal(tr2[1], f) {
		t.Fatalf("trunk got %d frames; NORMAL's untagging for the access port leaked into output:3", len(tr2))
	}
}
