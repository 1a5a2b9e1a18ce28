package dptest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

func testMissUpcall(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in := e.Ports[0]
	f := TCP4(t, 1000, 80)
	e.inject(t, in, f)
	u := e.upcall(t)
	if u.Reason != datapath.ReasonMiss || u.InPort != in || u.Cookie != 0 {
		t.Errorf("upcall reason %v in_port %d cookie %d, want miss on %d cookie 0", u.Reason, u.InPort, u.Cookie, in)
	}
	if !bytes.Equal(u.Frame, f) {
		t.Errorf("upcall frame\n got %x\nwant %x", u.Frame, f)
	}
	if want := packet.Extract(f, in); u.Key != want {
		t.Errorf("upcall key\n got %v\nwant %v", u.Key, want)
	}
	e.noFrame(t, e.Ports[1])
	s := e.stats(t)
	if s.Missed != 1 || s.Hit != 0 || s.Lost != 0 || s.Flows != 0 {
		t.Errorf("stats %+v, want missed 1, hit 0, lost 0, flows 0", s)
	}
}

func testPutHit(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := TCP4(t, 1000, 80)
	k := packet.Extract(f, in)
	e.put(t, k, datapath.Output{Port: out})
	const n = 3
	for range n {
		e.inject(t, in, f)
		if got := e.recv(t, out); !bytes.Equal(got, f) {
			t.Fatalf("forwarded frame\n got %x\nwant %x", got, f)
		}
	}
	e.noUpcall(t)
	e.noFrame(t, in)
	fl, err := e.DP.Get(k)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if fl.Stats.Packets != n || fl.Stats.Bytes != n*uint64(len(f)) || fl.Stats.Used.IsZero() || fl.Stats.TCPFlags != 0x012 {
		t.Errorf("flow stats %+v, want %d packets, %d bytes, used, flags SYN|ACK", fl.Stats, n, n*len(f))
	}
	if fl.Key != k || !datapath.ActionsEqual(fl.Actions, []datapath.Action{datapath.Output{Port: out}}) {
		t.Errorf("get returned %v actions:%s", fl.Key, datapath.FormatActions(fl.Actions))
	}
	s := e.stats(t)
	if s.Hit != n || s.Missed != 0 || s.Flows != 1 {
		t.Errorf("stats %+v, want hit %d, missed 0, flows 1", s, n)
	}
	if ps := e.portStats(t, in); ps.RxPackets != n || ps.RxBytes != n*uint64(len(f)) {
		t.Errorf("ingress port stats %+v, want rx %d packets", ps, n)
	}
	if ps := e.portStats(t, out); ps.TxPackets != n || ps.TxBytes != n*uint64(len(f)) {
		t.Errorf("egress port stats %+v, want tx %d packets", ps, n)
	}
}

func testFlood(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 4})
	in := e.Ports[0]
	f := UDP4(t, 1, 2)
	var acts []datapath.Action
	for _, p := range e.Ports[1:] {
		acts = append(acts, datapath.Output{Port: p})
	}
	e.put(t, packet.Extract(f, in), acts...)
	e.inject(t, in, f)
	for _, p := range e.Ports[1:] {
		if got := e.recv(t, p); !bytes.Equal(got, f) {
			t.Errorf("port %d got %x, want %x", p, got, f)
		}
	}
	e.noFrame(t, in)
	for _, p := range e.Ports[1:] {
		e.noFrame(t, p) // exactly one copy each
	}
}

func testPutFlags(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := UDP4(t, 1, 2)
	k := packet.Extract(f, in)
	if err := e.DP.Put(k, nil, datapath.PutModify); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Errorf("modify of a missing flow: %v, want ErrNoSuchFlow", err)
	}
	if err := e.DP.Put(k, nil, datapath.PutCreate); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := e.DP.Put(k, nil, datapath.PutCreate); !errors.Is(err, datapath.ErrFlowExists) {
		t.Errorf("create of an existing flow: %v, want ErrFlowExists", err)
	}
	e.inject(t, in, f) // dropped by the empty list, counted
	e.noFrame(t, out)
	e.noUpcall(t)
	if err := e.DP.Put(k, []datapath.Action{datapath.Output{Port: out}}, datapath.PutModify); err != nil {
		t.Fatalf("modify: %v", err)
	}
	if fl, _ := e.DP.Get(k); fl.Stats.Packets != 1 {
		t.Errorf("modify lost the stats: %+v", fl.Stats)
	}
	e.inject(t, in, f)
	e.recv(t, out)
	if err := e.DP.Put(k, []datapath.Action{datapath.Output{Port: out}}, datapath.PutResetStats); err != nil {
		t.Fatalf("modify with reset: %v", err)
	}
	if fl, _ := e.DP.Get(k); fl.Stats.Packets != 0 || !fl.Stats.Used.IsZero() {
		t.Errorf("reset kept stats: %+v", fl.Stats)
	}
}

func testPutInvalid(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 1})
	k := packet.Extract(UDP4(t, 1, 2), e.Ports[0])
	err := e.DP.Put(k, []datapath.Action{datapath.Output{Port: 1}, datapath.SetVLANPCP{PCP: 9}}, 0)
	var ae *datapath.ActionError
	if !errors.As(err, &ae) || ae.Index != 1 {
		t.Errorf("put with pcp 9: %v, want an ActionError at index 1", err)
	}
	if _, err := e.DP.Get(k); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Errorf("an invalid put left an entry: %v", err)
	}
}

