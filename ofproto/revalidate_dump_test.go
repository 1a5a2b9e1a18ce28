package ofproto

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// hookDatapath runs during a Dump once the entries are read, standing for
// what upcall handlers and changes do while Revalidate dumps unlocked.
type hookDatapath struct {
	*dummy.Datapath
	during func()
}

func (d *hookDatapath) Dump(batch int, fn func([]datapath.Flow) error) error {
	var all []datapath.Flow
	if err := d.Datapath.Dump(batch, func(fs []datapath.Flow) error {
		all = append(all, fs...)
		return nil
	}); err != nil {
		return err
	}
	if h := d.during; h != nil {
		d.during = nil
		h()
	}
	return fn(all)
}

func (d *hookDatapath) DumpStats(batch int, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	var keys []datapath.FlowKey
	var stats []datapath.FlowStats
	if err := d.Datapath.DumpStats(batch, func(ks []datapath.FlowKey, ss []datapath.FlowStats) error {
		keys = append(keys, ks...)
		stats = append(stats, ss...)
		return nil
	}); err != nil {
		return err
	}
	if h := d.during; h != nil {
		d.during = nil
		h()
	}
	return fn(keys, stats)
}

// TestRevalidateDumpUnlocked: while Revalidate's dump runs (without the
// Switch's lock), new flows are installed and a flow-mod credits the
// counters. Afterwards the cache must still know every datapath entry
// (none forgotten as "lost"), and the flows' packet counts must be exact:
// no packet counted twice from the dump's older counters.
func TestRevalidateDumpUnlocked(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	hd := &hookDatapath{Datapath: r.dp}
	r.sw.dp = hd
	r.add("priority=5,in_port=1,actions=output:2", "priority=5,in_port=2,actions=output:1")
	f := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	g := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	for range 3 {
		r.send(1, f)
	}
	r.revalidate()
	hd.during = func() {
		r.send(1, f) // cached: counts in the entry
		r.send(2, g) // a new entry, installed during the dump
		// A change that pulls the in_port=1 entry's counters (fresher
		// than the dump's).
		if err := r.mod(ofp.FlowModify, "in_port=1,actions=output:2"); err != nil {
			t.Fatal(err)
		}
		r.send(1, f)
	}
	r.revalidate()
	if cs := r.sw.CacheStats(); cs.Flows != 2 {
		t.Fatalf("cache %+v, want both entries", cs)
	}
	r.checkFresh(0, "after an unlocked dump")
	r.revalidate()
	for _, c := range []struct {
		match string
		want  uint64
	}{{"in_port=1", 5}, {"in_port=2", 1}} {
		var got uint64
		for _, st := range r.flowStats(c.match) {
			if st.Priority == 5 {
				got += st.PacketCount
			}
		}
		if got != c.want {
			t.Fatalf("%s: %d packets counted, want %d", c.match, got, c.want)
		}
	}
}
