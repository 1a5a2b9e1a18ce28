package ofproto

import (
	"sort"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// hookDatapath runs during a Dump once the entries are read, standing for
// what upcall handlers and changes do while Revalidate dumps unlocked.
type hookDatapath struct {
	*dummy.Datapath
	during func()
	// sorted: DumpStats lists the keys in one order pass after pass, as
	// the eBPF datapath does (the dummy's follows its map).
	sorted bool
	// twice: DumpStats lists every key twice (a dump of a table that
	// changes under it may list an entry more than once).
	twice bool
	// Calls of Delete and DeleteBatch, and the keys DeleteBatch got.
	deletes, deleteBatches, batchKeys int
}

func (d *hookDatapath) Delete(key datapath.FlowKey) (datapath.FlowStats, error) {
	d.deletes++
	return d.Datapath.Delete(key)
}

func (d *hookDatapath) DeleteBatch(keys []datapath.FlowKey) ([]datapath.FlowStats, []error) {
	d.deleteBatches++
	d.batchKeys += len(keys)
	return d.Datapath.DeleteBatch(keys)
}

func (d *hookDatapath) Dump(batch int, fn func([]datapath.Flow) error) error {
	var all []datapath.Flow
	if err := d.Datapath.Dump(batch, func(fs []datapath.Flow) error {
		all = append(all, fs...)
		return nil
	}); err != nil {
		return err
	}
	if h := d.during; h != nil {
		d.during = nil
		h()
	}
	return fn(all)
}

func (d *hookDatapath) DumpStats(batch int, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	var keys []datapath.FlowKey
	var stats []datapath.FlowStats
	if err := d.Datapath.DumpStats(batch, func(ks []datapath.FlowKey, ss []datapath.FlowStats) error {
		keys = append(keys, ks...)
		stats = append(stats, ss...)
		return nil
	}); err != nil {
		return err
	}
	if d.sorted {
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return keys[idx[a]].String() < keys[idx[b]].String() })
		ks, ss := make([]datapath.FlowKey, len(keys)), make([]datapath.FlowStats, len(keys))
		for i, j := range idx {
			ks[i], ss[i] = keys[j], stats[j]
		}
		keys, stats = ks, ss
	}
	if d.twice {
		keys, stats = append(keys, keys...), append(stats, stats...)
	}
	if h := d.during; h != nil {
		d.during = nil
		h()
	}
	return fn(keys, stats)
}

// TestRevalidateDumpUnlocked: while Revalidate's dump runs (without the
// Switch's lock), new flows are installed and a flow-mod credits the
// counters. Afterwards the cache must still know every datapath entry
// (none forgotten as "lost"), and the flows' packet counts must be exact:
// no packet counted twice from the dump's older counters.
func TestRevalidateDumpUnlocked(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	hd := &hookDatapath{Datapath: r.dp}
	r.sw.dp = hd
	r.add("priority=5,in_port=1,actions=output:2", "priority=5,in_port=2,actions=output:1")
	f := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	g := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	for range 3 {
		r.send(1, f)
	}
	r.revalidate()
	hd.during = func() {
		r.send(1, f) // cached: counts in the entry
		r.send(2, g) // a new entry, installed during the dump
		// A change that pulls the in_port=1 entry's counters (fresher
		// than the dump's).
		if err := r.mod(ofp.FlowModify, "in_port=1,actions=output:2"); err != nil {
			t.Fatal(err)
		}
		r.send(1, f)
	}
	r.revalidate()
	if cs := r.sw.CacheStats(); cs.Flows != 2 {
		t.Fatalf("cache %+v, want both entries", cs)
	}
	r.checkFresh(0, "after an unlocked dump")
	r.revalidate()
	for _, c := range []struct {
		match string
		want  uint64
	}{{"in_port=1", 5}, {"in_port=2", 1}} {
		var got uint64
		for _, st := range r.flowStats(c.match) {
			if st.Priority == 5 {
				got += st.PacketCount
			}
		}
		if got != c.want {
			t.Fatalf("%s: %d packets counted, want %d", c.match, got, c.want)
		}
	}
}

