package ofproto

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// checkFreshLocked compares every datapath entry with a fresh translation
// while holding the Switch's write lock, so upcall handlers may run before
// and after: with no handler in flight, the datapath and the cache must
// agree exactly.
func (r *rig) checkFreshLocked(step int, what string) {
	r.t.Helper()
	r.sw.mu.Lock()
	defer r.sw.unlock()
	var flows []datapath.Flow
	if err := r.dp.Dump(0, func(fs []datapath.Flow) error {
		flows = append(flows, fs...)
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	if len(flows) != len(r.sw.cache.entries) {
		r.t.Fatalf("step %d (%s): datapath has %d entries, cache %d", step, what, len(flows), len(r.sw.cache.entries))
	}
	for _, f := range flows {
		e := r.sw.cache.entries[f.Key]
		if e == nil || e.pending {
			r.t.Fatalf("step %d (%s): datapath entry %v not (or not fully) in the cache", step, what, f.Key)
		}
		res := r.sw.translate(f.Key, false, nil)
		if !datapath.ActionsEqual(res.actions, f.Actions) || !datapath.ActionsEqual(e.actions, f.Actions) {
			r.t.Fatalf("step %d (%s): stale entry %v\n cached %s\n fresh  %s", step, what, f.Key,
				datapath.FormatActions(f.Actions), datapath.FormatActions(res.actions))
		}
	}
}

// TestConcurrentUpcallsStayFresh: four goroutines handle upcalls of many
// flows while the tables, groups, ports and MAC table change; after every
// change no cache entry is stale, and at the end every entry equals a
// fresh translation.
func TestConcurrentUpcallsStayFresh(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	r := newRig(t, 3, FailStandalone)
	gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=output:2,bucket=output:3", ofp.GroupAdd)
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	groups := []string{
		"group_id=1,type=all,bucket=output:2,bucket=output:3",
		"group_id=1,type=indirect,bucket=output:NORMAL",
		"group_id=1,type=select,bucket=output:1,bucket=output:2,bucket=output:3",
	}
	type pkt struct {
		key   datapath.FlowKey
		frame []byte
	}
	var pkts []pkt
	for s := byte(1); s <= 3; s++ {
		for d := byte(1); d <= 3; d++ {
			for sport := uint16(1); sport <= 30; sport++ {
				f := udp(t, mac(s), mac(d), ip4(s), ip4(d), sport, uint16(d))
				r.sw.mu.Lock()
				k := extractKey(r.sw, uint32(s), f)
				r.sw.unlock()
				pkts = append(pkts, pkt{k, f})
			}
		}
	}

	var stop atomic.Bool
	var handled atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hr := rand.New(rand.NewPCG(uint64(g), 99))
			for !stop.Load() {
				p := pkts[hr.IntN(len(pkts))]
				u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: p.key.InPort, Key: p.key, Frame: p.frame}
				if err := r.sw.HandleUpcall(&u); err != nil {
					errs <- err
					return
				}
				handled.Add(1)
			}
		}()
	}
	// Each change waits until the handlers have done a few more upcalls,
	// so changes and upcalls really interleave however the goroutines are
	// scheduled on a loaded machine.
	deadline := time.Now().Add(time.Minute)
	for step := range 300 {
		for want := int64(step+1) * 4; handled.Load() < want && len(errs) == 0; runtime.Gosched() {
			if time.Now().After(deadline) {
				t.Fatalf("step %d: the handlers did %d upcalls in a minute (want %d): stuck?", step, handled.Load(), want)
			}
		}
		var what string
		switch op := rng.IntN(12); {
		case op < 5:
			what = randomFlowText(rng)
			fs, err := ofp.ParseFlow(what, ofp.FlowAdd)
			if err != nil {
				continue
			}
			if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case op < 7:
			what = fmt.Sprintf("delete table=%d", rng.IntN(3))
			fs, _ := ofp.ParseFlow(what[len("delete "):], ofp.FlowDelete)
			r.sw.FlowMod(&fs.FlowMod)
		case op < 8:
			what = "group " + groups[rng.IntN(len(groups))]
			gm, _ := ofp.ParseGroup(what[len("group "):], ofp.GroupModify)
			if err := r.sw.GroupMod(gm); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case op < 9:
			no, up := uint32(1+rng.IntN(3)), rng.IntN(2) == 0
			what = fmt.Sprintf("link %d up=%v", no, up)
			r.sw.SetPortLink(no, up)
		case op < 10:
			what = "flush macs"
			r.sw.FlushMACs()
		default:
			what = "revalidate"
			if _, err := r.sw.Revalidate(); err != nil {
				t.Fatal(err)
			}
		}
		r.checkFreshLocked(step, what)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("upcall: %v", err)
	}
	r.checkFreshLocked(-1, "end")
	r.checkFresh(-1, "end")
	cs := r.sw.CacheStats()
	if handled.Load() < 1000 || cs.Installs < 100 || cs.Revalidations == 0 {
		t.Fatalf("the run exercised too little: %d upcalls, %+v", handled.Load(), cs)
	}
	t.Logf("%d upcalls, %+v", handled.Load(), cs)
}
