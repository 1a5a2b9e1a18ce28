package group

import (
	"math"
	"reflect"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// ports is a Liveness with every port live unless marked down.
type ports map[ofp.PortNo]bool // true: down

func (p ports) PortLive(n ofp.PortNo) bool { return !p[n] }

func selectedIndexes(s []Selected) []int {
	var out []int
	for _, x := range s {
		out = append(out, x.Index)
	}
	return out
}

func TestSelectDistribution(t *testing.T) {
	tb := NewTable()
	weights := []uint16{1, 2, 3, 4, 0}
	var bs []ofp.Bucket
	for i, w := range weights {
		bs = append(bs, bucket(w, out(ofp.PortNo(1+i%4))))
	}
	mustMod(t, tb, add(ofp.GroupTypeSelect, 1, bs...))

	const n = 100000
	counts := make([]int, len(weights))
	for h := range uint32(n) {
		// Hashes from a flow hash are spread; consecutive integers are the
		// hard case for a weak mixer, so use them as they are.
		s := tb.Select(1, h, nil)
		if len(s) != 1 {
			t.Fatalf("hash %d: %d buckets selected", h, len(s))
		}
		counts[s[0].Index]++
	}
	if counts[4] != 0 {
		t.Fatalf("weight-0 bucket chosen %d times", counts[4])
	}
	// Chi-square against the weights, 3 degrees of freedom: 16.27 is the
	// 0.1% critical value.
	total := 0.0
	for _, w := range weights {
		total += float64(w)
	}
	chi := 0.0
	for i, w := range weights[:4] {
		exp := n * float64(w) / total
		chi += math.Pow(float64(counts[i])-exp, 2) / exp
	}
	if chi > 16.27 {
		t.Fatalf("counts %v do not follow weights %v: chi-square %.1f", counts, weights, chi)
	}
}

func TestSelectStableAndMinimalMoves(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeSelect, 1,
		watchPort(1, out(1)), watchPort(2, out(2)), watchPort(3, out(3)), watchPort(4, out(4))))
	// watchPort leaves weight 0; give each bucket weight 1.
	g := tb.Get(1)
	bs := cloneBuckets(g.Buckets)
	for i := range bs {
		bs[i].Weight = 1
	}
	mustMod(t, tb, modify(ofp.GroupTypeSelect, 1, bs...))

	const n = 20000
	before := make([]int, n)
	for h := range n {
		before[h] = tb.Select(1, uint32(h), nil)[0].Index
		if again := tb.Select(1, uint32(h), nil)[0].Index; again != before[h] {
			t.Fatalf("hash %d: bucket %d then %d", h, before[h], again)
		}
	}
	// Port 3 goes down: only the hashes on bucket 2 move, and none lands
	// on it.
	down := ports{3: true}
	moved := 0
	for h := range n {
		got := tb.Select(1, uint32(h), down)[0].Index
		if got == 2 {
			t.Fatalf("hash %d selected the dead bucket", h)
		}
		if before[h] != 2 && got != before[h] {
			t.Fatalf("hash %d moved from live bucket %d to %d", h, before[h], got)
		}
		if got != before[h] {
			moved++
		}
	}
	if moved < n/4-n/20 || moved > n/4+n/20 {
		t.Fatalf("%d of %d hashes moved, want about a quarter", moved, n)
	}
	// No live bucket: nothing selected.
	if s := tb.Select(1, 7, ports{1: true, 2: true, 3: true, 4: true}); s != nil {
		t.Fatalf("all down: selected %v", selectedIndexes(s))
	}
}

func TestFastFailover(t *testing.T) {
	tb := NewTable()
	// Group 2 is live while port 4 is.
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 2, watchPort(4, out(4))))
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 1,
		watchPort(1, out(1)), watchPort(2, out(2)), watchGroup(2, toGroup(2))))

	tests := []struct {
		down ports
		want []int
	}{
		{ports{}, []int{0}},
		{ports{1: true}, []int{1}},
		{ports{1: true, 2: true}, []int{2}},
		{ports{2: true}, []int{0}},
		{ports{1: true, 2: true, 4: true}, nil},
	}
	for _, tc := range tests {
		got := selectedIndexes(tb.Select(1, 0, tc.down))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("down %v: selected %v, want %v", tc.down, got, tc.want)
		}
		i, ok := tb.LiveBucket(1, tc.down)
		if wantOK := tc.want != nil; ok != wantOK || (ok && i != tc.want[0]) {
			t.Errorf("down %v: LiveBucket = %d, %v", tc.down, i, ok)
		}
		if tb.GroupLive(1, tc.down) != (tc.want != nil) {
			t.Errorf("down %v: GroupLive wrong", tc.down)
		}
	}
	if !tb.BucketLive(1, 2, ports{}) || tb.BucketLive(1, 2, ports{4: true}) {
		t.Error("BucketLive does not follow the watched group")
	}
	if got := tb.WatchingPort(4); !reflect.DeepEqual(got, []uint32{1, 2}) {
		t.Errorf("WatchingPort(4) = %v, want [1 2]", got)
	}
}

func TestWatchCycleTerminates(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 1, watchPort(1, out(1))))
	mustMod(t, tb, add(ofp.GroupTypeFastFailover, 2, watchGroup(1, out(2))))
	// 1 now watches 2, which watches 1: a cycle of watches, which carries
	// no packet and is allowed; liveness must still terminate.
	mustMod(t, tb, modify(ofp.GroupTypeFastFailover, 1, watchGroup(2, out(1))))
	if tb.GroupLive(1, nil) || tb.Select(2, 0, nil) != nil {
		t.Fatal("a cycle of watches with no port counts as live")
	}
}

func TestAllAndIndirect(t *testing.T) {
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeAll, 1, bucket(0, out(1)), bucket(0, out(2)), bucket(0, out(3))))
	mustMod(t, tb, add(ofp.GroupTypeIndirect, 2, bucket(0, out(4))))
	mustMod(t, tb, add(ofp.GroupTypeAll, 3))
	if got := selectedIndexes(tb.Select(1, 99, ports{1: true})); !reflect.DeepEqual(got, []int{0, 1, 2}) {
		t.Errorf("all: %v", got)
	}
	s := tb.Select(2, 5, nil)
	if len(s) != 1 || s[0].Bucket.Actions[0].(*ofp.ActionOutput).Port != 4 {
		t.Errorf("indirect: %+v", s)
	}
	if s := tb.Select(3, 0, nil); s != nil {
		t.Errorf("empty all group: %v", s)
	}
	if s := tb.Select(77, 0, nil); s != nil {
		t.Errorf("missing group: %v", s)
	}
}
