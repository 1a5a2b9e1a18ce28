package ebpf

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
)

// flowTable is the flow cache: the flows hash (key -> action list and the
// slot of the entry's counters), the flow_counters array (slot ->
// counters) and long_lists, with the userspace slot allocator and mirror.
//
// The mirror is authoritative for the entries this process installed and
// for those it adopted when it loaded a pinned cache: the BPF programs
// never add or remove entries. Two processes writing one pinned cache at
// once (a dpctl handle on the maps while vswitchd runs) are not supported:
// dpctl goes through vswitchd's API when vswitchd runs. Still, dpctl on
// the pins of a running datapath works: a management handle takes slots
// from the top of the range (the running process takes them from the
// bottom) and counts its changes in flow_writes; the running process
// rebuilds its mirror from the map when that count moves (checked by
// Stats, Dump and DumpStats) and adopts an entry it meets in the map but
// not in its mirror.
type flowTable struct {
	m, counters, long *ebpf.Map

	// writes counts the changes management handles made (flow_writes):
	// a management handle bumps it after each change; the process that
	// runs the datapath rebuilds its mirror when it moved since seen.
	writes *ebpf.Map
	manage bool
	seen   uint64

	// cmem is flow_counters mapped into the process (BPF_F_MMAPABLE), a
	// chunk at a time as slots are used (countermem.go). The programs
	// add to the counters plainly (the owning CPU) or with atomic
	// instructions (the others); Go reads them with atomic loads and
	// sums the two pairs (read).
	cmem *counterMem

	// gen is flow_gen mapped into the process: the cache's generation,
	// which the programs' exact-match cache (flow_emc) checks its copies
	// against. changed moves it after each change that modifies or
	// removes entries.
	gen    *uint64
	genRaw []byte

	// wide is port_wide mapped into the process: which entries are
	// port-wide (portwide.go).
	wide *portWide

	// mu serialises changes to the cache (a kernel update and the mirror
	// change that goes with it are one step) and guards slots.
	mu    sync.Mutex
	slots *slotTable

	runKeys []bpfKey          // insertRun's scratch
	runVals []tcportFlowEntry // insertRun's scratch
}

