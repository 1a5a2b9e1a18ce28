package ofproto

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestBatchMatchesSequential applies the same random flow-mods to two
// switches, one by one to the first and in batches to the second, with
// traffic on both (and on the batched one in the middle of its batches,
// so entries are installed from half-changed tables). After each batch's
// End the batched switch's cache must hold exactly fresh translations and
// its tables must equal the sequential one's; every flow-mod must give
// the same error on both.
func TestBatchMatchesSequential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	seq := newRig(t, 3, FailStandalone)
	bat := newRig(t, 3, FailStandalone)
	for _, r := range []*rig{seq, bat} {
		gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=output:2,bucket=output:3", ofp.GroupAdd)
		if err := r.sw.GroupMod(gm); err != nil {
			t.Fatal(err)
		}
	}
	var frames [][]byte
	for s := byte(1); s <= 3; s++ {
		for d := byte(1); d <= 3; d++ {
			frames = append(frames, udp(t, mac(s), mac(d), ip4(s), ip4(d), uint16(s), uint16(d)))
		}
	}
	traffic := func(r *rig, n int) {
		for range n {
			r.send(uint32(1+rng.IntN(3)), frames[rng.IntN(len(frames))])
		}
		r.counts(3)
	}
	randomMod := func() (string, *ofp.FlowMod) {
		for {
			text := randomFlowText(rng)
			cmd := ofp.FlowAdd
			switch rng.IntN(6) {
			case 0:
				cmd = ofp.FlowModify
			case 1:
				cmd = ofp.FlowModifyStrict
			case 2:
				cmd = ofp.FlowDeleteStrict
				text = fmt.Sprintf("table=%d,priority=%d", rng.IntN(3), rng.IntN(4))
			case 3:
				cmd = ofp.FlowDelete
				text = fmt.Sprintf("table=%d,udp,tp_dst=%d", rng.IntN(3), 1+rng.IntN(3))
			}
			fs, err := ofp.ParseFlow(text, cmd)
			if err == nil {
				return fmt.Sprintf("%d %s", cmd, text), &fs.FlowMod
			}
		}
	}
	for round := 0; round < 60; round++ {
		traffic(seq, 6)
		traffic(bat, 6)
		b := bat.sw.BeginFlowMods()
		n := 1 + rng.IntN(12)
		for i := range n {
			what, fm := randomMod()
			fm2 := *fm
			errSeq := seq.sw.FlowMod(fm)
			errBat := b.FlowMod(&fm2)
			if fmt.Sprint(errSeq) != fmt.Sprint(errBat) {
				t.Fatalf("round %d, %s: sequential error %v, batched %v", round, what, errSeq, errBat)
			}
			if i%3 == 1 {
				traffic(bat, 2)
			}
		}
		if b.Len() != n {
			t.Fatalf("batch length %d, want %d", b.Len(), n)
		}
		b.End()
		seq.checkFresh(round, "sequential")
		bat.checkFresh(round, "batched")
		if a, c := seq.table(), bat.table(); !slices.Equal(a, c) {
			t.Fatalf("round %d: tables differ\nsequential %q\nbatched    %q", round, a, c)
		}
	}
	if cs := bat.sw.CacheStats(); cs.Revalidations == 0 || cs.Modified == 0 || cs.Installs < 20 {
		t.Fatalf("the run exercised too little: %+v", cs)
	}
}

// TestBatchCountersFollowReplacedRule checks that the packets a replaced
// rule's entry forwards until End count for the rule that replaced it
// (counters carry over, §6.4), and that a deleted flow's flow-removed
// counts every packet forwarded before the delete.
func TestBatchCountersFollowReplacedRule(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	rec := r.listen()
	r.add("priority=5,in_port=1,actions=output:2")
	fr, _ := ofp.ParseFlow("priority=5,in_port=2,actions=output:1", ofp.FlowAdd)
	fr.FlowMod.Flags = ofp.FlowSendFlowRem
	if err := r.sw.FlowMod(&fr.FlowMod); err != nil {
		t.Fatal(err)
	}
	f := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	g := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	r.send(1, f)
	r.send(2, g)
	b := r.sw.BeginFlowMods()
	fs, _ := ofp.ParseFlow("priority=5,in_port=1,actions=output:2", ofp.FlowAdd)
	if err := b.FlowMod(&fs.FlowMod); err != nil {
		t.Fatal(err)
	}
	r.send(1, f) // still through the old rule's entry
	r.send(2, g)
	del, _ := ofp.ParseFlow("priority=5,in_port=2", ofp.FlowDeleteStrict)
	if err := b.FlowMod(&del.FlowMod); err != nil {
		t.Fatal(err)
	}
	b.End()
	st := r.flowStats("in_port=1")
	if len(st) != 1 || st[0].PacketCount != 2 {
		t.Fatalf("replaced flow stats %+v, want 2 packets", st)
	}
	if _, removed := rec.take(); len(removed) != 1 || removed[0].PacketCount != 2 {
		t.Fatalf("flow-removed %+v, want one counting 2 packets", removed)
	}
	r.checkFresh(0, "after End")
	// The deleted flow's entry now drops: g goes nowhere.
	r.counts(2)
	r.send(2, g)
	if got := r.counts(2); got[0] != 0 {
		t.Fatalf("after the batch, g still forwarded: %v", got)
	}
}
