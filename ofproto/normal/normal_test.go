package normal

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

const local = uint32(ofp.PortLocal)

// bridgePorts is the bridge the OVS comparison used: p1, p2 trunks of all
// VLANs, p3 access VLAN 10, p4 trunk of 10 and 20, p5 native-untagged 10,
// and LOCAL, in the order OVS floods them (LOCAL's bundle came first).
func bridgePorts() []PortView {
	ps := []PortView{
		{Port: 1, VLAN: VLANConfig{}},
		{Port: 5, VLAN: VLANConfig{Mode: ModeNativeUntagged, Tag: 10}},
		{Port: 3, VLAN: VLANConfig{Tag: 10}},
		{Port: 4, VLAN: VLANConfig{Trunks: []uint16{10, 20}}},
		{Port: local, VLAN: VLANConfig{}},
		{Port: 2, VLAN: VLANConfig{}},
	}
	for i := range ps {
		ps[i].CanForward = true
	}
	return ps
}

var bcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// key builds the flow key of an IPv4 frame; vlan < 0 is untagged.
func key(src, dst [6]byte, vlan int, pcp uint8) *datapath.FlowKey {
	k := &datapath.FlowKey{Fields: datapath.FieldEth | datapath.FieldIPv4, EthSrc: src, EthDst: dst, EthType: datapath.EthTypeIPv4}
	if vlan >= 0 {
		k.Fields |= datapath.FieldVLAN0
		k.VLAN[0] = datapath.VLANTag{TPID: datapath.EthTypeVLAN, TCI: datapath.MakeTCI(uint16(vlan), pcp, false)}
	}
	return k
}

// outs formats outputs as the OVS comparison wrote them down: port, or
// port:VID for tagged, port:p for a priority tag.
func outs(d Decision) []string {
	var s []string
	for _, o := range d.Outputs {
		p := PortName(o.Port)
		switch {
		case o.Tag != 0:
			p += ":" + PortName(uint32(o.Tag))
		case o.PriorityTag:
			p += ":p"
		}
		s = append(s, p)
	}
	return s
}

// TestForwardLikeOVS replays floods that Open vSwitch 3.1's ofproto/trace
// gave on the same bridge (dummy datapath), and checks the same ports get
// the frame with the same tags.
func TestForwardLikeOVS(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   uint32
		k    *datapath.FlowKey
		want []string // nil: drop
		why  string
	}{
		{"untagged on trunk", 1, key(mac(9), bcast, -1, 0), []string{"LOCAL", "2"}, WhyFlood},
		{"vlan 10 pcp 5 on trunk10,20", 4, key(mac(7), bcast, 10, 5), []string{"1:10", "5", "3", "LOCAL:10", "2:10"}, WhyFlood},
		{"vlan 30 on trunk10,20", 4, key(mac(7), bcast, 30, 0), nil, WhyBadVLAN},
		{"untagged on trunk10,20", 4, key(mac(7), bcast, -1, 0), nil, WhyBadVLAN},
		{"tagged on access", 3, key(mac(9), bcast, 10, 0), nil, WhyBadVLAN},
		{"priority tag on access", 3, key(mac(9), bcast, 0, 5), []string{"1:10", "5", "4:10", "LOCAL:10", "2:10"}, WhyFlood},
		{"untagged on native-untagged", 5, key(mac(9), bcast, -1, 0), []string{"1:10", "3", "4:10", "LOCAL:10", "2:10"}, WhyFlood},
		{"vlan 20 on native-untagged", 5, key(mac(9), bcast, 20, 0), []string{"1:20", "4:20", "LOCAL:20", "2:20"}, WhyFlood},
		{"vid 0 pcp 0 on native-untagged", 5, key(mac(9), bcast, 0, 0), []string{"1:10", "3", "4:10", "LOCAL:10", "2:10"}, WhyFlood},
		{"priority tag on trunk", 1, key(mac(9), bcast, 0, 3), []string{"LOCAL:p", "2:p"}, WhyFlood},
		{"vid 0 pcp 0 on trunk", 1, key(mac(9), bcast, 0, 0), []string{"LOCAL", "2"}, WhyFlood},
		{"multicast vlan 20", 1, key(mac(9), [6]byte{1, 0, 0x5e, 0, 0, 1}, 20, 0), []string{"5:20", "4:20", "LOCAL:20", "2:20"}, WhyFlood},
		{"reserved", 1, key(mac(9), [6]byte{1, 0x80, 0xc2, 0, 0, 0}, -1, 0), nil, WhyReserved},
	} {
		n := New(NewMACTable(0, 0, newClock().Now))
		d := n.Forward(tc.in, tc.k, bridgePorts())
		if got := outs(d); !reflect.DeepEqual(got, tc.want) || d.Why != tc.why || d.Drop != (tc.want == nil) {
			t.Errorf("%s: %v (%s, drop %v), want %v (%s)", tc.name, got, d.Why, d.Drop, tc.want, tc.why)
		}
		if tc.want != nil && !d.Flooded {
			t.Errorf("%s: not marked flooded", tc.name)
		}
	}
}

