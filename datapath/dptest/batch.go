package dptest

import (
	"errors"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// The batched cache operations (PutBatch, DeleteBatch, DumpStats) must
// behave as their one-by-one counterparts, whatever the datapath does to
// make them cheaper.

// sameError reports whether got is the error want is, as a caller branching
// on it sees it: the same sentinel, or an ActionError at the same index.
func sameError(got, want error) bool {
	if (got == nil) != (want == nil) {
		return false
	}
	if want == nil {
		return true
	}
	var ga, wa *datapath.ActionError
	if errors.As(want, &wa) {
		return errors.As(got, &ga) && ga.Index == wa.Index
	}
	for _, s := range []error{datapath.ErrFlowExists, datapath.ErrNoSuchFlow, datapath.ErrTooManyFlows} {
		if errors.Is(want, s) {
			return errors.Is(got, s)
		}
	}
	return errors.Is(got, want) || got.Error() == want.Error()
}

// batchScript is a PutBatch mixing every case: new entries, a duplicate
// key (the second put modifies the first), a modify of an entry carrying
// counters, a create of a cached key, a modify of a missing one, an
// invalid action list, a reset.
func batchScript(t *testing.T, in, out uint32) (pre []datapath.FlowKey, puts []datapath.FlowPut) {
	key := func(i uint16) datapath.FlowKey { return packet.Extract(UDP4(t, 2000+i, 53), in) }
	o := []datapath.Action{datapath.Output{Port: out}}
	o2 := []datapath.Action{datapath.SetTPSrc{Port: 7}, datapath.Output{Port: out}}
	pre = []datapath.FlowKey{key(0), key(1), key(2)}
	puts = []datapath.FlowPut{
		{Key: key(10), Actions: o},
		{Key: key(0), Actions: o2},                                                                          // modify, keeps counters
		{Key: key(11), Actions: o, Flags: datapath.PutCreate},                                               // new
		{Key: key(1), Actions: o, Flags: datapath.PutCreate},                                                // ErrFlowExists
		{Key: key(12), Actions: o, Flags: datapath.PutModify},                                               // ErrNoSuchFlow
		{Key: key(13), Actions: []datapath.Action{datapath.Output{Port: out}, datapath.SetVLANPCP{PCP: 9}}}, // ActionError
		{Key: key(14), Actions: o},
		{Key: key(14), Actions: o2}, // the duplicate modifies
		{Key: key(2), Actions: o, Flags: datapath.PutResetStats},
		{Key: key(15), Actions: o},
	}
	return pre, puts
}

func testPutBatch(t *testing.T, h Harness) {
	run := func(batch bool) ([]error, map[datapath.FlowKey]datapath.Flow) {
		e := h.New(t, Config{Ports: 2})
		in, out := e.Ports[0], e.Ports[1]
		pre, puts := batchScript(t, in, out)
		for _, k := range pre {
			e.put(t, k, datapath.Output{Port: out})
		}
		// One packet on each pre-existing entry.
		for i := range pre {
			f := UDP4(t, 2000+uint16(i), 53)
			e.inject(t, in, f)
			e.recv(t, out)
		}
		var errs []error
		if batch {
			errs = e.DP.PutBatch(puts)
		} else {
			for _, p := range puts {
				errs = append(errs, e.DP.Put(p.Key, p.Actions, p.Flags))
			}
		}
		return errs, e.dump(t)
	}
	want, wantFlows := run(false)
	got, gotFlows := run(true)
	if len(got) != len(want) {
		t.Fatalf("PutBatch returned %d errors for %d puts", len(got), len(want))
	}
	for i := range want {
		if !sameError(got[i], want[i]) {
			t.Errorf("put %d: PutBatch says %v, Put says %v", i, got[i], want[i])
		}
	}
	if len(gotFlows) != len(wantFlows) {
		t.Errorf("PutBatch left %d entries, Put %d", len(gotFlows), len(wantFlows))
	}
	for k, w := range wantFlows {
		g, ok := gotFlows[k]
		switch {
		case !ok:
			t.Errorf("PutBatch did not install %v", k)
		case !datapath.ActionsEqual(g.Actions, w.Actions):
			t.Errorf("%v: PutBatch actions %s, Put %s", k, datapath.FormatActions(g.Actions), datapath.FormatActions(w.Actions))
		case g.Stats.Packets != w.Stats.Packets || g.Stats.Bytes != w.Stats.Bytes:
			t.Errorf("%v: PutBatch counters %+v, Put %+v", k, g.Stats, w.Stats)
		}
	}
	// Whatever Put does, the script's modify keeps its packet and its
	// reset drops it.
	var in uint32
	for k := range gotFlows {
		in = k.InPort
	}
	pre, _ := batchScript(t, in, 0)
	if f := gotFlows[pre[0]]; f.Stats.Packets != 1 {
		t.Errorf("the modified entry counts %d packets, want 1", f.Stats.Packets)
	}
	if f := gotFlows[pre[2]]; f.Stats.Packets != 0 {
		t.Errorf("the reset entry counts %d packets, want 0", f.Stats.Packets)
	}
}

// dump returns the cache's entries by key.
func (e *Env) dump(t *testing.T) map[datapath.FlowKey]datapath.Flow {
	t.Helper()
	m := map[datapath.FlowKey]datapath.Flow{}
	if err := e.DP.Dump(0, func(fs []datapath.Flow) error {
		for _, f := range fs {
			m[f.Key] = f
		}
		return nil
	}); err != nil {
		t.Fatalf("dump: %v", err)
	}
	return m
}

func testPutBatchFull(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2, MaxFlows: 4})
	in, out := e.Ports[0], e.Ports[1]
	o := []datapath.Action{datapath.Output{Port: out}}
	var puts []datapath.FlowPut
	for i := range uint16(6) {
		puts = append(puts, datapath.FlowPut{Key: packet.Extract(UDP4(t, 3000+i, 53), in), Actions: o})
	}
	errs := e.DP.PutBatch(puts)
	for i, err := range errs {
		if i < 4 && err != nil {
			t.Errorf("put %d into room: %v", i, err)
		}
		if i >= 4 && !errors.Is(err, datapath.ErrTooManyFlows) {
			t.Errorf("put %d beyond the limit: %v, want ErrTooManyFlows", i, err)
		}
	}
	if s := e.stats(t); s.Flows != 4 {
		t.Errorf("%d flows, want 4", s.Flows)
	}
	// The full cache kept every installed entry, which still forwards.
	f := UDP4(t, 3000, 53)
	e.inject(t, in, f)
	e.recv(t, out)
	if got := e.dump(t); len(got) != 4 {
		t.Errorf("dump shows %d entries, want 4", len(got))
	}
	// Room again after a delete: the failed puts took nothing.
	if _, err := e.DP.Delete(puts[1].Key); err != nil {
		t.Fatal(err)
	}
	if errs := e.DP.PutBatch(puts[4:5]); errs[0] != nil {
		t.Errorf("put after a delete freed room: %v", errs[0])
	}
	if fl, err := e.DP.Get(puts[4].Key); err != nil || fl.Stats.Packets != 0 {
		t.Errorf("the new entry: %+v %v, want no packets", fl.Stats, err)
	}
}

