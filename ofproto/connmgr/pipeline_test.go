package connmgr

// Sessions driving the real Switch: barrier ordering, long replies split
// and requests reassembled, OpenFlow 1.0 requests converted, and
// asynchronous messages from the pipeline reaching controllers.

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"testing"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func flowAdd(prio uint16, src net.IP, port ofp.PortNo) *ofp.FlowMod {
	return &ofp.FlowMod{Command: ofp.FlowAdd, Priority: prio, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
		Match:        ofp.NewMatch(ofp.OXMEthType(0x0800), ofp.OXMIPv4Src(src, nil)),
		Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: port}}}}}
}

// dumpFlows returns the flow stats of every table, reassembled, and the
// number of reply messages they came in.
func dumpFlows(t *testing.T, p *peer) ([]ofp.FlowStats, int) {
	t.Helper()
	xid := p.send(&ofp.MultipartRequest{Body: &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}})
	var ra ofp.Reassembler
	parts := 0
	for {
		b, err := p.recvRaw()
		if err != nil {
			t.Fatal(err)
		}
		h, _ := ofp.DecodeHeader(b)
		if h.Xid != xid {
			continue
		}
		parts++
		if len(b) > ofp.MaxMessageLen {
			t.Fatalf("reply part of %d bytes", len(b))
		}
		_, m, done, err := ra.Add(b)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return m.(*ofp.MultipartReply).Body.(*ofp.FlowStatsReply).Entries, parts
		}
	}
}

// TestBarrierOrdering: messages are handled in order; the errors of
// refused flow-mods (with their xids) all come before the barrier reply,
// and a dump after the barrier sees every accepted flow.
func TestBarrierOrdering(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	want := map[uint32]bool{}
	for i := range 200 {
		fm := flowAdd(uint16(100+i), net.IPv4(10, 0, byte(i>>8), byte(i)), 2)
		if i%10 == 3 {
			fm.TableID = 254 // beyond the pipeline's last table
			fm.Instructions = []ofp.Instruction{&ofp.InstGotoTable{TableID: 255}}
			want[p.send(fm)] = true
			continue
		}
		p.send(fm)
	}
	errs := map[uint32]bool{}
	xid := p.send(&ofp.BarrierRequest{})
	for {
		hh, m := p.recv()
		if _, ok := m.(*ofp.BarrierReply); ok {
			if hh.Xid != xid {
				t.Fatalf("barrier reply for xid %#x", hh.Xid)
			}
			break
		}
		if _, ok := m.(*ofp.Error); !ok {
			t.Fatalf("unexpected %s", ofp.Format(hh, m))
		}
		errs[hh.Xid] = true
	}
	if len(errs) != len(want) {
		t.Fatalf("%d errors before the barrier reply, want %d", len(errs), len(want))
	}
	for x := range want {
		if !errs[x] {
			t.Fatalf("no error for xid %#x", x)
		}
	}
	flows, _ := dumpFlows(t, p)
	if len(flows) != 180+1 { // and the fail-mode NORMAL flow
		t.Fatalf("%d flows after the barrier, want 181", len(flows))
	}
}

// TestMultipartSplitAndReassembly: a flow dump too long for one message
// comes as a series flagged REPLY_MORE, each part at most 64 KiB; a
// request sent in parts (REQ_MORE) is answered once, after its last part.
func TestMultipartSplitAndReassembly(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	const n = 3000
	for i := range n {
		p.send(flowAdd(uint16(1+i%500), net.IPv4(10, 1, byte(i>>8), byte(i)), 1))
	}
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs[0])
	}
	flows, parts := dumpFlows(t, p)
	if len(flows) != n+1 || parts < 3 {
		t.Fatalf("%d flows in %d parts, want %d in several", len(flows), parts, n+1)
	}

	// A port-stats request in two parts: the first flagged REQ_MORE.
	first := mustMarshal(t, ofp.Version13, 500, &ofp.MultipartRequest{Flags: ofp.MultipartMore, Body: &ofp.PortDescRequest{}})
	p.write(first)
	p.barrier() // nothing answers the first part
	p.write(mustMarshal(t, ofp.Version13, 500, &ofp.MultipartRequest{Body: &ofp.PortDescRequest{}}))
	hh, m := p.recvFor(500)
	r, ok := m.(*ofp.MultipartReply)
	if !ok || len(r.Body.(*ofp.PortDescReply).Ports) != 2 {
		t.Fatalf("reply %s", ofp.Format(hh, m))
	}
}