func newFlowTable(flows, counters, long, writes, gen, wide, wideCounters, wideBase *ebpf.Map, manage bool) (*flowTable, error) {
	t := &flowTable{m: flows, counters: counters, long: long, writes: writes, manage: manage,
		slots: newSlotTable(flows.MaxEntries(), manage)}
	if counters.MaxEntries() != flows.MaxEntries() || int(counters.ValueSize()) != statsSize {
		return nil, fmt.Errorf("flow_counters: %d slots of %d bytes for %d flows", counters.MaxEntries(), counters.ValueSize(), flows.MaxEntries())
	}
	var err error
	if t.cmem, err = mapCounters(counters.FD(), counters.MaxEntries()); err != nil {
		return nil, err
	}
	if gen.MaxEntries() != 1 || gen.ValueSize() != 8 {
		t.close()
		return nil, fmt.Errorf("flow_gen: %d values of %d bytes, not one of 8", gen.MaxEntries(), gen.ValueSize())
	}
	if t.genRaw, err = mmapArray(gen, 8); err != nil {
		t.close()
		return nil, fmt.Errorf("flow_gen: mmap: %w", err)
	}
	t.gen = (*uint64)(unsafe.Pointer(&t.genRaw[0]))
	if t.wide, err = mapPortWide(wide, wideCounters, wideBase); err != nil {
		t.close()
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen, err = t.readWrites(); err != nil {
		t.close()
		return nil, err
	}
	if err := t.adoptLocked(); err != nil {
		t.close()
		return nil, err
	}
	t.checkWide()
	return t, nil
}

// checkWide ends the port-wide entries that name no entry of the mirror
// with their port (left by a process that stopped half way, or by a
// management handle's change). Only the process running the datapath
// checks, after it built its mirror: a management handle's mirror may
// miss what the running process added since.
func (t *flowTable) checkWide() {
	if t.manage {
		return
	}
	for port := uint32(1); port <= maxPorts; port++ {
		v := t.wide.load(port)
		if v == 0 {
			continue
		}
		slot := uint32(v >> 32)
		if slot >= uint32(len(t.slots.used)) || !t.slots.used[slot] || t.slots.keys[slot].InPort != port {
			t.wide.clearPort(port)
		}
	}
}

// endWide makes port's port-wide entry, if any, exact again.
func (t *flowTable) endWide(port uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v := t.wide.load(port); v != 0 {
		t.dropWide(port, uint32(v>>32), true)
	}
}

// setWide makes p's entry (put, in the mirror) port-wide when it asked
// to and can be, and exact otherwise; the put itself has succeeded. An
// entry becoming port-wide counts its port's packets from then on
// (portWide.start); one staying so keeps counting, unless the put resets
// its counters. One whose start cannot be marked stays exact: its port's
// other keys miss, nothing is lost.
func (t *flowTable) setWide(p *flowPut) {
	slot, ok := t.slots.lookup(p.key)
	if !ok {
		return
	}
	port := p.key.InPort
	reset := p.flags&datapath.PutResetStats != 0
	mine := t.wide.holds(port, slot)
	if out := p.wideOut; out != 0 && (mine || t.wide.load(port) == 0) {
		if (!mine || reset) && t.wide.start(port) != nil {
			t.dropWide(port, slot, !reset)
			return
		}
		t.wide.set(port, out, slot, p.e.fast.Flags&flowXDPSlow != 0)
		return
	}
	t.dropWide(port, slot, !reset)
}

// dropWide makes the entry counted in slot exact again if it is port's
// port-wide entry and, with fold, adds its packets (its port's in
// wide_counters since it became port-wide) to its slot (with atomic
// adds, as a CPU not owning it; without, as after a reset of the slot,
// they go). Packets that read the entry before and count after the fold
// are not in it (they stay the port's rx and hits), nor are the counts
// when wide_counters or the slot cannot be read (neither happens to a
// valid port and a mapped slot).
func (t *flowTable) dropWide(port, slot uint32, fold bool) {
	if !t.wide.holds(port, slot) {
		return
	}
	t.wide.clearPort(port)
	if !fold {
		return
	}
	w, err := t.wide.entry(port)
	if err != nil {
		return
	}
	c, err := t.cmem.slot(slot)
	if err != nil {
		return
	}
	atomic.AddUint64(&c.SharedPackets, w.Packets)
	atomic.AddUint64(&c.SharedBytes, w.Bytes)
	if w.Used > atomic.LoadUint64(&c.Used) {
		atomic.StoreUint64(&c.Used, w.Used)
	}
}

// readEntry returns the counters of the entry of port counted in slot:
// its slot's, plus its port's wide_counters while it is port-wide.
func (t *flowTable) readEntry(port, slot uint32) (tcportFlowStats, error) {
	st, err := t.read(slot)
	if err != nil || !t.wide.holds(port, slot) {
		return st, err
	}
	w, err := t.wide.entry(port)
	if err != nil {
		return st, err
	}
	st.Packets += w.Packets
	st.Bytes += w.Bytes
	st.Used = max(st.Used, w.Used)
	return st, nil
}

// close unmaps the counters (the maps are closed with the objects).
func (t *flowTable) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cmem != nil {
		t.cmem.close()
		t.cmem = nil
	}
	if t.genRaw != nil {
		unix.Munmap(t.genRaw)
		t.genRaw, t.gen = nil, nil
	}
	if t.wide != nil {
		t.wide.close()
	}
}

// changed moves the cache's generation after a change that modified or
// removed entries of flows (after it: a packet that reads the old
// generation looks flows up before the change, or copies what it finds
// under the old generation, which the new one outdates). Every process
// with the cache pinned shares the value; an atomic add loses none of
// their changes.
func (t *flowTable) changed() {
	if t.gen != nil {
		atomic.AddUint64(t.gen, 1)
	}
}

func (t *flowTable) readWrites() (uint64, error) {
	var zero uint32
	var n uint64
	if err := t.writes.Lookup(&zero, &n); err != nil {
		return 0, fmt.Errorf("flow_writes: lookup: %w", err)
	}
	return n, nil
}

// wrote records a change made by a management handle (t.mu held).
func (t *flowTable) wrote() {
	if !t.manage {
		return
	}
	// Any new value will do (the running process compares with the last
	// it saw); a read-and-increment could lose one of two handles'
	// writes.
	var zero uint32
	t.writes.Update(&zero, uint64(time.Now().UnixNano()), ebpf.UpdateAny)
}

// sync rebuilds the mirror when a management handle changed the cache.
func (t *flowTable) sync() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.syncLocked()
}

func (t *flowTable) syncLocked() error {
	if t.manage {
		return nil
	}
	n, err := t.readWrites()
	if err != nil || n == t.seen {
		return err
	}
	if err := t.adoptLocked(); err != nil {
		return err
	}
	t.checkWide()
	// Whatever the handle changed, copies made before it are outdated
	// (a handle moves the generation itself, unless it is an older xvs
	// that knows no flow_gen).
	t.changed()
	t.seen = n
	return nil
}

const (
	entrySize = int(unsafe.Sizeof(tcportFlowEntry{}))
	statsSize = int(unsafe.Sizeof(tcportFlowStats{}))
	keySize   = int(unsafe.Sizeof(bpfKey{}))
)

