package group

// Bucket selection (OpenFlow 1.3.5 §5.6.1) and liveness (§6.5: "a bucket
// is live if its watch_port is not OFPP_ANY and the port is live, or its
// watch_group is not OFPG_ANY and the group is live"; a group is live
// when at least one of its buckets is).

import (
	"math"
	"slices"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// maxLiveDepth bounds the recursion through watch_group: watches may form
// cycles (they carry no packets, so LOOP does not apply to them); a group
// reached deeper than this counts as dead.
const maxLiveDepth = 32

// Select returns the buckets a packet executes in group id, in order:
//   - all: every live bucket;
//   - indirect: its one bucket;
//   - select: one live bucket of non-zero weight, chosen from hash by
//     weighted rendezvous hashing, so a given hash keeps its bucket while
//     the set of live buckets stays the same, and a bucket going down moves
//     only the hashes it had;
//   - fast failover: the first live bucket.
//
// A missing group, or one with no usable bucket, returns nil (the packet's
// group action does nothing, §5.6.1). live may be nil: every port is live.
func (t *Table) Select(id uint32, hash uint32, live Liveness) []Selected {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g := t.groups[id]
	if g == nil {
		return nil
	}
	switch g.Type {
	case ofp.GroupTypeAll:
		var out []Selected
		for i := range g.Buckets {
			if t.bucketLive(g, i, live, 0) {
				out = append(out, Selected{i, &g.Buckets[i]})
			}
		}
		return out
	case ofp.GroupTypeIndirect:
		if len(g.Buckets) == 0 {
			return nil
		}
		return []Selected{{0, &g.Buckets[0]}}
	case ofp.GroupTypeSelect:
		if i := t.pickWeighted(g, hash, live); i >= 0 {
			return []Selected{{i, &g.Buckets[i]}}
		}
		return nil
	case ofp.GroupTypeFastFailover:
		if i := t.firstLive(g, live, 0); i >= 0 {
			return []Selected{{i, &g.Buckets[i]}}
		}
	}
	return nil
}

// pickWeighted chooses a select group's bucket: each live bucket of weight
// w scores w / -ln(u), u uniform in (0,1) from (hash, bucket index); the
// highest score wins. Bucket i then wins with probability w_i / sum(w).
func (t *Table) pickWeighted(g *Group, hash uint32, live Liveness) int {
	best, bestScore := -1, 0.0
	for i := range g.Buckets {
		w := g.Buckets[i].Weight
		if w == 0 || !t.bucketLive(g, i, live, 0) {
			continue
		}
		h := mix64(uint64(hash)<<32 | uint64(i))
		u := (float64(h>>11) + 0.5) / (1 << 53) // in (0, 1)
		score := float64(w) / -math.Log(u)
		if best < 0 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// mix64 is the splitmix64 finaliser: a bijection that spreads every input
// bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// firstLive returns the index of g's first live bucket, or -1.
func (t *Table) firstLive(g *Group, live Liveness, depth int) int {
	for i := range g.Buckets {
		if t.bucketLive(g, i, live, depth) {
			return i
		}
	}
	return -1
}

// bucketLive reports whether bucket i of g is live. A bucket watching
// nothing is live (it cannot fail); otherwise its watched port or group
// must be.
func (t *Table) bucketLive(g *Group, i int, live Liveness, depth int) bool {
	k := &g.Buckets[i]
	if k.WatchPort == ofp.PortAny && k.WatchGroup == ofp.GroupAny {
		return true
	}
	if k.WatchPort != ofp.PortAny && (live == nil || live.PortLive(k.WatchPort)) {
		return true
	}
	if k.WatchGroup != ofp.GroupAny && depth < maxLiveDepth {
		if w := t.groups[k.WatchGroup]; w != nil && t.firstLive(w, live, depth+1) >= 0 {
			return true
		}
	}
	return false
}

// LiveBucket returns the index of group id's first live bucket, false when
// the group is missing or has none (for a fast-failover group: the bucket
// it uses).
func (t *Table) LiveBucket(id uint32, live Liveness) (int, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g := t.groups[id]
	if g == nil {
		return -1, false
	}
	i := t.firstLive(g, live, 0)
	return i, i >= 0
}

// BucketLive reports whether bucket i of group id is live.
func (t *Table) BucketLive(id uint32, i int, live Liveness) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g := t.groups[id]
	if g == nil || i < 0 || i >= len(g.Buckets) {
		return false
	}
	return t.bucketLive(g, i, live, 0)
}

// GroupLive reports whether group id exists and has a live bucket.
func (t *Table) GroupLive(id uint32, live Liveness) bool {
	_, ok := t.LiveBucket(id, live)
	return ok
}

// WatchingPort returns, in increasing order, the groups whose bucket
// choice can change when port's liveness does: those with a bucket
// watching port, and every group that watches or forwards to one of those,
// transitively. ofproto revalidates the cache entries that went through
// them when it learns of a port going up or down.
func (t *Table) WatchingPort(port ofp.PortNo) []uint32 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var direct []uint32
	for id, g := range t.groups {
		if slices.ContainsFunc(g.Buckets, func(k ofp.Bucket) bool { return k.WatchPort == port }) {
			direct = append(direct, id)
		}
	}
	if len(direct) == 0 {
		return nil
	}
	return t.dependents(direct)
}
