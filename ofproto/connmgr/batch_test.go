package connmgr

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// batchCountingSwitch counts the batches the sessions begin, and holds
// a multipart request until hold is closed.
type batchCountingSwitch struct {
	*testSwitch
	begun atomic.Int32
	hold  chan struct{}
}

func (s *batchCountingSwitch) Multipart(req ofp.MultipartBody) (ofp.MultipartBody, error) {
	<-s.hold
	return s.testSwitch.Multipart(req)
}

func (s *batchCountingSwitch) BeginFlowMods() *ofproto.FlowModBatch {
	s.begun.Add(1)
	return s.testSwitch.BeginFlowMods()
}

func inPortFlow(prio uint16, port ofp.PortNo) *ofp.FlowMod {
	return &ofp.FlowMod{Command: ofp.FlowAdd, Priority: prio, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
		Match:        ofp.NewMatch(ofp.OXMInPort(1)),
		Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: port}}}}}
}

// TestBarrierAfterBatchRevalidation: flow-mods that arrive together are
// applied as one batch, and the barrier reply after them comes only when
// the cache is revalidated: a packet injected right after the reply
// follows the new rules, not a cached entry of the old ones. A refused
// flow-mod in the batch still gets its error before the barrier reply.
func TestBarrierAfterBatchRevalidation(t *testing.T) {
	sw := &batchCountingSwitch{testSwitch: newTestSwitch(t), hold: make(chan struct{})}
	release := sync.OnceFunc(func() { close(sw.hold) })
	t.Cleanup(release)
	dir := t.TempDir()
	m, err := New(Config{Bridge: "xc0", Switch: sw, RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	p := dialPeer(t, "unix", filepath.Join(dir, "xc0.mgmt"), ofp.Version13)
	p.barrier()
	defer release() // before the session's close waits for the reader
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sw.ServeUpcalls(ctx, 1)

	var dp1, dp2 uint32
	for _, pi := range sw.Ports() {
		switch pi.OFPort {
		case 1:
			dp1 = pi.DPPort
		case 2:
			dp2 = pi.DPPort
		}
	}
	p.send(inPortFlow(10, 2))
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatal(errs[0])
	}
	fr := frame(64)
	receive := func(port uint32) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := sw.dp.Receive(ctx, port)
		return err == nil
	}
	if err := sw.dp.Inject(dp1, fr); err != nil {
		t.Fatal(err)
	}
	if !receive(dp2) {
		t.Fatal("the first frame did not reach port 2")
	}
	if cs := sw.CacheStats(); cs.Flows != 1 {
		t.Fatalf("cache %+v, want the frame's entry", cs)
	}

	// One write: unrelated adds, a refused one, the flow that changes
	// the cached entry's result, more adds, the barrier.
	var buf []byte
	xid := uint32(1000)
	add := func(fm *ofp.FlowMod) uint32 {
		xid++
		buf = append(buf, mustMarshal(t, ofp.Version13, xid, fm)...)
		return xid
	}
	for i := range 300 {
		add(flowAdd(uint16(100+i), net.IPv4(10, 1, byte(i>>8), byte(i)), 2))
	}
	bad := flowAdd(7, net.IPv4(10, 2, 0, 0), 2)
	bad.TableID = 254
	badXid := add(bad)
	add(inPortFlow(20, ofp.PortInPort))
	for i := range 300 {
		add(flowAdd(uint16(100+i), net.IPv4(10, 3, byte(i>>8), byte(i)), 2))
	}
	xid++
	barrier := xid
	buf = append(buf, mustMarshal(t, ofp.Version13, xid, &ofp.BarrierRequest{})...)
	// A request the switch holds keeps the reader busy behind the
	// barrier: a batch left open across the barrier would still be open
	// when the reply arrives.
	xid++
	buf = append(buf, mustMarshal(t, ofp.Version13, xid, &ofp.MultipartRequest{Body: &ofp.DescRequest{}})...)
	p.write(buf)
	var errs []uint32
	for {
		h, m := p.recv()
		if _, ok := m.(*ofp.BarrierReply); ok {
			if h.Xid != barrier {
				t.Fatalf("barrier reply xid %d, want %d", h.Xid, barrier)
			}
			break
		}
		if _, ok := m.(*ofp.Error); ok {
			errs = append(errs, h.Xid)
		}
	}
	if len(errs) != 1 || errs[0] != badXid {
		t.Fatalf("errors for xids %v before the barrier reply, want only %d", errs, badXid)
	}
	if sw.begun.Load() == 0 {
		t.Fatal("the flow-mods were not batched")
	}
	if err := sw.dp.Inject(dp1, fr); err != nil {
		t.Fatal(err)
	}
	if !receive(dp1) {
		t.Fatal("after the barrier reply the frame did not follow the new flow (in_port)")
	}
	if receive(dp2) {
		t.Fatal("after the barrier reply a stale entry still sent the frame to port 2")
	}
	release()
	p.barrier()
}
