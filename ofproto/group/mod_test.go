package group

import (
	"errors"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func out(p ofp.PortNo) ofp.Action  { return &ofp.ActionOutput{Port: p, MaxLen: 0xffff} }
func toGroup(id uint32) ofp.Action { return &ofp.ActionGroup{GroupID: id} }

// bucket returns a bucket watching nothing.
func bucket(w uint16, as ...ofp.Action) ofp.Bucket {
	return ofp.Bucket{Weight: w, WatchPort: ofp.PortAny, WatchGroup: ofp.GroupAny, Actions: as}
}

func watchPort(p ofp.PortNo, as ...ofp.Action) ofp.Bucket {
	b := bucket(0, as...)
	b.WatchPort = p
	return b
}

func watchGroup(g uint32, as ...ofp.Action) ofp.Bucket {
	b := bucket(0, as...)
	b.WatchGroup = g
	return b
}

func add(typ uint8, id uint32, bs ...ofp.Bucket) *ofp.GroupMod {
	return &ofp.GroupMod{Command: ofp.GroupAdd, Type: typ, GroupID: id, Buckets: bs}
}

func modify(typ uint8, id uint32, bs ...ofp.Bucket) *ofp.GroupMod {
	m := add(typ, id, bs...)
	m.Command = ofp.GroupModify
	return m
}

func del(id uint32) *ofp.GroupMod { return &ofp.GroupMod{Command: ofp.GroupDelete, GroupID: id} }

// ports 1-4 exist.
func validPort(p ofp.PortNo) bool { return p >= 1 && p <= 4 || p == ofp.PortLocal }

func mustMod(t *testing.T, tb *Table, gm *ofp.GroupMod) []uint32 {
	t.Helper()
	changed, err := tb.Mod(gm, validPort)
	if err != nil {
		t.Fatalf("mod %+v: %v", gm, err)
	}
	return changed
}

// chain adds groups from..to (inclusive) as indirect groups, each
// forwarding to the next, the last outputting to port 1.
func chain(t *testing.T, tb *Table, from, to uint32) {
	t.Helper()
	for id := to; id >= from; id-- {
		a := out(1)
		if id != to {
			a = toGroup(id + 1)
		}
		mustMod(t, tb, add(ofp.GroupTypeIndirect, id, bucket(0, a)))
	}
}

func TestModErrors(t *testing.T) {
	type step = *ofp.GroupMod
	tests := []struct {
		name  string
		opts  []Option
		setup []step
		mod   step
		typ   ofp.ErrorType
		code  uint16
	}{
		{"add existing", nil, []step{add(ofp.GroupTypeAll, 1, bucket(0, out(1)))},
			add(ofp.GroupTypeAll, 1), ofp.ETGroupModFailed, ofp.GMFCGroupExists},
		{"id above OFPG_MAX", nil, nil,
			add(ofp.GroupTypeAll, ofp.GroupMax+1), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"add OFPG_ALL", nil, nil,
			add(ofp.GroupTypeAll, ofp.GroupAll), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"weight in an all group", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(2, out(1))), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"indirect with two buckets", nil, nil,
			add(ofp.GroupTypeIndirect, 1, bucket(0, out(1)), bucket(0, out(2))), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"indirect with no bucket", nil, nil,
			add(ofp.GroupTypeIndirect, 1), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"fast failover bucket watching nothing", nil, nil,
			add(ofp.GroupTypeFastFailover, 1, bucket(0, out(1))), ofp.ETGroupModFailed, ofp.GMFCInvalidGroup},
		{"modify missing", nil, nil,
			modify(ofp.GroupTypeAll, 9), ofp.ETGroupModFailed, ofp.GMFCUnknownGroup},
		{"unknown type", nil, nil,
			add(4, 1), ofp.ETGroupModFailed, ofp.GMFCBadType},
		{"unknown command", nil, nil,
			&ofp.GroupMod{Command: 3, GroupID: 1}, ofp.ETGroupModFailed, ofp.GMFCBadCommand},
		{"table full", []Option{WithLimits(2, 0)},
			[]step{add(ofp.GroupTypeAll, 1), add(ofp.GroupTypeAll, 2)},
			add(ofp.GroupTypeAll, 3), ofp.ETGroupModFailed, ofp.GMFCOutOfGroups},
		{"too many buckets", []Option{WithLimits(0, 2)}, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, out(1)), bucket(0, out(2)), bucket(0, out(3))),
			ofp.ETGroupModFailed, ofp.GMFCOutOfBuckets},
		{"watch in an all group", nil, nil,
			add(ofp.GroupTypeAll, 1, watchPort(1, out(1))), ofp.ETGroupModFailed, ofp.GMFCWatchUnsupported},
		{"watch in an indirect group", nil, []step{add(ofp.GroupTypeAll, 2)},
			add(ofp.GroupTypeIndirect, 1, watchGroup(2, out(1))), ofp.ETGroupModFailed, ofp.GMFCWatchUnsupported},
		{"watch missing port", nil, nil,
			add(ofp.GroupTypeFastFailover, 1, watchPort(9, out(1))), ofp.ETGroupModFailed, ofp.GMFCBadWatch},
		{"watch reserved port", nil, nil,
			add(ofp.GroupTypeFastFailover, 1, watchPort(ofp.PortFlood, out(1))), ofp.ETGroupModFailed, ofp.GMFCBadWatch},
		{"watch missing group", nil, nil,
			add(ofp.GroupTypeFastFailover, 1, watchGroup(7, out(1))), ofp.ETGroupModFailed, ofp.GMFCBadWatch},
		{"watch itself", nil, []step{add(ofp.GroupTypeFastFailover, 1, watchPort(1, out(1)))},
			modify(ofp.GroupTypeFastFailover, 1, watchGroup(1, out(1))), ofp.ETGroupModFailed, ofp.GMFCBadWatch},
		{"forward to itself", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, toGroup(1))), ofp.ETGroupModFailed, ofp.GMFCLoop},
		{"two-group loop", nil,
			[]step{add(ofp.GroupTypeAll, 2, bucket(0, out(1))), add(ofp.GroupTypeAll, 1, bucket(0, toGroup(2)))},
			modify(ofp.GroupTypeAll, 2, bucket(0, toGroup(1))), ofp.ETGroupModFailed, ofp.GMFCLoop},
		{"loop through a select group", nil,
			[]step{
				add(ofp.GroupTypeAll, 3, bucket(0, out(1))),
				add(ofp.GroupTypeSelect, 2, bucket(1, out(2)), bucket(1, toGroup(3))),
				add(ofp.GroupTypeAll, 1, bucket(0, out(3)), bucket(0, toGroup(2))),
			},
			modify(ofp.GroupTypeAll, 3, bucket(0, toGroup(1))), ofp.ETGroupModFailed, ofp.GMFCLoop},
		{"delete a group others forward to", nil,
			[]step{add(ofp.GroupTypeAll, 2, bucket(0, out(1))), add(ofp.GroupTypeAll, 1, bucket(0, toGroup(2)))},
			del(2), ofp.ETGroupModFailed, ofp.GMFCChainedGroup},
		{"output to a missing port", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, out(9))), ofp.ETBadAction, ofp.BACBadOutPort},
		{"output to TABLE", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, out(ofp.PortTable))), ofp.ETBadAction, ofp.BACBadOutPort},
		{"forward to a missing group", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, toGroup(5))), ofp.ETBadAction, ofp.BACBadOutGroup},
		{"forward to OFPG_ALL", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, toGroup(ofp.GroupAll))), ofp.ETBadAction, ofp.BACBadOutGroup},
		{"bad push_vlan", nil, nil,
			add(ofp.GroupTypeAll, 1, bucket(0, &ofp.ActionPushVLAN{EtherType: 0x800})), ofp.ETBadAction, ofp.BACBadArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := NewTable(tc.opts...)
			for _, s := range tc.setup {
				mustMod(t, tb, s)
			}
			before := tb.Desc()
			_, err := tb.Mod(tc.mod, validPort)
			var oe *ofp.Error
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an *ofp.Error", err)
			}
			if oe.Type != tc.typ || oe.Code != tc.code {
				t.Fatalf("err = %v (type %d code %d), want type %d code %d", err, oe.Type, oe.Code, tc.typ, tc.code)
			}
			if after := tb.Desc(); len(after.Entries) != len(before.Entries) {
				t.Fatalf("failed mod changed the table: %d groups, had %d", len(after.Entries), len(before.Entries))
			}
		})
	}
}

