package group

import (
	"math/rand/v2"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// randomMod builds a group-mod on ids 1..8 from r: any command and type,
// up to three buckets forwarding to groups or ports, watching ports or
// groups at random. Many are invalid; that is the point.
func randomMod(r *rand.Rand) *ofp.GroupMod {
	gm := &ofp.GroupMod{
		Command: uint16(r.IntN(3)),
		Type:    uint8(r.IntN(4)),
		GroupID: uint32(1 + r.IntN(8)),
	}
	if r.IntN(20) == 0 {
		gm.GroupID = ofp.GroupAll
	}
	for range r.IntN(4) {
		b := bucket(0)
		if gm.Type == ofp.GroupTypeSelect {
			b.Weight = uint16(r.IntN(3))
		}
		switch r.IntN(4) {
		case 0:
			b.WatchPort = ofp.PortNo(1 + r.IntN(5))
		case 1:
			b.WatchGroup = uint32(1 + r.IntN(8))
		}
		if r.IntN(2) == 0 {
			b.Actions = append(b.Actions, toGroup(uint32(1+r.IntN(8))))
		} else {
			b.Actions = append(b.Actions, out(ofp.PortNo(1+r.IntN(4))))
		}
		gm.Buckets = append(gm.Buckets, b)
	}
	return gm
}

// checkInvariants fails unless every group action names an existing group,
// the forwarding graph has no cycle and no chain is deeper than allowed.
func checkInvariants(t *testing.T, tb *Table) {
	t.Helper()
	tb.mu.RLock()
	defer tb.mu.RUnlock()
	depth := map[uint32]int{}
	const visiting = -1
	var walk func(id uint32) int
	walk = func(id uint32) int {
		switch d := depth[id]; {
		case d == visiting:
			t.Fatalf("cycle through group %d", id)
		case d > 0:
			return d
		}
		g := tb.groups[id]
		if g == nil {
			t.Fatalf("a bucket forwards to missing group %d", id)
		}
		depth[id] = visiting
		longest := 0
		for _, f := range g.forwards {
			longest = max(longest, walk(f))
		}
		depth[id] = longest + 1
		return longest + 1
	}
	for id := range tb.groups {
		if d := walk(id); d > MaxChainDepth {
			t.Fatalf("chain from %d is %d deep", id, d)
		}
	}
}

func TestRandomModsKeepInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	accepted := map[uint16]int{}
	for run := range 200 {
		tb := NewTable(WithLimits(6, 3))
		for range 100 {
			gm := randomMod(r)
			if _, err := tb.Mod(gm, validPort); err == nil {
				accepted[gm.Command]++
			}
			checkInvariants(t, tb)
			// Selection never panics and never returns a bucket index out of range.
			for id := uint32(1); id <= 8; id++ {
				for _, s := range tb.Select(id, uint32(run), ports{3: true}) {
					if g := tb.Get(id); s.Index >= len(g.Buckets) || s.Bucket != &g.Buckets[s.Index] {
						t.Fatalf("group %d: bad selection %+v", id, s)
					}
				}
			}
		}
	}
	// The generator must exercise success too, or the invariants say nothing.
	if accepted[ofp.GroupAdd] < 100 || accepted[ofp.GroupModify] < 100 || accepted[ofp.GroupDelete] < 100 {
		t.Fatalf("too few accepted mods: %v", accepted)
	}
}

func FuzzMod(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		tb := NewTable(WithLimits(6, 3))
		for range 50 {
			tb.Mod(randomMod(r), validPort)
			checkInvariants(t, tb)
		}
	})
}