// entryBytes, keyBytes and statsBytes return the memory of C structs as
// the kernel reads it: bpf2go's structs have the C layout and no padding
// (TestEntryBytesLayout). cilium/ebpf copies []byte as it is, where a
// slice of structs may go through encoding/binary's reflection.
func entryBytes(e *tcportFlowEntry) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(e)), entrySize)
}

func keyBytes(k *bpfKey) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(k)), keySize)
}

func keysBytes(ks []bpfKey) []byte {
	if len(ks) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&ks[0])), len(ks)*keySize)
}

func statsBytes(ss []tcportFlowStats) []byte {
	if len(ss) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&ss[0])), len(ss)*statsSize)
}

// walk calls fn for every entry of flows, read in batches with
// BPF_MAP_LOOKUP_BATCH (one syscall a batch; the kernel walks the hash
// bucket by bucket, so an entry present for the whole walk is seen
// exactly once), or by key where the kernel lacks batches. With del, the
// entries are deleted as they are read (BPF_MAP_LOOKUP_AND_DELETE_BATCH).
// fn gets slices valid until it returns.
func (t *flowTable) walk(del bool, fn func(keys []bpfKey, vals []tcportFlowEntry) error) error {
	batch := 256
	keys := make([]bpfKey, batch)
	vals := make([]tcportFlowEntry, batch)
	var cursor ebpf.MapBatchCursor
	first := true
	for {
		var n int
		var err error
		if del {
			n, err = t.m.BatchLookupAndDelete(&cursor, keys, vals, nil)
		} else {
			n, err = t.m.BatchLookup(&cursor, keys, vals, nil)
		}
		done := errors.Is(err, ebpf.ErrKeyNotExist)
		switch {
		case err == nil, done:
		case errors.Is(err, unix.ENOSPC) && batch < 1<<16:
			// One bucket holds more entries than a batch: retry
			// from the same bucket with room for it.
			batch *= 2
			keys, vals = make([]bpfKey, batch), make([]tcportFlowEntry, batch)
			continue
		case first && (errors.Is(err, unix.EINVAL) || errors.Is(err, ebpf.ErrNotSupported)):
			return t.walkByKey(del, fn)
		default:
			return fmt.Errorf("flows: batch lookup: %w", err)
		}
		first = false
		if n > 0 {
			if err := fn(keys[:n], vals[:n]); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// walkByKey is walk for kernels without batch lookups: it snapshots the
// keys, then reads each entry; entries deleted meanwhile are skipped.
func (t *flowTable) walkByKey(del bool, fn func(keys []bpfKey, vals []tcportFlowEntry) error) error {
	keys, err := mapKeys(t.m)
	if err != nil {
		return err
	}
	var v [1]tcportFlowEntry
	for i := range keys {
		if err := t.m.Lookup(&keys[i], entryBytes(&v[0])); errors.Is(err, ebpf.ErrKeyNotExist) {
			continue
		} else if err != nil {
			return fmt.Errorf("flows: lookup: %w", err)
		}
		if del {
			if err := t.m.Delete(&keys[i]); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
				return fmt.Errorf("flows: delete: %w", err)
			}
		}
		if err := fn(keys[i:i+1], v[:]); err != nil {
			return err
		}
	}
	return nil
}

// mapKeys returns every key of m (flows or long_lists), for a flush.
func mapKeys(m *ebpf.Map) ([]bpfKey, error) {
	var out []bpfKey
	var k bpfKey
	var kp any
	for {
		var next bpfKey
		err := m.NextKey(kp, &next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: next key: %w", m, err)
		}
		out = append(out, next)
		k = next
		kp = &k
	}
}

// adopt rebuilds the slot table from one full walk of a pinned cache (a
// restart). An entry whose slot is out of range or already named by
// another entry (which a correct writer never leaves) gets a fresh slot
// with zeroed counters.
func (t *flowTable) adoptLocked() error {
	claims := map[uint32]adoptedEntry{}
	type reslot struct {
		k bpfKey
		e tcportFlowEntry
	}
	var again []reslot
	err := t.walk(false, func(keys []bpfKey, vals []tcportFlowEntry) error {
		for i := range keys {
			s := vals[i].Slot
			if _, dup := claims[s]; dup || s >= t.slots.max {
				again = append(again, reslot{keys[i], vals[i]})
				continue
			}
			claims[s] = adoptedEntry{key: keyFromBPF(keys[i]), long: readsLong(&vals[i].Acts)}
		}
		return nil
	})
	if err != nil {
		return err
	}
	t.slots.adopt(claims)
	for i, r := range again {
		s, ok := t.slots.take(keyFromBPF(r.k), readsLong(&r.e.Acts))
		if !ok {
			return errors.New("flows: no free slot while adopting the pinned cache")
		}
		t.dropWide(keyFromBPF(r.k).InPort, r.e.Slot, false) // its wide counts go
		r.e.Slot = s
		if err := t.zero(s); err != nil {
			return err
		}
		if i == 0 {
			defer t.changed() // entries' slots move
		}
		if err := t.m.Update(&r.k, entryBytes(&r.e), ebpf.UpdateExist); err != nil {
			return fmt.Errorf("flows: re-slot an adopted entry: %w", err)
		}
	}
	return nil
}

// zero clears the counters of slots taken for new entries. A slot that
// rested slotGrace since its entry went (or was never used) has no
// program counting in it: plain zeroes. One the table handed out before
// it rested (a full cache) may still get a late add from a packet of the
// old entry, and if that packet's CPU owned the slot, its plain store
// would bring the old entry's whole count back: such a slot is reset as
// a live one is (resetCounters).
func (t *flowTable) zero(slots ...uint32) error {
	for _, s := range slots {
		c, err := t.cmem.slot(s)
		if err != nil {
			// Its chunk does not map: zero the slot through the map.
			if uerr := t.counters.Update(s, tcportFlowStats{}, ebpf.UpdateAny); uerr != nil {
				return fmt.Errorf("%w; zeroing it through the map: %w", err, uerr)
			}
			continue
		}
		// A management handle knows only its own freed slots: one the
		// running process freed a moment ago may look rested to it.
		if t.slots.unrested(s) || t.slots.top {
			resetCounters(c)
			continue
		}
		atomic.StoreUint64(&c.Packets, 0)
		atomic.StoreUint64(&c.Bytes, 0)
		atomic.StoreUint64(&c.Used, 0)
		atomic.StoreUint32(&c.TcpFlags, 0)
		atomic.StoreUint64(&c.SharedPackets, 0)
		atomic.StoreUint64(&c.SharedBytes, 0)
		atomic.StoreUint32(&c.Owner, 0)
	}
	return nil
}

// resetLive resets the counters of a live entry's slot (PutResetStats).
func (t *flowTable) resetLive(slot uint32) error {
	c, err := t.cmem.slot(slot)
	if err != nil {
		return err
	}
	resetCounters(c)
	return nil
}

// ownerNone in flow_stats.owner is no CPU's number: every CPU then counts
// in the shared pair (flow_count).
const ownerNone = ^uint32(0)

// resetCounters makes the counts of a slot read zero while programs may
// be counting in it. The CPU owning the slot adds to its pair with plain
// stores, so a zero written there could be undone by a store of the value
// it loaded before. Instead the slot loses its owner (every CPU then adds
// atomically to the shared pair) and the shared pair is moved down by
// what both pairs hold: the owner pair is frozen from then on, but for an
// add under way, and what a reader sums (read) counts from zero, that add
// included if it lands after the owner pair was read. Counting after a
// reset is with atomic adds until the slot is freed.
func resetCounters(c *tcportFlowStats) {
	atomic.StoreUint32(&c.Owner, ownerNone)
	// First, so that a packet counted from here on leaves its time.
	atomic.StoreUint64(&c.Used, 0)
	atomic.StoreUint32(&c.TcpFlags, 0)
	p, b := atomic.LoadUint64(&c.Packets), atomic.LoadUint64(&c.Bytes)
	sp, sb := atomic.LoadUint64(&c.SharedPackets), atomic.LoadUint64(&c.SharedBytes)
	atomic.AddUint64(&c.SharedPackets, -(p + sp))
	atomic.AddUint64(&c.SharedBytes, -(b + sb))
}

// read returns the counters of a slot.
func (t *flowTable) read(slot uint32) (tcportFlowStats, error) {
	c, err := t.cmem.slot(slot)
	if err != nil {
		return tcportFlowStats{}, err
	}
	return tcportFlowStats{
		Packets:  atomic.LoadUint64(&c.Packets) + atomic.LoadUint64(&c.SharedPackets),
		Bytes:    atomic.LoadUint64(&c.Bytes) + atomic.LoadUint64(&c.SharedBytes),
		Used:     atomic.LoadUint64(&c.Used),
		TcpFlags: atomic.LoadUint32(&c.TcpFlags)}, nil
}

// readsLong reports whether flow looks an entry's list up in long_lists.
func readsLong(fast *tcportFlowActions) bool {
	return fast.Flags&(flowSlowPath|flowUserspace) != 0 && fast.N == 0
}

// flowPut is one put, encoded.
type flowPut struct {
	key   datapath.FlowKey
	bk    bpfKey
	e     encodedList
	flags datapath.PutFlags
	// wideOut is the output port of a put that asked to be port-wide
	// and whose list is one output a fast path runs, between ports the
	// port_wide array holds; 0 otherwise.
	wideOut uint32
}

// put installs one entry (Datapath.Put's semantics).
func (t *flowTable) put(p *flowPut) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.wrote()
	return t.putLocked(p)
}

// create takes a slot for a new entry and inserts it; the slot goes
// back when the insert fails.
func (t *flowTable) create(p *flowPut) error {
	slot, ok := t.slots.take(p.key, p.e.long != nil || readsLong(&p.e.fast))
	if !ok {
		return datapath.ErrTooManyFlows
	}
	err := t.insert(p, slot)
	if err != nil {
		t.slots.release(slot)
	}
	return err
}

func (t *flowTable) putLocked(p *flowPut) error {
	err := t.putEntry(p)
	if err == nil {
		t.setWide(p)
	}
	return err
}

// putEntry is putLocked's change to flows.
func (t *flowTable) putEntry(p *flowPut) error {
	slot, exists := t.slots.lookup(p.key)
	if !exists && p.flags&(datapath.PutModify|datapath.PutResetStats) == 0 {
		// Most puts install a new flow (an upcall's miss): one
		// update creates it.
		err := t.create(p)
		if err == nil {
			return nil
		}
		if !errors.Is(err, datapath.ErrFlowExists) || p.flags&datapath.PutCreate != 0 {
			return err
		}
		// Cached but not in the mirror: another writer's entry.
	}
	if !exists {
		var err error
		if slot, exists, err = t.adoptOne(p.key, &p.bk); err != nil {
			return err
		}
	}
	switch {
	case p.flags&datapath.PutCreate != 0 && exists:
		return datapath.ErrFlowExists
	case !exists && p.flags&datapath.PutModify != 0:
		return datapath.ErrNoSuchFlow
	case !exists:
		// PutResetStats alone on a missing key creates it.
		return t.create(p)
	}
	err := t.modify(p, slot)
	if errors.Is(err, datapath.ErrNoSuchFlow) && p.flags&datapath.PutModify == 0 {
		// Deleted behind the mirror's back (modify released the
		// slot): Put creates it.
		return t.putEntry(p)
	}
	return err
}

// adoptOne finds an entry missing from the mirror in the map (another
// writer's) and gives it a slot of the mirror.
func (t *flowTable) adoptOne(key datapath.FlowKey, bk *bpfKey) (uint32, bool, error) {
	var v tcportFlowEntry
	err := t.m.Lookup(keyBytes(bk), entryBytes(&v))
	if errors.Is(err, ebpf.ErrKeyNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("flows: lookup: %w", err)
	}
	if t.slots.claim(v.Slot, key, readsLong(&v.Acts)) {
		return v.Slot, true, nil // its own slot, with its counters
	}
	s, ok := t.slots.take(key, readsLong(&v.Acts))
	if !ok {
		return 0, false, datapath.ErrTooManyFlows
	}
	v.Slot = s
	if err := t.zero(s); err != nil {
		t.slots.release(s)
		return 0, false, err
	}
	if err := t.m.Update(keyBytes(bk), entryBytes(&v), ebpf.UpdateExist); err != nil {
		t.slots.release(s)
		return 0, false, mapUpdateError(err)
	}
	t.changed() // its slot moved
	return s, true, nil
}

// insert creates the entry of p in slot (already taken, not yet in the
// kernel): its counters are zeroed first, so a reused slot never carries
// the previous entry's packets.
func (t *flowTable) insert(p *flowPut, slot uint32) error {
	if err := t.zero(slot); err != nil {
		return err
	}
	if err := t.writeLong(p, true); err != nil {
		return err
	}
	e := tcportFlowEntry{Slot: slot, Acts: p.e.fast}
	err := t.m.Update(keyBytes(&p.bk), entryBytes(&e), ebpf.UpdateNoExist)
	// bpf_mem_alloc refills its per-CPU caches asynchronously: a burst
	// can drain them. The refill usually takes tens of microseconds, so
	// back off from 20 µs (doubling, at most 1 ms a wait); the caller
	// still gets ErrTooManyFlows after about 50 ms.
	for wait, waited := 20*time.Microsecond, time.Duration(0); errors.Is(err, unix.ENOMEM) && waited < 50*time.Millisecond; wait = min(2*wait, time.Millisecond) {
		time.Sleep(wait)
		waited += wait
		err = t.m.Update(keyBytes(&p.bk), entryBytes(&e), ebpf.UpdateNoExist)
	}
	return mapUpdateError(err)
}

// modify replaces the actions of the entry in slot, keeping its counters
// unless PutResetStats, which resets them in place (resetCounters).
func (t *flowTable) modify(p *flowPut, slot uint32) error {
	if err := t.writeLong(p, false); err != nil {
		return err
	}
	e := tcportFlowEntry{Slot: slot, Acts: p.e.fast}
	err := mapUpdateError(t.m.Update(keyBytes(&p.bk), entryBytes(&e), ebpf.UpdateExist))
	if err == nil {
		t.changed()
		// Reset once the put took: a failed one leaves the counters.
		if p.flags&datapath.PutResetStats != 0 {
			err = t.resetLive(slot)
		}
	}
	if errors.Is(err, datapath.ErrNoSuchFlow) {
		// Deleted behind the mirror's back: the slot goes, and a
		// port-wide word naming it with it.
		t.dropWide(p.key.InPort, slot, false)
		t.slots.release(slot)
	}
	if err == nil && (p.e.long != nil || readsLong(&p.e.fast)) {
		t.slots.long[slot] = true
	}
	return err
}

// writeLong writes or removes the entry's long list.
func (t *flowTable) writeLong(p *flowPut, fresh bool) error {
	if p.e.long != nil {
		if err := t.long.Update(&p.bk, p.e.long, ebpf.UpdateAny); err != nil {
			return fmt.Errorf("long_lists: update: %w", err)
		}
		return nil
	}
	if fresh && !readsLong(&p.e.fast) {
		// A new entry that does not read long_lists needs no delete
		// of a stale list: delete removes an entry's list with it.
		return nil
	}
	if err := t.long.Delete(&p.bk); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("long_lists: delete: %w", err)
	}
	return nil
}