func TestChainDepth(t *testing.T) {
	tb := NewTable()
	chain(t, tb, 1, MaxChainDepth) // exactly the limit
	// One more group in front of the chain makes it too deep.
	_, err := tb.Mod(add(ofp.GroupTypeIndirect, 100, bucket(0, toGroup(1))), validPort)
	if !errors.Is(err, &ofp.Error{Type: ofp.ETGroupModFailed, Code: ofp.GMFCChainingUnsupported}) {
		t.Fatalf("chain of %d: err = %v, want CHAINING_UNSUPPORTED", MaxChainDepth+1, err)
	}
	// So does extending it at the end by modifying the last group.
	mustMod(t, tb, add(ofp.GroupTypeAll, 200, bucket(0, out(1))))
	_, err = tb.Mod(modify(ofp.GroupTypeIndirect, MaxChainDepth, bucket(0, toGroup(200))), validPort)
	if !errors.Is(err, &ofp.Error{Type: ofp.ETGroupModFailed, Code: ofp.GMFCChainingUnsupported}) {
		t.Fatalf("extended chain: err = %v, want CHAINING_UNSUPPORTED", err)
	}
	if g := tb.Get(MaxChainDepth); len(g.Forwards()) != 0 {
		t.Fatalf("refused modify changed group %d: forwards %v", MaxChainDepth, g.Forwards())
	}
}

