package ofp

// Group multipart bodies (spec 1.3.5): OFPMP_GROUP (§7.3.5.9, struct
// ofp_group_stats with ofp_bucket_counter) and OFPMP_GROUP_FEATURES
// (§7.3.5.11, struct ofp_group_features). OFPMP_GROUP_DESC is in
// multipart_group_desc.go.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const (
	groupStatsRequestLen = 8
	groupStatsLen        = 40 // without bucket counters
	bucketCounterLen     = 16
	groupFeaturesLen     = 40
)

// GroupStatsRequest is the body of an OFPMP_GROUP request; GroupAll asks
// for every group.
type GroupStatsRequest struct {
	GroupID uint32 `json:"group_id"`
}

func (r *GroupStatsRequest) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, r.GroupID)
	return appendZeros(b, 4), nil
}

func (r *GroupStatsRequest) unmarshalMP(b []byte) error {
	if len(b) != groupStatsRequestLen {
		return badRequest(BRCBadLen, "group stats request: body %d bytes, want %d", len(b), groupStatsRequestLen)
	}
	r.GroupID = binary.BigEndian.Uint32(b[0:4])
	return nil
}

func (r *GroupStatsRequest) formatMP() string { return " group_id=" + groupIDString(r.GroupID) }

// BucketCounter is ofp_bucket_counter.
type BucketCounter struct {
	PacketCount uint64 `json:"packet_count"`
	ByteCount   uint64 `json:"byte_count"`
}

// GroupStats is ofp_group_stats.
type GroupStats struct {
	GroupID      uint32          `json:"group_id"`
	RefCount     uint32          `json:"ref_count"`
	PacketCount  uint64          `json:"packet_count"`
	ByteCount    uint64          `json:"byte_count"`
	DurationSec  uint32          `json:"duration_sec"`
	DurationNsec uint32          `json:"duration_nsec"`
	Buckets      []BucketCounter `json:"bucket_stats,omitempty"`
}

// GroupStatsReply is the body of an OFPMP_GROUP reply.
type GroupStatsReply struct {
	Entries []GroupStats `json:"entries"`
}

func (r *GroupStatsReply) numEntries() int { return len(r.Entries) }

func (r *GroupStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	start := len(b)
	b = append(b, 0, 0, 0, 0) // length, patched below; pad
	b = binary.BigEndian.AppendUint32(b, e.GroupID)
	b = binary.BigEndian.AppendUint32(b, e.RefCount)
	b = appendZeros(b, 4)
	b = binary.BigEndian.AppendUint64(b, e.PacketCount)
	b = binary.BigEndian.AppendUint64(b, e.ByteCount)
	b = binary.BigEndian.AppendUint32(b, e.DurationSec)
	b = binary.BigEndian.AppendUint32(b, e.DurationNsec)
	for _, c := range e.Buckets {
		b = binary.BigEndian.AppendUint64(b, c.PacketCount)
		b = binary.BigEndian.AppendUint64(b, c.ByteCount)
	}
	return putLen16(b, start, 0, "group stats")
}

func (r *GroupStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *GroupStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]GroupStats, 0, countEntries(b, 0, groupStatsLen))
	return decodeEntries(b, "group stats", 0, groupStatsLen, func(e []byte) error {
		if (len(e)-groupStatsLen)%bucketCounterLen != 0 {
			return badRequest(BRCBadLen, "group stats: entry of %d bytes is not whole bucket counters", len(e))
		}
		s := GroupStats{
			GroupID:      binary.BigEndian.Uint32(e[4:8]),
			RefCount:     binary.BigEndian.Uint32(e[8:12]),
			PacketCount:  binary.BigEndian.Uint64(e[16:24]),
			ByteCount:    binary.BigEndian.Uint64(e[24:32]),
			DurationSec:  binary.BigEndian.Uint32(e[32:36]),
			DurationNsec: binary.BigEndian.Uint32(e[36:40]),
		}
		for c := e[groupStatsLen:]; len(c) > 0; c = c[bucketCounterLen:] {
			s.Buckets = append(s.Buckets, BucketCounter{binary.BigEndian.Uint64(c[0:8]), binary.BigEndian.Uint64(c[8:16])})
		}
		r.Entries = append(r.Entries, s)
		return nil
	})
}

