package ofproto

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func benchSwitch(b *testing.B) *Switch {
	b.Helper()
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 20})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, n := range []string{"p1", "p2", "p3"} {
		if _, err := sw.AddPort(PortSpec{Name: n}); err != nil {
			b.Fatal(err)
		}
	}
	return sw
}

func benchAdd(b *testing.B, sw *Switch, text string) {
	fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.FlowMod(&fs.FlowMod); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTranslate3TablesGroup: a packet through table 0 (ACL-like),
// table 1 (metadata + set-field), table 2 (to a select group), with a few
// hundred other flows around.
func BenchmarkTranslate3TablesGroup(b *testing.B) {
	sw := benchSwitch(b)
	gm, _ := ofp.ParseGroup("group_id=1,type=select,bucket=output:2,bucket=output:3", ofp.GroupAdd)
	if err := sw.GroupMod(gm); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		benchAdd(b, sw, "table=0,priority=5,tcp,tp_dst="+itoa(int64(1000+i))+",actions=drop")
		benchAdd(b, sw, "table=1,priority=5,ip,nw_src=192.168."+itoa(int64(i))+".0/24,actions=drop")
	}
	benchAdd(b, sw, "table=0,priority=1,ip,actions=goto_table:1")
	benchAdd(b, sw, "table=1,priority=1,ip,actions=set_field:10.0.0.9->ip_dst,write_metadata:0x1,goto_table:2")
	benchAdd(b, sw, "table=2,priority=1,metadata=0x1,actions=group:1")
	key := extractKey(sw, 1, dptest.UDP4(b, 1, 2))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key.TPSrc = uint16(i)
		sw.mu.Lock()
		res := sw.translate(key, false, nil)
		sw.mu.Unlock()
		if len(res.actions) != 2 {
			b.Fatalf("actions %v", res.actions)
		}
	}
}

// BenchmarkRuleMemory reports the heap per flow installed by FlowMod (the
// rule, its classifier entry and the match and instructions it keeps).
func BenchmarkRuleMemory(b *testing.B) {
	const n = 100000
	for i := 0; i < b.N; i++ {
		sw := benchSwitch(b)
		// The heap before the messages are built and after they are
		// dropped: what the rules keep of them counts, once.
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var mods []*ofp.FlowMod
		for j := 0; j < n; j++ {
			ip := binary.BigEndian.AppendUint32(nil, 0x0a000000+uint32(j))
			mods = append(mods, &ofp.FlowMod{Command: ofp.FlowAdd, Priority: 10, BufferID: ofp.NoBuffer,
				Match:        ofp.NewMatch(ofp.OXMEthType(0x0800), ofp.OXM{Class: ofp.OXMClassOpenFlowBasic, Field: ofp.OXMIPv4DstField, Value: ip}),
				Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: 2}}}}})
		}
		start := time.Now()
		for _, fm := range mods {
			if err := sw.FlowMod(fm); err != nil {
				b.Fatal(err)
			}
		}
		el := time.Since(start)
		mods = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/n, "bytes/rule")
		b.ReportMetric(float64(el.Nanoseconds())/n, "ns/flowmod")
		runtime.KeepAlive(sw)
	}
}

// BenchmarkHandleUpcall: a miss through NORMAL with learning, installed
// and executed on the dummy datapath; a new flow (source port) each time.
func BenchmarkHandleUpcall(b *testing.B) {
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 22, TxQueue: 1})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailStandalone, RevalidateInterval: -1, FlowLimit: 1 << 22})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, n := range []string{"p1", "p2", "p3"} {
		if _, err := sw.AddPort(PortSpec{Name: n}); err != nil {
			b.Fatal(err)
		}
	}
	frame := dptest.UDP4(b, 1, 2)
	key := extractKey(sw, 1, frame)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key.TPSrc, key.IPv4Src[2] = uint16(i), byte(i>>16)
		u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: key.InPort, Key: key, Frame: frame}
		if err := sw.HandleUpcall(&u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheEntryMemory reports the heap per cache entry ofproto keeps
// (the bookkeeping only: the dummy datapath's own entries are counted too,
// as in a real process the eBPF maps are not).
func BenchmarkCacheEntryMemory(b *testing.B) {
	const n = 50000
	for i := 0; i < b.N; i++ {
		dp := dummy.New(dummy.Config{MaxFlows: 1 << 20, TxQueue: 1})
		sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range []string{"p1", "p2", "p3"} {
			sw.AddPort(PortSpec{Name: p})
		}
		benchAdd(b, sw, "table=0,ip,actions=goto_table:1")
		benchAdd(b, sw, "table=1,ip,actions=output:2")
		frame := dptest.UDP4(b, 1, 2)
		key := extractKey(sw, 1, frame)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for j := 0; j < n; j++ {
			key.TPSrc, key.IPv4Src[2] = uint16(j), byte(j>>16)
			u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: key.InPort, Key: key, Frame: frame}
			if err := sw.HandleUpcall(&u); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/n, "bytes/entry")
		sw.Close()
		dp.Close()
	}
}
