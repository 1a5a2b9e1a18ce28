package ofproto

// The stale-cache check: random interleavings of pipeline changes and
// traffic. After every step each datapath cache entry must carry exactly
// the actions a fresh translation of its key gives, and the packets
// injected must come out where that translation says.

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// checkFresh compares every datapath entry with a fresh translation.
func (r *rig) checkFresh(step int, what string) {
	r.t.Helper()
	var flows []datapath.Flow
	if err := r.dp.Dump(0, func(fs []datapath.Flow) error {
		flows = append(flows, fs...)
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	r.sw.mu.Lock()
	defer r.sw.unlock()
	if len(flows) != len(r.sw.cache.entries) {
		r.t.Fatalf("step %d (%s): datapath has %d entries, cache %d", step, what, len(flows), len(r.sw.cache.entries))
	}
	for _, f := range flows {
		res := r.sw.translate(f.Key, false, nil)
		if !datapath.ActionsEqual(res.actions, f.Actions) {
			r.t.Fatalf("step %d (%s): stale entry %v\n cached %s\n fresh  %s", step, what, f.Key,
				datapath.FormatActions(f.Actions), datapath.FormatActions(res.actions))
		}
	}
}

var staleActions = []string{
	"output:1", "output:2", "output:3", "drop", "NORMAL", "flood", "in_port", "controller",
	"group:1", "set_field:10.0.0.9->ip_dst,output:2", "write_actions(output:3)",
	"mod_dl_src:02:00:00:00:00:09,output:1",
}

func randomFlowText(rng *rand.Rand) string {
	t := rng.IntN(3)
	var m []string
	if rng.IntN(2) == 0 {
		m = append(m, fmt.Sprintf("in_port=%d", 1+rng.IntN(3)))
	}
	switch rng.IntN(4) {
	case 0:
		m = append(m, "ip", fmt.Sprintf("nw_dst=10.0.0.%d", 1+rng.IntN(3)))
	case 1:
		m = append(m, "udp", fmt.Sprintf("tp_dst=%d", 1+rng.IntN(3)))
	case 2:
		m = append(m, fmt.Sprintf("dl_dst=02:00:00:00:00:0%d", 1+rng.IntN(3)))
	}
	act := staleActions[rng.IntN(len(staleActions))]
	if t < 2 && rng.IntN(3) == 0 {
		act += fmt.Sprintf(",goto_table:%d", t+1+rng.IntN(2-t))
		if act[0] == 'g' || act == "NORMAL,goto" {
			act = act[1:]
		}
	}
	s := fmt.Sprintf("table=%d,priority=%d", t, rng.IntN(4))
	for _, x := range m {
		s += "," + x
	}
	return s + ",actions=" + act
}

func TestNoStaleCacheEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	r := newRig(t, 3, FailStandalone)
	gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=output:2,bucket=output:3", ofp.GroupAdd)
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	groups := []string{
		"group_id=1,type=all,bucket=output:2,bucket=output:3",
		"group_id=1,type=all,bucket=set_field:10.0.0.8->ip_dst,output:1",
		"group_id=1,type=indirect,bucket=output:NORMAL",
		"group_id=1,type=select,bucket=output:1,bucket=output:2,bucket=output:3",
	}
	var frames [][]byte
	for s := byte(1); s <= 3; s++ {
		for d := byte(1); d <= 3; d++ {
			frames = append(frames, udp(t, mac(s), mac(d), ip4(s), ip4(d), uint16(s), uint16(d)))
		}
	}
	for step := 0; step < 400; step++ {
		var what string
		switch op := rng.IntN(20); {
		case op < 6:
			what = randomFlowText(rng)
			fs, err := ofp.ParseFlow(what, ofp.FlowAdd)
			if err != nil {
				continue // a combination the parser refuses (e.g. goto from NORMAL text)
			}
			if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case op < 8:
			what = "modify " + randomFlowText(rng)
			fs, err := ofp.ParseFlow(what[len("modify "):], ofp.FlowModify)
			if err != nil {
				continue
			}
			r.sw.FlowMod(&fs.FlowMod)
		case op < 10:
			what = fmt.Sprintf("delete table=%d,priority=%d", rng.IntN(3), rng.IntN(4))
			fs, _ := ofp.ParseFlow(what[len("delete "):], ofp.FlowDeleteStrict)
			r.sw.FlowMod(&fs.FlowMod)
		case op < 11:
			what = "group " + groups[rng.IntN(len(groups))]
			gm, _ := ofp.ParseGroup(what[len("group "):], ofp.GroupModify)
			if err := r.sw.GroupMod(gm); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case op < 12:
			no := uint32(1 + rng.IntN(3))
			up := rng.IntN(2) == 0
			what = fmt.Sprintf("link %d up=%v", no, up)
			r.sw.SetPortLink(no, up)
		case op < 13:
			no := ofp.PortNo(1 + rng.IntN(3))
			var cfg ofp.PortConfig
			if rng.IntN(2) == 0 {
				cfg = ofp.PortConfigNoFwd
			}
			what = fmt.Sprintf("port-mod %d %v", no, cfg)
			p := r.sw.Ports()[no-1]
			if err := r.sw.PortMod(&ofp.PortMod{PortNo: no, HWAddr: ofp.MAC(p.HWAddr), Config: cfg, Mask: ofp.PortConfigNoFwd}); err != nil {
				t.Fatal(err)
			}
		case op < 14:
			what = "flush macs"
			r.sw.FlushMACs()
		default:
			in := uint32(1 + rng.IntN(3))
			f := frames[rng.IntN(len(frames))]
			what = fmt.Sprintf("packet on %d", in)
			r.sw.mu.Lock()
			key := extractKey(r.sw, in, f)
			r.sw.unlock()
			r.counts(3)
			r.send(in, f)
			// The packet went out exactly where the entry (checked fresh
			// below) says.
			if e, err := r.dp.Get(key); err == nil {
				want := make([]int, 3)
				for _, a := range e.Actions {
					if o, ok := a.(datapath.Output); ok {
						want[o.Port-1]++
					}
				}
				if got := r.counts(3); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("step %d: packet on %d went to %v, entry %s says %v", step, in, got, datapath.FormatActions(e.Actions), want)
				}
			}
		}
		r.counts(3)
		r.checkFresh(step, what)
	}
	if cs := r.sw.CacheStats(); cs.Revalidations == 0 || cs.Modified == 0 || cs.Installs < 20 {
		t.Fatalf("the run exercised too little: %+v", cs)
	}
}
