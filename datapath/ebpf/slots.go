package ebpf

import (
	"slices"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// slotGrace is how long a freed slot rests before it is handed out again
// (unless the cache is full). A packet the programs are counting when its
// entry is deleted still holds the entry (RCU) and adds to the old slot
// for a moment: the next entry in that slot must not get it. Programs run
// for microseconds; the margin covers a vCPU the hypervisor pauses.
const slotGrace = 10 * time.Millisecond

// slotTable allocates the slots of flow_counters and mirrors which key
// holds which slot, so that a statistics pass reads only the counters
// array and a delete knows the slot without reading the entry back.
//
// Slots are handed out lowest first (rested freed ones before new ones),
// so the slots in use stay below a high-water mark close to the largest
// number of entries the cache has held (plus those freed in the last
// slotGrace): a pass reads the array up to it. Not safe for concurrent
// use: flowTable.mu guards it.
type slotTable struct {
	max  uint32
	top  bool     // a management handle: take from the top of the range
	next uint32   // slots >= next have never been handed out
	free []uint32 // rested freed slots below next, a stack
	// cooling are the slots freed in the last slotGrace, oldest first
	// (from coolHead on).
	cooling  []cooled
	coolHead int
	now      func() time.Time
	n        int                // slots in use
	keys     []datapath.FlowKey // slot -> key, for slots < next
	used     []bool             // slot in use
	long     []bool             // the entry may have a long_lists entry
	born     []uint32           // the pass epoch when the slot was allocated
	// early marks slots handed out before they rested slotGrace (a full
	// table): a late add from the previous entry's packets may reach one.
	early []bool
	// epoch counts statistics passes: a pass skips slots allocated since
	// it began, so a key deleted and created again meanwhile (in another
	// slot) is not seen twice.
	epoch uint32
	index map[datapath.FlowKey]uint32
}

type cooled struct {
	slot uint32
	at   time.Time
}

func newSlotTable(max uint32, top bool) *slotTable {
	return &slotTable{max: max, top: top, index: map[datapath.FlowKey]uint32{}, now: time.Now}
}

// take allocates a slot for key; false when every slot is in use.
func (s *slotTable) take(key datapath.FlowKey, long bool) (uint32, bool) {
	if s.top {
		return s.takeTop(key, long)
	}
	s.rest(s.now())
	var slot uint32
	switch {
	case len(s.free) > 0:
		slot = s.free[len(s.free)-1]
		s.free = s.free[:len(s.free)-1]
	case s.next < s.max:
		slot = s.next
		s.next++
		s.grow()
	case s.coolHead < len(s.cooling):
		// Full but for slots still resting: the oldest.
		slot = s.cooling[s.coolHead].slot
		s.coolHead++
		s.set(slot, key, long)
		s.early[slot] = true
		return slot, true
	default:
		return 0, false
	}
	s.set(slot, key, long)
	return slot, true
}

// rest moves the slots that have rested slotGrace to the free list.
func (s *slotTable) rest(now time.Time) {
	for s.coolHead < len(s.cooling) && now.Sub(s.cooling[s.coolHead].at) >= slotGrace {
		s.free = append(s.free, s.cooling[s.coolHead].slot)
		s.coolHead++
	}
	if s.coolHead == len(s.cooling) {
		s.cooling, s.coolHead = s.cooling[:0], 0
	} else if s.coolHead > 1024 && s.coolHead > len(s.cooling)/2 {
		s.cooling = s.cooling[:copy(s.cooling, s.cooling[s.coolHead:])]
		s.coolHead = 0
	}
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
		s.early = append(make([]bool, 0, c), s.early...)
	}
	old := len(s.keys)
	s.keys, s.used, s.long, s.born, s.early = s.keys[:n], s.used[:n], s.long[:n], s.born[:n], s.early[:n]
	// Below the capacity lie the contents of slots before a reset.
	clear(s.keys[old:])
	clear(s.used[old:])
	clear(s.long[old:])
	clear(s.born[old:])
	clear(s.early[old:])
}

func (s *slotTable) set(slot uint32, key datapath.FlowKey, long bool) {
	s.keys[slot], s.used[slot], s.long[slot], s.born[slot], s.early[slot] = key, true, long, s.epoch, false
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
		resting := false
		for i := s.coolHead; i < len(s.cooling); i++ {
			if s.cooling[i].slot == slot {
				s.cooling = append(s.cooling[:i], s.cooling[i+1:]...)
				resting = true
				break
			}
		}
		s.set(slot, key, long)
		s.early[slot] = resting
		return true
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
	s.cooling = append(s.cooling, cooled{slot, s.now()})
	s.n--
}

// lookup returns the slot of key.
func (s *slotTable) lookup(key datapath.FlowKey) (uint32, bool) {
	slot, ok := s.index[key]
	return slot, ok
}

// unrested reports whether slot, in use, was handed out before it rested.
func (s *slotTable) unrested(slot uint32) bool { return slot < s.next && s.used[slot] && s.early[slot] }

// inUse reports whether slot is allocated.
func (s *slotTable) inUse(slot uint32) bool { return slot < s.next && s.used[slot] }

// clearAll frees every slot after the cache was emptied: they rest as
// freed ones do (the entries were just deleted), so the next entries take
// never used slots above them meanwhile.
func (s *slotTable) clearAll() {
	now := s.now()
	next := s.next
	s.reset()
	s.next = next
	s.grow()
	for slot := range next {
		s.cooling = append(s.cooling, cooled{slot, now})
	}
}

// reset forgets every slot (the table is then rebuilt, or cleared).
func (s *slotTable) reset() {
	s.next, s.n = 0, 0
	s.free = s.free[:0]
	s.cooling, s.coolHead = s.cooling[:0], 0
	s.keys, s.used, s.long, s.born, s.early = s.keys[:0], s.used[:0], s.long[:0], s.born[:0], s.early[:0]
	clear(s.index)
}

// adopt rebuilds the table from the entries found in a pinned cache:
// claims[slot] is the key that names it. The free list gets the slots
// below the highest claimed one that nobody names.
//
// A rebuild keeps what the table knew that the map cannot say: a slot
// still resting (freed less than slotGrace ago) and named by nobody goes
// on resting, as does one in use before that nobody names now (another
// writer deleted its entry); adopted entries count as allocated before
// any pass (born 0), so a pass under way still reports them.
func (s *slotTable) adopt(claims map[uint32]adoptedEntry) {
	resting := map[uint32]time.Time{}
	for _, c := range s.cooling[s.coolHead:] {
		resting[c.slot] = c.at
	}
	// A slot in use before and named by nobody now lost its entry to
	// another writer a moment ago: it rests from now.
	now := s.now()
	for slot := range s.next {
		if _, named := claims[slot]; s.used[slot] && !named {
			resting[slot] = now
		}
	}
	s.reset()
	for slot := range claims {
		s.next = max(s.next, slot+1)
	}
	s.grow()
	for slot, c := range claims {
		s.set(slot, c.key, c.long)
		s.born[slot] = 0
	}
	for slot := int(s.next) - 1; slot >= 0; slot-- {
		if s.used[slot] {
			continue
		}
		if at, ok := resting[uint32(slot)]; ok {
			s.cooling = append(s.cooling, cooled{uint32(slot), at})
		} else {
			s.free = append(s.free, uint32(slot))
		}
	}
	// cooling is oldest first.
	slices.SortFunc(s.cooling, func(a, b cooled) int { return a.at.Compare(b.at) })
}

type adoptedEntry struct {
	key  datapath.FlowKey
	long bool
}
