package classifier

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// linear is the reference: every rule checked, best by priority then age.
type linear struct {
	rules []*linRule
	seq   uint64
}

type linRule struct {
	Match    Match
	Priority int32
	Value    int
	seq      uint64
}

func (l *linear) insert(m Match, pri int32, v int) {
	m = NewMatch(m.Value, m.Mask)
	for _, r := range l.rules {
		if r.Match == m && r.Priority == pri {
			r.Value = v
			return
		}
	}
	l.seq++
	l.rules = append(l.rules, &linRule{Match: m, Priority: pri, Value: v, seq: l.seq})
}

func (l *linear) remove(m Match, pri int32) {
	m = NewMatch(m.Value, m.Mask)
	for i, r := range l.rules {
		if r.Match == m && r.Priority == pri {
			l.rules = append(l.rules[:i], l.rules[i+1:]...)
			return
		}
	}
}

func (l *linear) lookup(k *Key) *linRule {
	var best *linRule
	for _, r := range l.rules {
		if r.Match.Matches(k) && (best == nil || r.Priority > best.Priority || (r.Priority == best.Priority && r.seq < best.seq)) {
			best = r
		}
	}
	return best
}

// randomMasks returns n distinct masks over a few words, like OpenFlow
// tables: whole fields or prefixes.
func randomMasks(rng *rand.Rand, n int) []Key {
	var ms []Key
	for len(ms) < n {
		var m Key
		for f := 0; f < 1+rng.IntN(4); f++ {
			w := rng.IntN(6)
			bits := 1 + rng.IntN(64)
			m[w] |= ^uint64(0) << (64 - bits)
		}
		ms = append(ms, m)
	}
	return ms
}

// randomKey draws values from a small alphabet per word so that rules and
// packets collide often.
func randomKey(rng *rand.Rand) Key {
	var k Key
	for i := 0; i < 6; i++ {
		k[i] = uint64(rng.IntN(4)) << 62 >> uint(rng.IntN(3)*20)
	}
	return k
}

func TestAgreesWithLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := New[int]()
	ref := &linear{}
	masks := randomMasks(rng, 12)
	type key struct {
		m Match
		p int32
	}
	var installed []key
	for step := 0; step < 20000; step++ {
		switch op := rng.IntN(10); {
		case op < 5 || len(installed) == 0:
			m := NewMatch(randomKey(rng), masks[rng.IntN(len(masks))])
			p := int32(rng.IntN(8))
			c.Insert(m, p, step)
			ref.insert(m, p, step)
			installed = append(installed, key{m, p})
		case op < 7:
			i := rng.IntN(len(installed))
			k := installed[i]
			installed = append(installed[:i], installed[i+1:]...)
			if r := c.Find(k.m, k.p); r != nil {
				c.Remove(r)
			}
			ref.remove(k.m, k.p)
		default:
			pk := randomKey(rng)
			var wc Key
			got, want := c.Lookup(&pk, &wc), ref.lookup(&pk)
			if (got == nil) != (want == nil) || (got != nil && got.Value != want.Value) {
				t.Fatalf("step %d: lookup %x: got %v, want %v", step, pk, got, want)
			}
			// Any key equal to pk on the consulted bits gets the same rule.
			alt := randomKey(rng)
			for i := range alt {
				alt[i] = alt[i]&^wc[i] | pk[i]&wc[i]
			}
			if a := ref.lookup(&alt); (a == nil) != (want == nil) || (a != nil && a.Value != want.Value) {
				t.Fatalf("step %d: wildcards %x too wide: %x gives %v, %x gives %v", step, wc, pk, want, alt, a)
			}
		}
		if c.Len() != len(ref.rules) {
			t.Fatalf("step %d: %d rules, reference %d", step, c.Len(), len(ref.rules))
		}
	}
}

func TestReplaceRemoveOverlapCover(t *testing.T) {
	c := New[string]()
	var m1, m2 Match
	m1.Mask[0], m1.Value[0] = 0xff00, 0x1200
	m2.Mask[0], m2.Value[0] = 0xffff, 0x1234
	c.Insert(m1, 10, "a")
	if old, rep := c.Insert(m1, 10, "b"); !rep || old.Value != "a" || c.Len() != 1 {
		t.Fatalf("identical match+priority did not replace: %v %v len %d", old, rep, c.Len())
	}
	c.Insert(m2, 5, "c")
	k := Key{0x1234}
	if r := c.Lookup(&k, nil); r == nil || r.Value != "b" {
		t.Fatalf("lookup %v, want b (priority 10)", r)
	}
	if c.Overlapping(m2, 10) == nil {
		t.Fatal("m2 at priority 10 overlaps m1 but no overlap reported")
	}
	var m3 Match
	m3.Mask[0], m3.Value[0] = 0xff00, 0x5600
	if c.Overlapping(m3, 10) != nil {
		t.Fatal("disjoint match reported as overlapping")
	}
	if got := c.Covered(m1); len(got) != 2 {
		t.Fatalf("m1 covers %d rules, want 2 (itself and m2)", len(got))
	}
	if got := c.Covered(m2); len(got) != 1 || got[0].Value != "c" {
		t.Fatalf("m2 covers %v", got)
	}
	if !c.Remove(c.Find(m1, 10)) {
		t.Fatal("remove failed")
	}
	if r := c.Lookup(&k, nil); r == nil || r.Value != "c" {
		t.Fatalf("after remove lookup %v, want c", r)
	}
	r := c.Find(m2, 5)
	c.Remove(r)
	if c.Remove(r) || c.Len() != 0 || c.Subtables() != 0 {
		t.Fatalf("double remove or leftovers: len %d subtables %d", c.Len(), c.Subtables())
	}
	if c.Lookup(&k, nil) != nil {
		t.Fatal("empty classifier matched")
	}
}

