package connmgr

import (
	"bytes"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// A 1.3 session's flow-stats reply is encoded rule by rule, matches in
// wire form (Switch.FlowStatsMessages): the entries it sends are those of
// the Switch's decoded reply (Multipart), matches included, byte for byte.
func TestFlowStatsMessagesReply(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	for _, f := range []string{
		"priority=5,tcp,nw_dst=10.1.2.3,tp_dst=80,actions=mod_vlan_vid:7,output:2",
		"priority=6,ipv6,ipv6_src=2001:db8::/32,actions=output:1",
		"priority=7,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
		"priority=0,actions=CONTROLLER:128", // empty match
		"table=3,priority=9,in_port=1,dl_vlan=5,arp,arp_op=1,actions=goto_table:4",
	} {
		fs, err := ofp.ParseFlow(f, ofp.FlowAdd)
		if err != nil {
			t.Fatal(err)
		}
		p.send(&fs.FlowMod)
	}
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatal(errs[0])
	}
	req := &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}
	_, m := p.request(&ofp.MultipartRequest{Body: req})
	got := m.(*ofp.MultipartReply).Body.(*ofp.FlowStatsReply)
	body, err := h.sw.Multipart(req)
	if err != nil {
		t.Fatal(err)
	}
	want := body.(*ofp.FlowStatsReply)
	if len(got.Entries) != 5 || len(want.Entries) != 5 {
		t.Fatalf("%d and %d entries, want 5", len(got.Entries), len(want.Entries))
	}
	for i := range want.Entries {
		// The durations differ: compare the rest.
		g, w := got.Entries[i], want.Entries[i]
		g.DurationSec, g.DurationNsec, w.DurationSec, w.DurationNsec = 0, 0, 0, 0
		gb := mustMarshal(t, ofp.Version13, 1, &ofp.MultipartReply{Body: &ofp.FlowStatsReply{Entries: []ofp.FlowStats{g}}})
		wb := mustMarshal(t, ofp.Version13, 1, &ofp.MultipartReply{Body: &ofp.FlowStatsReply{Entries: []ofp.FlowStats{w}}})
		if !bytes.Equal(gb, wb) || len(w.Match.Fields) != len(g.Match.Fields) {
			t.Errorf("entry %d: sent %x, the decoded reply is %x", i, gb, wb)
		}
	}
}
