package ebpf

import (
	"encoding/binary"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// emcCopies counts the copies in flow_emc, over all CPUs, that are
// current (made in this generation) and of key (any key if nil).
func emcCopies(t *testing.T, d *Datapath, key *datapath.FlowKey) int {
	t.Helper()
	var want bpfKey
	if key != nil {
		want = keyToBPFUnchecked(*key)
	}
	return emcCopiesWhere(t, d, func(c *tcportEmcEntry) bool { return key == nil || c.Key == want })
}

// emcCopiesWhere counts the current copies in flow_emc, over all CPUs,
// that match.
func emcCopiesWhere(t *testing.T, d *Datapath, match func(*tcportEmcEntry) bool) int {
	t.Helper()
	stamp := atomic.LoadUint64(d.flows.gen) + 1
	n := 0
	for i := uint32(0); i < d.objs.tc.FlowEmc.MaxEntries(); i++ {
		var per []tcportEmcEntry
		if err := d.objs.tc.FlowEmc.Lookup(i, &per); err != nil {
			t.Fatalf("flow_emc lookup %d: %v", i, err)
		}
		for k := range per {
			if per[k].Stamp == stamp && match(&per[k]) {
				n++
			}
		}
	}
	return n
}

// TestEMCFollowsChanges: packets of a cached flow are served from the
// per-CPU exact-match cache once copied there, are counted in the entry's
// counters all the same, and every change to the entry (modify, delete,
// a management handle's delete through the pins) reaches the next packet.
func TestEMCFollowsChanges(t *testing.T) {
	for _, h := range hooks {
		t.Run(h.name, func(t *testing.T) {
			d, prog := hookDatapath(t, h)
			frame := udp64(t)
			key := packet.Extract(frame, inPort)
			out := []datapath.Action{datapath.Output{Port: outPort}}
			send := func(n int, want uint32, why string) {
				t.Helper()
				for range n {
					if ret, _ := run(t, prog, frame); ret != want {
						t.Fatalf("%s: verdict %d, want %d", why, ret, want)
					}
				}
			}

			if err := d.Put(key, out, 0); err != nil {
				t.Fatal(err)
			}
			send(8, h.redirect, "cached output")
			if emcCopies(t, d, &key) == 0 {
				t.Fatal("flow_emc holds no copy of the entry after 8 packets")
			}
			send(8, h.redirect, "cached output, from flow_emc")
			f, err := d.Get(key)
			if err != nil {
				t.Fatal(err)
			}
			if f.Stats.Packets != 16 || f.Stats.Bytes != 16*uint64(len(frame)) {
				t.Errorf("entry counted %d packets, %d bytes; want 16, %d", f.Stats.Packets, f.Stats.Bytes, 16*len(frame))
			}

			gen := atomic.LoadUint64(d.flows.gen)
			if err := d.Put(key, nil, datapath.PutModify); err != nil {
				t.Fatal(err)
			}
			if atomic.LoadUint64(d.flows.gen) == gen {
				t.Fatal("modify left the cache's generation as it was")
			}
			if n := emcCopies(t, d, &key); n != 0 {
				t.Fatalf("%d copies still current after a modify", n)
			}
			send(3, h.drop, "modified to drop")
			if err := d.Put(key, out, datapath.PutModify); err != nil {
				t.Fatal(err)
			}
			send(3, h.redirect, "modified back to output")

			if _, err := d.Delete(key); err != nil {
				t.Fatal(err)
			}
			send(1, h.drop, "deleted")
			if u := nextUpcall(t, d); u.Reason != datapath.ReasonMiss {
				t.Fatalf("after delete: upcall %v, want a miss", u.Reason)
			}

			// A management handle (dpctl) on the pins shares the
			// generation.
			if err := d.Put(key, out, 0); err != nil {
				t.Fatal(err)
			}
			send(8, h.redirect, "cached again")
			m, err := Open(d.PinDir())
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if _, err := m.Delete(key); err != nil {
				t.Fatal(err)
			}
			send(1, h.drop, "deleted by a management handle")
			if u := nextUpcall(t, d); u.Reason != datapath.ReasonMiss {
				t.Fatalf("after the handle's delete: upcall %v, want a miss", u.Reason)
			}

			// The handle's mirror is as old as its last change: a
			// batch of what it takes for new keys overwrites the
			// process's entry, and must outdate the copies too.
			if err := d.Put(key, out, 0); err != nil {
				t.Fatal(err)
			}
			send(8, h.redirect, "cached once more")
			if errs := m.PutBatch([]datapath.FlowPut{{Key: key}}); errs[0] != nil {
				t.Fatal(errs[0])
			}
			send(1, h.drop, "made a drop by a management handle's batch")
		})
	}
}

// TestEMCBits: the exact-match cache keeps within its memory budget on
// any number of CPUs, and its largest size is the C side's.
func TestEMCBits(t *testing.T) {
	spec, err := loadTcport()
	if err != nil {
		t.Fatal(err)
	}
	var def uint32
	if err := spec.Variables["emc_bits"].Get(&def); err != nil {
		t.Fatal(err)
	}
	if def != 10 {
		t.Fatalf("emc_bits defaults to %d in C; the cases below assume 10", def)
	}
	size := int(unsafe.Sizeof(tcportEmcEntry{}))
	for _, c := range []struct {
		ncpu int
		bits uint32
	}{{1, 10}, {2, 10}, {34, 10}, {35, 9}, {68, 9}, {69, 8}, {256, 7}, {100000, 6}} {
		got := emcBits(c.ncpu, def)
		if got != c.bits {
			t.Errorf("emcBits(%d) = %d, want %d", c.ncpu, got, c.bits)
		}
		if got > 6 && c.ncpu<<got*size > emcBudget {
			t.Errorf("emcBits(%d) = %d: %d bytes, over the budget", c.ncpu, got, c.ncpu<<got*size)
		}
	}
}

// TestEMCRandomChanges runs random puts, modifies, deletes and packets
// over more flows than the exact-match cache has entries per CPU (so that
// flows share entries and replace each other), and checks every packet's
// verdict against what the flows map holds at that moment.
func TestEMCRandomChanges(t *testing.T) {
	for _, h := range hooks {
		t.Run(h.name, func(t *testing.T) {
			d, prog := hookDatapath(t, h)
			rnd := rand.New(rand.NewPCG(1, 2))
			nflows := int(d.objs.tc.FlowEmc.MaxEntries()) * 3 / 2
			frames := make([][]byte, nflows)
			keys := make([]datapath.FlowKey, nflows)
			for i := range frames {
				f := udp64(t)
				binary.BigEndian.PutUint16(f[34:], uint16(1024+i)) // UDP source port
				frames[i], keys[i] = f, packet.Extract(f, inPort)
			}
			// model: 0 absent, 1 output, 2 drop.
			model := make([]int, nflows)
			out := []datapath.Action{datapath.Output{Port: outPort}}
			hot := nflows / 8 // most packets go to a few flows, as in real traffic
			mgmt, err := Open(d.PinDir())
			if err != nil {
				t.Fatal(err)
			}
			defer mgmt.Close()
			for op := 0; op < 20000; op++ {
				i := rnd.IntN(nflows)
				if rnd.IntN(4) != 0 {
					i = rnd.IntN(hot)
				}
				pick := func() ([]datapath.Action, int) {
					if rnd.IntN(2) == 0 {
						return nil, 2
					}
					return out, 1
				}
				switch r := rnd.IntN(40); {
				case r == 0:
					if _, err := d.Delete(keys[i]); (err == nil) != (model[i] != 0) {
						t.Fatalf("op %d: delete of flow %d (state %d): %v", op, i, model[i], err)
					}
					model[i] = 0
				case r <= 3:
					acts, m := pick()
					if err := d.Put(keys[i], acts, 0); err != nil {
						t.Fatalf("op %d: put of flow %d: %v", op, i, err)
					}
					model[i] = m
				case r == 4 && model[i] != 0:
					acts, m := pick()
					if err := d.Put(keys[i], acts, datapath.PutModify|datapath.PutResetStats); err != nil {
						t.Fatalf("op %d: reset of flow %d: %v", op, i, err)
					}
					model[i] = m
				case r == 5, r == 6:
					// A batch of puts or deletes, through this
					// process or a management handle on the pins.
					w := datapath.Datapath(d)
					if r == 6 {
						w = mgmt
					}
					js := []int{i, rnd.IntN(hot), rnd.IntN(nflows)}
					if rnd.IntN(2) == 0 {
						puts := make([]datapath.FlowPut, 0, len(js))
						ms := make([]int, 0, len(js))
						for _, j := range js {
							acts, m := pick()
							puts = append(puts, datapath.FlowPut{Key: keys[j], Actions: acts})
							ms = append(ms, m)
						}
						for k, err := range w.PutBatch(puts) {
							if err != nil {
								t.Fatalf("op %d: batch put of flow %d: %v", op, js[k], err)
							}
							model[js[k]] = ms[k]
						}
					} else {
						ks := make([]datapath.FlowKey, 0, len(js))
						for _, j := range js {
							ks = append(ks, keys[j])
						}
						w.DeleteBatch(ks) // a repeated key's second delete fails
						for _, j := range js {
							model[j] = 0
						}
					}
				case r == 7 && op%50 == 0:
					if err := d.Flush(); err != nil {
						t.Fatal(err)
					}
					clear(model)
				default:
					want := h.drop
					if model[i] == 1 {
						want = h.redirect
					}
					if ret, _ := run(t, prog, frames[i]); ret != want {
						t.Fatalf("op %d: flow %d (state %d): verdict %d, want %d", op, i, model[i], ret, want)
					}
					if model[i] == 0 {
						if u := nextUpcall(t, d); u.Reason != datapath.ReasonMiss {
							t.Fatalf("op %d: upcall %v, want a miss", op, u.Reason)
						}
					}
				}
			}
			if emcCopies(t, d, nil) == 0 {
				t.Fatal("flow_emc never held a current copy")
			}
		})
	}
}
