package group

// Group multipart replies: OFPMP_GROUP (§7.3.5.9), OFPMP_GROUP_DESC
// (§7.3.5.10) and OFPMP_GROUP_FEATURES (§7.3.5.11).

import (
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Stats answers an OFPMP_GROUP request for group id or ofp.GroupAll. An
// unknown id gets an empty reply, as Open vSwitch answers. ref_count counts
// the flows (Ref) and the groups whose buckets forward to the group.
func (t *Table) Stats(id uint32) *ofp.GroupStatsReply {
	t.mu.RLock()
	defer t.mu.RUnlock()
	now := t.now()
	r := &ofp.GroupStatsReply{Entries: []ofp.GroupStats{}}
	ids := []uint32{id}
	if id == ofp.GroupAll {
		ids = t.sortedIDs()
	}
	var parents map[uint32][]uint32
	for _, gid := range ids {
		g := t.groups[gid]
		if g == nil {
			continue
		}
		if parents == nil {
			parents = t.forwardersIndex()
		}
		sec, nsec := duration(now.Sub(g.Created))
		e := ofp.GroupStats{
			GroupID:      g.ID,
			RefCount:     uint32(t.flowRefs[g.ID] + len(parents[g.ID])),
			PacketCount:  g.packets.Load(),
			ByteCount:    g.bytes.Load(),
			DurationSec:  sec,
			DurationNsec: nsec,
			Buckets:      make([]ofp.BucketCounter, len(g.buckets)),
		}
		for i := range g.buckets {
			e.Buckets[i] = ofp.BucketCounter{PacketCount: g.buckets[i].packets.Load(), ByteCount: g.buckets[i].bytes.Load()}
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}

func duration(d time.Duration) (sec, nsec uint32) {
	if d < 0 {
		d = 0
	}
	return uint32(d / time.Second), uint32(d % time.Second)
}

// Desc answers an OFPMP_GROUP_DESC request: every group in increasing id
// order, its buckets echoed as the group-mod sent them.
func (t *Table) Desc() *ofp.GroupDescReply {
	t.mu.RLock()
	defer t.mu.RUnlock()
	r := &ofp.GroupDescReply{Entries: make([]ofp.GroupDesc, 0, len(t.groups))}
	for _, id := range t.sortedIDs() {
		g := t.groups[id]
		r.Entries = append(r.Entries, ofp.GroupDesc{Type: g.Type, GroupID: g.ID, Buckets: cloneBuckets(g.Buckets)})
	}
	return r
}

// BucketActions is the bitmap of OFPAT_* action types that xvs executes in
// a bucket (ofp_group_features.actions): what translation turns into
// datapath actions.
const BucketActions uint32 = 1<<ofp.ATOutput |
	1<<ofp.ATSetMPLSTTL | 1<<ofp.ATDecMPLSTTL |
	1<<ofp.ATPushVLAN | 1<<ofp.ATPopVLAN |
	1<<ofp.ATPushMPLS | 1<<ofp.ATPopMPLS |
	1<<ofp.ATGroup | 1<<ofp.ATSetNwTTL | 1<<ofp.ATDecNwTTL |
	1<<ofp.ATSetField |
	1<<ofp.ATCopyTTLOut | 1<<ofp.ATCopyTTLIn |
	1<<ofp.ATPushPBB | 1<<ofp.ATPopPBB

// Features answers an OFPMP_GROUP_FEATURES request: all four group types,
// weighted select with liveness, chaining with loop checks, and the
// table's group limit for each type (the limit is shared).
func (t *Table) Features() *ofp.GroupFeatures {
	f := &ofp.GroupFeatures{
		Types: 1<<ofp.GroupTypeAll | 1<<ofp.GroupTypeSelect | 1<<ofp.GroupTypeIndirect | 1<<ofp.GroupTypeFastFailover,
		Capabilities: ofp.GroupCapSelectWeight | ofp.GroupCapSelectLiveness |
			ofp.GroupCapChaining | ofp.GroupCapChainingChecks,
	}
	for i := range f.MaxGroups {
		f.MaxGroups[i] = uint32(t.maxGroups)
		f.Actions[i] = BucketActions
	}
	return f
}

// Limits returns the table's maximum number of groups and of buckets per
// group.
func (t *Table) Limits() (maxGroups, maxBuckets int) { return t.maxGroups, t.maxBuckets }
