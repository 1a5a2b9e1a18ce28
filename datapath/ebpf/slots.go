package ebpf

import "github.com/xvs-switch/xvs/datapath"

// slotTable allocates the slots of flow_counters and mirrors which key
// holds which slot, so that a statistics pass reads only the counters
// array and a delete knows the slot without reading the entry back.
//
// Slots are handed out lowest first (freed ones again before new ones), so
// the slots in use stay below a high-water mark close to the largest
// number of entries the cache has held: a pass reads the array up to it.
// Not safe for concurrent use: flowTable.mu guards it.
type slotTable struct {
	max  uint32
	top  bool               // a management handle: take from the top of the range
	next uint32             // slots >= next have never been handed out
	free []uint32           // freed slots below next, a stack
	n    int                // slots in use
	keys []datapath.FlowKey // slot -> key, for slots < next
	used []bool             // slot in use
	long []bool             // the entry may have a long_lists entry
	born []uint32           // the pass epoch when the slot was allocated
	// epoch counts statistics passes: a pass skips slots allocated since
	// it began, so a key deleted and created again meanwhile (in another
	// slot) is not seen twice.
	epoch uint32
	index map[datapath.FlowKey]uint32
}

func newSlotTable(max uint32, top bool) *slotTable {
	return &slotTable{max: max, top: top, index: map[datapath.FlowKey]uint32{}}
}

// take allocates a slot for key; false when every slot is in use.
func (s *slotTable) take(key datapath.FlowKey, long bool) (uint32, bool) {
	if s.top {
		return s.takeTop(key, long)
	}
	var slot uint32
	switch {
	case len(s.free) > 0:
		slot = s.free[len(s.free)-1]
		s.free = s.free[:len(s.free)-1]
	case s.next < s.max:
		slot = s.next
		s.next++
		s.grow()
	default:
		return 0, false
	}
	s.set(slot, key, long)
	return slot, true
}

// takeTop takes the highest free slot (a linear search: a management
// handle makes a few changes).
func (s *slotTable) takeTop(key datapath.FlowKey, long bool) (uint32, bool) {
	for slot := s.max; slot > 0; slot-- {
		if s.claim(slot-1, key, long) {
			return slot - 1, true
		}
	}
	return 0, false
}

// grow extends the per-slot slices to next, doubling their capacity (at
// most to max) when they are full.
func (s *slotTable) grow() {
	n := int(s.next)
	if n <= len(s.keys) {
		return
	}
	if n > cap(s.keys) {
		c := min(max(n, 2*cap(s.keys), 1024), int(s.max))
		s.keys = append(make([]datapath.FlowKey, 0, c), s.keys...)
		s.used = append(make([]bool, 0, c), s.used...)
		s.long = append(make([]bool, 0, c), s.long...)
		s.born = append(make([]uint32, 0, c), s.born...)
	}
	old := len(s.keys)
	s.keys, s.used, s.long, s.born = s.keys[:n], s.used[:n], s.long[:n], s.born[:n]
	// Below the capacity lie the contents of slots before a reset.
	clear(s.keys[old:])
	clear(s.used[old:])
	clear(s.long[old:])
	clear(s.born[old:])
}

func (s *slotTable) set(slot uint32, key datapath.FlowKey, long bool) {
	s.keys[slot], s.used[slot], s.long[slot], s.born[slot] = key, true, long, s.epoch
	s.index[key] = slot
	s.n++
}

// claim allocates a given free slot (an entry found in the map that
// names it); false when it is in use or out of range.
func (s *slotTable) claim(slot uint32, key datapath.FlowKey, long bool) bool {
	switch {
	case slot >= s.max || s.inUse(slot):
		return false
	case slot >= s.next:
		for f := slot; f > s.next; f-- {
			s.free = append(s.free, f-1)
		}
		s.next = slot + 1
		s.grow()
	default:
		for i, f := range s.free {
			if f == slot {
				s.free = append(s.free[:i], s.free[i+1:]...)
				break
			}
		}
	}
	s.set(slot, key, long)
	return true
}

// release frees a slot in use.
func (s *slotTable) release(slot uint32) {
	if slot >= s.next || !s.used[slot] {
		return
	}
	if cur, ok := s.index[s.keys[slot]]; ok && cur == slot {
		delete(s.index, s.keys[slot])
	}
	s.keys[slot], s.used[slot], s.long[slot] = datapath.FlowKey{}, false, false
	s.free = append(s.free, slot)
	s.n--
}

// lookup returns the slot of key.
func (s *slotTable) lookup(key datapath.FlowKey) (uint32, bool) {
	slot, ok := s.index[key]
	return slot, ok
}

// inUse reports whether slot is allocated.
func (s *slotTable) inUse(slot uint32) bool { return slot < s.next && s.used[slot] }

// reset frees every slot.
func (s *slotTable) reset() {
	s.next, s.n = 0, 0
	s.free = s.free[:0]
	s.keys, s.used, s.long, s.born = s.keys[:0], s.used[:0], s.long[:0], s.born[:0]
	clear(s.index)
}

// adopt rebuilds the table from the entries found in a pinned cache:
// claims[slot] is the key that names it. The free list gets the slots
// below the highest claimed one that nobody names.
func (s *slotTable) adopt(claims map[uint32]adoptedEntry) {
	s.reset()
	for slot := range claims {
		s.next = max(s.next, slot+1)
	}
	s.grow()
	for slot, c := range claims {
		s.set(slot, c.key, c.long)
	}
	for slot := int(s.next) - 1; slot >= 0; slot-- {
		if !s.used[slot] {
			s.free = append(s.free, uint32(slot))
		}
	}
}

type adoptedEntry struct {
	key  datapath.FlowKey
	long bool
}