func TestModifyReplaces(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeAll, 1, bucket(0, out(1)), bucket(0, out(2))))
	tb.Credit(1, 0, 5, 500)
	changed := mustMod(t, tb, modify(ofp.GroupTypeSelect, 1, bucket(3, out(3))))
	if !slices.Equal(changed, []uint32{1}) {
		t.Fatalf("changed = %v, want [1]", changed)
	}
	g := tb.Get(1)
	if g.Type != ofp.GroupTypeSelect || len(g.Buckets) != 1 || g.Buckets[0].Weight != 3 {
		t.Fatalf("after modify: %+v", g)
	}
	// §6.5: modify removes the entry and adds the new one, counters too.
	if s := tb.Stats(1).Entries[0]; s.PacketCount != 0 || len(s.Buckets) != 1 {
		t.Fatalf("stats after modify: %+v", s)
	}
}

func TestDelete(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeAll, 3, bucket(0, out(1))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 2, bucket(0, toGroup(3))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 1, bucket(0, toGroup(2))))
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 4, watchGroup(3, out(2))))

	// A missing group: no error, nothing changes (§6.5).
	r, err := tb.Apply(del(9), validPort)
	if err != nil || len(r.Changed) != 0 || tb.Len() != 4 {
		t.Fatalf("delete missing: %+v, %v, %d groups", r, err, tb.Len())
	}
	// Deleting the head of the chain works and reports just it.
	r, err = tb.Apply(del(1), validPort)
	if err != nil || !slices.Equal(r.Deleted, []uint32{1}) || !slices.Equal(r.Changed, []uint32{1}) {
		t.Fatalf("delete 1: %+v, %v", r, err)
	}
	// OFPG_ALL removes everything even though 2 forwards to 3.
	r, err = tb.Apply(del(ofp.GroupAll), validPort)
	if err != nil || !slices.Equal(r.Deleted, []uint32{2, 3, 4}) || tb.Len() != 0 {
		t.Fatalf("delete all: %+v, %v, %d left", r, err, tb.Len())
	}
}

func TestChangedIncludesDependents(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeAll, 3, bucket(0, out(1))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 2, bucket(0, toGroup(3))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 1, bucket(0, toGroup(2))))
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 5, watchGroup(3, out(2)), watchPort(2, out(3))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 6, bucket(0, out(4))))
	changed := mustMod(t, tb, modify(ofp.GroupTypeAll, 3, bucket(0, out(2))))
	if want := []uint32{1, 2, 3, 5}; !slices.Equal(changed, want) {
		t.Fatalf("changed = %v, want %v", changed, want)
	}
	if got := tb.Referencing(3); !slices.Equal(got, []uint32{2}) {
		t.Fatalf("Referencing(3) = %v, want [2]", got)
	}
	if got := tb.WatchingPort(2); !slices.Equal(got, []uint32{5}) {
		t.Fatalf("WatchingPort(2) = %v, want [5]", got)
	}
	if got := tb.WatchingPort(4); got != nil {
		t.Fatalf("WatchingPort(4) = %v, want none", got)
	}
	if got := tb.Dependents(3, 6, 42); !slices.Equal(got, []uint32{1, 2, 3, 5, 6}) {
		t.Fatalf("Dependents(3, 6, 42) = %v", got)
	}
	if got := tb.IDs(); !slices.Equal(got, []uint32{1, 2, 3, 5, 6}) {
		t.Fatalf("IDs = %v", got)
	}
	// Group 5's first bucket watches group 3, live whatever port 2 does
	// (its bucket watches nothing).
	live := LivenessFunc(func(p ofp.PortNo) bool { return p != 2 })
	if i, ok := tb.LiveBucket(5, live); !ok || i != 0 {
		t.Fatalf("LiveBucket(5) = %d, %v; bucket 0 watches group 3, which watches nothing", i, ok)
	}
}

func TestNilAndHandBuilt(t *testing.T) {
	tb := NewTable()
	if _, err := tb.Mod(nil, nil); err == nil {
		t.Fatal("nil group-mod accepted")
	}
	// A nil validPort accepts any port number.
	if _, err := tb.Mod(add(ofp.GroupTypeAll, 1, bucket(0, out(1000))), nil); err != nil {
		t.Fatal(err)
	}
	// Buckets are copied: changing the caller's slice does not change the group.
	gm := add(ofp.GroupTypeAll, 2, bucket(0, out(1)))
	mustMod(t, tb, gm)
	gm.Buckets[0].Actions[0] = out(2)
	if a := tb.Get(2).Buckets[0].Actions[0].(*ofp.ActionOutput); a.Port != 1 {
		t.Fatalf("group shares the caller's actions slice: output %d", a.Port)
	}
}