func TestForwardLearned(t *testing.T) {
	clk := newClock()
	n := New(NewMACTable(0, 0, clk.Now))
	ports := bridgePorts()
	// mac1 on p1 (VLAN 0), mac3 on p3 (VLAN 10).
	d := n.Forward(1, key(mac(1), bcast, -1, 0), ports)
	if d.Learned == nil || *d.Learned != (Change{MAC: mac(1), New: 1}) {
		t.Fatalf("learning mac1: %+v", d.Learned)
	}
	n.Forward(3, key(mac(3), bcast, -1, 0), ports)

	d = n.Forward(2, key(mac(2), mac(1), -1, 0), ports)
	if got := outs(d); !reflect.DeepEqual(got, []string{"1"}) || d.Why != WhyLearned || d.Flooded || d.Dest != 1 {
		t.Fatalf("to learned mac1: %v %s", got, d.Why)
	}
	d = n.Forward(1, key(mac(2), mac(3), 10, 4), ports)
	if got := outs(d); !reflect.DeepEqual(got, []string{"3"}) {
		t.Fatalf("vlan 10 to learned mac3: %v %s", got, d.Why)
	}
	// VLAN separates: mac3 is unknown in VLAN 20, which p3 does not carry.
	d = n.Forward(1, key(mac(2), mac(3), 20, 0), ports)
	if !d.Flooded || slices.Contains(outs(d), "3") {
		t.Fatalf("vlan 20 to mac3 learned in 10: %v %s", outs(d), d.Why)
	}
	// Never back out the ingress port: mac2 was learned on p2 in VLAN 0.
	d = n.Forward(2, key(mac(5), mac(2), -1, 0), ports)
	if !d.Drop || d.Why != WhyInputPort {
		t.Fatalf("to a MAC learned on the input port: %+v", d)
	}
	// Learned port gone from the bridge.
	d = n.Forward(2, key(mac(2), mac(3), 10, 0), slices.DeleteFunc(bridgePorts(), func(p PortView) bool { return p.Port == 3 }))
	if !d.Drop || d.Why != WhyUnknown {
		t.Fatalf("learned port deleted: %v", d)
	}
	// Learned port down.
	ps := bridgePorts()
	ps[2].CanForward = false
	d = n.Forward(2, key(mac(2), mac(3), 10, 0), ps)
	if !d.Drop || d.Why != WhyNoFwd {
		t.Fatalf("learned port down: %v", d)
	}
	// Learned port no longer in the VLAN (config changed, table not flushed).
	ps = bridgePorts()
	ps[2].VLAN.Tag = 11
	d = n.Forward(2, key(mac(2), mac(3), 10, 0), ps)
	if !d.Drop || d.Why != WhyNotInVLAN {
		t.Fatalf("learned port left the VLAN: %v", d)
	}
	// A move is reported.
	d = n.Forward(2, key(mac(1), bcast, -1, 0), ports)
	if d.Learned == nil || d.Learned.Old != 1 || d.Learned.New != 2 {
		t.Fatalf("move: %+v", d.Learned)
	}
	if s := n.MACs().Stats(); s.Moved != 2 { // mac2 in VLAN 10 p1 -> p2, mac1 p1 -> p2
		t.Fatalf("moves %d", s.Moved)
	}
}

