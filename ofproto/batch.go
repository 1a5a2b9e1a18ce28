package ofproto

// Flow-mod batches. OpenFlow lets a switch apply the messages between two
// barriers in any order (spec 1.3.5 §6.2: "in the absence of barrier
// messages, switches may arbitrarily reorder messages"), so the cache
// revalidation each flow-mod needs can wait for the end of a run of
// flow-mods: a storm of 100,000 adds then scans the cache a few times
// instead of once per flow-mod.

import (
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// pullAllOver is the number of affected entries above which End reads
// every entry's counters with one dump instead of one Get each.
const pullAllOver = 1024

// FlowModBatch applies flow-mods to the tables at once, as FlowMod does
// (errors per message), but revalidates the cache entries they affect
// only in End. Until End, cache entries the batch made stale may still
// forward packets by the old rules: the caller ends the batch before it
// answers a barrier or handles any other request. A batch belongs to one
// goroutine; other callers' changes and upcalls go on meanwhile.
type FlowModBatch struct {
	s     *Switch
	n     int
	ended bool

	// What changed, for End. Guarded by s.mu (only touched under it).
	added   [numTables]*classifier.Classifier[struct{}] // matches added, per table; nil: none
	changed []*rule                                     // modified in place, removed or replaced
	moves   []counterMove
}

// counterMove is a rule replaced by an identical add that took over its
// counters (§6.4): packets the old rule's stale entries forward until End
// belong to the new one.
type counterMove struct {
	from, to       *rule
	packets, bytes uint64 // from's counters when it was replaced
}

// BeginFlowMods starts a batch of flow-mods. The caller must call End.
func (s *Switch) BeginFlowMods() *FlowModBatch { return &FlowModBatch{s: s} }

// Len is the number of flow-mods applied in the batch so far.
func (b *FlowModBatch) Len() int { return b.n }

// FlowMod applies a flow-mod as Switch.FlowMod does, without revalidating.
func (b *FlowModBatch) FlowMod(fm *ofp.FlowMod) error {
	if err := fm.Validate(); err != nil {
		return err
	}
	return b.apply(fm)
}

// FlowMod10 applies a flow-mod as Switch.FlowMod10 does, without
// revalidating.
func (b *FlowModBatch) FlowMod10(fm *ofp.FlowMod) error {
	if err := validate10(fm); err != nil {
		return err
	}
	return b.apply(fm)
}

func (b *FlowModBatch) apply(fm *ofp.FlowMod) error {
	if b.ended {
		return b.s.flowMod(fm, nil)
	}
	b.n++
	return b.s.flowMod(fm, b)
}

// addedMatch records a rule added to table t.
func (b *FlowModBatch) addedMatch(t uint8, cm classifier.Match) {
	if b.added[t] == nil {
		b.added[t] = classifier.New[struct{}]()
	}
	b.added[t].Insert(cm, 0, struct{}{})
}

// End revalidates every cache entry the batch's flow-mods affected, as
// the flow-mods would have one by one: entries whose lookup hit a rule
// the batch modified, removed or replaced, and entries whose lookup key
// an added rule covers. It is one pass over the entries of the tables the
// batch changed. End is idempotent; flow-mods after it apply at once.
func (b *FlowModBatch) End() {
	s := b.s
	s.mu.Lock()
	defer s.unlock()
	if b.ended {
		return
	}
	b.ended = true
	var tables [numTables]bool
	any := false
	for t, c := range b.added {
		if c != nil {
			tables[t], any = true, true
		}
	}
	s.markGen++
	gen := s.markGen
	for _, r := range b.changed {
		r.mark = gen
		tables[r.table], any = true, true
	}
	if !any || len(s.cache.entries) == 0 {
		b.settleMoves()
		return
	}
	var affected []*cacheEntry
	for t, in := range tables {
		if !in {
			continue
		}
		for e := range s.cache.byTable[t] {
			if e.mark == gen {
				continue
			}
			e.mark = gen
			if b.affects(e, &tables, gen) {
				affected = append(affected, e)
			}
		}
	}
	if len(affected) > pullAllOver {
		s.pullAll()
	} else {
		s.pull(affected)
	}
	b.settleMoves()
	for _, e := range affected {
		s.retranslate(e)
	}
}

// affects reports whether the batch changed what one of e's lookups
// found.
func (b *FlowModBatch) affects(e *cacheEntry, tables *[numTables]bool, gen uint64) bool {
	for i := range e.deps.lookups {
		l := &e.deps.lookups[i]
		if !tables[l.table] {
			continue
		}
		if l.hit != nil && l.hit.mark == gen {
			return true
		}
		if c := b.added[l.table]; c != nil {
			if e.wide {
				// A rule may catch other packets of its port. Which
				// added rule overlaps (caughtBy) would take a scan
				// of the batch per entry; re-translating the entry
				// (at most one a port) costs less.
				return true
			}
			k := b.s.lookupKey(l, &e.key)
			if c.Lookup(&k, nil) != nil {
				return true
			}
		}
	}
	return false
}

// settleMoves gives replaced rules' late counters to their successors.
func (b *FlowModBatch) settleMoves() {
	for _, m := range b.moves {
		if m.from.packets >= m.packets && m.from.bytes >= m.bytes {
			m.to.packets += m.from.packets - m.packets
			m.to.bytes += m.from.bytes - m.bytes
		}
	}
	b.moves = nil
}
