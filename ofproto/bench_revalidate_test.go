package ofproto

import (
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
)

// BenchmarkRevalidate100kIdle: one periodic pass over 100,000 cache
// entries that carried no traffic since the last pass and are not yet
// idle for IdleTimeout (the steady state of a large idle cache: nothing
// to credit, nothing to delete). The clock stands still, so no entry
// expires while the benchmark runs.
func BenchmarkRevalidate100kIdle(b *testing.B) {
	const n = 100000
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 20, Now: clk.now, TxQueue: 1})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1, Now: clk.now, FlowLimit: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, name := range []string{"p1", "p2", "p3"} {
		if _, err := sw.AddPort(PortSpec{Name: name}); err != nil {
			b.Fatal(err)
		}
	}
	benchAdd(b, sw, "priority=10,udp,actions=output:2")
	frame := dptest.UDP4(b, 1, 2)
	base := extractKey(sw, 1, frame)
	for i := range n {
		key := base
		key.TPSrc, key.IPv4Src[2], key.IPv4Src[1] = uint16(i), byte(i>>16), byte(i>>24)
		u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: key.InPort, Key: key, Frame: frame}
		if err := sw.HandleUpcall(&u); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := sw.Revalidate(); err != nil { // the first pass credits nothing either, but warms the buffers
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		st, err := sw.Revalidate()
		if err != nil {
			b.Fatal(err)
		}
		if st.Flows != n || st.Deleted != 0 {
			b.Fatalf("pass %+v, want %d entries kept", st, n)
		}
	}
}