func testDeleteBatch(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f1, f2, f3 := UDP4(t, 4001, 53), UDP4(t, 4002, 53), UDP4(t, 4003, 53)
	k1, k2, k3 := packet.Extract(f1, in), packet.Extract(f2, in), packet.Extract(f3, in)
	missing := packet.Extract(UDP4(t, 4009, 53), in)
	for _, k := range []datapath.FlowKey{k1, k2, k3} {
		e.put(t, k, datapath.Output{Port: out})
	}
	for range 2 {
		e.inject(t, in, f1)
		e.recv(t, out)
	}
	e.inject(t, in, f2)
	e.recv(t, out)
	stats, errs := e.DP.DeleteBatch([]datapath.FlowKey{k1, missing, k2, k1})
	if len(stats) != 4 || len(errs) != 4 {
		t.Fatalf("DeleteBatch returned %d stats, %d errors for 4 keys", len(stats), len(errs))
	}
	if errs[0] != nil || stats[0].Packets != 2 || stats[0].Bytes != 2*uint64(len(f1)) || stats[0].Used.IsZero() {
		t.Errorf("k1: %+v %v, want its final counters (2 packets)", stats[0], errs[0])
	}
	if !errors.Is(errs[1], datapath.ErrNoSuchFlow) {
		t.Errorf("missing key: %v, want ErrNoSuchFlow", errs[1])
	}
	if errs[2] != nil || stats[2].Packets != 1 {
		t.Errorf("k2: %+v %v, want 1 packet", stats[2], errs[2])
	}
	if !errors.Is(errs[3], datapath.ErrNoSuchFlow) {
		t.Errorf("k1 again: %v, want ErrNoSuchFlow", errs[3])
	}
	if s := e.stats(t); s.Flows != 1 {
		t.Errorf("%d flows after deleting 2 of 3", s.Flows)
	}
	if _, err := e.DP.Get(k3); err != nil {
		t.Errorf("the entry not deleted: %v", err)
	}
	e.inject(t, in, f1)
	if u := e.upcall(t); u.Reason != datapath.ReasonMiss {
		t.Errorf("deleted entry: upcall %v, want a miss", u.Reason)
	}
}

