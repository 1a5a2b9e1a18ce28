package ofproto

// The datapath cache as ofproto keeps it: for every exact-match entry it
// installed, the key, the actions, what the translation depended on and the
// counters already credited to rules, tables and groups. Every change to
// the pipeline re-translates exactly the entries that depended on what
// changed (revalidation), before the call making the change returns.

import (
	"errors"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/normal"
)

// cacheEntry is one datapath cache entry.
type cacheEntry struct {
	key     datapath.FlowKey
	actions []datapath.Action
	// wide: put port-wide (datapath.PutPortWide); a change to a table
	// it looked up may then matter to packets other than key's.
	wide    bool
	deps    deps
	last    datapath.FlowStats // the counters credited so far
	created time.Time
	// pending is set while a handler puts the entry into the datapath
	// (install); only handlers, under cmu, look at it.
	pending bool
	// mark is Switch.markGen when a FlowModBatch's End has looked at
	// the entry (s.mu held).
	mark uint64
	// gen is cache.gen when the entry was created: Revalidate tells
	// entries created during its dump by it.
	gen uint64
	// seen is the number of the last Revalidate pass whose dump held
	// the entry (s.mu held).
	seen uint64
	// gone is set when the entry leaves the cache (forget).
	gone bool
}

// cache indexes the entries; s.mu protects it, and cmu too while upcall
// handlers hold s.mu.RLock.
type cache struct {
	entries map[datapath.FlowKey]*cacheEntry
	// byTable finds the entries whose translation looked up a table.
	byTable [numTables]map[*cacheEntry]struct{}
	// byMAC finds the entries whose NORMAL decision looked up an address.
	byMAC map[macDep]map[*cacheEntry]struct{}

	upcalls, installs, revalidations, modified, deletes, full uint64
	batches                                                   uint64 // runs of upcalls handled under one read lock
	// gen counts the entries created (install, adopt).
	gen uint64
	// reval holds what Revalidate reuses from pass to pass.
	reval revalScratch
}

// revalScratch is Revalidate's state between passes: the dump's buffers
// (kept, so that a pass over a large idle cache does not allocate them
// again) and the pass number entries are marked with.
type revalScratch struct {
	mu      sync.Mutex // one pass at a time; taken before s.mu
	pass    uint64
	keys    []datapath.FlowKey
	stats   []datapath.FlowStats
	entries []*cacheEntry
	relearn []learnDep
	at      []*cacheEntry // the entry at each position of the last dump
}

func (c *cache) init() {
	c.entries = map[datapath.FlowKey]*cacheEntry{}
	c.byMAC = map[macDep]map[*cacheEntry]struct{}{}
	for i := range c.byTable {
		c.byTable[i] = map[*cacheEntry]struct{}{}
	}
}

func (c *cache) index(e *cacheEntry) {
	for _, l := range e.deps.lookups {
		c.byTable[l.table][e] = struct{}{}
	}
	for _, d := range e.deps.dsts {
		m := c.byMAC[d]
		if m == nil {
			m = map[*cacheEntry]struct{}{}
			c.byMAC[d] = m
		}
		m[e] = struct{}{}
	}
}

func (c *cache) unindex(e *cacheEntry) {
	for _, l := range e.deps.lookups {
		delete(c.byTable[l.table], e)
	}
	for _, d := range e.deps.dsts {
		if m := c.byMAC[d]; m != nil {
			delete(m, e)
			if len(m) == 0 {
				delete(c.byMAC, d)
			}
		}
	}
}

// CacheStats describes the datapath cache the Switch keeps.
type CacheStats struct {
	Flows         int    // entries now
	Limit         int    // FlowLimit
	Upcalls       uint64 // upcalls handled
	Installs      uint64 // entries installed
	Revalidations uint64 // entries re-translated after a change
	Modified      uint64 // entries whose actions changed on revalidation
	Deletes       uint64 // entries deleted (idle, limit, stale)
	Full          uint64 // translations not installed because the cache was full
	Batches       uint64 // runs of upcalls handled under one lock (Upcalls/Batches: their mean size)
}

