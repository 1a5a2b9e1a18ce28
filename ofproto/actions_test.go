package ofproto

import (
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestEveryActionTranslates: each OpenFlow 1.3 action becomes the
// datapath action(s) that do it, and the translation follows its effect
// on the packet.
func TestEveryActionTranslates(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	mm, _ := ofp.ParseMeter("meter=3,kbps,bands=type=drop,rate=100000", ofp.MeterAdd)
	if err := r.sw.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	dp3, _ := r.sw.meters.DatapathID(3)
	out := datapath.Output{Port: r.sw.ports[2].dpPort}
	udp := dptest.UDP4(t, 1, 2)
	vlan := dptest.Build(t, &layers.Ethernet{SrcMAC: dptest.MAC1, DstMAC: dptest.MAC2, EthernetType: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 10, Priority: 3, Type: layers.EthernetTypeIPv4}, dptest.IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 1, DstPort: 2}, dptest.Payload(4))
	cases := []struct {
		flow  string
		frame []byte
		want  []datapath.Action
	}{
		{"ip,actions=set_field:02:00:00:00:00:09->eth_dst,set_field:02:00:00:00:00:08->eth_src,output:2", udp,
			[]datapath.Action{datapath.SetEthDst{Addr: [6]byte{2, 0, 0, 0, 0, 9}}, datapath.SetEthSrc{Addr: [6]byte{2, 0, 0, 0, 0, 8}}, out}},
		{"udp,actions=set_field:7->udp_src,set_field:8->udp_dst,set_field:10->ip_dscp,set_field:1->ip_ecn,mod_nw_ttl:5,output:2", udp,
			[]datapath.Action{datapath.SetTPSrc{Port: 7}, datapath.SetTPDst{Port: 8}, datapath.SetIPDSCP{DSCP: 10}, datapath.SetIPECN{ECN: 1}, datapath.SetIPTTL{TTL: 5}, out}},
		{"ip,actions=dec_ttl,output:2", udp, []datapath.Action{datapath.DecTTL{}, out}},
		{"ip,actions=push_vlan:0x88a8,set_field:4101->vlan_vid,set_field:6->vlan_pcp,output:2", udp,
			[]datapath.Action{datapath.PushVLAN{TPID: 0x88a8}, datapath.SetVLANVID{VID: 5}, datapath.SetVLANPCP{PCP: 6}, out}},
		// A pushed tag is VID 0, PCP 0, as Open vSwitch pushes it; pop
		// takes it off.
		{"dl_vlan=10,actions=push_vlan:0x8100,output:2,pop_vlan,output:2", vlan,
			[]datapath.Action{datapath.PushVLAN{TPID: 0x8100}, out, datapath.PopVLAN{}, out}},
		{"ip,actions=push_mpls:0x8847,set_field:77->mpls_label,set_field:2->mpls_tc,set_mpls_ttl:9,dec_mpls_ttl,output:2", udp,
			[]datapath.Action{datapath.PushMPLS{EthType: 0x8847, TTL: 64}, datapath.SetMPLSLabel{Label: 77}, datapath.SetMPLSTC{TC: 2},
				datapath.SetMPLSTTL{TTL: 9}, datapath.DecMPLSTTL{}, out}},
		{"ip,actions=push_mpls:0x8847,copy_ttl_out,copy_ttl_in,pop_mpls:0x0800,output:2", udp,
			[]datapath.Action{datapath.PushMPLS{EthType: 0x8847, TTL: 64}, datapath.CopyTTLOut{}, datapath.CopyTTLIn{}, datapath.PopMPLS{EthType: 0x0800}, out}},
		{"ip,actions=push_pbb:0x88e7,output:2,pop_pbb,output:2", udp,
			[]datapath.Action{datapath.PushPBB{}, out, datapath.PopPBB{}, out}},
		{"ip,actions=meter:3,output:2", udp, []datapath.Action{datapath.Meter{ID: dp3}, out}},
		{"ip,actions=set_queue:1,output:2", udp, []datapath.Action{out}},
		// Pipeline-only fields change lookups, not the packet.
		{"ip,actions=set_field:0x99->tunnel_id,output:2", udp, []datapath.Action{out}},
	}
	for _, c := range cases {
		r.add("priority=100," + c.flow)
		tr, err := r.sw.Trace(1, c.frame)
		if err != nil {
			t.Fatal(err)
		}
		if !datapath.ActionsEqual(tr.Actions, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.flow, datapath.FormatActions(tr.Actions), datapath.FormatActions(c.want))
		}
		if err := datapath.ValidateActions(tr.Actions); err != nil {
			t.Errorf("%s: invalid datapath actions: %v", c.flow, err)
		}
		r.mod(ofp.FlowDelete, "")
	}
	// And the datapath runs them: the MPLS round trip gives back the frame.
	r.add("ip,actions=push_mpls:0x8847,output:2,pop_mpls:0x0800,output:2")
	r.send(1, udp)
	got := r.recv(2)
	if len(got) != 2 || dptest.Decode(t, got[1]) == nil || string(got[1]) != string(udp) {
		t.Fatalf("MPLS round trip: %d frames", len(got))
	}
	if m := decode(t, got[0]).Layer(layers.LayerTypeMPLS); m == nil {
		t.Fatal("first copy has no MPLS header")
	}
}

func TestTunnelIDMatchesAfterSetField(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("table=0,actions=set_field:0x99->tunnel_id,goto_table:1",
		"table=1,tunnel_id=0x99,actions=output:3",
		"table=1,priority=0,actions=output:2")
	r.send(1, dptest.UDP4(t, 1, 2))
	if got := r.counts(3); got[2] != 1 || got[1] != 0 {
		t.Fatalf("tunnel_id set in table 0 not matched in table 1: %v", got)
	}
}
