package ebpf

import (
	"fmt"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// getFlow returns the entry of key, failing the test when there is none.
func getFlow(t *testing.T, d *Datapath, key datapath.FlowKey) datapath.Flow {
	t.Helper()
	f, err := d.Get(key)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	return f
}

// wideFrames returns a frame arriving on inPort, its key, and a frame
// of another key (the UDP source port) from the same port.
func wideFrames(t *testing.T) (frame, other []byte, key datapath.FlowKey) {
	t.Helper()
	frame = udp64(t)
	other = slices.Clone(frame)
	other[35]++
	return frame, other, packet.Extract(frame, inPort)
}

// runVerdict checks a run's verdict.
func runVerdict(t *testing.T, ret, want uint32, what string) {
	t.Helper()
	if ret != want {
		t.Fatalf("%s: verdict %d, want %d", what, ret, want)
	}
}

// A port-wide entry takes the packets of every key that arrives on its
// port, in both hooks, and counts them as its own. A modify without
// PutPortWide makes it exact again with its counts; Delete returns them,
// and the port's other packets miss again.
func TestPortWideEntry(t *testing.T) {
	for _, h := range hooks {
		t.Run(h.name, func(t *testing.T) {
			d, prog := hookDatapath(t, h)
			frame, other, key := wideFrames(t)
			otherKey := packet.Extract(other, inPort)
			out := []datapath.Action{datapath.Output{Port: outPort}}
			if err := d.Put(key, out, datapath.PutPortWide); err != nil {
				t.Fatal(err)
			}
			for i, f := range [][]byte{frame, other, other} {
				ret, _ := run(t, prog, f)
				runVerdict(t, ret, h.redirect, fmt.Sprintf("port-wide packet %d", i))
			}
			noUpcall(t, d)
			f := getFlow(t, d, key)
			if f.Mask != datapath.PortMask() || f.Stats.Packets != 3 || f.Stats.Bytes != 3*uint64(len(frame)) || f.Stats.Used.IsZero() {
				t.Fatalf("port-wide entry: mask exact %v, stats %+v; want the port mask, 3 packets of %d bytes, used",
					f.Mask == datapath.ExactMask(), f.Stats, len(frame))
			}
			var dumped []datapath.Flow
			if err := d.Dump(0, func(fs []datapath.Flow) error { dumped = append(dumped, fs...); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(dumped) != 1 || dumped[0].Mask != datapath.PortMask() || dumped[0].Stats.Packets != 3 {
				t.Fatalf("dump %+v: want the one port-wide entry with 3 packets", dumped)
			}
			if _, err := d.Get(otherKey); err == nil {
				t.Fatal("the port-wide entry's packets created an entry of their own")
			}
			if rx := portRx(t, d, inPort); rx != 3 {
				t.Fatalf("port %d rx %d, want the 3 port-wide packets", inPort, rx)
			}

			// Another put asking to be port-wide on the same port is
			// cached exactly.
			third := slices.Clone(frame)
			third[37]++ // the UDP destination port
			thirdKey := packet.Extract(third, inPort)
			if err := d.Put(thirdKey, out, datapath.PutPortWide); err != nil {
				t.Fatal(err)
			}
			if getFlow(t, d, thirdKey).Mask != datapath.ExactMask() || getFlow(t, d, key).Mask != datapath.PortMask() {
				t.Fatal("a second port-wide put on a port took over the first")
			}
			if _, err := d.Delete(thirdKey); err != nil {
				t.Fatal(err)
			}

			// Exact again: the counts stay with the entry, other keys miss.
			if err := d.Put(key, out, datapath.PutModify); err != nil {
				t.Fatal(err)
			}
			if f := getFlow(t, d, key); f.Mask != datapath.ExactMask() || f.Stats.Packets != 3 {
				t.Fatalf("made exact: stats %+v (exact mask %v), want 3 packets kept", f.Stats, f.Mask == datapath.ExactMask())
			}
			ret, _ := run(t, prog, other)
			runVerdict(t, ret, h.drop, "another key after the entry went exact")
			if u := nextUpcall(t, d); u.Key != otherKey {
				t.Fatalf("upcall for %v, want the other key", u.Key)
			}
			ret, _ = run(t, prog, frame)
			runVerdict(t, ret, h.redirect, "the entry's own key")

			// Port-wide again, then deleted: Delete returns every count.
			if err := d.Put(key, out, datapath.PutModify|datapath.PutPortWide); err != nil {
				t.Fatal(err)
			}
			ret, _ = run(t, prog, other)
			runVerdict(t, ret, h.redirect, "another key, port-wide again")
			st, err := d.Delete(key)
			if err != nil {
				t.Fatal(err)
			}
			if st.Packets != 5 {
				t.Fatalf("deleted with %d packets, want 5 (3 port-wide, 1 exact, 1 port-wide)", st.Packets)
			}
			ret, _ = run(t, prog, other)
			runVerdict(t, ret, h.drop, "another key after the delete")
			nextUpcall(t, d)
			if s, err := d.Stats(); err != nil || s.Hit != 5 || s.Missed != 2 {
				t.Fatalf("datapath stats %+v (%v): want 5 hits and 2 misses", s, err)
			}
		})
	}
}

// A management handle (dpctl on the pins) sees a port-wide entry as
// such, and its delete ends it for the programs too.
func TestPortWideManaged(t *testing.T) {
	d, prog := hookDatapath(t, tcHook)
	_, other, key := wideFrames(t)
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, datapath.PutPortWide); err != nil {
		t.Fatal(err)
	}
	ret, _ := run(t, prog, other)
	runVerdict(t, ret, tcHook.redirect, "port-wide packet")
	m, err := Open(d.PinDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if f := getFlow(t, m, key); f.Mask != datapath.PortMask() || f.Stats.Packets != 1 {
		t.Fatalf("through a management handle: stats %+v, port mask %v; want 1 packet, port-wide", f.Stats, f.Mask == datapath.PortMask())
	}
	if st, err := m.Delete(key); err != nil || st.Packets != 1 {
		t.Fatalf("managed delete: %+v, %v; want 1 packet", st, err)
	}
	ret, _ = run(t, prog, other)
	runVerdict(t, ret, tcHook.drop, "after the managed delete")
}

// Actions that are more than one output, or a port out of range, are
// not port-wide whatever the put asks.
func TestPortWideOnlyLoneOutput(t *testing.T) {
	d, _ := hookDatapath(t, tcHook)
	key := packet.Extract(udp64(t), inPort)
	for _, acts := range [][]datapath.Action{
		{datapath.Output{Port: outPort}, datapath.Output{Port: inPort}},
		{datapath.Userspace{Cookie: 1}},
		{},
	} {
		if err := d.Put(key, acts, datapath.PutPortWide); err != nil {
			t.Fatal(err)
		}
		if getFlow(t, d, key).Mask != datapath.ExactMask() {
			t.Fatalf("%v cached port-wide", acts)
		}
		if _, err := d.Delete(key); err != nil {
			t.Fatal(err)
		}
	}
}

// A put that resets the counters of a port-wide entry leaves none of the
// packets it counted, whether the entry stays port-wide or goes exact.
func TestPortWideResetStats(t *testing.T) {
	d, prog := hookDatapath(t, tcHook)
	_, other, key := wideFrames(t)
	out := []datapath.Action{datapath.Output{Port: outPort}}
	for _, flags := range []datapath.PutFlags{datapath.PutPortWide, 0} {
		if err := d.Put(key, out, datapath.PutPortWide); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			ret, _ := run(t, prog, other)
			runVerdict(t, ret, tcHook.redirect, "port-wide packet")
		}
		if err := d.Put(key, out, datapath.PutModify|datapath.PutResetStats|flags); err != nil {
			t.Fatal(err)
		}
		f := getFlow(t, d, key)
		if f.Stats.Packets != 0 || f.PortWide() != (flags != 0) {
			t.Fatalf("reset with flags %#x: %d packets, port-wide %v; want 0 packets", flags, f.Stats.Packets, f.PortWide())
		}
		if _, err := d.Delete(key); err != nil {
			t.Fatal(err)
		}
	}
}

// portRx returns a port's rx packets as Ports reports them.
func portRx(t *testing.T, d *Datapath, port uint32) uint64 {
	t.Helper()
	ps, err := d.Ports()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Number == port {
			return p.Stats.RxPackets
		}
	}
	t.Fatalf("no port %d", port)
	return 0
}

// A port's removal keeps the hits its port-wide entries counted, and a
// new port of the number starts from zero.
func TestPortWideRetire(t *testing.T) {
	d, prog := hookDatapath(t, tcHook)
	frame := udp64(t)
	key := packet.Extract(frame, inPort)
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, datapath.PutPortWide); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		ret, _ := run(t, prog, frame)
		runVerdict(t, ret, tcHook.redirect, "port-wide packet")
	}
	if _, err := d.Delete(key); err != nil {
		t.Fatal(err)
	}
	if err := d.flows.wide.retire(inPort); err != nil {
		t.Fatal(err)
	}
	if rx := portRx(t, d, inPort); rx != 0 {
		t.Fatalf("rx %d after the port's number was retired, want 0", rx)
	}
	if s, err := d.Stats(); err != nil || s.Hit != 2 {
		t.Fatalf("stats %+v (%v): want the 2 hits kept", s, err)
	}
	// The next entry of the port counts from zero.
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, datapath.PutPortWide); err != nil {
		t.Fatal(err)
	}
	ret, _ := run(t, prog, frame)
	runVerdict(t, ret, tcHook.redirect, "port-wide packet")
	if f := getFlow(t, d, key); f.Stats.Packets != 1 {
		t.Fatalf("new entry counted %d packets, want 1", f.Stats.Packets)
	}
	if s, err := d.Stats(); err != nil || s.Hit != 3 {
		t.Fatalf("stats %+v (%v): want 3 hits", s, err)
	}
}