// TestOpenFlow10Session: 1.0 requests reach the Switch converted and the
// answers come back in 1.0 forms: features with the ports, flows, stats,
// errors in 1.0 numbering, and modify adding a flow when none matches
// (spec 1.0.0 §4.6).
func TestOpenFlow10Session(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version10)
	_, m := p.request(&ofp.FeaturesRequest{})
	fr := m.(*ofp.FeaturesReply10)
	if fr.DatapathID != h.sw.FeaturesReply().DatapathID || len(fr.Ports) != 2 || fr.Ports[0].Name != "xc-p1" {
		t.Fatalf("features %+v", fr)
	}
	match := ofp.Match10{Wildcards: ofp.FW10All &^ ofp.FW10InPort, InPort: 1}
	out := ofp.Actions10{&ofp.ActionOutput10{Port: 2, MaxLen: 0}}
	p.send(&ofp.FlowMod10{Match: match, Command: ofp.FC10Modify, Priority: 7, BufferID: 0xffffffff, OutPort: ofp.Port10None, Actions: out})
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatalf("modify: %v", errs[0])
	}
	_, m = p.request(&ofp.StatsRequest10{Type: ofp.ST10Flow, Flow: &ofp.FlowStatsRequest10{Match: ofp.Match10{Wildcards: ofp.FW10All}, TableID: 0xff, OutPort: ofp.Port10None}})
	sr := m.(*ofp.StatsReply10)
	if len(sr.Flows) != 2 {
		t.Fatalf("%d flows, want the added one and the NORMAL one: %+v", len(sr.Flows), sr.Flows)
	}
	// An emergency flow is refused in 1.0 numbering.
	xid := p.send(&ofp.FlowMod10{Match: match, Command: ofp.FC10Add, Flags: ofp.FF10Emerg, BufferID: 0xffffffff, OutPort: ofp.Port10None})
	p.expectError(xid, ofp.ET10FlowModFailed, ofp.FMFC10AllTablesFull)
	// A port-mod for a port that does not exist: the Switch's 1.3 error,
	// mapped to 1.0's numbering.
	xid = p.send(&ofp.PortMod10{PortNo: 99, HWAddr: ofp.MAC{0, 1, 2, 3, 4, 5}})
	p.expectError(xid, ofp.ET10PortModFailed, ofp.PMFC10BadPort)
	xid = p.send(&ofp.Vendor10{Vendor: 0x2320})
	p.expectError(xid, ofp.ET10BadRequest, ofp.BRC10BadVendor)
}

// TestPipelineAsync: a table-miss flow sending to the controller, a
// deleted flow with send_flow_rem and a new port reach an active
// controller from the real Switch.
func TestPipelineAsync(t *testing.T) {
	h := newHarness(t)
	l := listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l.target}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.sw.ServeUpcalls(ctx, 1)

	miss := &ofp.FlowMod{Command: ofp.FlowAdd, Priority: 0, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
		Flags:        ofp.FlowSendFlowRem,
		Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortController, MaxLen: 32}}}}}
	p.send(&ofp.FlowMod{Command: ofp.FlowDelete, TableID: 0xff, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny})
	p.send(miss)
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatalf("flow-mods: %v", errs[0])
	}
	var dpPort uint32
	for _, pi := range h.sw.Ports() {
		if pi.OFPort == 1 {
			dpPort = pi.DPPort
		}
	}
	fr := frame(100)
	if err := h.sw.dp.Inject(dpPort, fr); err != nil {
		t.Fatal(err)
	}
	hh, m := p.recv()
	pin, ok := m.(*ofp.PacketIn)
	if !ok {
		t.Fatalf("got %s, want a packet-in", ofp.Format(hh, m))
	}
	if !bytes.Equal(pin.Data, fr[:32]) || pin.TotalLen != 100 || pin.Reason != ofp.PacketInNoMatch {
		t.Fatalf("packet-in %+v", pin)
	}
	if o, ok := pin.Match.Lookup(ofp.OXMInPortField); !ok || binary.BigEndian.Uint32(o.Value) != 1 {
		t.Fatalf("packet-in match %+v, want in_port 1", pin.Match)
	}

	// Deleting the flow reports its removal.
	p.send(&ofp.FlowMod{Command: ofp.FlowDelete, TableID: 0, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny})
	var sawRemoved bool
	for _, e := range asyncBefore(t, p, func() {}) {
		if r, ok := e.(*ofp.FlowRemoved); ok && r.Reason == ofp.FlowRemovedDelete {
			sawRemoved = true
		}
	}
	if !sawRemoved {
		t.Fatal("no flow-removed after the delete")
	}

	// A new port is announced.
	msgs := asyncBefore(t, p, func() {
		if _, err := h.sw.AddPort(ofproto.PortSpec{Name: "xc-p3"}); err != nil {
			t.Fatal(err)
		}
	})
	if len(msgs) != 1 {
		t.Fatalf("got %v, want one port status", msgs)
	}
	if ps, ok := msgs[0].(*ofp.PortStatus); !ok || ps.Reason != ofp.PortReasonAdd || ps.Desc.Name != "xc-p3" {
		t.Fatalf("got %+v", msgs[0])
	}
}
