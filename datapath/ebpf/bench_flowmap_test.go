package ebpf

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// The flow cache's maps with a cache the size the flow-setup scenario
// leaves behind (100,000 entries): what a revalidation pass and a batch of
// new flows cost.

const benchCacheSize = 100000

// benchKeys returns n distinct UDP keys on inPort.
func benchKeys(b testing.TB, n int) []datapath.FlowKey {
	k0 := packet.Extract(benchFrames(b, 1)[0], inPort)
	keys := make([]datapath.FlowKey, n)
	for i := range keys {
		k := k0
		k.TPSrc, k.TPDst = uint16(1024+i%60000), uint16(9+i/60000)
		keys[i] = k
	}
	return keys
}

func newBenchDatapath(b *testing.B, maxFlows uint32) *Datapath {
	return newBenchDatapathCfg(b, Config{MaxFlows: maxFlows})
}

func newBenchDatapathCfg(b *testing.B, cfg Config) *Datapath {
	b.Helper()
	cfg.Name, cfg.PinDir = "xbp-bench", testPinDir(b)
	d, err := New(cfg)
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	b.Cleanup(func() { d.Close() })
	fakePorts(b, d)
	return d
}

// fillCache installs keys, one output each.
func fillCache(b *testing.B, d *Datapath, keys []datapath.FlowKey) {
	acts := []datapath.Action{datapath.Output{Port: outPort}}
	for _, k := range keys {
		if err := d.Put(k, acts, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutBatch: PutBatch of new entries, 256 a batch; ns/op is per
// entry. BenchmarkPutBatchPrealloc: the same into a preallocated cache
// (Config.PreallocFlows).
func BenchmarkPutBatch(b *testing.B) { benchPutBatch(b, false) }

func BenchmarkPutBatchPrealloc(b *testing.B) { benchPutBatch(b, true) }

func benchPutBatch(b *testing.B, prealloc bool) {
	d := newBenchDatapathCfg(b, Config{MaxFlows: 200000, PreallocFlows: prealloc})
	keys := benchKeys(b, 100000)
	acts := []datapath.Action{datapath.Output{Port: outPort}}
	const batch = 256
	puts := make([]datapath.FlowPut, 0, batch)
	b.ResetTimer()
	done := 0
	for done < b.N {
		lo := done % len(keys)
		if lo == 0 && done > 0 {
			b.StopTimer()
			d.Flush()
			b.StartTimer()
		}
		n := min(batch, b.N-done, len(keys)-lo)
		puts = puts[:0]
		for _, k := range keys[lo : lo+n] {
			puts = append(puts, datapath.FlowPut{Key: k, Actions: acts})
		}
		for i, err := range d.PutBatch(puts) {
			if err != nil {
				b.Fatalf("entry %d: %v", i, err)
			}
		}
		done += n
	}
}

// BenchmarkDump100k: Dump of a 100,000-entry cache; one op is the whole
// dump.
func BenchmarkDump100k(b *testing.B) {
	d := newBenchDatapath(b, 200000)
	fillCache(b, d, benchKeys(b, benchCacheSize))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := d.Dump(0, func(fs []datapath.Flow) error { n += len(fs); return nil }); err != nil {
			b.Fatal(err)
		}
		if n != benchCacheSize {
			b.Fatalf("dumped %d entries", n)
		}
	}
}

// BenchmarkDumpStats100k: DumpStats of a 100,000-entry cache.
func BenchmarkDumpStats100k(b *testing.B) {
	d := newBenchDatapath(b, 200000)
	fillCache(b, d, benchKeys(b, benchCacheSize))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := d.DumpStats(0, func(ks []datapath.FlowKey, _ []datapath.FlowStats) error { n += len(ks); return nil }); err != nil {
			b.Fatal(err)
		}
		if n != benchCacheSize {
			b.Fatalf("dumped %d entries", n)
		}
	}
}

// BenchmarkHitXDP: the XDP program on a frame of a cached entry, run by
// the kernel (BPF_PROG_RUN with repeat): the per-packet cost of the
// lookup, the counters and one output, without a device.
func BenchmarkHitXDP(b *testing.B) {
	d := newBenchDatapath(b, 1024)
	frame := benchFrames(b, 1)[0]
	if err := d.Put(packet.Extract(frame, inPort), []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	ret, per, err := d.objs.xdp.XvsXdpIngress.Benchmark(frame, b.N, nil)
	if err != nil || ret != 4 {
		b.Fatalf("verdict %d, %v", ret, err)
	}
	b.StopTimer()
	b.ReportMetric(float64(per.Nanoseconds()), "ns/packet")
}

// BenchmarkDeleteBatch: DeleteBatch of cached entries, 256 a batch (what
// a revalidation pass does with idle entries); ns/op is per entry.
func BenchmarkDeleteBatch(b *testing.B) {
	d := newBenchDatapath(b, 200000)
	keys := benchKeys(b, 100000)
	const batch = 256
	b.ResetTimer()
	for done := 0; done < b.N; {
		lo := done % len(keys)
		if lo == 0 {
			b.StopTimer()
			fillCache(b, d, keys)
			b.StartTimer()
		}
		n := min(batch, b.N-done, len(keys)-lo)
		_, errs := d.DeleteBatch(keys[lo : lo+n])
		for i, err := range errs {
			if err != nil {
				b.Fatalf("entry %d: %v", lo+i, err)
			}
		}
		done += n
	}
}
