package connmgr

import (
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestFlowMod10Inconsistent: a 1.0 session may strip a VLAN tag or
// rewrite nw_src on a flow whose match fixes neither (1.0.0 §5.2.4 has no
// MATCH_INCONSISTENT); 1.3's consistency check would refuse both, so
// connmgr hands converted flow-mods to Switch.FlowMod10. Modify still adds
// when nothing matches.
func TestFlowMod10Inconsistent(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version10)
	all := ofp.Match10{Wildcards: ofp.FW10All}
	cases := []struct {
		name string
		cmd  uint16
		prio uint16
		acts ofp.Actions10
	}{
		{"strip_vlan", ofp.FC10Add, 100, ofp.Actions10{&ofp.ActionStripVLAN10{}, &ofp.ActionOutput10{Port: 2}}},
		{"mod_nw_src", ofp.FC10Add, 200, ofp.Actions10{&ofp.ActionSetNWSrc10{Addr: [4]byte{10, 0, 0, 9}}, &ofp.ActionOutput10{Port: 2}}},
		{"modify-adds mod_nw_dst", ofp.FC10ModifyStrict, 300, ofp.Actions10{&ofp.ActionSetNWDst10{Addr: [4]byte{10, 0, 0, 8}}, &ofp.ActionOutput10{Port: 1}}},
	}
	for _, c := range cases {
		p.send(&ofp.FlowMod10{Match: all, Command: c.cmd, Priority: c.prio, BufferID: 0xffffffff, OutPort: ofp.Port10None, Actions: c.acts})
		if errs := p.barrier(); len(errs) > 0 {
			t.Fatalf("%s on a wildcard match: %v", c.name, errs[0])
		}
	}
	_, m := p.request(&ofp.StatsRequest10{Type: ofp.ST10Flow, Flow: &ofp.FlowStatsRequest10{Match: all, TableID: 0xff, OutPort: ofp.Port10None}})
	got := map[uint16]bool{}
	for _, f := range m.(*ofp.StatsReply10).Flows {
		got[f.Priority] = true
	}
	for _, c := range cases {
		if !got[c.prio] {
			t.Errorf("%s (priority %d) is not in the table: %+v", c.name, c.prio, m)
		}
	}
	// That the flows are in the table is the proof they took the 1.0
	// path (Switch.FlowMod10 or a batch's FlowMod10: a session batches
	// flow-mods that arrive together); the 1.3 path refuses them, below.
	// A 1.0 port-mod goes to PortMod10, which knows OFPPC_NO_FLOOD.
	before := h.sw.calls10()
	p.send(&ofp.PortMod10{PortNo: 1, HWAddr: h.sw.Ports()[0].HWAddr, Config: ofp.PC10NoFlood, Mask: ofp.PC10NoFlood})
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatalf("port-mod no-flood: %v", errs[0])
	}
	if n := h.sw.calls10(); n != before+1 {
		t.Errorf("Switch.PortMod10 not called (1.0 calls %d, then %d)", before, n)
	}
	if c := h.sw.Ports()[0].Config; c&uint32(ofp.PortConfigNoFlood10) == 0 {
		t.Errorf("port 1 config %#x lacks no-flood", c)
	}
	// 1.3 still refuses the same flow.
	p13 := h.mgmt(ofp.Version13)
	m13 := ofp.Match{}
	xid := p13.send(&ofp.FlowMod{Command: ofp.FlowAdd, Priority: 400, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
		Match: m13, Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionPopVLAN{}, &ofp.ActionOutput{Port: 2}}}}})
	p13.expectError(xid, ofp.ETBadAction, ofp.BACMatchInconsistent)
}

// TestInteropFlowMod10Inconsistent: the same through ovs-ofctl -O
// OpenFlow10 on the management socket.
func TestInteropFlowMod10Inconsistent(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	for _, f := range []string{"priority=5,actions=strip_vlan,output:2", "priority=6,actions=mod_nw_src:10.0.0.9,output:2"} {
		if out, err := tl.run("-O", "OpenFlow10", "add-flow", target, f); err != nil {
			t.Fatalf("add-flow %s: %v\n%s", f, err, out)
		}
	}
	out, err := tl.run("-O", "OpenFlow10", "dump-flows", target)
	if err != nil || !strings.Contains(out, "actions=strip_vlan,output:2") || !strings.Contains(out, "actions=mod_nw_src:10.0.0.9,output:2") {
		t.Fatalf("dump-flows: %v\n%s", err, out)
	}
}