func mapUpdateError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ebpf.ErrKeyExist):
		return datapath.ErrFlowExists
	case errors.Is(err, ebpf.ErrKeyNotExist):
		return datapath.ErrNoSuchFlow
	case errors.Is(err, unix.E2BIG), errors.Is(err, unix.ENOMEM):
		return datapath.ErrTooManyFlows
	}
	return fmt.Errorf("flows: update: %w", err)
}

// putBatch installs puts in order, as put would one after the other. Runs
// of new keys (not cached, no flags but PutCreate, no long list) go in with
// one BPF_MAP_UPDATE_BATCH each; the rest one by one. errs[i] is set for
// puts[i] (entries already failed by the caller are skipped).
func (t *flowTable) putBatch(puts []flowPut, errs []error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.wrote()
	// A batch overwrites keys it believes new (see insertRun): make sure
	// the mirror knows what a management handle added.
	if err := t.syncLocked(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return
	}
	// A run's keys take their slots (and so enter the mirror) as they
	// join it: a key repeated in the batch then reads as cached, and the
	// run goes in before it is put as a modify.
	var run []int
	var slots []uint32
	flush := func() {
		t.insertRun(puts, run, slots, errs)
		run, slots = run[:0], slots[:0]
	}
	for i := range puts {
		if errs[i] != nil {
			continue
		}
		p := &puts[i]
		_, cached := t.slots.lookup(p.key)
		if cached || p.flags&^datapath.PutCreate != 0 || p.e.long != nil || readsLong(&p.e.fast) {
			flush()
			errs[i] = t.putLocked(p)
			continue
		}
		slot, ok := t.slots.take(p.key, false)
		if !ok {
			// Full unless the run fails somewhere, as it would one
			// by one.
			flush()
			if slot, ok = t.slots.take(p.key, false); !ok {
				errs[i] = datapath.ErrTooManyFlows
				continue
			}
		}
		run = append(run, i)
		slots = append(slots, slot)
	}
	flush()
}