func TestFloodScope(t *testing.T) {
	n := New(nil)
	ps := bridgePorts()
	for _, in := range []uint32{1, 2, 3, 4, 5, local} {
		for _, vlan := range []int{-1, 10, 20, 30} {
			d := n.Forward(in, key(mac(byte(in)), bcast, vlan, 0), ps)
			for _, o := range d.Outputs {
				if o.Port == in {
					t.Errorf("in %d vlan %d: flooded back to the input port", in, vlan)
				}
				p := findPort(ps, o.Port)
				if !p.VLAN.Carries(d.VLAN) {
					t.Errorf("in %d: flooded VLAN %d to port %d, which does not carry it", in, d.VLAN, o.Port)
				}
			}
			if d.Drop {
				continue
			}
			// Every other port carrying the VLAN gets it.
			for _, p := range ps {
				if p.Port != in && p.VLAN.Carries(d.VLAN) && !slices.ContainsFunc(d.Outputs, func(o Out) bool { return o.Port == p.Port }) {
					t.Errorf("in %d vlan %d: port %d carries VLAN %d but got nothing", in, vlan, p.Port, d.VLAN)
				}
			}
		}
	}
	// No-flood and down ports get no floods.
	ps[0].NoFlood = true
	ps[5].CanForward = false
	d := n.Forward(local, key(mac(8), bcast, -1, 0), ps)
	if len(d.Outputs) != 0 || !d.Drop || !d.Flooded || d.Why != WhyNoOutput {
		t.Fatalf("flood with no eligible port: %+v", d)
	}
	// A no-flood port still gets frames for addresses learned on it.
	n.Forward(1, key(mac(1), bcast, -1, 0), ps)
	d = n.Forward(local, key(mac(8), mac(1), -1, 0), ps)
	if got := outs(d); !reflect.DeepEqual(got, []string{"1"}) {
		t.Fatalf("to a MAC on a no-flood port: %v %s", got, d.Why)
	}
}

func TestForwardSpecialInputs(t *testing.T) {
	n := New(nil)
	ps := bridgePorts()
	// Controller-sourced: a trunk of all VLANs, nothing learned.
	d := n.Forward(uint32(ofp.PortController), key(mac(1), bcast, 10, 0), ps)
	if got := outs(d); !reflect.DeepEqual(got, []string{"1:10", "5", "3", "4:10", "LOCAL:10", "2:10"}) || d.Learned != nil {
		t.Fatalf("from controller: %v learned %+v", got, d.Learned)
	}
	if n.MACs().Len() != 0 {
		t.Fatal("learned from a controller packet-out")
	}
	if d := n.Forward(99, key(mac(1), bcast, -1, 0), ps); !d.Drop || d.Why != WhyNoBundle {
		t.Fatalf("unknown input port: %v", d)
	}
	if d := n.Forward(1, &datapath.FlowKey{}, ps); !d.Drop || d.Why != WhyNoEthernet {
		t.Fatalf("runt: %v", d)
	}
	partial := &datapath.FlowKey{Fields: datapath.FieldEth, EthType: datapath.EthTypeVLAN, EthDst: bcast}
	if d := n.Forward(1, partial, ps); !d.Drop || d.Why != WhyPartialTag {
		t.Fatalf("partial tag: %v", d)
	}
	// forward-bpdu lets reserved addresses through.
	n.SetForwardBPDU(true)
	if d := n.Forward(1, key(mac(1), [6]byte{1, 0x80, 0xc2, 0, 0, 0xe}, -1, 0), ps); d.Drop {
		t.Fatalf("forward-bpdu: %v", d)
	}
	// 802.1ad outer tag: its TPID is kept for tags the decision pushes.
	k := key(mac(1), bcast, 10, 0)
	k.VLAN[0].TPID = datapath.EthTypeQinQ
	if d := n.Forward(1, k, ps); d.TPID != datapath.EthTypeQinQ || d.VLAN != 10 {
		t.Fatalf("802.1ad: %+v", d)
	}
}

