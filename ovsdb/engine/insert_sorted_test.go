package engine

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// TestInsertSorted: the set "insert" mutation's merge gives what sorting
// the concatenation gives, for any mix of new, present, repeated and
// unsorted atoms.
func TestInsertSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		var os, add notation.Set
		for range rng.IntN(20) {
			os = append(os, int64(rng.IntN(40)))
		}
		for range rng.IntN(5) {
			add = append(add, int64(rng.IntN(40)))
		}
		if n%3 == 0 {
			add = notation.SortSet(add)
		}
		os = notation.SortSet(os)
		want := notation.SortSet(append(slices.Clone(os), add...))
		orig := slices.Clone(os)
		if got := insertSorted(os, add); !slices.Equal(got, want) {
			t.Fatalf("insert %v into %v: got %v, want %v", add, orig, got, want)
		}
		if !slices.Equal(os, orig) {
			t.Fatalf("insert changed the old set: %v, was %v", os, orig)
		}
	}
}