// TestRevalidateDeletesIdleInOneBatch: idle entries go in one DeleteBatch
// per pass, not a Delete each, and the packets an entry counted after
// the dump (between the dump and its deletion) are credited to its flow
// from the counters the batch delete returns.
func TestRevalidateDeletesIdleInOneBatch(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	hd := &hookDatapath{Datapath: r.dp}
	r.sw.dp = hd
	r.add("priority=5,udp,actions=output:2")
	var frames [][]byte
	for i := range 5 {
		f := udp(t, mac(1), mac(2), ip4(1), ip4(2), uint16(10+i), 2)
		frames = append(frames, f)
		r.send(1, f)
	}
	r.send(1, frames[0]) // cached: counted by the entry
	keep := udp(t, mac(1), mac(2), ip4(1), ip4(3), 9, 2)
	r.revalidate()
	r.clk.advance(r.sw.cfg.IdleTimeout)
	r.send(1, keep) // a fresh entry, not idle at the next pass
	hd.during = func() {
		r.send(1, frames[1]) // after the dump: the deletion's counters hold it
	}
	st := r.revalidate()
	if st.Deleted != 5 || st.Flows != 1 {
		t.Fatalf("pass %+v, want the 5 idle entries deleted and 1 kept", st)
	}
	if hd.deleteBatches != 1 || hd.batchKeys != 5 || hd.deletes != 0 {
		t.Fatalf("%d DeleteBatch calls with %d keys, %d Delete calls; want 1 batch of 5 and no Delete",
			hd.deleteBatches, hd.batchKeys, hd.deletes)
	}
	if ds, _ := r.dp.Stats(); ds.Flows != 1 {
		t.Fatalf("datapath holds %d entries, want 1", ds.Flows)
	}
	var got uint64
	for _, fs := range r.flowStats("") {
		got += fs.PacketCount
	}
	if got != 8 { // 5 misses, 1 cached before the pass, 1 after its dump, the kept entry's miss
		t.Fatalf("flow counted %d packets, want 8", got)
	}
	r.checkFresh(0, "after a batch delete")
}

// TestRevalidateFollowsReplacedEntries: Revalidate remembers the entry at
// each position of the dump; an entry deleted and installed again with
// the same key (at the same position of the next dump) must be found as
// the new entry, not the old one: the new one's counters are credited
// once, and it is not mistaken for an entry missing from the dump.
func TestRevalidateFollowsReplacedEntries(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	hd := &hookDatapath{Datapath: r.dp, sorted: true}
	r.sw.dp = hd
	r.add("priority=5,udp,actions=output:2")
	var frames [][]byte
	for i := range 3 {
		f := udp(t, mac(1), mac(2), ip4(1), ip4(2), uint16(10+i), 2)
		frames = append(frames, f)
		r.send(1, f)
	}
	r.revalidate()
	// Replace the middle entry: deleted (as an idle one would be), then
	// set up again by its next packet.
	mid := extractKey(r.sw, 1, frames[1])
	r.sw.mu.Lock()
	old := r.sw.cache.entries[mid]
	r.sw.deleteEntries([]*cacheEntry{old})
	r.sw.unlock()
	r.send(1, frames[1]) // a miss: a new entry for the same key
	r.send(1, frames[1]) // cached: counted by the new entry
	r.revalidate()
	r.revalidate()
	r.sw.mu.Lock()
	e := r.sw.cache.entries[mid]
	r.sw.unlock()
	if e == nil || e == old || !old.gone {
		t.Fatalf("entry for the replaced key: %p (old %p, gone %v)", e, old, old.gone)
	}
	if e.last.Packets != 1 {
		t.Fatalf("new entry credited %d packets, want 1", e.last.Packets)
	}
	var got uint64
	for _, fs := range r.flowStats("") {
		got += fs.PacketCount
	}
	if got != 5 { // 3 misses, the replacement's miss and its cached packet
		t.Fatalf("flow counted %d packets, want 5", got)
	}
	r.checkFresh(0, "after a replaced entry")
}

// TestRevalidateKeyListedTwice: a dump listing each entry twice credits
// its packets once and deletes an idle entry once.
func TestRevalidateKeyListedTwice(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	hd := &hookDatapath{Datapath: r.dp, twice: true}
	r.sw.dp = hd
	r.add("priority=5,udp,actions=output:2")
	for i := range 2 {
		f := udp(t, mac(1), mac(2), ip4(1), ip4(2), uint16(10+i), 2)
		r.send(1, f)
		r.send(1, f) // cached: counted by the entry
	}
	if st := r.revalidate(); st.Credited != 2 || st.Flows != 2 {
		t.Fatalf("pass %+v, want 2 entries credited once each", st)
	}
	var got uint64
	for _, fs := range r.flowStats("") {
		got += fs.PacketCount
	}
	if got != 4 {
		t.Fatalf("flow counted %d packets, want 4", got)
	}
	r.clk.advance(r.sw.cfg.IdleTimeout)
	st := r.revalidate()
	if st.Deleted != 2 || st.Flows != 0 || hd.batchKeys != 2 {
		t.Fatalf("pass %+v, %d keys deleted: want the 2 idle entries deleted once", st, hd.batchKeys)
	}
	if cs := r.sw.CacheStats(); cs.Deletes != 2 {
		t.Fatalf("%d deletes counted, want 2", cs.Deletes)
	}
}
