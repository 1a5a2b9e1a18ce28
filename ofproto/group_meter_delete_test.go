package ofproto

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// groupRefCount returns group id's ref_count from its group stats.
func (r *rig) groupRefCount(id uint32) uint32 {
	r.t.Helper()
	rep, err := r.sw.Multipart(&ofp.GroupStatsRequest{GroupID: id})
	if err != nil {
		r.t.Fatal(err)
	}
	gs := rep.(*ofp.GroupStatsReply).Entries
	if len(gs) != 1 {
		r.t.Fatalf("group %d stats: %d entries", id, len(gs))
	}
	return gs[0].RefCount
}

// groupMod applies a group-mod written as ovs-ofctl text.
func (r *rig) groupMod(cmd uint16, text string) {
	r.t.Helper()
	gm, err := ofp.ParseGroup(text, cmd)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.sw.GroupMod(gm); err != nil {
		r.t.Fatalf("group-mod %q: %v", text, err)
	}
}

// TestGroupRefCountAndDelete: ref_count follows the flows that name a
// group through adds, replacements, modifies and deletes (spec 1.3.5
// §7.3.5.9); deleting the group removes exactly the flows that use it,
// with OFPRR_GROUP_DELETE to those that asked (§6.5), and cached packets
// stop going through it.
func TestGroupRefCountAndDelete(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	rec := r.listen()
	r.groupMod(ofp.GroupAdd, "group_id=1,type=all,bucket=output:2,bucket=output:3")
	r.groupMod(ofp.GroupAdd, "group_id=2,type=indirect,bucket=output:3")

	steps := []struct {
		cmd    uint8
		flow   string
		g1, g2 uint32
	}{
		{ofp.FlowAdd, "send_flow_rem,cookie=0x1,priority=5,udp,actions=group:1", 1, 0},
		{ofp.FlowAdd, "cookie=0x2,priority=5,tcp,actions=write_actions(group:1)", 2, 0},
		{ofp.FlowAdd, "cookie=0x3,priority=5,icmp,actions=group:2", 2, 1},
		// Replacing the identical flow moves its reference.
		{ofp.FlowAdd, "cookie=0x3,priority=5,icmp,actions=group:1", 3, 0},
		// A modify moves the references of what it selects.
		{ofp.FlowModifyStrict, "priority=5,tcp,actions=group:2", 2, 1},
		{ofp.FlowDeleteStrict, "priority=5,icmp", 1, 1},
	}
	for i, st := range steps {
		if err := r.mod(st.cmd, st.flow); err != nil {
			t.Fatalf("step %d %q: %v", i, st.flow, err)
		}
		if g1, g2 := r.groupRefCount(1), r.groupRefCount(2); g1 != st.g1 || g2 != st.g2 {
			t.Fatalf("step %d %q: ref counts %d %d, want %d %d", i, st.flow, g1, g2, st.g1, st.g2)
		}
	}
	r.add("priority=1,arp,actions=output:2")

	u := dptest.UDP4(t, 1, 2)
	r.send(1, u)
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("through group 1: %v", got)
	}
	rec.take()
	r.groupMod(ofp.GroupDelete, "group_id=1")
	_, removed := rec.take()
	if len(removed) != 1 || removed[0].Reason != ofp.FlowRemovedGroupDelete || removed[0].Cookie != 1 || removed[0].PacketCount != 1 {
		t.Fatalf("flow-removed after group delete: %+v", removed)
	}
	if got := r.table(); len(got) != 2 || got[0] != "0:1:0x0:output:2" || got[1] != "0:5:0x2:group:2" {
		t.Fatalf("flows left: %v", got)
	}
	// The cached UDP entry is gone with its flow: nothing goes out now.
	r.send(1, u)
	if got := r.counts(3); got[1] != 0 || got[2] != 0 {
		t.Fatalf("after group delete, udp still forwarded: %v", got)
	}
	// Group 2 is deleted with OFPG_ALL: its flow goes without a message
	// (no send_flow_rem).
	r.groupMod(ofp.GroupDelete, "group_id=all")
	if _, removed := rec.take(); len(removed) != 0 {
		t.Fatalf("flow without send_flow_rem reported: %+v", removed)
	}
	if got := r.table(); len(got) != 1 {
		t.Fatalf("flows left after deleting all groups: %v", got)
	}
	// A re-added group starts with no references.
	r.groupMod(ofp.GroupAdd, "group_id=1,type=all,bucket=output:2")
	if n := r.groupRefCount(1); n != 0 {
		t.Fatalf("new group 1 ref_count %d", n)
	}
}

// TestMeterDeleteRemovesFlows: deleting a meter removes the flows that use
// it (spec 1.3.5 §6.6), reported as OFPRR_DELETE (1.3 has no
// OFPRR_METER_DELETE; Open vSwitch maps it so for sessions before 1.4),
// and meter stats count the flows.
func TestMeterDeleteRemovesFlows(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	rec := r.listen()
	for _, text := range []string{"meter=1,pktps,bands=type=drop,rate=1000", "meter=2,pktps,bands=type=drop,rate=1000"} {
		mm, err := ofp.ParseMeter(text, ofp.MeterAdd)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.sw.MeterMod(mm); err != nil {
			t.Fatal(err)
		}
	}
	r.add("send_flow_rem,cookie=0x1,priority=5,udp,actions=meter:1,output:2",
		"cookie=0x2,priority=5,tcp,actions=meter:1,output:2",
		"send_flow_rem,cookie=0x3,priority=5,icmp,actions=meter:2,output:2")
	flows := func(id uint32) uint32 {
		rep, err := r.sw.Multipart(&ofp.MeterStatsRequest{MeterRequest: ofp.MeterRequest{MeterID: id}})
		if err != nil {
			t.Fatal(err)
		}
		return rep.(*ofp.MeterStatsReply).Entries[0].FlowCount
	}
	if f1, f2 := flows(1), flows(2); f1 != 2 || f2 != 1 {
		t.Fatalf("flow counts %d %d, want 2 1", f1, f2)
	}
	mm, _ := ofp.ParseMeter("meter=1", ofp.MeterDelete)
	if err := r.sw.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	_, removed := rec.take()
	if len(removed) != 1 || removed[0].Cookie != 1 || removed[0].Reason != ofp.FlowRemovedDelete {
		t.Fatalf("flow-removed: %+v", removed)
	}
	if got := r.table(); len(got) != 1 || got[0] != "0:5:0x3:meter:2,output:2" {
		t.Fatalf("flows left: %v", got)
	}
}
