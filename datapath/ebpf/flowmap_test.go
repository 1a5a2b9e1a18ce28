package ebpf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// checkMirror fails unless the slot mirror and the flows map agree: every
// entry's slot is in use under its key, no two entries share a slot, and
// the allocator counts the entries.
func checkMirror(t *testing.T, d *Datapath) {
	t.Helper()
	ft := d.flows
	n := 0
	owner := map[uint32]datapath.FlowKey{}
	err := ft.walk(false, func(keys []bpfKey, vals []tcportFlowEntry) error {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		for i := range keys {
			n++
			k, s := keyFromBPF(keys[i]), vals[i].Slot
			if o, dup := owner[s]; dup {
				t.Errorf("slot %d named by %v and %v", s, o, k)
			}
			owner[s] = k
			if got, ok := ft.slots.lookup(k); !ok || got != s || !ft.slots.inUse(s) || ft.slots.keys[s] != k {
				t.Errorf("entry %v in slot %d: the mirror says %d (%v)", k, s, got, ok)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := ft.count(); c != uint64(n) {
		t.Errorf("allocator counts %d entries, the map holds %d", c, n)
	}
}

// hit runs frame through the TC program n times.
func hit(t *testing.T, d *Datapath, frame []byte, n int) {
	t.Helper()
	for range n {
		if v, _ := run(t, hooks[0].prog(d), frame); v != hooks[0].redirect {
			t.Fatalf("verdict %d, want a redirect", v)
		}
	}
}

// TestFlowSlots: slots are reused without their counters, a modify keeps
// the slot and the counters, PutResetStats zeroes them in place, and a
// full cache leaves the allocator as it was. A reset reads zero even if
// the CPU that owned the slot stores a count it loaded before the reset.
func TestFlowSlots(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	frames := benchFrames(t, 3)
	keys := make([]datapath.FlowKey, len(frames))
	for i, f := range frames {
		keys[i] = packet.Extract(f, inPort)
	}
	out := []datapath.Action{datapath.Output{Port: outPort}}
	if err := d.Put(keys[0], out, 0); err != nil {
		t.Fatal(err)
	}
	hit(t, d, frames[0], 3)
	s0, _ := d.flows.slots.lookup(keys[0])
	// Modify: same slot, same counters.
	if err := d.Put(keys[0], []datapath.Action{datapath.SetTPSrc{Port: 1}, datapath.Output{Port: outPort}}, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.flows.slots.lookup(keys[0]); s != s0 {
		t.Errorf("modify moved the entry from slot %d to %d", s0, s)
	}
	if f, err := d.Get(keys[0]); err != nil || f.Stats.Packets != 3 || len(f.Actions) != 2 {
		t.Errorf("after modify: %+v %v, want 3 packets and the new actions", f, err)
	}
	if err := d.Put(keys[0], out, datapath.PutModify|datapath.PutResetStats); err != nil {
		t.Fatal(err)
	}
	if f, _ := d.Get(keys[0]); f.Stats.Packets != 0 || !f.Stats.Used.IsZero() {
		t.Errorf("after reset: %+v", f.Stats)
	}
	if s, _ := d.flows.slots.lookup(keys[0]); s != s0 {
		t.Errorf("reset moved the entry from slot %d to %d", s0, s)
	}
	c, err := d.flows.cmem.slot(s0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != ownerNone {
		t.Errorf("after reset the slot's owner is %d, want none", c.Owner)
	}
	// The former owner's add under way at the reset: it stores what it
	// loaded before (3) plus one. That packet counts after the reset.
	atomic.StoreUint64(&c.Packets, 4)
	atomic.StoreUint64(&c.Bytes, 4*uint64(len(frames[0])))
	if f, _ := d.Get(keys[0]); f.Stats.Packets != 1 || f.Stats.Bytes != uint64(len(frames[0])) {
		t.Errorf("after the owner's late store: %+v, want 1 packet", f.Stats)
	}
	hit(t, d, frames[0], 1)
	st, err := d.Delete(keys[0])
	if err != nil || st.Packets != 2 {
		t.Errorf("delete: %+v %v, want 2 packets", st, err)
	}
	// The freed slot rests (a packet in flight may still count in it)...
	if err := d.Put(keys[1], out, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.flows.slots.lookup(keys[1]); s == s0 {
		t.Errorf("new entry got the slot %d freed just before", s)
	}
	// ... then goes to the next entry, with zeroed counters.
	later := time.Now().Add(slotGrace)
	d.flows.mu.Lock()
	d.flows.slots.now = func() time.Time { return later }
	d.flows.mu.Unlock()
	if err := d.Put(keys[2], out, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.flows.slots.lookup(keys[2]); s != s0 {
		t.Errorf("new entry got slot %d, want the rested %d", s, s0)
	}
	if f, _ := d.Get(keys[2]); f.Stats.Packets != 0 || f.Stats.Bytes != 0 {
		t.Errorf("reused slot carried counters: %+v", f.Stats)
	}
	checkMirror(t, d)
}

// TestFlowTableFull: puts beyond MaxFlows fail with ErrTooManyFlows and
// take no slot; the entries in place keep theirs.
func TestFlowTableFull(t *testing.T) {
	testenv.RequireRoot(t)
	d, err := New(Config{Name: "xbp-full", PinDir: testPinDir(t), MaxFlows: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fakePorts(t, d)
	keys := benchKeys(t, 12)
	out := []datapath.Action{datapath.Output{Port: outPort}}
	puts := make([]datapath.FlowPut, len(keys))
	for i := range keys {
		puts[i] = datapath.FlowPut{Key: keys[i], Actions: out}
	}
	errs := d.PutBatch(puts[:6])
	for i, err := range errs {
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	errs = d.PutBatch(puts[6:])
	for i, err := range errs {
		if (i < 2) != (err == nil) || err != nil && !errors.Is(err, datapath.ErrTooManyFlows) {
			t.Errorf("put %d of the second batch: %v", 6+i, err)
		}
	}
	if err := d.Put(keys[11], out, 0); !errors.Is(err, datapath.ErrTooManyFlows) {
		t.Errorf("put into a full cache: %v", err)
	}
	checkMirror(t, d)
	if st, _ := d.Stats(); st.Flows != 8 {
		t.Errorf("%d flows, want 8", st.Flows)
	}
	// Every installed entry still forwards and counts in its own slot.
	frames := benchFrames(t, 8)
	for i, f := range frames {
		hit(t, d, f, i+1)
	}
	for i := range frames {
		if f, err := d.Get(keys[i]); err != nil || f.Stats.Packets != uint64(i+1) {
			t.Errorf("entry %d: %+v %v, want %d packets", i, f.Stats, err, i+1)
		}
	}
}

// TestFlowAdoption: a restarted datapath (New on the pins) and a
// management handle (Open) adopt the cached entries with their slots and
// counters; new entries get other slots; a management handle's changes
// reach the running process's mirror.
func TestFlowAdoption(t *testing.T) {
	testenv.RequireRoot(t)
	dir := testPinDir(t)
	d, err := New(Config{Name: "xbp-adopt", PinDir: dir, MaxFlows: 64})
	if err != nil {
		t.Fatal(err)
	}
	fakePorts(t, d)
	frames := benchFrames(t, 6)
	keys := make([]datapath.FlowKey, len(frames))
	out := []datapath.Action{datapath.Output{Port: outPort}}
	slots := map[datapath.FlowKey]uint32{}
	for i, f := range frames[:4] {
		keys[i] = packet.Extract(f, inPort)
		if err := d.Put(keys[i], out, 0); err != nil {
			t.Fatal(err)
		}
		hit(t, d, f, i+1)
	}
	// A hole in the slots: the restarted process must not hand it twice.
	if _, err := d.Delete(keys[1]); err != nil {
		t.Fatal(err)
	}
	for _, k := range []datapath.FlowKey{keys[0], keys[2], keys[3]} {
		slots[k], _ = d.flows.slots.lookup(k)
	}
	d.Close()

	d, err = New(Config{Name: "xbp-adopt", PinDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	checkMirror(t, d)
	for k, s := range slots {
		if got, ok := d.flows.slots.lookup(k); !ok || got != s {
			t.Errorf("%v adopted in slot %d (%v), was %d", k, got, ok, s)
		}
	}
	for i, k := range []datapath.FlowKey{keys[0], keys[2], keys[3]} {
		want := []uint64{1, 3, 4}[i]
		if f, err := d.Get(k); err != nil || f.Stats.Packets != want {
			t.Errorf("adopted %v: %+v %v, want %d packets", k, f.Stats, err, want)
		}
	}
	keys[4] = packet.Extract(frames[4], inPort)
	if errs := d.PutBatch([]datapath.FlowPut{{Key: keys[4], Actions: out}, {Key: keys[0], Actions: out}}); errs[0] != nil || errs[1] != nil {
		t.Fatalf("PutBatch after adoption: %v", errs)
	}
	if f, _ := d.Get(keys[0]); f.Stats.Packets != 1 {
		t.Errorf("modify of an adopted entry lost its counters: %+v", f.Stats)
	}
	checkMirror(t, d)

	// A management handle adds and deletes entries behind the running
	// process: its next statistics pass sees them.
	m, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkMirror(t, m)
	keys[5] = packet.Extract(frames[5], inPort)
	if err := m.Put(keys[5], out, 0); err != nil {
		t.Fatal(err)
	}
	hit(t, d, frames[5], 2)
	if _, err := m.Delete(keys[2]); err != nil {
		t.Fatal(err)
	}
	m.Close()
	got := map[datapath.FlowKey]uint64{}
	if err := d.DumpStats(0, func(ks []datapath.FlowKey, st []datapath.FlowStats) error {
		for i := range ks {
			got[ks[i]] = st[i].Packets
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := got[keys[2]]; ok || got[keys[5]] != 2 || len(got) != 4 {
		t.Errorf("DumpStats after a management handle's changes: %v", got)
	}
	checkMirror(t, d)
	if st, _ := d.Stats(); st.Flows != 4 {
		t.Errorf("%d flows, want 4", st.Flows)
	}
}

// TestIncompatiblePin: a flow cache pinned by an older xvs (a per-CPU
// hash of 808-byte values) makes a management handle fail with a clear
// error; the process that runs the datapath replaces it.
func TestIncompatiblePin(t *testing.T) {
	testenv.RequireRoot(t)
	dir := testPinDir(t)
	if err := ensureBPFFS(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(mapsDir(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	old, err := ebpf.NewMapWithOptions(&ebpf.MapSpec{Name: "flows", Type: ebpf.PerCPUHash, KeySize: uint32(keySize), ValueSize: 808,
		MaxEntries: 64, Flags: 1, Pinning: ebpf.PinByName}, ebpf.MapOptions{PinPath: mapsDir(dir)})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if _, err := Open(dir); !errors.Is(err, errIncompatiblePin) {
		t.Errorf("Open on an old pin: %v, want errIncompatiblePin", err)
	}
	if _, err := os.Stat(filepath.Join(mapsDir(dir), "flows")); err != nil {
		t.Errorf("Open removed the old pin: %v", err)
	}
	d, err := New(Config{Name: "xbp-oldpin", PinDir: dir})
	if err != nil {
		t.Fatalf("New on an old pin: %v", err)
	}
	if d.flows.m.Type() != ebpf.Hash {
		t.Errorf("flows is a %v after New", d.flows.m.Type())
	}
	d.Close()

	// The current flows beside counters of another layout (not mapped).
	if err := os.Remove(filepath.Join(mapsDir(dir), "flow_counters")); err != nil {
		t.Fatal(err)
	}
	old, err = ebpf.NewMapWithOptions(&ebpf.MapSpec{Name: "flow_counters", Type: ebpf.Array, KeySize: 4, ValueSize: 32,
		MaxEntries: d.flows.m.MaxEntries(), Pinning: ebpf.PinByName}, ebpf.MapOptions{PinPath: mapsDir(dir)})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	if _, err := Open(dir); !errors.Is(err, errIncompatiblePin) {
		t.Errorf("Open beside old counters: %v, want errIncompatiblePin", err)
	}
	d, err = New(Config{Name: "xbp-oldpin", PinDir: dir})
	if err != nil {
		t.Fatalf("New beside old counters: %v", err)
	}
	d.Close()
	m, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after New replaced the cache: %v", err)
	}
	m.Close()
}

// TestFlowPrealloc: PreallocFlows makes a preallocated cache that works
// as the allocating one, and a pinned cache keeps its mode whatever the
// next process asks.
func TestFlowPrealloc(t *testing.T) {
	testenv.RequireRoot(t)
	dir := testPinDir(t)
	d, err := New(Config{Name: "xbp-prealloc", PinDir: dir, MaxFlows: 256, PreallocFlows: true})
	if err != nil {
		t.Fatal(err)
	}
	fakePorts(t, d)
	if d.flows.m.Flags()&unix.BPF_F_NO_PREALLOC != 0 {
		t.Errorf("flows flags %#x: not preallocated", d.flows.m.Flags())
	}
	frames := benchFrames(t, 2)
	k := packet.Extract(frames[0], inPort)
	if errs := d.PutBatch([]datapath.FlowPut{{Key: k, Actions: []datapath.Action{datapath.Output{Port: outPort}}}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	hit(t, d, frames[0], 2)
	d.Close()
	m, err := Open(dir)
	if err != nil {
		t.Fatalf("Open of a preallocated cache: %v", err)
	}
	if f, err := m.Get(k); err != nil || f.Stats.Packets != 2 {
		t.Errorf("management handle: %+v %v", f.Stats, err)
	}
	m.Close()
	d, err = New(Config{Name: "xbp-prealloc", PinDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.flows.m.Flags()&unix.BPF_F_NO_PREALLOC != 0 {
		t.Error("a restart without PreallocFlows changed the pinned cache's mode")
	}
	if st, _ := d.Stats(); st.Flows != 1 {
		t.Errorf("%d flows after the restart, want 1", st.Flows)
	}
}

// TestFlowConcurrent: PutBatch, DeleteBatch, Put, Delete, Dump and
// DumpStats from several goroutines leave the mirror and the map in
// agreement, and the dumps never see a key twice.
func TestFlowConcurrent(t *testing.T) {
	testenv.RequireRoot(t)
	d, err := New(Config{Name: "xbp-conc", PinDir: testPinDir(t), MaxFlows: 1500})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fakePorts(t, d)
	keys := benchKeys(t, 2000) // more than fit: some puts fail full
	out := []datapath.Action{datapath.Output{Port: outPort}}
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for round := range 40 {
				lo := (w*700 + round*97) % len(keys)
				hi := min(lo+200, len(keys))
				puts := make([]datapath.FlowPut, 0, hi-lo)
				for _, k := range keys[lo:hi] {
					puts = append(puts, datapath.FlowPut{Key: k, Actions: out})
				}
				for i, err := range d.PutBatch(puts) {
					if err != nil && !errors.Is(err, datapath.ErrTooManyFlows) {
						t.Errorf("PutBatch %d: %v", lo+i, err)
					}
				}
				if err := d.Put(keys[(lo+5)%len(keys)], out, 0); err != nil && !errors.Is(err, datapath.ErrTooManyFlows) {
					t.Errorf("Put: %v", err)
				}
				_, errs := d.DeleteBatch(keys[lo : lo+(hi-lo)/2])
				for i, err := range errs {
					if err != nil && !errors.Is(err, datapath.ErrNoSuchFlow) {
						t.Errorf("DeleteBatch %d: %v", lo+i, err)
					}
				}
				if _, err := d.Delete(keys[(lo+150)%len(keys)]); err != nil && !errors.Is(err, datapath.ErrNoSuchFlow) {
					t.Errorf("Delete: %v", err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 30 {
			seen := map[datapath.FlowKey]bool{}
			if err := d.DumpStats(64, func(ks []datapath.FlowKey, _ []datapath.FlowStats) error {
				for _, k := range ks {
					if seen[k] {
						t.Errorf("DumpStats saw %v twice", k)
					}
					seen[k] = true
				}
				return nil
			}); err != nil {
				t.Errorf("DumpStats: %v", err)
			}
			if err := d.Dump(64, func([]datapath.Flow) error { return nil }); err != nil {
				t.Errorf("Dump: %v", err)
			}
		}
	})
	wg.Wait()
	checkMirror(t, d)
	n := 0
	d.DumpStats(0, func(ks []datapath.FlowKey, _ []datapath.FlowStats) error { n += len(ks); return nil })
	if st, _ := d.Stats(); st.Flows != uint64(n) {
		t.Errorf("Stats counts %d flows, DumpStats %d", st.Flows, n)
	}
}

// TestFlowCountersTwoCPUs: packets of one entry counted on two CPUs at
// once all add up. The first CPU to count claims the entry's counters and
// adds to them plainly; the other adds to the shared pair with atomic
// adds: both pairs must be in use, and their sums exact.
func TestFlowCountersTwoCPUs(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	for _, h := range hooks {
		t.Run(h.name, func(t *testing.T) {
			d, prog, frame, key := oneFlow(t, h)
			// One packet a run: a run of several that a signal
			// interrupts (EINTR: Go preempts with signals) is
			// started again whole by ebpf.Program.Run, having
			// counted some already.
			const runs, repeat = 20000, 1
			send := func() {
				t.Helper()
				var wg sync.WaitGroup
				errs := make(chan error, 2)
				for cpu := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// Locked and never unlocked: the pinned
						// thread ends with the goroutine.
						runtime.LockOSThread()
						var set unix.CPUSet
						set.Set(cpu)
						if err := unix.SchedSetaffinity(0, &set); err != nil {
							errs <- err
							return
						}
						for range runs {
							ret, err := prog.Run(&ebpf.RunOptions{Data: frame})
							if err != nil || ret != h.redirect {
								errs <- fmt.Errorf("cpu %d: verdict %d, %v", cpu, ret, err)
								return
							}
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			send()
			f, err := d.Get(key)
			if err != nil {
				t.Fatal(err)
			}
			want := uint64(2 * runs * repeat)
			if f.Stats.Packets != want || f.Stats.Bytes != want*uint64(len(frame)) {
				t.Errorf("counted %d packets, %d bytes; want %d, %d", f.Stats.Packets, f.Stats.Bytes, want, want*uint64(len(frame)))
			}
			slot, _ := d.flows.slots.lookup(key)
			c, err := d.flows.cmem.slot(slot)
			if err != nil {
				t.Fatal(err)
			}
			if c.Owner == 0 || c.Packets == 0 || c.SharedPackets == 0 {
				t.Errorf("owner %d, owner's packets %d, shared packets %d: want both pairs used", c.Owner, c.Packets, c.SharedPackets)
			}

			// Reset: counting starts again from zero, every CPU in
			// the shared pair, and still adds up.
			if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, datapath.PutModify|datapath.PutResetStats); err != nil {
				t.Fatal(err)
			}
			if f, _ := d.Get(key); f.Stats.Packets != 0 || f.Stats.Bytes != 0 {
				t.Fatalf("after reset: %+v", f.Stats)
			}
			send()
			if f, _ := d.Get(key); f.Stats.Packets != want || f.Stats.Bytes != want*uint64(len(frame)) {
				t.Errorf("after reset counted %d packets, %d bytes; want %d, %d", f.Stats.Packets, f.Stats.Bytes, want, want*uint64(len(frame)))
			}
		})
	}
}

// TestFlowSlotEarlyReuse: on a full cache a deleted entry's slot goes to
// the next entry before it has rested. A packet of the deleted entry may
// still be counting in it, and if its CPU owned the slot, its store brings
// back the count it loaded: the new entry must read one packet more at
// most, not the old entry's count.
func TestFlowSlotEarlyReuse(t *testing.T) {
	testenv.RequireRoot(t)
	d, err := New(Config{Name: "xbp-early", PinDir: testPinDir(t), MaxFlows: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Destroy()
	fakePorts(t, d)
	frames := benchFrames(t, 9)
	keys := make([]datapath.FlowKey, len(frames))
	out := []datapath.Action{datapath.Output{Port: outPort}}
	for i, f := range frames {
		keys[i] = packet.Extract(f, inPort)
		if i < 8 {
			if err := d.Put(keys[i], out, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	hit(t, d, frames[0], 5)
	s0, _ := d.flows.slots.lookup(keys[0])
	if _, err := d.Delete(keys[0]); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(keys[8], out, 0); err != nil {
		t.Fatalf("full but for a resting slot: %v", err)
	}
	if s, _ := d.flows.slots.lookup(keys[8]); s != s0 {
		t.Fatalf("the new entry took slot %d, want the resting %d", s, s0)
	}
	c, err := d.flows.cmem.slot(s0)
	if err != nil {
		t.Fatal(err)
	}
	atomic.StoreUint64(&c.Packets, 6) // the old owner's late store: 5 + 1
	atomic.StoreUint64(&c.Bytes, 6*uint64(len(frames[0])))
	if f, _ := d.Get(keys[8]); f.Stats.Packets != 1 || f.Stats.Bytes != uint64(len(frames[0])) {
		t.Errorf("the new entry reads %+v, want the late packet alone", f.Stats)
	}
	hit(t, d, frames[8], 2)
	if f, _ := d.Get(keys[8]); f.Stats.Packets != 3 {
		t.Errorf("after 2 packets of its own the new entry reads %d, want 3", f.Stats.Packets)
	}
}

// TestFlowHandleResetsSlot: a management handle knows only the slots it
// freed itself, so a slot it takes may be one the running process freed a
// moment ago: it resets the counters as a live slot's, and the entry
// counts from zero.
func TestFlowHandleResetsSlot(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	m, err := Open(d.PinDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	frame := udp64(t)
	key := packet.Extract(frame, inPort)
	if err := m.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
		t.Fatal(err)
	}
	slot, ok := m.flows.slots.lookup(key)
	if !ok {
		t.Fatal("the handle's mirror lacks its entry")
	}
	c, err := m.flows.cmem.slot(slot)
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != ownerNone {
		t.Errorf("owner %d in a slot a handle took, want none", c.Owner)
	}
	hit(t, d, frame, 3)
	if f, err := d.Get(key); err != nil || f.Stats.Packets != 3 {
		t.Errorf("%+v %v, want 3 packets", f.Stats, err)
	}
}
