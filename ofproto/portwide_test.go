package ofproto

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// dpFlows returns the datapath's entries.
func (r *rig) dpFlows() []datapath.Flow {
	r.t.Helper()
	var out []datapath.Flow
	if err := r.dp.Dump(0, func(fs []datapath.Flow) error { out = append(out, fs...); return nil }); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// wideFlows counts the datapath's port-wide entries.
func (r *rig) wideFlows() int {
	n := 0
	for _, f := range r.dpFlows() {
		if f.Mask == datapath.PortMask() {
			n++
		}
	}
	return n
}

// A rule on in_port alone, whose actions are one output, is cached
// port-wide: one upcall, then every packet of the port, whatever its
// headers, goes through that entry.
func TestPortWideEntry(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("priority=1,in_port=1,actions=output:2")
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
	if fs := r.dpFlows(); len(fs) != 1 || fs[0].Mask != datapath.PortMask() {
		t.Fatalf("datapath flows %+v, want one port-wide entry", fs)
	}
	for p := range uint16(5) {
		r.send(1, udp(t, mac(3), mac(4), ip4(7), ip4(8), 3000+p, 4000))
	}
	if got := r.counts(3); [3]int(got) != [3]int{0, 6, 0} {
		t.Fatalf("frames received by ports 1..3: %v, want [0 6 0]", got)
	}
	if st := r.sw.CacheStats(); st.Upcalls != 1 || st.Flows != 1 {
		t.Fatalf("cache %+v: want 1 upcall and 1 entry", st)
	}
	if fs := r.flowStats("in_port=1"); len(fs) != 1 || fs[0].PacketCount != 6 {
		t.Fatalf("flow stats %+v: want the rule credited with 6 packets", fs)
	}
}

// What depends on more than the port is cached exactly: a table that
// also matches L4 ports, a header edit, NORMAL, two outputs.
func TestPortWideOnlyWhenPortAlone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flows []string
	}{
		{"other rule reads udp_dst", []string{"priority=1,in_port=1,actions=output:2", "priority=5,udp,tp_dst=53,actions=drop"}},
		{"header edit", []string{"priority=1,in_port=1,actions=mod_dl_dst:02:00:00:00:00:09,output:2"}},
		{"two outputs", []string{"priority=1,in_port=1,actions=output:2,output:3"}},
		{"normal", []string{"priority=1,in_port=1,actions=NORMAL"}},
		{"controller", []string{"priority=1,in_port=1,actions=CONTROLLER:64"}},
		{"group", []string{"priority=1,in_port=1,actions=group:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 3, FailSecure)
			if tc.name == "group" {
				gm, err := ofp.ParseGroup("group_id=1,type=all,bucket=output:2", ofp.GroupAdd)
				if err != nil {
					t.Fatal(err)
				}
				if err := r.sw.GroupMod(gm); err != nil {
					t.Fatal(err)
				}
			}
			r.add(tc.flows...)
			r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
			r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1001, 2000))
			if n := r.wideFlows(); n != 0 {
				t.Fatalf("%d port-wide entries, want none", n)
			}
			if st := r.sw.CacheStats(); st.Installs != 2 {
				t.Fatalf("%d entries installed, want 2 (one a key)", st.Installs)
			}
		})
	}
}

// An action other than an output makes a translation exact even when
// its list ends as one output and its mask holds only the port: the mask
// does not record what actions read (flow-mod validation keeps most such
// cases out, through the prerequisites it requires in the match).
func TestPortWideNeedsOnlyOutputs(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	x := r.sw.newXlate(datapath.FlowKey{InPort: 1}, 1, false, nil)
	x.out = []datapath.Action{datapath.Output{Port: 2}}
	if !x.result().portWide {
		t.Fatal("a lone output under an empty mask is not port-wide")
	}
	x.impure = true
	if x.result().portWide {
		t.Fatal("a translation that ran another action is port-wide")
	}
}