// insertRun creates the entries puts[run] in slots (taken for them, not
// yet in the kernel). The kernel's batch update takes no BPF_NOEXIST
// (elem_flags accepts only BPF_F_LOCK): every element is BPF_ANY, which is
// NOEXIST in the process running the datapath because the mirror said the
// keys were not cached (putBatch synced it first), so the generation
// stays: inserting new keys outdates no copy in flow_emc. A management
// handle's mirror is as old as the handle, and the running process may
// have added any of its keys since: after its batches the generation
// moves. The kernel stops at the first element that fails and reports how
// many it did: that element then goes in one by one (which retries ENOMEM
// and maps errors as put does), and the batch carries on after it.
func (t *flowTable) insertRun(puts []flowPut, run []int, slots []uint32, errs []error) {
	if len(run) == 0 {
		return
	}
	if err := t.zero(slots...); err != nil {
		for j, i := range run {
			t.slots.release(slots[j])
			errs[i] = err
		}
		return
	}
	// Scratch reused across batches (t.mu held): a batch's values are
	// 784 bytes each.
	if cap(t.runKeys) < len(run) {
		t.runKeys, t.runVals = make([]bpfKey, len(run)), make([]tcportFlowEntry, len(run))
	}
	keys, vals := t.runKeys[:len(run)], t.runVals[:len(run)]
	for j, i := range run {
		keys[j] = puts[i].bk
		vals[j] = tcportFlowEntry{Slot: slots[j], Acts: puts[i].e.fast}
	}
	if t.manage {
		defer t.changed()
	}
	for done := 0; done < len(run); {
		n, err := t.m.BatchUpdate(keys[done:], vals[done:], nil)
		if err == nil {
			break
		}
		n = batchDone(n, len(keys)-done, err)
		done += n
		if done >= len(run) {
			break
		}
		// Element done failed: one by one.
		i, slot := run[done], slots[done]
		err = t.insert(&puts[i], slot) // retries a drained allocator
		if err != nil {
			t.slots.release(slot)
			if errors.Is(err, datapath.ErrFlowExists) && puts[i].flags&datapath.PutCreate == 0 {
				// Cached behind the mirror's back: Put modifies it.
				err = t.putLocked(&puts[i])
			}
			errs[i] = err
		}
		done++
	}
}