// formatMP prints as ovs-ofctl's ofputil_group_stats_format, which leaves
// out unknown durations and buckets whose packet counter is unknown.
func (r *GroupStatsReply) formatMP() string {
	var sb strings.Builder
	for _, e := range r.Entries {
		fmt.Fprintf(&sb, "\n group_id=%d,", e.GroupID)
		if e.DurationSec != Unknown32 {
			sb.WriteString("duration=" + formatDuration(e.DurationSec, e.DurationNsec) + ",")
		}
		fmt.Fprintf(&sb, "ref_count=%d,packet_count=%d,byte_count=%d", e.RefCount, e.PacketCount, e.ByteCount)
		for i, c := range e.Buckets {
			if c.PacketCount != Unknown64 {
				fmt.Fprintf(&sb, ",bucket%d:packet_count=%d,byte_count=%d", i, c.PacketCount, c.ByteCount)
			}
		}
	}
	return sb.String()
}

// GroupFeaturesRequest is the body of an OFPMP_GROUP_FEATURES request.
type GroupFeaturesRequest struct{ mpEmpty }

// Group capability bits (ofp_group_capabilities).
const (
	GroupCapSelectWeight   uint32 = 1 << 0
	GroupCapSelectLiveness uint32 = 1 << 1
	GroupCapChaining       uint32 = 1 << 2
	GroupCapChainingChecks uint32 = 1 << 3
)

// GroupFeatures is the body of an OFPMP_GROUP_FEATURES reply. Types has
// bit n set when group type n is supported; MaxGroups and Actions are
// indexed by group type (all, select, indirect, fast failover), Actions
// holding a bitmap of OFPAT_* numbers.
type GroupFeatures struct {
	Types        uint32    `json:"types"`
	Capabilities uint32    `json:"capabilities"`
	MaxGroups    [4]uint32 `json:"max_groups"`
	Actions      [4]uint32 `json:"actions"`
}

func (f *GroupFeatures) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, f.Types)
	b = binary.BigEndian.AppendUint32(b, f.Capabilities)
	for _, w := range f.MaxGroups {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	for _, w := range f.Actions {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	return b, nil
}

func (f *GroupFeatures) unmarshalMP(b []byte) error {
	if len(b) != groupFeaturesLen {
		return badRequest(BRCBadLen, "group features: body %d bytes, want %d", len(b), groupFeaturesLen)
	}
	f.Types = binary.BigEndian.Uint32(b[0:4])
	f.Capabilities = binary.BigEndian.Uint32(b[4:8])
	for i := range 4 {
		f.MaxGroups[i] = binary.BigEndian.Uint32(b[8+4*i:])
		f.Actions[i] = binary.BigEndian.Uint32(b[24+4*i:])
	}
	return nil
}

// ovs-ofctl spells the group types out in a features reply.
var groupFeatureTypeNames = [4]string{"all", "select", "indirect", "fast failover"}

// actionBitNames maps OFPAT_* numbers to the names ovs-ofctl prints for
// them in a group features reply, in the order it prints them (its own
// action order); action types Open vSwitch lacks are left out.
var actionBitNames = []struct {
	bit  uint
	name string
}{
	{0, "output"}, {22, "group"}, {25, "set_field"}, {18, "strip_vlan"}, {17, "push_vlan"},
	{23, "mod_nw_ttl"}, {24, "dec_ttl"}, {15, "set_mpls_ttl"}, {16, "dec_mpls_ttl"},
	{19, "push_mpls"}, {20, "pop_mpls"}, {21, "set_queue"},
}

func (f *GroupFeatures) formatMP() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n Group table:\n    Types:  0x%x\n    Capabilities:  0x%x", f.Types, f.Capabilities)
	for i, name := range groupFeatureTypeNames {
		if f.Types&(1<<i) == 0 {
			continue
		}
		// C's %#x prints zero as "0", Go's as "0x0".
		maxGroups := "0"
		if f.MaxGroups[i] != 0 {
			maxGroups = fmt.Sprintf("%#x", f.MaxGroups[i])
		}
		fmt.Fprintf(&sb, "\n    %s group:\n       max_groups=%s\n       actions: ", name, maxGroups)
		var acts []string
		for _, a := range actionBitNames {
			if f.Actions[i]&(1<<a.bit) != 0 {
				acts = append(acts, a.name)
			}
		}
		if len(acts) == 0 {
			sb.WriteString("<none>")
		}
		sb.WriteString(strings.Join(acts, " "))
	}
	return sb.String()
}