// A rule added later that reads more than the port takes the port-wide
// entry back to exact, before the flow-mod returns: packets it matches
// (which the entry's own key does not) no longer go by the entry.
func TestPortWideEndsWhenTableGrows(t *testing.T) {
	for _, batch := range []bool{false, true} {
		r := newRig(t, 3, FailSecure)
		r.add("priority=1,in_port=1,actions=output:2")
		r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
		if r.wideFlows() != 1 {
			t.Fatal("no port-wide entry to start with")
		}
		const dns = "priority=5,udp,tp_dst=53,actions=output:3"
		if batch {
			b := r.sw.BeginFlowMods()
			fs, err := ofp.ParseFlow(dns, ofp.FlowAdd)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.FlowMod(&fs.FlowMod); err != nil {
				t.Fatal(err)
			}
			b.End()
		} else {
			r.add(dns)
		}
		if n := r.wideFlows(); n != 0 {
			t.Fatalf("batch %v: %d port-wide entries after adding %q, want none", batch, n, dns)
		}
		r.recv(2)
		r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 53))
		if got := r.counts(3); [3]int(got) != [3]int{0, 0, 1} {
			t.Fatalf("batch %v: DNS packet received by ports 1..3: %v, want [0 0 1]", batch, got)
		}
	}
}

// A rule that no packet of the port can match leaves the port's
// port-wide entry alone: it is not re-translated (re-translating would
// make it exact, the new rule's L4 match now being consulted), and a
// rule that some packet of the port can match is.
func TestPortWideKeptForOtherPortsRules(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("priority=1,in_port=1,actions=output:2")
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
	r.add("priority=5,in_port=2,udp,tp_dst=53,actions=output:3")
	if n := r.wideFlows(); n != 1 {
		t.Fatalf("%d port-wide entries after a rule for another port, want 1", n)
	}
	r.add("priority=5,in_port=1,udp,tp_dst=53,actions=output:3")
	if n := r.wideFlows(); n != 0 {
		t.Fatalf("%d port-wide entries after a rule for its port, want none", n)
	}
}

// Deleting the rule ends the port-wide entry with it.
func TestPortWideDeletedWithRule(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("priority=1,in_port=1,actions=output:2")
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
	if err := r.mod(ofp.FlowDelete, "in_port=1"); err != nil {
		t.Fatal(err)
	}
	r.recv(2)
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1001, 2000))
	if got := r.counts(3); [3]int(got) != [3]int{0, 0, 0} {
		t.Fatalf("frames after the delete: %v, want none", got)
	}
	if n := r.wideFlows(); n != 0 {
		t.Fatalf("%d port-wide entries after the rule went, want none", n)
	}
}

// portOnly reads the layout: in_port, in_phy_port and the metadata in
// the first two words, every packet field after them.
func TestPortOnlyLayout(t *testing.T) {
	for f := range uint8(numFields) {
		pipeline := f == ofp.OXMInPortField || f == ofp.OXMInPhyPortField || f == ofp.OXMMetadataField
		if got := layout[f].word < 2; got != pipeline {
			t.Errorf("field %s in word %d: portOnly would misread it", fieldNames[f], layout[f].word)
		}
	}
}

// A restarted switch adopts a port-wide entry as port-wide: a rule added
// after the adoption that matches packets other than the entry's key
// revalidates it, where an exact entry would stay.
func TestPortWideAdoptedAfterRestart(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("priority=1,in_port=1,actions=output:2")
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 2000))
	r.counts(3)
	r.restart(3)
	r.add("priority=1,in_port=1,actions=output:2")
	r.revalidate()
	if r.wideFlows() != 1 {
		t.Fatal("the adopted entry is not port-wide")
	}
	r.add("priority=5,udp,tp_dst=53,actions=output:3")
	if n := r.wideFlows(); n != 0 {
		t.Fatalf("%d port-wide entries after a rule reading udp_dst was added, want none", n)
	}
	r.send(1, udp(t, mac(1), mac(2), ip4(1), ip4(2), 1000, 53))
	if got := r.counts(3); [3]int(got) != [3]int{0, 0, 1} {
		t.Fatalf("DNS packet received by ports 1..3: %v, want [0 0 1]", got)
	}
}
