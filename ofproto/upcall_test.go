package ofproto

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

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
