package group

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Limits of a table. DefaultMaxBuckets keeps the datapath action list of an
// ALL group within datapath.MaxActions even with a few actions per bucket.
const (
	DefaultMaxGroups  = 65536
	DefaultMaxBuckets = 64
	// MaxChainDepth bounds how many groups a packet may pass through (a
	// group whose bucket names a group, and so on). Deeper chains are
	// refused with OFPGMFC_CHAINING_UNSUPPORTED: translation recurses once
	// per level.
	MaxChainDepth = 16
)

// Group is one group table entry. Its fields never change after Mod
// stored it (a modify replaces the whole entry, §6.5), so a *Group can be
// read without locks; callers must not modify it.
type Group struct {
	ID      uint32
	Type    uint8        // ofp.GroupType*
	Buckets []ofp.Bucket // exactly as the group-mod sent them
	Created time.Time

	// forwards lists the distinct groups named by group actions in the
	// buckets; watches the distinct groups named by watch_group.
	forwards, watches []uint32

	packets, bytes atomic.Uint64
	buckets        []bucketCounter
}

type bucketCounter struct{ packets, bytes atomic.Uint64 }

// Forwards returns the groups this group's buckets send packets to.
func (g *Group) Forwards() []uint32 { return slices.Clone(g.forwards) }

// Selected is one bucket to execute: its index in Group.Buckets (for
// Credit) and the bucket itself.
type Selected struct {
	Index  int
	Bucket *ofp.Bucket
}

// Liveness tells whether a port is live (OpenFlow 1.3.5 §6.5: "a port is
// live if it is not down": link up and not administratively down).
type Liveness interface {
	PortLive(ofp.PortNo) bool
}

// LivenessFunc adapts a function to Liveness.
type LivenessFunc func(ofp.PortNo) bool

// PortLive implements Liveness.
func (f LivenessFunc) PortLive(p ofp.PortNo) bool { return f(p) }

// Table is a switch's group table. It is safe for concurrent use.
type Table struct {
	now        func() time.Time
	maxGroups  int
	maxBuckets int

	mu sync.RWMutex // protects the fields below
	// groups by id.
	groups map[uint32]*Group
	// flowRefs counts the flows whose instructions name each group (Ref,
	// Unref); ids need not exist yet.
	flowRefs map[uint32]int
}

// Option configures a Table.
type Option func(*Table)

// WithLimits sets the maximum number of groups and of buckets per group;
// zero or negative keeps the default.
func WithLimits(maxGroups, maxBuckets int) Option {
	return func(t *Table) {
		if maxGroups > 0 {
			t.maxGroups = maxGroups
		}
		if maxBuckets > 0 {
			t.maxBuckets = maxBuckets
		}
	}
}

// WithClock sets the clock for group durations (tests); nil keeps time.Now.
func WithClock(now func() time.Time) Option {
	return func(t *Table) {
		if now != nil {
			t.now = now
		}
	}
}

// NewTable returns an empty group table.
func NewTable(opts ...Option) *Table {
	t := &Table{
		now:        time.Now,
		maxGroups:  DefaultMaxGroups,
		maxBuckets: DefaultMaxBuckets,
		groups:     make(map[uint32]*Group),
		flowRefs:   make(map[uint32]int),
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

// Get returns group id, or nil when there is none.
func (t *Table) Get(id uint32) *Group {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.groups[id]
}

// Len returns the number of groups.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.groups)
}

// IDs returns every group id in increasing order.
func (t *Table) IDs() []uint32 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.sortedIDs()
}

func (t *Table) sortedIDs() []uint32 {
	ids := make([]uint32, 0, len(t.groups))
	for id := range t.groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Ref records one more flow whose instructions name group id; ofproto calls
// it when such a flow is added. The count shows in ref_count (§7.3.5.9).
func (t *Table) Ref(id uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flowRefs[id]++
}

// Unref undoes one Ref; it never goes below zero.
func (t *Table) Unref(id uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.flowRefs[id] <= 1 {
		delete(t.flowRefs, id)
		return
	}
	t.flowRefs[id]--
}

// FlowRefs returns how many flows name group id (as counted by Ref/Unref).
func (t *Table) FlowRefs(id uint32) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.flowRefs[id]
}

// Credit adds counters to group id and, when bucket is a valid index, to
// that bucket. ofproto calls it with the traffic of cache entries that went
// through the group. Unknown groups are ignored (the group went away after
// the packets were counted).
func (t *Table) Credit(id uint32, bucket int, packets, bytes uint64) {
	g := t.Get(id)
	if g == nil {
		return
	}
	g.packets.Add(packets)
	g.bytes.Add(bytes)
	if bucket >= 0 && bucket < len(g.buckets) {
		g.buckets[bucket].packets.Add(packets)
		g.buckets[bucket].bytes.Add(bytes)
	}
}

// CreditBucket adds counters to one bucket of group id alone, not to the
// group: every bucket of an ALL group executes the packet (spec 1.3.5
// §5.6.1, §7.3.5.9 counts per bucket), but the group counts it once.
// Unknown groups and bucket indexes are ignored.
func (t *Table) CreditBucket(id uint32, bucket int, packets, bytes uint64) {
	g := t.Get(id)
	if g == nil || bucket < 0 || bucket >= len(g.buckets) {
		return
	}
	g.buckets[bucket].packets.Add(packets)
	g.buckets[bucket].bytes.Add(bytes)
}

// CreditGroup adds counters to group id alone: a packet that went through
// the group but executed no bucket (a fast-failover group with none live).
func (t *Table) CreditGroup(id uint32, packets, bytes uint64) { t.Credit(id, -1, packets, bytes) }