// batchDone is how many elements of a failed batch update or delete of
// count the kernel did. It stops at the first element that fails and
// writes back how many it did before; a batch refused as a whole (bad
// flags, no batch support) leaves the count as it was, which reads as all
// done: none were.
func batchDone(n, count int, err error) int {
	if n >= count || errors.Is(err, ebpf.ErrNotSupported) {
		return 0
	}
	return n
}

// get returns one entry with its counters.
func (t *flowTable) get(key datapath.FlowKey, bk *bpfKey) (tcportFlowEntry, tcportFlowStats, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var v tcportFlowEntry
	if err := t.m.Lookup(keyBytes(bk), entryBytes(&v)); errors.Is(err, ebpf.ErrKeyNotExist) {
		return v, tcportFlowStats{}, datapath.ErrNoSuchFlow
	} else if err != nil {
		return v, tcportFlowStats{}, fmt.Errorf("flows: lookup: %w", err)
	}
	st, err := t.readEntry(key.InPort, v.Slot)
	return v, st, err
}

// delete removes one entry and returns its final counters.
func (t *flowTable) delete(key datapath.FlowKey, bk *bpfKey) (tcportFlowStats, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.wrote()
	return t.deleteLocked(key, bk)
}

func (t *flowTable) deleteLocked(key datapath.FlowKey, bk *bpfKey) (tcportFlowStats, error) {
	slot, ok := t.slots.lookup(key)
	long := ok && t.slots.long[slot]
	if ok {
		t.dropWide(key.InPort, slot, true)
		if err := t.m.Delete(keyBytes(bk)); err != nil {
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				t.slots.release(slot) // deleted behind the mirror's back
				return tcportFlowStats{}, datapath.ErrNoSuchFlow
			}
			return tcportFlowStats{}, fmt.Errorf("flows: delete: %w", err)
		}
		t.changed()
	} else {
		// Not in the mirror: another writer's entry, if any.
		var v tcportFlowEntry
		if err := t.m.LookupAndDelete(keyBytes(bk), entryBytes(&v)); err != nil {
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				return tcportFlowStats{}, datapath.ErrNoSuchFlow
			}
			return tcportFlowStats{}, fmt.Errorf("flows: delete: %w", err)
		}
		t.changed()
		t.dropWide(key.InPort, v.Slot, true) // the counts of a packet between the two are lost
		slot, long = v.Slot, true
	}
	st, err := t.read(slot)
	if ok {
		t.slots.release(slot)
	}
	if long {
		if err := t.long.Delete(bk); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return st, fmt.Errorf("long_lists: delete: %w", err)
		}
	}
	return st, err
}