func testDumpStats(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	for i := range uint16(10) {
		e.put(t, packet.Extract(TCP4(t, 5000+i, 80), in), datapath.Output{Port: out})
	}
	for i := range uint16(4) {
		for range i + 1 {
			e.inject(t, in, TCP4(t, 5000+i, 80))
			e.recv(t, out)
		}
	}
	want := e.dump(t)
	seen := map[datapath.FlowKey]bool{}
	batches := 0
	err := e.DP.DumpStats(3, func(keys []datapath.FlowKey, stats []datapath.FlowStats) error {
		batches++
		if len(keys) == 0 || len(keys) > 3 || len(stats) != len(keys) {
			t.Errorf("batch of %d keys and %d stats, want 1..3 of each", len(keys), len(stats))
		}
		for i, k := range keys {
			w, ok := want[k]
			if !ok || seen[k] {
				t.Errorf("DumpStats: unexpected or repeated %v", k)
				continue
			}
			seen[k] = true
			s := stats[i]
			if s.Packets != w.Stats.Packets || s.Bytes != w.Stats.Bytes || s.TCPFlags != w.Stats.TCPFlags || s.Used.IsZero() != w.Stats.Used.IsZero() {
				t.Errorf("DumpStats %v: %+v, Dump says %+v", k, s, w.Stats)
			}
		}
		return nil
	})
	if err != nil || len(seen) != len(want) || batches < 4 {
		t.Errorf("DumpStats: %v, saw %d of %d entries in %d batches", err, len(seen), len(want), batches)
	}
	stop := errors.New("stop")
	calls := 0
	if err := e.DP.DumpStats(2, func([]datapath.FlowKey, []datapath.FlowStats) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("DumpStats did not stop on error: %v after %d calls", err, calls)
	}
}

// testReuseZero: an entry created where another was deleted starts from
// zero, whatever the datapath recycles.
func testReuseZero(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f1, f2 := UDP4(t, 6001, 53), UDP4(t, 6002, 53)
	k1, k2 := packet.Extract(f1, in), packet.Extract(f2, in)
	e.put(t, k1, datapath.Output{Port: out})
	for range 3 {
		e.inject(t, in, f1)
		e.recv(t, out)
	}
	if _, err := e.DP.Delete(k1); err != nil {
		t.Fatal(err)
	}
	e.put(t, k2, datapath.Output{Port: out})
	e.put(t, k1, datapath.Output{Port: out})
	for _, k := range []datapath.FlowKey{k1, k2} {
		if fl, err := e.DP.Get(k); err != nil || fl.Stats.Packets != 0 || fl.Stats.Bytes != 0 || !fl.Stats.Used.IsZero() {
			t.Errorf("new entry %v: %+v %v, want zero counters", k, fl.Stats, err)
		}
	}
	e.inject(t, in, f2)
	e.recv(t, out)
	stats, errs := e.DP.DeleteBatch([]datapath.FlowKey{k2})
	if errs[0] != nil || stats[0].Packets != 1 {
		t.Errorf("k2 deleted with %+v %v, want 1 packet", stats[0], errs[0])
	}
	errs = e.DP.PutBatch([]datapath.FlowPut{{Key: k2, Actions: []datapath.Action{datapath.Output{Port: out}}}})
	if fl, err := e.DP.Get(k2); errs[0] != nil || err != nil || fl.Stats.Packets != 0 {
		t.Errorf("k2 put again by PutBatch: %+v %v %v, want zero counters", fl.Stats, errs[0], err)
	}
}
