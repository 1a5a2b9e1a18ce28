package normal

import (
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse hammers one table from several goroutines, as the
// upcall handlers and the revalidator do; run with -race.
func TestConcurrentUse(t *testing.T) {
	clk := newClock()
	n := New(NewMACTable(time.Second, 64, clk.Now))
	ps := bridgePorts()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				src := [6]byte{0x02, byte(g), 0, 0, byte(i >> 8), byte(i)}
				dst := [6]byte{0x02, byte(g + 1), 0, 0, byte(i >> 8), byte(i)}
				in := ps[i%len(ps)].Port
				d := n.Forward(in, key(src, dst, -1, 0), ps)
				for _, o := range d.Outputs {
					if o.Port == in {
						t.Errorf("output to the input port")
						return
					}
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 500; i++ {
			clk.Advance(10 * time.Millisecond)
			n.MACs().Expire()
			n.MACs().Entries()
			n.MACs().Stats()
			if i%100 == 0 {
				n.MACs().AddStatic(7, mac(byte(i/100)), 2)
				n.MACs().DeleteStatic(7, mac(byte(i/100-1)))
				n.MACs().FlushPort(1)
				n.MACs().SetLimits(time.Second, 32+i/10)
			}
		}
	}()
	wg.Wait()
	s := n.MACs().Stats()
	if s.Current > s.Max || s.Current != n.MACs().Len() || s.Current != len(n.MACs().Entries()) {
		t.Fatalf("inconsistent table: %+v len %d", s, n.MACs().Len())
	}
	checkInvariants(t, n.MACs())
	if s.Learned == 0 || s.Evicted == 0 {
		t.Fatalf("nothing learned or evicted: %+v", s)
	}
}
