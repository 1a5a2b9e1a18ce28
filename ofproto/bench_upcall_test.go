package ofproto

import (
	"sync/atomic"
	"testing"

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