// CacheStats returns the cache counters.
func (s *Switch) CacheStats() CacheStats {
	s.mu.Lock()
	defer s.unlock()
	c := &s.cache
	return CacheStats{Flows: len(c.entries), Limit: s.cfg.FlowLimit, Upcalls: c.upcalls, Installs: c.installs,
		Revalidations: c.revalidations, Modified: c.modified, Deletes: c.deletes, Full: c.full, Batches: c.batches}
}

// install puts the translation of key into the datapath and the cache.
// A full cache is not an error: the packet is executed all the same.
// s.mu is read-locked: the bookkeeping is under cmu, the datapath calls
// outside it, so handlers install in parallel. An entry is in the cache
// (pending) before its Put, so a second handler with the same key leaves
// it alone and a change waiting for mu.Lock finds it.
func (s *Switch) install(key datapath.FlowKey, res xlateResult) {
	c := &s.cache
	var last datapath.FlowStats
	s.cmu.Lock()
	old := c.entries[key]
	pending := old != nil && old.pending // pending is written under cmu
	s.cmu.Unlock()
	if old != nil {
		if pending {
			return // another handler is installing it now
		}
		_, err := s.dp.Get(key)
		s.cmu.Lock()
		if c.entries[key] != old {
			// Another handler replaced it meanwhile.
			s.cmu.Unlock()
			return
		}
		if err == nil && datapath.ActionsEqual(old.actions, res.actions) {
			// Another handler installed it meanwhile.
			s.cmu.Unlock()
			return
		}
		if err == nil {
			last = old.last // the datapath keeps the counters on a replace
		}
		// A miss for a key the cache holds: the datapath lost the
		// entry, or an older translation raced ours. Start over.
		s.forget(old)
		s.cmu.Unlock()
	}
	s.cmu.Lock()
	e, _ := s.installPrepare(key, res, last, s.now())
	s.cmu.Unlock()
	if e == nil {
		return
	}
	err := s.dp.Put(key, res.actions, wideFlag(res.portWide))
	s.cmu.Lock()
	s.installDone(e, err)
	s.cmu.Unlock()
}

// installPrepare creates the pending cache entry for a translation about
// to be put, with the counters last already credited, created at now;
// cmu is held. It
// returns nil when there is nothing to put: the cache is full, or holds
// the key already; old then says the key's entry is not pending, which
// install handles (the datapath lost the entry, or an older translation
// raced this one).
func (s *Switch) installPrepare(key datapath.FlowKey, res xlateResult, last datapath.FlowStats, now time.Time) (e *cacheEntry, old bool) {
	c := &s.cache
	if o := c.entries[key]; o != nil {
		return nil, !o.pending
	}
	if len(c.entries) >= s.cfg.FlowLimit {
		c.full++
		return nil, false
	}
	c.gen++
	e = &cacheEntry{key: key, actions: res.actions, wide: res.portWide, deps: res.deps, last: last, created: now,
		pending: true, gen: c.gen}
	c.entries[key] = e
	c.index(e)
	c.installs++
	return e, false
}

// installDone ends the install of a pending entry with the datapath's
// answer to its put; cmu is held. An entry the datapath refused is
// forgotten and counted as not installed (full).
func (s *Switch) installDone(e *cacheEntry, err error) {
	c := &s.cache
	e.pending = false
	if err != nil {
		if !errors.Is(err, datapath.ErrTooManyFlows) {
			s.log.Warn("install cache entry", "err", err)
		}
		s.forget(e)
		c.installs--
		c.full++
	}
}