// deleteBatch removes keys (bks their encodings, nil where invalid: those
// are ErrNoSuchFlow). Keys in the mirror go with BPF_MAP_DELETE_BATCH,
// which stops at the first key it cannot delete: that one is handled one
// by one and the batch carries on after it.
func (t *flowTable) deleteBatch(keys []datapath.FlowKey, bks []bpfKey, valid []bool) ([]tcportFlowStats, []error) {
	stats := make([]tcportFlowStats, len(keys))
	errs := make([]error, len(keys))
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.wrote()
	var idx []int
	var batch []bpfKey
	var slots []uint32
	seen := map[uint32]bool{} // slots in the batch: a repeated key's
	for i := range keys {
		if !valid[i] {
			errs[i] = datapath.ErrNoSuchFlow
			continue
		}
		slot, ok := t.slots.lookup(keys[i])
		if !ok || seen[slot] {
			idx = append(idx, -1-i) // one by one, after the batch
			continue
		}
		t.dropWide(keys[i].InPort, slot, true)
		seen[slot] = true
		idx = append(idx, i)
		batch = append(batch, bks[i])
		slots = append(slots, slot)
	}
	gone := make([]bool, len(batch))
	for done := 0; done < len(batch); {
		n, err := t.m.BatchDelete(batch[done:], nil)
		if err != nil {
			n = batchDone(n, len(batch)-done, err)
		}
		for j := done; j < done+n; j++ {
			gone[j] = true
		}
		done += n
		if err == nil || done >= len(batch) {
			break
		}
		// batch[done] failed: one by one below.
		done++
	}
	if len(batch) > 0 {
		t.changed()
	}
	b := 0
	for _, i := range idx {
		if i < 0 {
			continue
		}
		j := b
		b++
		if !gone[j] {
			stats[i], errs[i] = t.deleteLocked(keys[i], &bks[i])
			continue
		}
		slot := slots[j]
		long := t.slots.long[slot]
		stats[i], errs[i] = t.read(slot)
		t.slots.release(slot)
		if long {
			if err := t.long.Delete(&bks[i]); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) && errs[i] == nil {
				errs[i] = fmt.Errorf("long_lists: delete: %w", err)
			}
		}
	}
	for _, i := range idx {
		if i >= 0 {
			continue
		}
		i = -1 - i
		stats[i], errs[i] = t.deleteLocked(keys[i], &bks[i])
	}
	return stats, errs
}

