package ofproto

import (
	"fmt"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// stormSwitch is a Switch on the dummy datapath whose cache holds n
// entries (new UDP flows from port 1 forwarded by one rule), as vswitchd's
// after the bench's packet-rate scenarios.
func stormSwitch(b *testing.B, n int) *Switch {
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 20, TxQueue: 1})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1, FlowLimit: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, p := range []string{"p1", "p2"} {
		if _, err := sw.AddPort(PortSpec{Name: p}); err != nil {
			b.Fatal(err)
		}
	}
	benchAdd(b, sw, "priority=10,udp,in_port=1,actions=output:2")
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
	if cs := sw.CacheStats(); cs.Flows != n {
		b.Fatalf("cache holds %d entries, want %d", cs.Flows, n)
	}
	return sw
}

// stormFlows are n flow-mods as tests/bench's control-plane scenario loads.
func stormFlows(b *testing.B, n int) []*ofp.FlowMod {
	fms := make([]*ofp.FlowMod, n)
	for i := range fms {
		text := fmt.Sprintf("priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d",
			1+i%60000, i>>16&0xff, i>>8&0xff, i&0xff, 1+i%1000, 1+i%4000, 1+i%2)
		fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
		if err != nil {
			b.Fatal(err)
		}
		fms[i] = &fs.FlowMod
	}
	return fms
}

// BenchmarkFlowModStorm: flow-mod adds into a Switch whose cache holds
// 100,000 entries, one by one (each revalidates what it may affect) and
// in batches of 10,000 as connmgr sends them (one revalidation pass per
// batch). Per flow-mod; 100,000 of them take 100,000 times as long. Run
// with -benchtime 100000x for the batched case.
func BenchmarkFlowModStorm(b *testing.B) {
	const entries = 100000
	b.Run("sequential", func(b *testing.B) {
		sw := stormSwitch(b, entries)
		fms := stormFlows(b, b.N)
		b.ResetTimer()
		for _, fm := range fms {
			if err := sw.FlowMod(fm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batched", func(b *testing.B) {
		sw := stormSwitch(b, entries)
		fms := stormFlows(b, b.N)
		b.ResetTimer()
		batch := sw.BeginFlowMods()
		for _, fm := range fms {
			if err := batch.FlowMod(fm); err != nil {
				b.Fatal(err)
			}
			if batch.Len() == 10000 {
				batch.End()
				batch = sw.BeginFlowMods()
			}
		}
		batch.End()
	})
}