// credit gives an entry's new traffic (cur minus what was credited) to
// what its translation went through.
func (s *Switch) credit(e *cacheEntry, cur datapath.FlowStats) bool {
	p, b := cur.Packets, cur.Bytes
	if p >= e.last.Packets && b >= e.last.Bytes {
		p -= e.last.Packets
		b -= e.last.Bytes
	}
	e.last = cur
	if p == 0 {
		return false
	}
	used := cur.Used
	if used.IsZero() {
		used = s.now()
	}
	s.creditDeps(&e.deps, p, b, used)
	return true
}

// creditDeps counts packets in the rules, tables and groups of a
// translation (spec 1.3.5 §7.3.5: per-flow, per-table, per-group and
// per-bucket counters).
func (s *Switch) creditDeps(d *deps, packets, bytes uint64, used time.Time) {
	for _, l := range d.lookups {
		t := s.tables[l.table]
		t.lookups += packets
		if r := l.hit; r != nil {
			t.matched += packets
			r.packets += packets
			r.bytes += bytes
			if u := s.stamp(used); u > r.lastUsed {
				r.lastUsed = u
			}
		}
	}
	for _, g := range d.buckets {
		if g.bucketOnly {
			s.groups.CreditBucket(g.group, g.bucket, packets, bytes)
		} else {
			s.groups.Credit(g.group, g.bucket, packets, bytes)
		}
	}
}

// pull reads the datapath counters of entries and credits them. Entries
// the datapath no longer has are forgotten.
func (s *Switch) pull(es []*cacheEntry) {
	for _, e := range es {
		f, err := s.dp.Get(e.key)
		if err != nil {
			if errors.Is(err, datapath.ErrNoSuchFlow) {
				s.forget(e)
			}
			continue
		}
		s.credit(e, f.Stats)
	}
}

