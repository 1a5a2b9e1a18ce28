package connmgr

import (
	"bytes"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func frame(n int) []byte {
	b := make([]byte, n)
	copy(b, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06})
	for i := 14; i < n; i++ {
		b[i] = byte(i)
	}
	return b
}

func pinEvent(reason uint8, data []byte, maxLen uint16, miss bool) *ofproto.PacketInEvent {
	return &ofproto.PacketInEvent{
		Msg:    ofp.PacketIn{BufferID: 0xffffffff, TotalLen: uint16(len(data)), Reason: reason, Cookie: 0xc, Match: ofp.Match{Fields: []ofp.OXM{ofp.OXMInPort(3)}}, Data: data},
		MaxLen: maxLen, Miss: miss,
	}
}

// asyncBefore injects events, then a barrier round trip, and returns the
// asynchronous messages that arrived before the barrier reply: anything
// the Manager queued for the session is ahead of the reply.
func asyncBefore(t *testing.T, p *peer, inject func()) []ofp.Message {
	t.Helper()
	inject()
	xid := p.send(&ofp.BarrierRequest{})
	var got []ofp.Message
	for {
		hh, m := p.recv()
		if _, ok := m.(*ofp.BarrierReply); ok && hh.Xid == xid {
			return got
		}
		if _, ok := m.(*ofp.EchoRequest); ok {
			continue
		}
		got = append(got, m)
	}
}

// TestAsyncConfig: get-async returns the defaults (master/equal: packet-in
// no_match and action, every port status and flow removal; slave: port
// status only), set-async changes what the session gets, per role.
func TestAsyncConfig(t *testing.T) {
	h := newHarness(t)
	l := listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l.target}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	_, m := p.request(&ofp.GetAsyncRequest{})
	got := m.(*ofp.GetAsyncReply).AsyncConfig
	want := ofp.AsyncConfig{PacketInMask: [2]uint32{3, 0}, PortStatusMask: [2]uint32{7, 7}, FlowRemovedMask: [2]uint32{15, 0}}
	if got != want {
		t.Fatalf("default async config %+v, want %+v", got, want)
	}

	pin := pinEvent(ofp.PacketInAction, frame(100), 0xffff, false)
	fr := &ofp.FlowRemoved{Reason: ofp.FlowRemovedIdleTimeout, Priority: 5, Match: ofp.Match{}}
	ps := &ofp.PortStatus{Reason: ofp.PortReasonModify, Desc: ofp.Port{PortNo: 1, Name: "xc-p1"}}
	all := func() { h.m.PacketIn(pin); h.m.FlowRemoved(fr); h.m.PortStatus(ps) }
	if msgs := asyncBefore(t, p, all); len(msgs) != 3 {
		t.Fatalf("equal controller got %d messages, want 3: %v", len(msgs), msgs)
	}

	// Only packet-ins with reason no_match, and flow removals by delete.
	set := ofp.AsyncConfig{PacketInMask: [2]uint32{1 << ofp.PacketInNoMatch, 0}, PortStatusMask: [2]uint32{0, 7},
		FlowRemovedMask: [2]uint32{1 << ofp.FlowRemovedDelete, 0}}
	p.send(&ofp.SetAsync{AsyncConfig: set})
	_, m = p.request(&ofp.GetAsyncRequest{})
	if got := m.(*ofp.GetAsyncReply).AsyncConfig; got != set {
		t.Fatalf("async config %+v after set, want %+v", got, set)
	}
	if msgs := asyncBefore(t, p, all); len(msgs) != 0 {
		t.Fatalf("got %v, want nothing", msgs)
	}
	miss := pinEvent(ofp.PacketInNoMatch, frame(100), 0xffff, false)
	del := &ofp.FlowRemoved{Reason: ofp.FlowRemovedDelete}
	msgs := asyncBefore(t, p, func() { h.m.PacketIn(miss); h.m.FlowRemoved(del) })
	if len(msgs) != 2 {
		t.Fatalf("got %v, want the no_match packet-in and the delete", msgs)
	}

	// As a slave the second column applies: port status only.
	roleReq(t, p, ofp.RoleSlave, 1)
	msgs = asyncBefore(t, p, func() { all(); h.m.PacketIn(miss); h.m.FlowRemoved(del) })
	if len(msgs) != 1 {
		t.Fatalf("slave got %v, want the port status", msgs)
	}
	if _, ok := msgs[0].(*ofp.PortStatus); !ok {
		t.Fatalf("slave got %T", msgs[0])
	}
}

