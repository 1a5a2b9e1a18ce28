package ofproto

// Periodic revalidation: counters, idle cache entries, the flow limit,
// flow timeouts and MAC aging.

import (
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
func (s *Switch) Revalidate() (RevalidateStats, error) {
	s.mu.Lock()
	defer s.unlock()
	var st RevalidateStats
	now := s.now()
	seen := map[*cacheEntry]bool{}
	var flows []datapath.Flow
	err := s.dp.Dump(0, func(fs []datapath.Flow) error {
		flows = append(flows, fs...)
		return nil
	})
	if err != nil {
		return st, err
	}
	var relearn []learnDep
	for i := range flows {
		f := &flows[i]
		e := s.cache.entries[f.Key]
		if e == nil {
			e = s.adopt(f)
			if e == nil {
				st.Deleted++
				continue
			}
			st.Modified++
		}
		seen[e] = true
		if s.credit(e, f.Stats) {
			st.Credited++
			relearn = append(relearn, e.deps.learned...)
		}
		used := f.Stats.Used
		if used.IsZero() {
			used = e.created
		}
		if now.Sub(used) >= s.cfg.IdleTimeout {
			s.deleteEntry(e)
			st.Deleted++
		}
	}
	for _, e := range s.selectEntries(func(e *cacheEntry) bool { return !seen[e] }) {
		s.forget(e) // the datapath lost it
	}
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
	if !datapath.ActionsEqual(res.actions, f.Actions) {
		if err := s.dp.Put(f.Key, res.actions, datapath.PutModify); err != nil {
			s.log.Warn("adopt cache entry", "err", err)
			return nil
		}
	}
	e := &cacheEntry{key: f.Key, actions: res.actions, deps: res.deps, last: f.Stats, created: s.now()}
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
	for _, e := range es[:over] {
		s.deleteEntry(e)
	}
	return over
}

func lastUse(e *cacheEntry) time.Time {
	if e.last.Used.IsZero() {
		return e.created
	}
	return e.last.Used
}
