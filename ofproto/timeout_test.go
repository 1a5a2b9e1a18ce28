package ofproto

import (
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func (r *rig) revalidate() RevalidateStats {
	r.t.Helper()
	st, err := r.sw.Revalidate()
	if err != nil {
		r.t.Fatal(err)
	}
	return st
}

func TestIdleAndHardTimeouts(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	rec := r.listen()
	r.add("cookie=0x1,idle_timeout=10,send_flow_rem,priority=5,udp,actions=output:2",
		"cookie=0x2,hard_timeout=15,send_flow_rem,priority=5,tcp,actions=output:2",
		"cookie=0x3,idle_timeout=10,priority=5,icmp,actions=output:2")
	u := dptest.UDP4(t, 1, 2)
	r.send(1, u)
	r.clk.advance(6 * time.Second)
	r.send(1, u) // from the cache: the rule's use must come from datapath counters
	r.clk.advance(6 * time.Second)
	r.revalidate()
	if _, removed := rec.take(); len(removed) != 0 {
		t.Fatalf("removed too early: %+v", removed)
	}
	r.clk.advance(4 * time.Second) // 10 s after the last packet; 16 s after the hard flow's creation
	r.revalidate()
	_, removed := rec.take()
	reasons := map[uint64]uint8{}
	for _, fr := range removed {
		reasons[fr.Cookie] = fr.Reason
		if fr.Cookie == 1 && (fr.PacketCount != 2 || fr.ByteCount != 2*uint64(len(u)) || fr.IdleTimeout != 10) {
			t.Fatalf("idle flow-removed counts %+v", fr)
		}
	}
	if len(removed) != 2 || reasons[1] != ofp.FlowRemovedIdleTimeout || reasons[2] != ofp.FlowRemovedHardTimeout {
		t.Fatalf("flow-removed %+v", removed)
	}
	// The silent one (no send_flow_rem) went too.
	if fs := r.flowStats(""); len(fs) != 0 {
		t.Fatalf("flows left: %+v", fs)
	}
	// And the cache entry no longer forwards.
	r.counts(2)
	r.send(1, u)
	if got := r.counts(2); got[1] != 0 {
		t.Fatalf("expired flow still forwards: %v", got)
	}
}

func TestFlowRemovedReasons(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	rec := r.listen()
	gm, _ := ofp.ParseGroup("group_id=5,type=indirect,bucket=output:3", ofp.GroupAdd)
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	mm, err := ofp.ParseMeter("meter=9,pktps,bands=type=drop,rate=1000", ofp.MeterAdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sw.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	r.add("cookie=0x1,send_flow_rem,priority=1,udp,actions=output:2",
		"cookie=0x2,send_flow_rem,priority=1,tcp,actions=group:5",
		"cookie=0x3,send_flow_rem,priority=1,icmp,actions=meter:9,output:2")
	u := dptest.UDP4(t, 1, 2)
	r.send(1, u)
	r.send(1, u)
	if err := r.mod(ofp.FlowDeleteStrict, "priority=1,udp"); err != nil {
		t.Fatal(err)
	}
	_, removed := rec.take()
	if len(removed) != 1 || removed[0].Reason != ofp.FlowRemovedDelete || removed[0].PacketCount != 2 {
		t.Fatalf("delete: %+v", removed)
	}
	gm.Command = ofp.GroupDelete
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	_, removed = rec.take()
	if len(removed) != 1 || removed[0].Reason != ofp.FlowRemovedGroupDelete || removed[0].Cookie != 2 {
		t.Fatalf("group delete: %+v", removed)
	}
	mm.Command = ofp.MeterDelete
	if err := r.sw.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	_, removed = rec.take()
	if len(removed) != 1 || removed[0].Reason != ofp.FlowRemovedDelete || removed[0].Cookie != 3 {
		t.Fatalf("meter delete: %+v", removed)
	}
}

func TestStatsCreditCachedPackets(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("priority=5,udp,actions=output:2", "priority=1,actions=drop",
		"cookie=0x9,no_packet_counts,priority=5,tcp,actions=output:2")
	u := dptest.UDP4(t, 1, 2)
	for range 3 {
		r.send(1, u)
	}
	r.send(1, dptest.ARPRequest(t))
	fs := r.flowStats("udp")
	if len(fs) != 1 || fs[0].PacketCount != 3 || fs[0].ByteCount != 3*uint64(len(u)) {
		t.Fatalf("udp flow stats %+v", fs)
	}
	rep, err := r.sw.Multipart(&ofp.AggregateRequest{FlowStatsRequest: ofp.FlowStatsRequest{TableID: ofp.TableAll, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}})
	if err != nil {
		t.Fatal(err)
	}
	if ag := rep.(*ofp.AggregateReply); ag.PacketCount != 4 || ag.FlowCount != 3 {
		t.Fatalf("aggregate %+v", ag)
	}
	if fs := r.flowStats("tcp"); fs[0].PacketCount != ^uint64(0) {
		t.Fatalf("no_packet_counts flow reports %d", fs[0].PacketCount)
	}
	rep, _ = r.sw.Multipart(&ofp.TableStatsRequest{})
	ts := rep.(*ofp.TableStatsReply).Entries
	if len(ts) != 254 || ts[0].LookupCount != 4 || ts[0].MatchedCount != 4 || ts[0].ActiveCount != 3 {
		t.Fatalf("table 0 stats %+v", ts[0])
	}
	rep, _ = r.sw.Multipart(&ofp.PortStatsRequest{PortNo: ofp.PortAny})
	ps := rep.(*ofp.PortStatsReply).Entries
	if len(ps) != 2 || ps[0].RxPackets != 4 || ps[1].TxPackets != 3 {
		t.Fatalf("port stats %+v", ps)
	}
	// RESET_COUNTS on a modify.
	if err := r.mod(ofp.FlowModify, "reset_counts,udp,actions=output:2"); err != nil {
		t.Fatal(err)
	}
	if fs := r.flowStats("udp"); fs[0].PacketCount != 0 {
		t.Fatalf("after reset_counts %+v", fs[0])
	}
	// Replacing an identical flow keeps its counters.
	r.send(1, u)
	r.add("priority=5,udp,actions=output:2")
	if fs := r.flowStats("udp"); fs[0].PacketCount != 1 {
		t.Fatalf("replaced flow lost its counters: %+v", fs[0])
	}
}

func TestFailModes(t *testing.T) {
	r := newRig(t, 2, FailStandalone)
	if got := r.table(); len(got) != 1 || got[0] != "0:0:0x0:NORMAL" {
		t.Fatalf("standalone default flows %q", got)
	}
	// Re-added after a flush.
	if err := r.mod(ofp.FlowDelete, ""); err != nil {
		t.Fatal(err)
	}
	if got := r.table(); len(got) != 1 {
		t.Fatalf("after flush %q", got)
	}
	// Configuring a controller flushes the tables (as OVS does), the
	// default flow included; none connected: a hidden NORMAL flow forwards.
	r.add("priority=9,arp,actions=drop")
	r.sw.SetControllers(1, 0)
	if got := r.table(); len(got) != 0 {
		t.Fatalf("visible flows with controller configured %q", got)
	}
	u := dptest.UDP4(t, 1, 2)
	r.send(1, u)
	if got := r.counts(2); got[1] != 1 {
		t.Fatalf("fail-open did not forward: %v", got)
	}
	if n := len(r.sw.DumpFlows(true)); n != 1 {
		t.Fatalf("hidden flows %d", n)
	}
	r.sw.SetControllers(1, 1)
	r.send(1, u)
	if got := r.counts(2); got[1] != 0 {
		t.Fatalf("forwarded with controller connected and no flows: %v", got)
	}
	// The last controller gone: flushed again, the default flow is back.
	r.add("priority=9,arp,actions=drop")
	r.sw.SetControllers(0, 0)
	if got := r.table(); len(got) != 1 || got[0] != "0:0:0x0:NORMAL" {
		t.Fatalf("after removing the controllers %q", got)
	}
	// Secure never forwards on its own.
	s := newRig(t, 2, FailSecure)
	s.sw.SetControllers(1, 0)
	s.send(1, u)
	if got := s.counts(2); got[1] != 0 || len(s.sw.DumpFlows(true)) != 0 {
		t.Fatalf("secure forwarded: %v", got)
	}
}

func TestCacheIdleAndLimit(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("udp,actions=output:2")
	r.send(1, dptest.UDP4(t, 1, 2))
	r.send(1, dptest.UDP4(t, 1, 3))
	if cs := r.sw.CacheStats(); cs.Flows != 2 {
		t.Fatalf("cache %+v", cs)
	}
	r.clk.advance(5 * time.Second)
	r.send(1, dptest.UDP4(t, 1, 3))
	r.clk.advance(6 * time.Second)
	st := r.revalidate()
	if st.Deleted != 1 || st.Flows != 1 {
		t.Fatalf("idle expiry %+v", st)
	}
	// Flow limit: translations beyond it are executed, not installed.
	r2 := newRig(t, 2, FailSecure)
	r2.sw.SetFlowLimit(1)
	r2.add("udp,actions=output:2")
	r2.send(1, dptest.UDP4(t, 1, 2))
	r2.send(1, dptest.UDP4(t, 1, 3))
	if got := r2.counts(2); got[1] != 2 {
		t.Fatalf("over the limit not forwarded: %v", got)
	}
	if cs := r2.sw.CacheStats(); cs.Flows != 1 || cs.Full != 1 {
		t.Fatalf("limit %+v", cs)
	}
}

func TestMACsAgeAndRelearnUnderCachedTraffic(t *testing.T) {
	r := newRig(t, 3, FailStandalone)
	a2b := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	b2a := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	r.send(1, a2b)
	r.send(2, b2a)
	r.counts(3)
	// Only a2b keeps flowing, from the cache; every 200 s a revalidation
	// credits it and re-learns mac(1) on port 1. mac(2) is not refreshed.
	for range 2 {
		r.clk.advance(5 * time.Second)
		r.send(1, a2b)
		r.revalidate()
		r.clk.advance(195 * time.Second)
		r.send(1, a2b)
		r.revalidate()
	}
	if got := r.counts(3); got[1] != 4 || got[2] != 0 {
		t.Fatalf("cached unicast: %v", got)
	}
	macs := r.sw.MACs()
	if len(macs) != 1 || macs[0].MAC != [6]byte(mac(1)) {
		t.Fatalf("after 400 s: %+v, want only mac(1), kept by cached traffic", macs)
	}
	// mac(2) aged out: the cached entry for a2b floods again.
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("after mac(2) aged out: %v", got)
	}
}

// TestSetFlowLimitAndIdleTimeout: the cache limits change live; entries
// over a lowered limit go at the next Revalidate, least recently used
// first, and a shorter idle timeout applies at once.
func TestSetFlowLimitAndIdleTimeout(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("udp,actions=output:2")
	for port := uint16(1); port <= 5; port++ {
		r.send(1, dptest.UDP4(t, 1, port))
		r.clk.advance(100 * time.Millisecond)
	}
	if cs := r.sw.CacheStats(); cs.Flows != 5 {
		t.Fatalf("cache %+v", cs)
	}
	r.sw.SetFlowLimit(3)
	if cs := r.sw.CacheStats(); cs.Limit != 3 {
		t.Fatalf("limit not applied: %+v", cs)
	}
	if st := r.revalidate(); st.Flows != 3 || st.Deleted != 2 {
		t.Fatalf("after lowering the limit: %+v", st)
	}
	// The two oldest went: ports 1 and 2 miss again, port 5 hits.
	before := r.sw.CacheStats().Upcalls
	r.send(1, dptest.UDP4(t, 1, 5))
	if got := r.sw.CacheStats().Upcalls; got != before {
		t.Fatalf("newest entry evicted (upcalls %d -> %d)", before, got)
	}
	// At the limit, a new translation is executed but not installed.
	r.send(1, dptest.UDP4(t, 1, 1))
	if cs := r.sw.CacheStats(); cs.Flows != 3 || cs.Upcalls != before+1 {
		t.Fatalf("at the limit: %+v", cs)
	}
	r.counts(2)

	r.sw.SetIdleTimeout(time.Second)
	r.clk.advance(1500 * time.Millisecond)
	r.send(1, dptest.UDP4(t, 1, 5))
	if st := r.revalidate(); st.Flows != 1 || st.Deleted != 2 {
		t.Fatalf("after a 1 s idle timeout: %+v", st)
	}
	// Non-positive values restore the defaults.
	r.sw.SetFlowLimit(0)
	r.sw.SetIdleTimeout(0)
	if cs := r.sw.CacheStats(); cs.Limit != DefaultFlowLimit {
		t.Fatalf("default limit: %+v", cs)
	}
}

// TestFlowLimitCappedByDatapath: a flow limit above the datapath's own
// cache size is bounded by it (at creation and when changed), so an
// upcall never tries an install the datapath would refuse; at the cap a
// new flow is executed without an entry, as at any limit.
func TestFlowLimitCappedByDatapath(t *testing.T) {
	dp := dummy.New(dummy.Config{MaxFlows: 2})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, FlowLimit: 10, RevalidateInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close(); dp.Close() })
	if cs := sw.CacheStats(); cs.Limit != 2 {
		t.Fatalf("limit %d at creation, want the datapath's 2", cs.Limit)
	}
	sw.SetFlowLimit(1)
	if cs := sw.CacheStats(); cs.Limit != 1 {
		t.Fatalf("a limit below the datapath's size: %d, want 1", cs.Limit)
	}
	sw.SetFlowLimit(5)
	if cs := sw.CacheStats(); cs.Limit != 2 {
		t.Fatalf("limit %d after SetFlowLimit(5), want the datapath's 2", cs.Limit)
	}
}