// TestPacketInTruncation: packet-ins are cut to the action's max_len
// (0xffff: whole), carry no buffer id and the whole frame's length; table
// misses without a miss flow go only to OpenFlow 1.0 sessions, cut to
// their miss_send_len.
func TestPacketInTruncation(t *testing.T) {
	h := newHarness(t)
	l13, l10 := listenController(t), listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l13.target}, {Target: l10.target}}); err != nil {
		t.Fatal(err)
	}
	p13, p10 := l13.accept(ofp.Version13), l10.accept(ofp.Version10)
	data := frame(300)

	msgs := asyncBefore(t, p13, func() { h.m.PacketIn(pinEvent(ofp.PacketInAction, data, 64, false)) })
	pi := msgs[0].(*ofp.PacketIn)
	if len(msgs) != 1 || !bytes.Equal(pi.Data, data[:64]) || pi.TotalLen != 300 || pi.BufferID != 0xffffffff || pi.Cookie != 0xc {
		t.Fatalf("packet-in %+v", pi)
	}
	msgs = asyncBefore(t, p13, func() { h.m.PacketIn(pinEvent(ofp.PacketInAction, data, 0xffff, false)) })
	if pi := msgs[0].(*ofp.PacketIn); !bytes.Equal(pi.Data, data) {
		t.Fatalf("whole-frame packet-in has %d bytes", len(pi.Data))
	}

	// The 1.0 session got those too, converted.
	msgs = asyncBefore(t, p10, func() {})
	if len(msgs) != 2 || len(msgs[0].(*ofp.PacketIn10).Data) != 64 || msgs[1].(*ofp.PacketIn10).Reason != ofp.PacketInReason10Action {
		t.Fatalf("1.0 session: %v", msgs)
	}

	// The 1.0 session: the default miss_send_len (128) cuts a miss.
	miss := pinEvent(ofp.PacketInNoMatch, data, 0xffff, true)
	msgs = asyncBefore(t, p10, func() { h.m.PacketIn(miss) })
	p := msgs[0].(*ofp.PacketIn10)
	if len(msgs) != 1 || len(p.Data) != 128 || p.TotalLen != 300 || p.InPort != 3 || p.Reason != 0 {
		t.Fatalf("1.0 miss: %+v", p)
	}
	p10.send(&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: 20}})
	_, m := p10.request(&ofp.GetConfigRequest{})
	if c := m.(*ofp.GetConfigReply); c.MissSendLen != 20 {
		t.Fatalf("get-config %+v", c)
	}
	msgs = asyncBefore(t, p10, func() { h.m.PacketIn(miss) })
	if p := msgs[0].(*ofp.PacketIn10); len(p.Data) != 20 {
		t.Fatalf("miss cut to %d bytes, want 20", len(p.Data))
	}
	// The 1.3 session never sees the implicit miss.
	if msgs := asyncBefore(t, p13, func() { h.m.PacketIn(miss) }); len(msgs) != 0 {
		t.Fatalf("1.3 session got %v", msgs)
	}
	st := h.m.Status()
	if st[0].Counters.PacketIns[ofp.PacketInAction] != 2 || st[1].Counters.PacketIns[ofp.PacketInNoMatch] != 3 || st[1].Counters.PacketIns[ofp.PacketInAction] != 2 {
		t.Fatalf("counters %+v %+v", st[0].Counters, st[1].Counters)
	}
}

// TestPacketInRateLimit: with a rate limit, a burst of packet-ins passes
// up to the burst size and the rest is dropped and counted; tokens come
// back with time; misses and actions have separate buckets.
func TestPacketInRateLimit(t *testing.T) {
	h := newHarness(t)
	clock := newFakeClock()
	h.m.now = clock.Now
	l := listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l.target, RateLimit: 200, BurstLimit: 30}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	action := pinEvent(ofp.PacketInAction, frame(60), 0xffff, false)
	nomatch := pinEvent(ofp.PacketInNoMatch, frame(60), 0xffff, false)
	burst := func(ev *ofproto.PacketInEvent, n int) func() {
		return func() {
			for range n {
				h.m.PacketIn(ev)
			}
		}
	}
	if got := len(asyncBefore(t, p, burst(action, 80))); got != 30 {
		t.Fatalf("%d packet-ins passed a burst of 80, want 30", got)
	}
	if got := len(asyncBefore(t, p, burst(nomatch, 10))); got != 10 {
		t.Fatalf("misses share the action bucket: %d of 10 passed", got)
	}
	clock.Advance(50 * time.Millisecond) // 10 tokens at 200/s
	if got := len(asyncBefore(t, p, burst(action, 80))); got != 10 {
		t.Fatalf("%d passed after 50 ms, want 10", got)
	}
	c := h.m.Status()[0].Counters
	if c.RateDropped[ofp.PacketInAction] != 120 || c.RateDropped[ofp.PacketInNoMatch] != 0 ||
		c.PacketIns[ofp.PacketInAction] != 40 || c.PacketIns[ofp.PacketInNoMatch] != 10 {
		t.Fatalf("counters %+v", c)
	}

	// Open vSwitch's floors: at least 100/s and a burst of 25.
	lim := newPinLimiter(1, 0, clock.Now)
	n := 0
	for lim.allow(true) {
		n++
	}
	if n != 25 || lim.miss.rate != 100 {
		t.Fatalf("floors: burst %d rate %v", n, lim.miss.rate)
	}
}

// TestSlowController: a controller that does not read never blocks the
// Switch: asynchronous messages beyond its queue are dropped and counted,
// and once its writes stall past the limit it is disconnected.
func TestSlowController(t *testing.T) {
	h := newHarness(t)
	h.m.maxAsync = 20
	h.m.stallTimeout = 200 * time.Millisecond
	l := listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l.target, InactivityProbe: -1}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	big := pinEvent(ofp.PacketInAction, frame(60000), 0xffff, false)
	done := make(chan struct{})
	go func() {
		for range 2000 {
			h.m.PacketIn(big)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("PacketIn blocked on a controller that does not read")
	}
	waitFor(t, "the stalled session dropped", func() bool { return h.m.Status()[0].Counters.SlowDisconnect == 1 })
	c := h.m.Status()[0].Counters
	// Events after the disconnect find no session to offer to.
	if c.QueueDropped == 0 || c.PacketIns[ofp.PacketInAction] == 0 || c.PacketIns[ofp.PacketInAction]+c.QueueDropped > 2000 {
		t.Fatalf("counters %+v: want some sent, some dropped", c)
	}
	p.conn.Close()
}
