package ofproto

// Periodic revalidation: counters, idle cache entries, the flow limit,
// flow timeouts and MAC aging.

import (
	"errors"
	"sort"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/normal"
)

// RevalidateStats says what one Revalidate pass did.
type RevalidateStats struct {
	Flows    int // cache entries after the pass
	Deleted  int // entries deleted (idle, over the limit, unknown and untranslatable)
	Modified int // entries whose actions were replaced (adopted ones included)
	Credited int // entries whose new traffic was credited
}

// revalidateInterval is how often the timer runs Revalidate.
const revalidateInterval = time.Second

// timer runs Revalidate until Close.
func (s *Switch) timer() {
	defer close(s.done)
	if s.cfg.RevalidateInterval < 0 {
		<-s.stop
		return
	}
	iv := s.cfg.RevalidateInterval
	if iv == 0 {
		iv = revalidateInterval
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if _, err := s.Revalidate(); err != nil {
				s.log.Warn("revalidate", "err", err)
			}
		}
	}
}

// Revalidate pulls every cache entry's counters and credits them, deletes
// entries idle for IdleTimeout and, beyond FlowLimit, the least recently
// used ones, adopts entries it does not know (left by an earlier process)
// by translating their keys, re-learns the source addresses of NORMAL
// flows still in use (so MAC entries do not age out under cached traffic),
// ages the MAC table and expires flows whose idle or hard timeout passed.
//
// The datapath's keys and counters are read (DumpStats) before the
// Switch is locked, so upcall handlers go on installing meanwhile: a dump
// of 100,000 entries takes tens of milliseconds. What changed during the
// dump is told apart under the lock: entries created meanwhile are left
// for the next pass, counters older than what a change credited since
// are skipped, an entry listed twice counts once, and an entry missing
// from the dump is forgotten only when the datapath confirms it has gone.
// Idle entries, then over-limit ones, are deleted a batch at a time.
func (s *Switch) Revalidate() (RevalidateStats, error) {
	var st RevalidateStats
	rs := &s.cache.reval
	// One pass at a time: the pass's buffers are kept between passes.
	rs.mu.Lock()
	defer rs.mu.Unlock()
	s.mu.Lock()
	dumpGen := s.cache.gen
	s.unlock()
	// Keys and counters only (DumpStats), copied into buffers the next
	// pass reuses: a pass over an idle cache allocates nothing per entry.
	keys, stats := rs.keys[:0], rs.stats[:0]
	err := s.dp.DumpStats(0, func(ks []datapath.FlowKey, ss []datapath.FlowStats) error {
		keys = append(keys, ks...)
		stats = append(stats, ss...)
		return nil
	})
	rs.keys, rs.stats = keys, stats
	if err != nil {
		return st, err
	}
	s.mu.Lock()
	defer s.unlock()
	now := s.now()
	rs.pass++
	pass := rs.pass
	idle := rs.entries[:0]
	relearn := rs.relearn[:0]
	// at[i] is the entry the last pass found at position i of its dump.
	// A dump of an unchanged datapath lists the keys in the same order,
	// so the entry is most often found there: one key comparison instead
	// of a lookup in the cache's map (hashing the key and two cache
	// misses an entry). Forgotten entries are marked gone, so an entry
	// found there that is not gone and has the key is the cache's.
	at := rs.at
	if len(at) < len(keys) {
		at = append(at, make([]*cacheEntry, len(keys)-len(at))...)
	}
	for i := range keys {
		f := &stats[i]
		e := at[i]
		if e == nil || e.gone || e.key != keys[i] {
			e = s.cache.entries[keys[i]]
		}
		if e == nil {
			// Unknown, or deleted since the dump read it: only these
			// cost a Get (the actions, to adopt the entry).
			cur, err := s.dp.Get(keys[i])
			if err != nil {
				continue
			}
			if e = s.adopt(&cur); e == nil {
				st.Deleted++
				continue
			}
			st.Modified++
		}
		at[i] = e
		if e.seen == pass {
			continue // listed twice by a dump of a changing table
		}
		e.seen = pass
		if e.gen > dumpGen {
			continue // created during the dump: the sample may be an older entry's
		}
		if f.Packets < e.last.Packets || f.Bytes < e.last.Bytes {
			// A change credited fresher counters after the dump.
			*f = e.last
		} else if s.credit(e, *f) {
			st.Credited++
			relearn = append(relearn, e.deps.learned...)
		}
		used := f.Used
		if e.last.Used.After(used) {
			used = e.last.Used
		}
		if used.IsZero() {
			used = e.created
		}
		if now.Sub(used) >= s.cfg.IdleTimeout {
			idle = append(idle, e) // deleting marks it gone for at
		}
	}
	// Entries found no more do not stay reachable from at.
	clear(at[len(keys):])
	rs.at = at[:len(keys)]
	st.Deleted += len(idle)
	s.deleteEntries(idle)
	idle = idle[:0]
	for _, e := range s.cache.entries {
		if e.seen != pass && e.gen <= dumpGen {
			idle = append(idle, e)
		}
	}
	for _, e := range idle {
		// Installed before the dump, and not in it: the datapath lost it,
		// unless the install finished after the dump passed its bucket.
		if _, err := s.dp.Get(e.key); errors.Is(err, datapath.ErrNoSuchFlow) {
			s.forget(e)
		}
	}
	clear(idle) // the buffer must not keep deleted entries alive
	rs.entries = idle[:0]
	st.Deleted += s.enforceLimit()
	var changes []normal.Change
	for _, l := range relearn {
		if c, ev := s.macs.Learn(l.vlan, l.mac, l.port); c != nil || ev != nil {
			for _, x := range []*normal.Change{c, ev} {
				if x != nil {
					changes = append(changes, *x)
				}
			}
		}
	}
	rs.relearn = relearn[:0]
	changes = append(changes, s.macs.Expire()...)
	s.macChanged(changes)
	s.expireRules()
	s.gcPins()
	st.Flows = len(s.cache.entries)
	return st, nil
}