// flush removes every entry.
func (t *flowTable) flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.wrote()
	t.wide.clearAll()
	err := t.walk(true, func([]bpfKey, []tcportFlowEntry) error { return nil })
	t.wide.clearAll() // one another process set meanwhile names a deleted entry
	t.changed()
	t.slots.clearAll()
	if err != nil {
		return err
	}
	lkeys, err := mapKeys(t.long)
	if err != nil {
		return err
	}
	for i := range lkeys {
		if err := t.long.Delete(&lkeys[i]); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("long_lists: delete: %w", err)
		}
	}
	return nil
}

// count returns the number of entries.
func (t *flowTable) count() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return uint64(t.slots.n)
}

// dumpStats calls fn with batches of the keys in the mirror and their
// counters, read from the mapped flow_counters: no system call. The two
// slices are reused for the next batch once fn returns (a pass over
// 120,000 entries would otherwise allocate ~25 MB): fn copies what it
// keeps. Slots are visited in order, t.mu held while a batch fills and
// released for fn: an entry present for the whole pass keeps its slot and
// is seen once.
func (t *flowTable) dumpStats(batch int, clock kernelClock, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	now := clock.now()
	keys := make([]datapath.FlowKey, 0, batch)
	stats := make([]datapath.FlowStats, 0, batch)
	t.mu.Lock()
	t.slots.epoch++
	pass := t.slots.epoch
	t.mu.Unlock()
	for slot := uint32(0); ; {
		t.mu.Lock()
		end := t.slots.next
		for ; slot < end && len(keys) < batch; slot++ {
			// Slots allocated since the pass began hold entries
			// added meanwhile: skipped, so that a key deleted and
			// added again is not seen twice.
			if !t.slots.used[slot] || t.slots.born[slot] >= pass {
				continue
			}
			c, err := t.readEntry(t.slots.keys[slot].InPort, slot)
			if err != nil {
				t.mu.Unlock()
				return err
			}
			keys = append(keys, t.slots.keys[slot])
			stats = append(stats, now.stats(&c))
		}
		t.mu.Unlock()
		if len(keys) == 0 {
			return nil
		}
		if err := fn(keys, stats); err != nil {
			return err
		}
		if len(keys) < batch {
			return nil // the slots ran out before the batch filled
		}
		keys, stats = keys[:0], stats[:0]
	}
}

// dump walks flows and calls fn with each batch of entries and their
// counters. The counters are those of the slot the mirror gives the key
// when fn's batch is read (an entry deleted and created again since the
// walk read it has a new slot); an entry missing from the mirror (another
// writer's) reads the slot its value names.
func (t *flowTable) dump(fn func(fks []datapath.FlowKey, keys []bpfKey, vals []tcportFlowEntry, st []tcportFlowStats) error) error {
	var st []tcportFlowStats
	var fks []datapath.FlowKey
	return t.walk(false, func(keys []bpfKey, vals []tcportFlowEntry) error {
		st, fks = st[:0], fks[:0]
		for i := range keys {
			fks = append(fks, keyFromBPF(keys[i]))
		}
		t.mu.Lock()
		for i := range vals {
			// The slot the value names, unless the mirror has moved
			// the key since (checked without a map lookup when not).
			s := vals[i].Slot
			if !t.slots.inUse(s) || t.slots.keys[s] != fks[i] {
				if m, ok := t.slots.lookup(fks[i]); ok {
					s = m
				}
			}
			c, err := t.readEntry(fks[i].InPort, s)
			if err != nil {
				t.mu.Unlock()
				return err
			}
			st = append(st, c)
		}
		t.mu.Unlock()
		return fn(fks, keys, vals, st)
	})
}