// build100k installs n rules over 20 masks of realistic shapes.
func build100k(n int) (*Classifier[int], []Key) {
	rng := rand.New(rand.NewPCG(3, 4))
	masks := randomMasks(rng, 20)
	c := New[int]()
	var keys []Key
	for i := 0; c.Len() < n; i++ {
		var k Key
		for w := range k[:6] {
			k[w] = rng.Uint64()
		}
		c.Insert(NewMatch(k, masks[i%len(masks)]), int32(rng.IntN(1000)), i)
		if i%97 == 0 {
			keys = append(keys, k)
		}
	}
	return c, keys
}

func BenchmarkLookup100k(b *testing.B) {
	c, keys := build100k(100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if c.Lookup(&k, nil) == nil {
			b.Fatal("miss")
		}
	}
}

func BenchmarkInsert100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		build100k(100000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/insert")
}

func BenchmarkMemoryPerRule(b *testing.B) {
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, _ := build100k(100000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/100000, "bytes/rule")
		runtime.KeepAlive(c)
	}
}

// TestSorted: Sorted lists every rule by priority, then age, and follows
// inserts, replacements and removals.
func TestSorted(t *testing.T) {
	c := New[int]()
	match := func(v uint64) Match {
		var k, m Key
		k[0], m[0] = v, ^uint64(0)
		return Match{Value: k, Mask: m}
	}
	check := func(want ...int) {
		t.Helper()
		var got []int
		for _, r := range c.Sorted() {
			got = append(got, r.Value)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Sorted = %v, want %v", got, want)
		}
	}
	c.Insert(match(1), 5, 1)
	c.Insert(match(2), 7, 2)
	c.Insert(Match{}, 5, 3) // other mask, same priority, newer
	c.Insert(match(3), 5, 4)
	check(2, 1, 3, 4)
	check(2, 1, 3, 4)        // cached
	c.Insert(match(1), 5, 5) // replaces 1, keeps its age
	check(2, 5, 3, 4)
	c.Remove(c.Find(match(2), 7))
	c.Insert(match(9), 9, 6)
	check(6, 5, 3, 4)
}

// TestSortedRandom: after random inserts, replacements and removals,
// Sorted (merging its cached order) equals a fresh sort of every rule.
func TestSortedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := New[int]()
	var live []*Rule[int]
	for step := range 5000 {
		switch op := rng.IntN(10); {
		case op < 6 || len(live) == 0:
			var k, m Key
			m[0] = uint64(rng.IntN(3)) << 8
			k[0] = uint64(rng.IntN(40)) & m[0]
			c.Insert(Match{Value: k, Mask: m}, int32(rng.IntN(5)), step)
		default:
			i := rng.IntN(len(live))
			c.Remove(live[i])
		}
		live = live[:0]
		c.Each(func(r *Rule[int]) bool { live = append(live, r); return true })
		if rng.IntN(7) == 0 {
			want := slices.Clone(live)
			slices.SortFunc(want, Compare[int])
			if got := c.Sorted(); !slices.Equal(got, want) {
				t.Fatalf("step %d: Sorted has %d rules, a fresh sort %d, or their order differs", step, len(got), len(want))
			}
		}
	}
}

// BenchmarkSorted100k: Sorted after 100,000 inserts (a full sort: what
// the first dump-flows after a large add-flows does).
func BenchmarkSorted100k(b *testing.B) {
	c, _ := build100k(100000)
	b.ResetTimer()
	for range b.N {
		c.sorted = nil // as after many changes
		if len(c.Sorted()) != c.n {
			b.Fatal("short")
		}
	}
}

// Sorted's keyed sort orders as Compare does, also for priorities and
// ages at the ends of their ranges.
func TestSortRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	prios := []int32{math.MinInt32, -1, 0, 1, 7, 0xffff, math.MaxInt32}
	for _, maxSeq := range []uint64{100, 1<<32 - 1, 1 << 32, math.MaxUint64} {
		var rs []*Rule[int]
		for i := range 2000 {
			seq := maxSeq - rng.Uint64N(min(maxSeq, 500)+1) // up to maxSeq
			if i%3 == 0 {
				seq = rng.Uint64N(min(maxSeq, 500) + 1)
			}
			rs = append(rs, &Rule[int]{Priority: prios[rng.IntN(len(prios))], seq: seq, Value: i})
		}
		want := slices.Clone(rs)
		slices.SortStableFunc(want, Compare[int])
		got := slices.Clone(rs)
		sortRules(got, maxSeq)
		for i := range got {
			if Compare(got[i], want[i]) != 0 {
				t.Fatalf("max seq %d: position %d: priority %d seq %d, want %d %d", maxSeq, i, got[i].Priority, got[i].seq, want[i].Priority, want[i].seq)
			}
		}
	}
}
