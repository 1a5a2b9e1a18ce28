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

// pbbFrame is a PBB frame (I-TAG itag) around an Ethernet/IPv4/UDP frame.
func pbbFrame(t testing.TB, itag uint32) []byte {
	hdr := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xe7,
		byte(itag >> 24), byte(itag >> 16), byte(itag >> 8), byte(itag)}
	return append(hdr, dptest.UDP4(t, 1, 2)...)
}

// Every set-field that needs the datapath's ARP, ND, flow label and PBB
// actions executes, on the translated packet and from the cache; the frame
// out has the field set and correct checksums (dptest.Decode).
func TestSetFieldMoreFields(t *testing.T) {
	mac7 := net.HardwareAddr{2, 7, 7, 7, 7, 7}
	target := net.ParseIP("2001:db8::7")
	for _, c := range []struct {
		name, flow string
		frame      func(t testing.TB) []byte
		check      func(t *testing.T, p gopacket.Packet, f []byte)
	}{
		{"arp", "arp,actions=set_field:2->arp_op,set_field:192.0.2.7->arp_spa,set_field:192.0.2.8->arp_tpa," +
			"set_field:02:07:07:07:07:07->arp_sha,set_field:02:08:08:08:08:08->arp_tha,output:2",
			dptest.ARPRequest, func(t *testing.T, p gopacket.Packet, _ []byte) {
				a, _ := p.Layer(layers.LayerTypeARP).(*layers.ARP)
				if a == nil || a.Operation != 2 || !net.IP(a.SourceProtAddress).Equal(net.IPv4(192, 0, 2, 7)) ||
					!net.IP(a.DstProtAddress).Equal(net.IPv4(192, 0, 2, 8)) ||
					!bytes.Equal(a.SourceHwAddress, mac7) || !bytes.Equal(a.DstHwAddress, net.HardwareAddr{2, 8, 8, 8, 8, 8}) {
					t.Errorf("arp out: %+v", a)
				}
			}},
		{"nd_target_sll", "icmp6,icmp_type=135,icmp_code=0,actions=set_field:2001:db8::7->nd_target," +
			"set_field:02:07:07:07:07:07->nd_sll,output:2",
			dptest.NeighborSolicitation, func(t *testing.T, p gopacket.Packet, _ []byte) {
				ns, _ := p.Layer(layers.LayerTypeICMPv6NeighborSolicitation).(*layers.ICMPv6NeighborSolicitation)
				if ns == nil || !ns.TargetAddress.Equal(target) || len(ns.Options) != 1 || !bytes.Equal(ns.Options[0].Data, mac7) {
					t.Errorf("ns out: %+v", ns)
				}
			}},
		{"nd_tll", "icmp6,icmp_type=136,icmp_code=0,actions=set_field:02:07:07:07:07:07->nd_tll,output:2",
			func(t testing.TB) []byte { return dptest.ND(t, 136, dptest.IP62, 2, dptest.MAC2) },
			func(t *testing.T, p gopacket.Packet, _ []byte) {
				na, _ := p.Layer(layers.LayerTypeICMPv6NeighborAdvertisement).(*layers.ICMPv6NeighborAdvertisement)
				if na == nil || len(na.Options) != 1 || !bytes.Equal(na.Options[0].Data, mac7) {
					t.Errorf("na out: %+v", na)
				}
			}},
		{"ipv6_label", "ipv6,actions=set_field:0xabcde->ipv6_label,output:2",
			func(t testing.TB) []byte { return dptest.TCP6(t, 1, 2) }, func(t *testing.T, p gopacket.Packet, _ []byte) {
				ip, _ := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
				if ip == nil || ip.FlowLabel != 0xabcde {
					t.Errorf("ipv6 out: %+v", ip)
				}
			}},
		{"pbb_isid", "dl_type=0x88e7,actions=set_field:0xfedcba->pbb_isid,output:2",
			func(t testing.TB) []byte { return pbbFrame(t, 0x8a01e240) }, func(t *testing.T, _ gopacket.Packet, f []byte) {
				if !bytes.Equal(f, pbbFrame(t, 0x8afedcba)) {
					t.Errorf("pbb out %x", f)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, 2, FailSecure)
			r.add(c.flow)
			f := c.frame(t)
			for i := range 2 { // translated, then from the cache
				r.send(1, f)
				out := r.recv(2)
				if len(out) != 1 {
					t.Fatalf("packet %d: port 2 got %d frames", i, len(out))
				}
				var p gopacket.Packet
				if c.name != "pbb_isid" {
					p = dptest.Decode(t, out[0]) // fails on a wrong checksum
				}
				c.check(t, p, out[0])
			}
		})
	}
}

