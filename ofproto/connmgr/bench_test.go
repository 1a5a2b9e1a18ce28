package connmgr

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// flowLines writes n distinct flows, one per line, as ovs-ofctl
// add-flows reads them.
func flowLines(t testing.TB, n int) string {
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "priority=%d,ip,nw_src=10.%d.%d.%d,nw_dst=192.168.0.1,actions=output:2\n",
			100+i%1000, i>>16&0xff, i>>8&0xff, i&0xff)
	}
	path := filepath.Join(t.TempDir(), "flows.txt")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAddFlows100k: `xvs ofctl add-flows` of 100,000 flows into connmgr and
// the Switch, then dump-flows. The target is at most half the
// time ovs-ofctl add-flows takes against ovs-vswitchd (about 5.8 s on the
// reference machine), so under 2.9 s; the test fails only far above that
// (a loaded machine is slower) and logs the time.
func TestAddFlows100k(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 100_000
	h := newHarness(t)
	t.Setenv("XVS_RUNDIR", h.dir)
	path := flowLines(t, n)
	start, cpu := time.Now(), cpuTime()
	if out, err := xvsTool.run("-O", "OpenFlow13", "add-flows", "xc0", path); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	add, addCPU := time.Since(start), cpuTime()-cpu
	start, cpu = time.Now(), cpuTime()
	out, err := xvsTool.run("-O", "OpenFlow13", "dump-flows", "xc0")
	if err != nil {
		t.Fatal(err)
	}
	dump, dumpCPU := time.Since(start), cpuTime()-cpu
	if got := strings.Count(out, "actions=output:2"); got != n {
		t.Fatalf("dump-flows shows %d flows, want %d", got, n)
	}
	// CPU time is the process's (client and switch together): on a shared
	// machine it says more than the wall clock.
	t.Logf("add-flows %d: %v (%.0f flows/s), CPU %v; dump-flows: %v, CPU %v", n, add, n/add.Seconds(), addCPU, dump, dumpCPU)
	if add > 15*time.Second && !raceEnabled {
		t.Fatalf("add-flows took %v, the target is 2.9 s", add)
	}
}

// BenchmarkFlowMods: flow-mods through a session (pipelined, one barrier
// at the end), in messages per second.
func BenchmarkFlowMods(b *testing.B) {
	h := newHarness(b)
	p := h.mgmt(ofp.Version13)
	msgs := make([][]byte, b.N)
	for i := range b.N {
		fm := &ofp.FlowMod{Command: ofp.FlowAdd, Priority: uint16(i), BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
			Match:        ofp.NewMatch(ofp.OXMEthType(0x0800), ofp.OXMIPv4Src(net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), nil)),
			Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: 2, MaxLen: 0}}}}}
		msgs[i] = mustMarshal(b, ofp.Version13, uint32(i+1), fm)
	}
	const barrierXid = 0xfff00000
	barrier := mustMarshal(b, ofp.Version13, barrierXid, &ofp.BarrierRequest{})
	b.ResetTimer()
	go func() {
		// One writer, so that the barrier follows every flow-mod.
		for _, m := range msgs {
			p.conn.Write(m)
		}
		p.conn.Write(barrier)
	}()
	for {
		h, m := p.recv()
		if _, ok := m.(*ofp.Error); ok {
			b.Fatalf("error %v", m)
		}
		if _, ok := m.(*ofp.BarrierReply); ok && h.Xid == barrierXid {
			break
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDumpFlows: the server side of a 10,000-flow dump (the Switch's
// flow stats, splitting, encoding, sending), read as raw bytes;
// XVS_BENCH_DUMP_FLOWS sets another flow count.
func BenchmarkDumpFlows(b *testing.B) {
	h := newHarness(b)
	p := h.mgmt(ofp.Version13)
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("XVS_BENCH_DUMP_FLOWS")); err == nil && v > 0 {
		n = v // 100000: tests/bench's control-plane dump
	}
	for i := range n {
		p.send(flowAdd(uint16(i%1000+1), net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), 2))
	}
	if errs := p.barrier(); len(errs) > 0 {
		b.Fatal(errs[0])
	}
	req := mustMarshal(b, ofp.Version13, 7, &ofp.MultipartRequest{Body: &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}})
	b.ResetTimer()
	for range b.N {
		p.write(req)
		for {
			raw, err := p.recvRaw()
			if err != nil {
				b.Fatal(err)
			}
			if raw[1] == 19 && raw[11]&1 == 0 {
				break // the last part
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "flows/s")
}

// BenchmarkPacketIn: one packet-in event (a 1500-byte frame) fanned out to
// a connected 1.3 controller that reads and discards: the work the Switch's
// goroutine does per event (filter, encode, queue).
func BenchmarkPacketIn(b *testing.B) {
	h := newHarness(b)
	h.m.maxAsync = 1 << 20 // measure the work, not drops
	l := listenController(b)
	if err := h.m.SetControllers([]Controller{{Target: l.target}}); err != nil {
		b.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := p.conn.Read(buf); err != nil {
				return
			}
		}
	}()
	ev := pinEvent(ofp.PacketInAction, frame(1500), 0xffff, false)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h.m.PacketIn(ev)
	}
	b.StopTimer()
	c := h.m.Status()[0].Counters
	b.ReportMetric(float64(c.QueueDropped), "dropped")
}