// pullAll credits the counters of every entry (before a statistics reply).
func (s *Switch) pullAll() {
	if len(s.cache.entries) == 0 {
		return
	}
	err := s.dp.DumpStats(0, func(keys []datapath.FlowKey, stats []datapath.FlowStats) error {
		for i := range keys {
			if e := s.cache.entries[keys[i]]; e != nil {
				s.credit(e, stats[i])
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("dump datapath flows", "err", err)
	}
}

// forget drops an entry from the cache bookkeeping only.
func (s *Switch) forget(e *cacheEntry) {
	if s.cache.entries[e.key] != e {
		return
	}
	s.cache.unindex(e)
	delete(s.cache.entries, e.key)
	e.gone = true
}

// deleteEntries removes entries from the datapath in one DeleteBatch,
// crediting each one's last packets.
func (s *Switch) deleteEntries(es []*cacheEntry) {
	if len(es) == 0 {
		return
	}
	keys := make([]datapath.FlowKey, len(es))
	for i, e := range es {
		keys[i] = e.key
	}
	stats, errs := s.dp.DeleteBatch(keys)
	for i, e := range es {
		if errs[i] == nil {
			s.credit(e, stats[i])
		}
		s.forget(e)
		s.cache.deletes++
	}
}

// retranslate re-runs the pipeline for an entry (without side effects)
// and updates the datapath when the actions changed. The caller pulled
// the entry's counters first, so they went to what forwarded them.
func (s *Switch) retranslate(e *cacheEntry) {
	if s.cache.entries[e.key] != e {
		return
	}
	s.cache.revalidations++
	res := s.translate(e.key, false, nil)
	s.cache.unindex(e)
	e.deps = res.deps
	s.cache.index(e)
	if datapath.ActionsEqual(res.actions, e.actions) && res.portWide == e.wide {
		return
	}
	if err := s.dp.Put(e.key, res.actions, datapath.PutModify|wideFlag(res.portWide)); err != nil {
		// Whatever went wrong, a stale entry must not stay.
		s.log.Warn("revalidate cache entry", "err", err)
		s.deleteEntries([]*cacheEntry{e})
		return
	}
	e.actions, e.wide = res.actions, res.portWide
	s.cache.modified++
}

// wideFlag is the put flag of a translation that holds port-wide.
func wideFlag(portWide bool) datapath.PutFlags {
	if portWide {
		return datapath.PutPortWide
	}
	return 0
}

// revalidate pulls the counters of es and re-translates them.
func (s *Switch) revalidate(es []*cacheEntry) {
	s.pull(es)
	for _, e := range es {
		s.retranslate(e)
	}
}

// selectEntries returns the entries for which pred holds.
func (s *Switch) selectEntries(pred func(*cacheEntry) bool) []*cacheEntry {
	var out []*cacheEntry
	for _, e := range s.cache.entries {
		if pred == nil || pred(e) {
			out = append(out, e)
		}
	}
	return out
}

// revalidateAll re-translates every entry (port and controller changes).
func (s *Switch) revalidateAll() { s.revalidate(s.selectEntries(nil)) }

// entriesMatching returns the entries whose lookup in table t would now
// hit a rule with match m (a rule being added there).
func (s *Switch) entriesMatching(t uint8, m *classifier.Match) []*cacheEntry {
	var out []*cacheEntry
	for e := range s.cache.byTable[t] {
		for i := range e.deps.lookups {
			l := &e.deps.lookups[i]
			if l.table == t && s.caughtBy(e, l, m) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// caughtBy reports whether a rule with match m can catch a packet of e at
// its lookup l: e's key, or for a port-wide entry any packet of its port
// (which all reach l with the same port words: portWideMask).
func (s *Switch) caughtBy(e *cacheEntry, l *lookupDep, m *classifier.Match) bool {
	k := s.lookupKey(l, &e.key)
	if !e.wide {
		return m.Matches(&k)
	}
	held := classifier.NewMatch(k, portWideMask)
	return m.Overlaps(&held)
}

// entriesHitting returns the entries whose translation hit one of rules.
func (s *Switch) entriesHitting(rules []*rule) []*cacheEntry {
	// Rules are marked with a fresh generation instead of being put in a
	// set: a 100,000-flow dump then allocates nothing here.
	s.markGen++
	gen := s.markGen
	var tables [numTables]bool
	for _, r := range rules {
		r.mark = gen
		tables[r.table] = true
	}
	seen := map[*cacheEntry]bool{}
	var out []*cacheEntry
	for t, in := range tables {
		if !in {
			continue
		}
		for e := range s.cache.byTable[t] {
			if seen[e] {
				continue
			}
			for _, l := range e.deps.lookups {
				if l.hit != nil && l.hit.mark == gen {
					seen[e] = true
					out = append(out, e)
					break
				}
			}
		}
	}
	return out
}

// entriesWithGroups returns the entries that went through any of groups.
func (s *Switch) entriesWithGroups(groups []uint32) []*cacheEntry {
	set := map[uint32]bool{}
	for _, g := range groups {
		set[g] = true
	}
	return s.selectEntries(func(e *cacheEntry) bool {
		for _, g := range e.deps.groups {
			if set[g] {
				return true
			}
		}
		return false
	})
}

// entriesWithMeters returns the entries that went through any of meters.
func (s *Switch) entriesWithMeters(meters []uint32) []*cacheEntry {
	set := map[uint32]bool{}
	for _, m := range meters {
		set[m] = true
	}
	return s.selectEntries(func(e *cacheEntry) bool {
		for _, m := range e.deps.meters {
			if set[m] {
				return true
			}
		}
		return false
	})
}

// macChanged revalidates the entries whose NORMAL decision looked up an
// address that changed.
func (s *Switch) macChanged(changes []normal.Change) {
	if len(changes) == 0 || len(s.cache.entries) == 0 {
		return
	}
	seen := map[*cacheEntry]bool{}
	var es []*cacheEntry
	for _, c := range changes {
		for e := range s.cache.byMAC[macDep{c.VLAN, c.MAC}] {
			if !seen[e] {
				seen[e] = true
				es = append(es, e)
			}
		}
	}
	s.revalidate(es)
}
