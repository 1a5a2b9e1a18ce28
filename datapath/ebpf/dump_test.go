package ebpf

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// TestDumpMany: a dump over many batches (of the kernel's and of the
// caller's size) sees every entry once, with its actions and counters.
func TestDumpMany(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	frames := benchFrames(t, 1000)
	want := map[datapath.FlowKey]uint32{}
	for i, f := range frames {
		k := packet.Extract(f, inPort)
		port := uint32(outPort)
		if i%2 == 1 {
			port = inPort
		}
		if err := d.Put(k, []datapath.Action{datapath.Output{Port: port}}, 0); err != nil {
			t.Fatal(err)
		}
		want[k] = port
	}
	seen := map[datapath.FlowKey]bool{}
	calls := 0
	err := d.Dump(77, func(fs []datapath.Flow) error {
		calls++
		if len(fs) > 77 {
			t.Errorf("batch of %d flows, asked for 77", len(fs))
		}
		for _, f := range fs {
			if seen[f.Key] {
				t.Errorf("flow %v seen twice", f.Key)
			}
			seen[f.Key] = true
			p, ok := want[f.Key]
			if !ok {
				t.Errorf("unexpected flow %v", f.Key)
				continue
			}
			if len(f.Actions) != 1 || f.Actions[0] != (datapath.Output{Port: p}) {
				t.Errorf("flow %v actions %v, want output:%d", f.Key, f.Actions, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want) || calls < len(want)/77 {
		t.Errorf("dump saw %d of %d flows in %d calls", len(seen), len(want), calls)
	}
}

// BenchmarkDump1000: one dump of 1,000 entries.
func BenchmarkDump1000(b *testing.B) {
	d := newTestDatapath(b)
	fakePorts(b, d)
	for _, f := range benchFrames(b, 1000) {
		if err := d.Put(packet.Extract(f, inPort), []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := d.Dump(0, func(fs []datapath.Flow) error { n += len(fs); return nil }); err != nil || n != 1000 {
			b.Fatalf("dump: %d flows, %v", n, err)
		}
	}
}