func testDeleteFlush(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f1, f2 := UDP4(t, 1, 2), UDP4(t, 3, 4)
	k1, k2 := packet.Extract(f1, in), packet.Extract(f2, in)
	e.put(t, k1, datapath.Output{Port: out})
	e.put(t, k2, datapath.Output{Port: out})
	e.inject(t, in, f1)
	e.recv(t, out)
	st, err := e.DP.Delete(k1)
	if err != nil || st.Packets != 1 || st.Bytes != uint64(len(f1)) {
		t.Errorf("delete returned %+v, %v; want the final stats (1 packet)", st, err)
	}
	if _, err := e.DP.Get(k1); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Errorf("get after delete: %v", err)
	}
	if _, err := e.DP.Delete(k1); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Errorf("second delete: %v", err)
	}
	e.inject(t, in, f1)
	if u := e.upcall(t); u.Reason != datapath.ReasonMiss || !bytes.Equal(u.Frame, f1) {
		t.Errorf("deleted flow: upcall %v, want a miss", u.Reason)
	}
	e.noFrame(t, out)
	if s := e.stats(t); s.Flows != 1 {
		t.Errorf("flows %d after one delete, want 1", s.Flows)
	}
	if err := e.DP.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if s := e.stats(t); s.Flows != 0 {
		t.Errorf("flows %d after flush", s.Flows)
	}
	e.inject(t, in, f2)
	if u := e.upcall(t); u.Reason != datapath.ReasonMiss {
		t.Errorf("flushed flow: upcall %v, want a miss", u.Reason)
	}
}

func testDump(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	want := map[datapath.FlowKey]uint16{}
	for i := range uint16(10) {
		k := packet.Extract(UDP4(t, 100+i, 53), in)
		want[k] = i
		e.put(t, k, datapath.Output{Port: out}, datapath.SetTPSrc{Port: i})
	}
	seen := map[datapath.FlowKey]bool{}
	batches := 0
	err := e.DP.Dump(3, func(fs []datapath.Flow) error {
		batches++
		if len(fs) == 0 || len(fs) > 3 {
			t.Errorf("batch of %d flows, want 1..3", len(fs))
		}
		for _, f := range fs {
			i, ok := want[f.Key]
			if !ok || seen[f.Key] {
				t.Errorf("dump: unexpected or repeated %v", f.Key)
			}
			seen[f.Key] = true
			wa := []datapath.Action{datapath.Output{Port: out}, datapath.SetTPSrc{Port: i}}
			if !datapath.ActionsEqual(f.Actions, wa) {
				t.Errorf("dump: %v has actions %s", f.Key, datapath.FormatActions(f.Actions))
			}
		}
		return nil
	})
	if err != nil || len(seen) != len(want) || batches < 4 {
		t.Errorf("dump: %v, saw %d of %d flows in %d batches", err, len(seen), len(want), batches)
	}
	stop := errors.New("stop")
	calls := 0
	if err := e.DP.Dump(2, func([]datapath.Flow) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("dump did not stop on error: %v after %d calls", err, calls)
	}
}

func testMaxFlows(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2, MaxFlows: 4})
	in := e.Ports[0]
	var keys []datapath.FlowKey
	for i := range uint16(5) {
		keys = append(keys, packet.Extract(UDP4(t, 100+i, 53), in))
	}
	for _, k := range keys[:4] {
		e.put(t, k)
	}
	if err := e.DP.Put(keys[4], nil, 0); !errors.Is(err, datapath.ErrTooManyFlows) {
		t.Fatalf("put beyond the limit: %v, want ErrTooManyFlows", err)
	}
	if err := e.DP.Put(keys[0], []datapath.Action{datapath.Output{Port: e.Ports[1]}}, 0); err != nil {
		t.Errorf("modify at the limit: %v", err)
	}
	if s := e.stats(t); s.Flows != 4 || s.MaxFlows != 4 {
		t.Errorf("stats %+v, want flows 4 of max 4", s)
	}
	if _, err := e.DP.Delete(keys[1]); err != nil {
		t.Fatal(err)
	}
	if err := e.DP.Put(keys[4], nil, 0); err != nil {
		t.Errorf("put after a delete freed room: %v", err)
	}
}

// testKeys sends every corpus frame through the datapath: the miss upcall
// carries the key packet.Extract computes (so the implementation's parser
// agrees with it), and once that key is cached the frame is forwarded.
func testKeys(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	for _, c := range Corpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			h.skipUninjectable(t, c.Frame)
			e.inject(t, in, c.Frame)
			u := e.upcall(t)
			want := packet.Extract(c.Frame, in)
			if u.Reason != datapath.ReasonMiss || !bytes.Equal(u.Frame, c.Frame) {
				t.Fatalf("upcall %v frame %x; want a miss with %x", u.Reason, u.Frame, c.Frame)
			}
			if u.Key != want {
				t.Fatalf("upcall key\n got %v\nwant %v", u.Key, want)
			}
			e.put(t, want, datapath.Output{Port: out})
			t.Cleanup(func() { e.DP.Delete(want) })
			e.inject(t, in, c.Frame)
			if got := e.recv(t, out); !bytes.Equal(got, c.Frame) {
				t.Fatalf("forwarded %x", got)
			}
		})
	}
}