// A later table matches the value a set-field wrote (the key follows the
// edit), and an ALL group's buckets each start from the unedited packet.
func TestSetFieldMoreKeyFollows(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("table=0,arp,arp_op=1,actions=set_field:2->arp_op,set_field:10.0.0.9->arp_tpa,goto_table:1",
		"table=1,arp,arp_op=2,arp_tpa=10.0.0.9,actions=output:2",
		"table=1,priority=0,actions=output:3")
	f := dptest.ARPRequest(t)
	r.send(1, f)
	if got := r.counts(3); got[1] != 1 || got[2] != 0 {
		t.Fatalf("frames per port %v: table 1 should see arp_op=2 and the new tpa", got)
	}

	gm, err := ofp.ParseGroup("group_id=1,type=all,bucket=set_field:2->arp_op,set_field:02:07:07:07:07:07->arp_sha,output:2,bucket=output:3", ofp.GroupAdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatalf("group with ARP set-fields: %v", err)
	}
	r.add("table=0,arp,arp_op=1,actions=group:1")
	tr, err := r.sw.Trace(1, f)
	if err != nil {
		t.Fatal(err)
	}
	if !datapath.HasAction(tr.Actions, datapath.KindSetARPOp) || !datapath.HasAction(tr.Actions, datapath.KindSetARPSha) {
		t.Fatalf("datapath actions %s", datapath.FormatActions(tr.Actions))
	}
	r.send(1, f)
	o2, o3 := r.recv(2), r.recv(3)
	if len(o2) != 1 || len(o3) != 1 {
		t.Fatalf("port 2 got %d, port 3 %d frames", len(o2), len(o3))
	}
	if a := dptest.Decode(t, o2[0]).Layer(layers.LayerTypeARP).(*layers.ARP); a.Operation != 2 {
		t.Errorf("bucket 1 copy: op %d", a.Operation)
	}
	if !bytes.Equal(o3[0], f) {
		t.Errorf("bucket 2 copy was changed by bucket 1's set-fields:\n got %x\nwant %x", o3[0], f)
	}
}

// mpls_bos stays read-only, as in Open vSwitch: ofp's codec refuses it.
func TestSetFieldMPLSBOSRefused(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	fm := &ofp.FlowMod{Command: ofp.FlowAdd, Match: ofp.Match{Fields: []ofp.OXM{ofp.OXMEthType(0x8847)}},
		Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{
			&ofp.ActionSetField{Field: ofp.OXM{Class: ofp.OXMClassOpenFlowBasic, Field: ofp.OXMMPLSBOSField, Value: []byte{0}}},
		}}}}
	wantOFError(t, r.sw.FlowMod(fm), ofp.ETBadAction, ofp.BACBadSetArgument)
}

// Table features advertise exactly the set-fields a flow-mod may carry
// (metadata and tunnel_id are pipeline state, not packet fields, and
// mpls_bos is read-only).
func TestSetFieldsAdvertised(t *testing.T) {
	adv := map[uint8]bool{}
	for _, f := range setFields {
		adv[f] = true
		if !settable[f] {
			t.Errorf("table features advertise set-field of %d, which flow-mods refuse", f)
		}
	}
	for f := range uint8(40) {
		unadvertised := f == ofp.OXMMetadataField || f == ofp.OXMTunnelIDField || f == ofp.OXMMPLSBOSField
		if settable[f] && !unadvertised && !adv[f] {
			t.Errorf("set-field of %d executes but table features do not say so", f)
		}
	}
}

// FuzzSetFieldFrames sends arbitrary frames through a pipeline of the ARP,
// ND, flow label and PBB set-fields, matched again in a later table and
// undone between an ALL group's buckets: no panic, and every cache entry
// stays what a fresh translation gives.
func FuzzSetFieldFrames(f *testing.F) {
	for _, fr := range [][]byte{dptest.ARPRequest(f), dptest.NeighborSolicitation(f),
		dptest.ND(f, 136, dptest.IP62, 2, dptest.MAC2), dptest.TCP6(f, 3, 4), pbbFrame(f, 0x100), {}, {0xff}} {
		f.Add(fr, uint8(1))
	}
	f.Fuzz(func(t *testing.T, frame []byte, in uint8) {
		r := newRig(t, 3, FailSecure)
		gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=set_field:2->arp_op,set_field:10.9.9.9->arp_spa,output:2,bucket=output:3", ofp.GroupAdd)
		if err := r.sw.GroupMod(gm); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{
			"table=0,priority=9,arp,actions=set_field:02:00:00:00:00:09->arp_tha,goto_table:1",
			"table=0,priority=8,icmp6,icmp_type=135,actions=set_field:fd00::9->nd_target,set_field:02:00:00:00:00:09->nd_sll,goto_table:1",
			"table=0,priority=8,icmp6,icmp_type=136,actions=set_field:02:00:00:00:00:09->nd_tll,output:2",
			"table=0,priority=7,ipv6,actions=set_field:0x9->ipv6_label,goto_table:1",
			"table=0,priority=6,dl_type=0x88e7,actions=set_field:9->pbb_isid,output:3",
			"table=1,priority=2,arp,arp_tha=02:00:00:00:00:09,actions=group:1",
			"table=1,priority=2,icmp6,icmp_type=135,nd_target=fd00::9,actions=output:3",
			"table=1,priority=1,ipv6,ipv6_label=0x9,actions=set_field:0x8->ipv6_label,output:2",
		} {
			if err := r.mod(ofp.FlowAdd, text); err != nil {
				t.Fatalf("%s: %v", text, err)
			}
		}
		port := uint32(1 + in%3)
		r.send(port, frame)
		r.send(port, frame)
		r.sw.Trace(port, frame)
		r.checkFresh(0, "fuzz set-field frames")
	})
}
