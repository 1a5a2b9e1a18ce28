package ofproto

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// FuzzOpenFlow feeds decoded OpenFlow 1.3 messages to a Switch: whatever
// decodes must be applied or refused with an error, never panic, and the
// cache must stay consistent with the tables.
func FuzzOpenFlow(f *testing.F) {
	for _, text := range []string{
		"priority=10,ip,actions=output:2",
		"table=1,udp,tp_dst=53,actions=write_actions(output:3),write_metadata:0x5/0xff,goto_table:2",
		"actions=group:1",
		"ip,actions=push_mpls:0x8847,set_field:5->mpls_label,output:2",
		"actions=NORMAL",
	} {
		fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
		if err != nil {
			f.Fatal(err)
		}
		b, err := ofp.Marshal(ofp.Version13, 1, &fs.FlowMod)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=output:2,bucket=output:3", ofp.GroupAdd)
	b, _ := ofp.Marshal(ofp.Version13, 1, gm)
	f.Add(b)
	frames := [][]byte{dptest.UDP4(f, 1, 53), dptest.TCP6(f, 1, 80), dptest.ARPRequest(f)}
	f.Fuzz(func(t *testing.T, msg []byte) {
		r := newRig(t, 3, FailStandalone)
		_, m, err := ofp.Unmarshal(msg)
		if err != nil {
			return
		}
		switch m := m.(type) {
		case *ofp.FlowMod:
			r.sw.FlowMod(m)
		case *ofp.GroupMod:
			r.sw.GroupMod(m)
		case *ofp.MeterMod:
			r.sw.MeterMod(m)
		case *ofp.PortMod:
			r.sw.PortMod(m)
		case *ofp.TableMod:
			r.sw.TableMod(m)
		case *ofp.PacketOut:
			r.sw.PacketOut(m)
		case *ofp.MultipartRequest:
			r.sw.Multipart(m.Body)
		}
		for i, fr := range frames {
			r.send(uint32(1+i), fr)
			r.sw.Trace(uint32(1+i), fr)
		}
		r.checkFresh(0, "fuzz")
	})
}

// FuzzFrames sends arbitrary frames through a pipeline that uses most
// actions (NORMAL, groups, set-fields, TTLs, MPLS, VLANs, the controller):
// no panic, and every cache entry stays what a fresh translation gives.
func FuzzFrames(f *testing.F) {
	for _, fr := range [][]byte{dptest.UDP4(f, 1, 2), dptest.TCP6(f, 3, 4), dptest.ARPRequest(f), dptest.ICMP4(f),
		dptest.NeighborSolicitation(f), {}, {0xff}} {
		f.Add(fr, uint8(1))
	}
	f.Fuzz(func(t *testing.T, frame []byte, in uint8) {
		r := newRig(t, 3, FailStandalone)
		gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=set_field:10.0.0.9->ip_dst,output:2,bucket=pop_vlan,output:3", ofp.GroupAdd)
		r.sw.GroupMod(gm)
		for _, text := range []string{
			"table=0,priority=9,ip,actions=dec_ttl,write_actions(group:1),goto_table:1",
			"table=0,priority=8,ipv6,actions=set_field:fd00::9->ipv6_dst,NORMAL",
			"table=0,priority=7,arp,actions=controller,flood",
			"table=0,priority=6,dl_vlan=10,actions=pop_vlan,push_mpls:0x8847,output:2",
			"table=1,priority=1,udp,actions=set_field:99->udp_dst,output:3",
		} {
			fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
				t.Fatalf("%s: %v", text, err)
			}
		}
		port := uint32(1 + in%3)
		r.send(port, frame)
		r.send(port, frame)
		r.sw.Trace(port, frame)
		r.checkFresh(0, "fuzz frames")
	})
}
