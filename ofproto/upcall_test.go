package ofproto

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestServeUpcallsConcurrent runs handlers, traffic and flow-mods at once
// (run it with -race); when all is quiet no entry may be stale.
func TestServeUpcallsConcurrent(t *testing.T) {
	r := newRig(t, 3, FailStandalone)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { r.sw.ServeUpcalls(ctx, 4); close(served) }()
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				f := udp(t, mac(byte(1+g)), mac(byte(1+(i%3))), ip4(byte(g)), ip4(byte(i%7)), uint16(i%5), 80)
				if err := r.dp.Inject(r.sw.ports[uint32(1+g)].dpPort, f); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 50 {
			fs, _ := ofp.ParseFlow(fmt.Sprintf("priority=%d,udp,nw_dst=10.0.0.%d,actions=output:%d", 10+i%3, i%7, 1+i%3), ofp.FlowAdd)
			if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
				t.Error(err)
			}
			r.sw.Revalidate()
		}
	}()
	wg.Wait()
	// Wait until every miss has been handled: the handlers' upcall count
	// reaches the datapath's count of misses queued (missed, not lost).
	// There is no event for "the handlers are idle"; the counters are
	// polled.
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := r.dp.Stats()
		if cs := r.sw.CacheStats(); cs.Upcalls == st.Missed-st.Lost {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("upcalls not drained: %+v %+v", st, r.sw.CacheStats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-served
	r.checkFresh(0, "after concurrent run")
}

func TestPacketInCookiesAreCollected(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	rec := r.listen()
	r.add("udp,actions=controller")
	f := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	r.send(1, f)
	r.sw.mu.Lock()
	for i := range 3000 {
		r.sw.pinCookie(pinInfo{inPort: uint32(1000 + i)})
	}
	r.sw.unlock()
	r.revalidate()
	r.sw.mu.Lock()
	n := len(r.sw.pins.byCookie)
	r.sw.unlock()
	if n != 1 {
		t.Fatalf("%d packet-in cookies kept, want the 1 the cache uses", n)
	}
	rec.take()
	r.send(1, f) // the cached entry's cookie still works
	if pins, _ := rec.take(); len(pins) != 1 {
		t.Fatalf("%d packet-ins after collection", len(pins))
	}
}

// TestRestartAdoptsCache: a new Switch over a datapath that kept its
// ports and cache (a vswitchd restart) adopts both: ports by name, cache
// entries by translating their keys on the first revalidation.
func TestRestartAdoptsCache(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("udp,actions=output:2")
	f := dptest.UDP4(t, 1, 2)
	r.send(1, f)
	r.send(1, f)
	r.counts(2)
	old := r.sw
	r.restart(2)
	for no, p := range r.sw.ports {
		if p.dpPort != old.ports[no].dpPort {
			t.Fatalf("port %d adopted as datapath port %d", no, p.dpPort)
		}
	}
	// Until the new process revalidates, the old entry keeps forwarding.
	r.send(1, f)
	if got := r.counts(2); got[1] != 1 {
		t.Fatalf("pinned entry stopped forwarding: %v", got)
	}
	// The new tables say drop; the first pass adopts and rewrites it, its
	// old counters not credited to the new flows.
	r.add("udp,actions=drop")
	st := r.revalidate()
	if st.Modified != 1 || st.Flows != 1 {
		t.Fatalf("revalidate after restart %+v", st)
	}
	r.send(1, f)
	if got := r.counts(2); got[1] != 0 {
		t.Fatalf("adopted entry still forwards: %v", got)
	}
	if fs := r.flowStats(""); fs[0].PacketCount != 1 {
		t.Fatalf("new flow counted %d packets, want 1", fs[0].PacketCount)
	}
	r.checkFresh(0, "after adoption")
}

// failPutDatapath refuses the puts of one key and counts PutBatch calls.
type failPutDatapath struct {
	*dummy.Datapath
	fail               datapath.FlowKey
	batches, batchPuts int
}

func (d *failPutDatapath) PutBatch(puts []datapath.FlowPut) []error {
	d.batches++
	d.batchPuts += len(puts)
	errs := make([]error, len(puts))
	for i, p := range puts {
		if p.Key == d.fail {
			errs[i] = errors.New("injected put failure")
			continue
		}
		errs[i] = d.Datapath.Put(p.Key, p.Actions, p.Flags)
	}
	return errs
}

// TestUpcallBatchOneFailingPut: four misses handled as one batch go to
// the datapath in one PutBatch; the put of one fails. The other three are
// installed, all four packets are executed and counted (upcalls, the
// flow's packets), and the failed one counts as not installed.
func TestUpcallBatchOneFailingPut(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("priority=5,udp,actions=output:2")
	var frames [][]byte
	for i := range 4 {
		frames = append(frames, udp(t, mac(1), mac(2), ip4(1), ip4(2), uint16(100+i), 2))
	}
	fd := &failPutDatapath{Datapath: r.dp, fail: extractKey(r.sw, 1, frames[2])}
	r.sw.dp = fd
	for _, f := range frames {
		if err := r.dp.Inject(r.sw.ports[1].dpPort, f); err != nil {
			t.Fatal(err)
		}
	}
	var us []datapath.Upcall
	for range frames {
		us = append(us, <-r.dp.Upcalls())
	}
	if err := r.sw.HandleUpcalls(us); err != nil {
		t.Fatal(err)
	}
	if fd.batches != 1 || fd.batchPuts != 4 {
		t.Fatalf("%d PutBatch calls with %d puts, want 1 with 4", fd.batches, fd.batchPuts)
	}
	if got := len(r.recv(2)); got != 4 {
		t.Fatalf("%d packets out of port 2, want 4", got)
	}
	cs := r.sw.CacheStats()
	if cs.Upcalls != 4 || cs.Installs != 3 || cs.Flows != 3 || cs.Full != 1 || cs.Batches != 1 {
		t.Fatalf("cache %+v, want 4 upcalls in 1 batch, 3 installs and entries, 1 not installed", cs)
	}
	if ds, _ := r.dp.Stats(); ds.Flows != 3 {
		t.Fatalf("datapath holds %d entries, want 3", ds.Flows)
	}
	if _, err := r.dp.Get(fd.fail); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Fatalf("failed put's key in the datapath: %v", err)
	}
	if fs := r.flowStats(""); len(fs) != 1 || fs[0].PacketCount != 4 {
		t.Fatalf("flow stats %+v, want 4 packets", fs)
	}
	// The installed entries forward in the datapath; the failed key
	// comes up again and is executed again.
	for _, f := range frames {
		r.send(1, f)
	}
	if got := len(r.recv(2)); got != 4 {
		t.Fatalf("%d packets out of port 2 on the second round, want 4", got)
	}
	if cs := r.sw.CacheStats(); cs.Upcalls != 5 {
		t.Fatalf("%d upcalls after the second round, want 5", cs.Upcalls)
	}
	r.checkFresh(0, "after a failed put")
}
