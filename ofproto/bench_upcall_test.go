package ofproto

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
)

// BenchmarkHandleUpcallParallel: new flows (a distinct source port and
// address each) from GOMAXPROCS goroutines at once, through two tables,
// installed and executed on the dummy datapath: the flow-setup rate with
// several upcall handlers.
func BenchmarkHandleUpcallParallel(b *testing.B) {
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 22, TxQueue: 1})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1, FlowLimit: 1 << 22})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, n := range []string{"p1", "p2", "p3"} {
		if _, err := sw.AddPort(PortSpec{Name: n}); err != nil {
			b.Fatal(err)
		}
	}
	benchAdd(b, sw, "table=0,priority=10,ip,actions=goto_table:1")
	benchAdd(b, sw, "table=1,priority=10,udp,actions=output:2")
	for i := range 200 {
		benchAdd(b, sw, "table=1,priority=20,tcp,tp_dst="+itoa(int64(i))+",actions=output:3")
	}
	frame := dptest.UDP4(b, 1, 2)
	base := extractKey(sw, 1, frame)
	var next atomic.Uint64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			key := base
			key.TPSrc, key.IPv4Src[2], key.IPv4Src[1] = uint16(i), byte(i>>16), byte(i>>24)
			u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: key.InPort, Key: key, Frame: frame}
			if err := sw.HandleUpcall(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkServeUpcalls: the upcall handlers' throughput (new flows per
// second) on the dummy datapath: rounds of up to 32,768 misses, each a
// new flow, are queued first; then ServeUpcalls with two handlers (as
// vswitchd runs) translates, installs and executes them, timed until the
// last is counted. The same two-table pipeline as
// BenchmarkHandleUpcallParallel.
func BenchmarkServeUpcalls(b *testing.B) {
	const round = 32768
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 22, TxQueue: 1, UpcallQueue: round})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1, FlowLimit: 1 << 22})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, n := range []string{"p1", "p2", "p3"} {
		if _, err := sw.AddPort(PortSpec{Name: n}); err != nil {
			b.Fatal(err)
		}
	}
	benchAdd(b, sw, "table=0,priority=10,ip,actions=goto_table:1")
	benchAdd(b, sw, "table=1,priority=10,udp,actions=output:2")
	for i := range 200 {
		benchAdd(b, sw, "table=1,priority=20,tcp,tp_dst="+itoa(int64(i))+",actions=output:3")
	}
	frame := dptest.UDP4(b, 1, 2)
	in := sw.ports[1].dpPort
	next := 0
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(b.N-done, round)
		b.StopTimer()
		before := sw.CacheStats().Upcalls
		for range n {
			// A new source address and port each: bytes 26-29 and 34-35
			// of an untagged IPv4/UDP frame.
			next++
			frame[27], frame[28], frame[29] = byte(next>>16), byte(next>>8), byte(next)
			frame[34], frame[35] = byte(next>>8), byte(next)
			if err := dp.Inject(in, frame); err != nil {
				b.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan struct{})
		b.StartTimer()
		go func() { sw.ServeUpcalls(ctx, 2); close(served) }()
		for sw.CacheStats().Upcalls < before+uint64(n) {
			time.Sleep(100 * time.Microsecond)
		}
		b.StopTimer()
		cancel()
		<-served
		done += n
		b.StartTimer()
	}
	b.StopTimer()
	if st, _ := dp.Stats(); st.Lost != 0 {
		b.Fatalf("%d upcalls lost", st.Lost)
	}
	if cs := sw.CacheStats(); cs.Installs != uint64(b.N) {
		b.Fatalf("%d entries installed, want %d", cs.Installs, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "upcalls/s")
}
