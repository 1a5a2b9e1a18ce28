package ebpf

import (
	"errors"
	"testing"
	"time"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
)

func slotKey(i int) datapath.FlowKey {
	return datapath.FlowKey{InPort: 1, TPSrc: uint16(i), TPDst: uint16(i >> 16)}
}

// TestSlotTable: lowest free slot first, freed slots again (once they have
// rested slotGrace, unless the table is full) before new ones, nothing
// beyond max, and a reset or an adoption leaves no trace of the slots
// before it.
func TestSlotTable(t *testing.T) {
	s, rest := clockedSlots(3000)
	for i := range 3000 {
		if slot, ok := s.take(slotKey(i), false); !ok || slot != uint32(i) {
			t.Fatalf("take %d: slot %d %v", i, slot, ok)
		}
	}
	if _, ok := s.take(slotKey(3000), false); ok {
		t.Fatal("took a slot beyond max")
	}
	s.release(7)
	s.release(2)
	// Full: the oldest resting slot goes, rested or not.
	if slot, _ := s.take(slotKey(9000), false); slot != 7 || !s.unrested(7) {
		t.Errorf("full, after freeing 7 and 2, took %d (unrested %v)", slot, s.unrested(7))
	}
	if s.unrested(8) {
		t.Error("a slot taken in turn reads as unrested")
	}
	if got, ok := s.lookup(slotKey(9000)); !ok || got != 7 || s.n != 2999 {
		t.Errorf("lookup %d %v, n %d", got, ok, s.n)
	}
	if _, ok := s.lookup(slotKey(7)); ok {
		t.Error("a released key is still indexed")
	}
	s.reset()
	s.adopt(map[uint32]adoptedEntry{5: {key: slotKey(5)}, 1: {key: slotKey(1), long: true}})
	if s.n != 2 || s.next != 6 || !s.inUse(5) || !s.inUse(1) || !s.long[1] || s.inUse(3) {
		t.Errorf("adopted: n %d next %d", s.n, s.next)
	}
	for _, want := range []uint32{0, 2, 3, 4, 6} {
		if slot, _ := s.take(slotKey(100+int(want)), false); slot != want {
			t.Errorf("after adoption took %d, want %d", slot, want)
		}
	}
	if s.keys[3] != slotKey(103) || s.long[3] {
		t.Errorf("slot 3 holds %v long %v", s.keys[3], s.long[3])
	}
	// Room: a freed slot rests while never used ones remain.
	s.release(3)
	if slot, _ := s.take(slotKey(200), false); slot != 7 {
		t.Errorf("with 3 resting took %d, want 7", slot)
	}
	rest()
	if slot, _ := s.take(slotKey(201), false); slot != 3 || s.unrested(3) {
		t.Errorf("with 3 rested took %d (unrested %v), want 3, rested", slot, s.unrested(3))
	}
	// Emptied: every slot rests, new entries go above them meanwhile.
	s.clearAll()
	if slot, _ := s.take(slotKey(300), false); slot != 8 || s.n != 1 {
		t.Errorf("after clearAll took %d (n %d), want 8", slot, s.n)
	}
	rest()
	if slot, _ := s.take(slotKey(301), false); slot >= 8 {
		t.Errorf("after clearAll and a rest took %d, want a slot below 8", slot)
	}
}

// TestSlotTableTop: a management handle takes slots from the top, and
// claims a given free slot.
func TestSlotTableTop(t *testing.T) {
	s := newSlotTable(100, true)
	if slot, _ := s.take(slotKey(1), false); slot != 99 {
		t.Errorf("management handle took %d, want 99", slot)
	}
	if slot, _ := s.take(slotKey(2), false); slot != 98 {
		t.Errorf("then %d, want 98", slot)
	}
	if s.claim(99, slotKey(3), false) || !s.claim(50, slotKey(4), false) || s.claim(100, slotKey(5), false) {
		t.Error("claim of a used, a free and an out-of-range slot")
	}
	if s.n != 3 {
		t.Errorf("n %d", s.n)
	}
}

// TestBatchDone: a batch stopped at an element reports the elements done
// before it; a batch refused whole (the kernel leaves the count as it was)
// did none.
func TestBatchDone(t *testing.T) {
	e := errors.New("x")
	for _, c := range []struct{ n, count, want int }{{3, 10, 3}, {0, 10, 0}, {10, 10, 0}, {9, 10, 9}} {
		if got := batchDone(c.n, c.count, e); got != c.want {
			t.Errorf("batchDone(%d of %d) = %d, want %d", c.n, c.count, got, c.want)
		}
	}
	if got := batchDone(4, 10, ebpf.ErrNotSupported); got != 0 {
		t.Errorf("unsupported batch: %d done", got)
	}
}

// TestSlotAdoptKeepsResting: rebuilding the table from the map (after a
// management handle wrote) keeps a slot freed less than slotGrace ago
// resting, so a packet still counting in the deleted entry cannot reach
// the next one, and the adopted entries count as allocated before any
// statistics pass, so a pass under way still reports them.
func TestSlotAdoptKeepsResting(t *testing.T) {
	s, rest := clockedSlots(100)
	for i := range 4 {
		s.take(slotKey(i), false)
	}
	s.epoch = 5
	s.release(1)
	s.adopt(map[uint32]adoptedEntry{0: {key: slotKey(0)}, 2: {key: slotKey(2)}, 3: {key: slotKey(3)}})
	for _, slot := range []uint32{0, 2, 3} {
		if s.born[slot] != 0 {
			t.Errorf("adopted slot %d born in pass %d, want 0", slot, s.born[slot])
		}
	}
	if slot, _ := s.take(slotKey(50), false); slot == 1 {
		t.Fatal("a slot freed just before the rebuild was handed out at once")
	}
	rest()
	if slot, _ := s.take(slotKey(51), false); slot != 1 {
		t.Errorf("after slotGrace took %d, want the rested slot 1", slot)
	}
}

// TestSlotAdoptRestsLost: a rebuild after another writer deleted entries
// lets the slots they held rest, as the table's own frees do: a packet
// may still be counting in one.
func TestSlotAdoptRestsLost(t *testing.T) {
	s, rest := clockedSlots(8)
	for i := range 3 {
		s.take(slotKey(i), false)
	}
	s.adopt(map[uint32]adoptedEntry{0: {key: slotKey(0)}, 2: {key: slotKey(2)}})
	if slot, _ := s.take(slotKey(10), false); slot == 1 {
		t.Error("the slot of an entry another writer deleted was handed out before it rested")
	}
	rest()
	s.release(3)
	if slot, _ := s.take(slotKey(11), false); slot != 1 {
		t.Errorf("after resting took %d, want 1", slot)
	}
}

// clockedSlots is a table of max slots on a clock of its own, which only
// rest moves: by slotGrace, so that slots freed before have rested.
func clockedSlots(max uint32) (*slotTable, func()) {
	clock := time.Unix(1000, 0)
	s := newSlotTable(max, false)
	s.now = func() time.Time { return clock }
	return s, func() { clock = clock.Add(slotGrace) }
}