// adopt takes over a datapath entry the cache does not know: its key is
// translated and the entry kept (actions replaced if they differ) with its
// counters treated as already credited, or deleted when the translation
// gives nothing to do.
func (s *Switch) adopt(f *datapath.Flow) *cacheEntry {
	res := s.translate(f.Key, false, nil)
	if len(s.cache.entries) >= s.cfg.FlowLimit {
		if _, err := s.dp.Delete(f.Key); err != nil {
			s.log.Debug("delete unknown cache entry", "err", err)
		}
		s.cache.deletes++
		return nil
	}
	// A port-wide entry that no longer translates port-wide (or the
	// reverse) is put again, as one whose actions changed: revalidation
	// must know what the entry covers.
	if !datapath.ActionsEqual(res.actions, f.Actions) || res.portWide != f.PortWide() {
		if err := s.dp.Put(f.Key, res.actions, datapath.PutModify|wideFlag(res.portWide)); err != nil {
			s.log.Warn("adopt cache entry", "err", err)
			return nil
		}
	}
	s.cache.gen++
	e := &cacheEntry{key: f.Key, actions: res.actions, wide: res.portWide, deps: res.deps, last: f.Stats, created: s.now(),
		gen: s.cache.gen}
	s.cache.entries[f.Key] = e
	s.cache.index(e)
	return e
}

// enforceLimit deletes the least recently used entries beyond FlowLimit.
func (s *Switch) enforceLimit() int {
	over := len(s.cache.entries) - s.cfg.FlowLimit
	if over <= 0 {
		return 0
	}
	es := s.selectEntries(nil)
	sort.Slice(es, func(i, j int) bool { return lastUse(es[i]).Before(lastUse(es[j])) })
	s.deleteEntries(es[:over])
	return over
}

func lastUse(e *cacheEntry) time.Time {
	if e.last.Used.IsZero() {
		return e.created
	}
	return e.last.Used
}
