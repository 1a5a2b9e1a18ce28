package ofproto

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// maxBytesPerRule bounds what a flow costs the Go heap in TestRuleMemory:
// about 1.5 times the figure measured when it was written (see the test).
const maxBytesPerRule = 1150

// ruleMemory loads n flows like tests/bench's control-plane flows (a /32
// destination and a TCP port each; a VLAN and an output of 8,000 distinct
// action lists), each decoded from its wire form as connmgr decodes it,
// and returns the heap the switch keeps per flow (flow-mods included,
// since rules keep their match and instructions).
func ruleMemory(tb testing.TB, n int) float64 {
	dp := dummy.New(dummy.Config{MaxFlows: 1 << 10})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1})
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { sw.Close(); dp.Close() }()
	for _, p := range []string{"p1", "p2"} {
		if _, err := sw.AddPort(PortSpec{Name: p}); err != nil {
			tb.Fatal(err)
		}
	}
	wire := make([][]byte, n)
	for i := range wire {
		text := fmt.Sprintf("priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d",
			i%1000+100, (i/65536)%256, (i/256)%256, i%256, i%60000+1, i%4000+1, i%2+1)
		fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
		if err != nil {
			tb.Fatal(err)
		}
		if wire[i], err = ofp.Marshal(ofp.Version13, uint32(i), &fs.FlowMod); err != nil {
			tb.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, b := range wire {
		_, m, err := ofp.Unmarshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		if err := sw.FlowMod(m.(*ofp.FlowMod)); err != nil {
			tb.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if got := sw.FlowCount(); got != n {
		tb.Fatalf("%d flows in the tables, want %d", got, n)
	}
	runtime.KeepAlive(wire)
	runtime.KeepAlive(sw)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// TestRuleMemory fails if what a flow costs regresses: 10,000 flows must
// keep the heap under maxBytesPerRule each (measured 333 bytes when the
// classifier stored whole keys per node and instruction lists were not
// shared it was ~1,000).
func TestRuleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	got := ruleMemory(t, 10000)
	t.Logf("%.0f bytes per flow", got)
	if got > maxBytesPerRule {
		t.Errorf("10,000 flows cost %.0f bytes each on the heap, more than the bound %d", got, maxBytesPerRule)
	}
}

// BenchmarkRuleMemoryWire reports ruleMemory for 100,000 flows.
func BenchmarkRuleMemoryWire(b *testing.B) {
	for range b.N {
		b.ReportMetric(ruleMemory(b, 100000), "bytes/rule")
	}
}
