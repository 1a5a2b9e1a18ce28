package group

import (
	"reflect"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestStatsAndDesc(t *testing.T) {
	now := time.Unix(1000, 0)
	tb := NewTable(WithClock(func() time.Time { return now }))
	b2 := bucket(0, &ofp.ActionSetField{Field: ofp.OXM{Class: 0x8000, Field: ofp.OXMVlanVIDField, Value: []byte{0x10, 0x05}}}, out(2))
	mods := []*ofp.GroupMod{
		add(ofp.GroupTypeIndirect, 7, bucket(0, out(3))),
		add(ofp.GroupTypeSelect, 3, bucket(5, out(1)), b2),
		add(ofp.GroupTypeAll, 5, bucket(0, toGroup(7)), bucket(0, out(4))),
	}
	for _, m := range mods {
		mustMod(t, tb, m)
	}
	now = now.Add(2500 * time.Millisecond)

	// Desc echoes every group exactly as sent, in id order, and the reply
	// survives the wire.
	want := []ofp.GroupDesc{
		{Type: ofp.GroupTypeSelect, GroupID: 3, Buckets: mods[1].Buckets},
		{Type: ofp.GroupTypeAll, GroupID: 5, Buckets: mods[2].Buckets},
		{Type: ofp.GroupTypeIndirect, GroupID: 7, Buckets: mods[0].Buckets},
	}
	desc := tb.Desc()
	if !reflect.DeepEqual(desc.Entries, want) {
		t.Fatalf("desc = %+v\nwant %+v", desc.Entries, want)
	}
	wire, err := ofp.Marshal(ofp.Version13, 1, &ofp.MultipartReply{Body: desc})
	if err != nil {
		t.Fatal(err)
	}
	_, m, err := ofp.Unmarshal(wire)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*ofp.MultipartReply).Body.(*ofp.GroupDescReply); !reflect.DeepEqual(got.Entries, want) {
		t.Fatalf("desc after the wire = %+v", got.Entries)
	}

	tb.Ref(7)
	tb.Ref(7)
	tb.Ref(3)
	tb.Unref(3)
	tb.Unref(3) // never below zero
	tb.Credit(3, 1, 10, 1000)
	tb.Credit(3, 0, 1, 60)
	tb.CreditGroup(3, 2, 128)
	tb.Credit(3, 9, 1, 1) // a bucket index that does not exist counts for the group only
	tb.Credit(99, 0, 1, 1)

	st := tb.Stats(ofp.GroupAll)
	wantStats := []ofp.GroupStats{
		{GroupID: 3, RefCount: 0, PacketCount: 14, ByteCount: 1189, DurationSec: 2, DurationNsec: 500000000,
			Buckets: []ofp.BucketCounter{{PacketCount: 1, ByteCount: 60}, {PacketCount: 10, ByteCount: 1000}}},
		{GroupID: 5, RefCount: 0, DurationSec: 2, DurationNsec: 500000000, Buckets: []ofp.BucketCounter{{}, {}}},
		// two flows and group 5 forward to 7
		{GroupID: 7, RefCount: 3, DurationSec: 2, DurationNsec: 500000000, Buckets: []ofp.BucketCounter{{}}},
	}
	if !reflect.DeepEqual(st.Entries, wantStats) {
		t.Fatalf("stats = %+v\nwant %+v", st.Entries, wantStats)
	}
	if one := tb.Stats(7); len(one.Entries) != 1 || one.Entries[0].GroupID != 7 {
		t.Fatalf("stats 7 = %+v", one)
	}
	if none := tb.Stats(8); len(none.Entries) != 0 {
		t.Fatalf("stats of a missing group = %+v", none)
	}
	if tb.FlowRefs(7) != 2 || tb.FlowRefs(3) != 0 {
		t.Fatalf("flow refs: 7: %d, 3: %d", tb.FlowRefs(7), tb.FlowRefs(3))
	}
}

func TestFeatures(t *testing.T) {
	f := NewTable(WithLimits(100, 8)).Features()
	if f.Types != 0xf {
		t.Errorf("types %#x, want all four", f.Types)
	}
	if f.Capabilities != ofp.GroupCapSelectWeight|ofp.GroupCapSelectLiveness|ofp.GroupCapChaining|ofp.GroupCapChainingChecks {
		t.Errorf("capabilities %#x", f.Capabilities)
	}
	for i := range 4 {
		if f.MaxGroups[i] != 100 {
			t.Errorf("type %d: max_groups %d", i, f.MaxGroups[i])
		}
		for _, a := range []ofp.ActionType{ofp.ATOutput, ofp.ATGroup, ofp.ATSetField, ofp.ATPushVLAN, ofp.ATPopVLAN} {
			if f.Actions[i]&(1<<a) == 0 {
				t.Errorf("type %d: action %d missing", i, a)
			}
		}
		if f.Actions[i]&(1<<ofp.ATSetQueue) != 0 {
			t.Errorf("type %d: set_queue claimed", i)
		}
	}
}

// TestCreditBucket: a bucket-only credit counts in the bucket and not in
// the group, so an ALL group's packet counts once in the group and in
// every bucket.
func TestCreditBucket(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeAll, 1, bucket(0, out(2)), bucket(0, out(3)), bucket(0, out(4))))
	tb.Credit(1, 0, 3, 300)
	tb.CreditBucket(1, 1, 3, 300)
	tb.CreditBucket(1, 2, 3, 300)
	tb.CreditBucket(1, 9, 3, 300) // no such bucket: ignored
	tb.CreditBucket(2, 0, 3, 300) // no such group: ignored
	g := tb.Stats(1).Entries[0]
	if g.PacketCount != 3 || g.ByteCount != 300 {
		t.Fatalf("group counts %d/%d, want 3/300", g.PacketCount, g.ByteCount)
	}
	for i, b := range g.Buckets {
		if b.PacketCount != 3 || b.ByteCount != 300 {
			t.Fatalf("bucket %d counts %d/%d, want 3/300", i, b.PacketCount, b.ByteCount)
		}
	}
}