func TestForwardReportsEviction(t *testing.T) {
	n := New(NewMACTable(0, 1, nil))
	ps := bridgePorts()
	n.Forward(1, key(mac(1), bcast, -1, 0), ps)
	d := n.Forward(2, key(mac(2), bcast, -1, 0), ps)
	if d.Evicted == nil || d.Evicted.MAC != mac(1) || d.Evicted.Old != 1 {
		t.Fatalf("evicted %+v", d.Evicted)
	}
}

func TestView(t *testing.T) {
	for _, tc := range []struct {
		config, state uint32
		fwd, noFlood  bool
	}{
		{0, 0, true, false},
		{1, 0, false, false},      // OFPPC_PORT_DOWN
		{1 << 5, 0, false, false}, // OFPPC_NO_FWD
		{1 << 4, 0, true, true},   // OFPPC_NO_FLOOD
		{1 << 2, 0, true, false},  // OFPPC_NO_RECV: not NORMAL's business
		{0, 1, false, false},      // OFPPS_LINK_DOWN
		{0, 4, true, false},       // OFPPS_LIVE
	} {
		v := View(3, VLANConfig{Tag: 5}, tc.config, tc.state)
		if v.Port != 3 || v.VLAN.Tag != 5 || v.CanForward != tc.fwd || v.NoFlood != tc.noFlood {
			t.Errorf("config %#x state %#x: %+v", tc.config, tc.state, v)
		}
	}
}

func TestDecideDoesNotLearn(t *testing.T) {
	n := New(nil)
	ps := bridgePorts()
	d := n.Decide(1, key(mac(1), bcast, -1, 0), ps)
	if d.Learned != nil || n.MACs().Len() != 0 || !d.Flooded {
		t.Fatalf("Decide learned: %+v, %d entries", d, n.MACs().Len())
	}
	n.Forward(2, key(mac(2), bcast, -1, 0), ps)
	d = n.Decide(1, key(mac(1), mac(2), -1, 0), ps)
	if got := outs(d); !reflect.DeepEqual(got, []string{"2"}) || n.MACs().Len() != 1 {
		t.Fatalf("Decide to a learned port: %v, %d entries", got, n.MACs().Len())
	}
	if got := d.Explain(nil); !reflect.DeepEqual(got, []string{"-> forwarding to learned port"}) {
		t.Fatalf("Explain: %q", got)
	}
}

// TestForwardShared: with the source already learned on the input port,
// ForwardShared decides as Forward and refreshes the entry's age; a new
// or moved source makes it report !ok and leave the table alone.
func TestForwardShared(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(10*time.Second, 0, clk.Now)
	n := New(mt)
	ps := bridgePorts()
	if _, ok := n.ForwardShared(1, key(mac(1), bcast, -1, 0), ps); ok || mt.Len() != 0 {
		t.Fatalf("new source: ok, or learned (%d entries)", mt.Len())
	}
	n.Forward(1, key(mac(1), bcast, -1, 0), ps)
	n.Forward(2, key(mac(2), bcast, -1, 0), ps)
	clk.Advance(8 * time.Second)
	d, ok := n.ForwardShared(1, key(mac(1), mac(2), -1, 0), ps)
	if !ok || !reflect.DeepEqual(outs(d), []string{"2"}) || d.Learned != nil {
		t.Fatalf("known source: ok %v, %v", ok, outs(d))
	}
	// The refresh kept mac1 alive past its first aging time; mac2 ages.
	clk.Advance(4 * time.Second)
	if _, ok := mt.Lookup(0, mac(1)); !ok {
		t.Fatal("ForwardShared did not refresh the source")
	}
	if _, ok := mt.Lookup(0, mac(2)); ok {
		t.Fatal("mac2 should have aged")
	}
	// Moved source: not ok, table unchanged.
	if _, ok := n.ForwardShared(2, key(mac(1), bcast, -1, 0), ps); ok {
		t.Fatal("moved source reported ok")
	}
	if p, _ := mt.Lookup(0, mac(1)); p != 1 {
		t.Fatalf("moved source changed the table: port %d", p)
	}
	// Nothing to learn (multicast source, drop before learning): ok.
	if _, ok := n.ForwardShared(1, key(bcast, mac(2), -1, 0), ps); !ok {
		t.Fatal("multicast source not ok")
	}
}
