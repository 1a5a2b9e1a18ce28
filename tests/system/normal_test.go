package system

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestNormalSwitching: a standalone bridge with no controller forwards with
// NORMAL: ARP resolves, ping and TCP work, broadcasts reach every other
// port, source MACs are learned on the right ports and known unicast goes
// only where its destination is.
func TestNormalSwitching(t *testing.T) {
	testenv.RequireCommand(t, "iperf3")
	e := NewEnv(t)
	br := e.AddBridge()
	a := e.AddVM(br, "10.11.0.1/24")
	b := e.AddVM(br, "10.11.0.2/24")
	c := e.AddVM(br, "10.11.0.3/24")

	a.MustReach(b.IP, 20*time.Second)
	if out := a.Run(t, "ip", "neigh", "show", b.IP); !strings.Contains(out, b.MAC) {
		e.Fatalf("ARP did not resolve %s to %s: %q", b.IP, b.MAC, out)
	}

	res := Iperf(a, b, 2)
	if res.BitsPerSecond <= 0 {
		e.Fatalf("iperf3 %s -> %s: %v bit/s", a.IP, b.IP, res.BitsPerSecond)
	}
	t.Logf("TCP %s -> %s: %.2f Gbit/s", a.IP, b.IP, res.BitsPerSecond/1e9)

	// A broadcast from a reaches b and c.
	sa, rb, rc := a.Listen(), b.Listen(), c.Listen()
	frame, marker := testFrame(broadcast, a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	for _, to := range []struct {
		vm *VM
		r  *netns.Reader
	}{{b, rb}, {c, rc}} {
		if _, err := awaitMarker(to.r, marker, 5*time.Second); err != nil {
			e.Fatalf("broadcast from %s not flooded to %s: %v", a.Name, to.vm.Name, err)
		}
	}

	// a and b are learned on their own ports.
	pa, pb := fmt.Sprint(a.OFPort()), fmt.Sprint(b.OFPort())
	e.Eventually(10*time.Second, "fdb/show lists a and b on their ports", func() error {
		es := e.FDB(br)
		if got := fdbPort(es, a.MAC); got != pa {
			return fmt.Errorf("%s on port %q, want %s: %v", a.MAC, got, pa, es)
		}
		if got := fdbPort(es, b.MAC); got != pb {
			return fmt.Errorf("%s on port %q, want %s: %v", b.MAC, got, pb, es)
		}
		return nil
	})

	// Unicast to a MAC nobody has shown is flooded too.
	frame, marker = testFrame(net.HardwareAddr{0x02, 0x73, 0xff, 0xff, 0xff, 0xfe}, a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*netns.Reader{rb, rc} {
		if _, err := awaitMarker(r, marker, 5*time.Second); err != nil {
			e.Fatalf("unknown unicast from %s not flooded: %v", a.Name, err)
		}
	}

	// Known unicast from a to b reaches b and not c.
	frame, marker = testFrame(b.HW(), a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	if _, err := awaitMarker(rb, marker, 5*time.Second); err != nil {
		e.Fatalf("unicast %s -> %s: %v", a.Name, b.Name, err)
	}
	if f, err := awaitMarker(rc, marker, time.Second); err == nil {
		e.Fatalf("unicast to the learned %s was flooded to %s: % x", b.MAC, c.Name, f)
	}
}

// TestMACAging: learned entries go once mac-aging-time passes without
// traffic from them.
func TestMACAging(t *testing.T) {
	e := NewEnv(t)
	br := e.AddBridge("other_config:mac-aging-time=1")
	a := e.AddVM(br, "10.11.1.1/24")
	b := e.AddVM(br, "10.11.1.2/24")
	a.MustReach(b.IP, 20*time.Second)
	if fdbPort(e.FDB(br), a.MAC) == "" {
		e.Fatalf("%s not learned after a ping", a.MAC)
	}
	// Open vSwitch raises an aging time below 15 s to 15 s; on top come
	// the datapath cache's idle expiry (10 s) during which a flow still in
	// use re-learns its MAC.
	e.Eventually(45*time.Second, "a and b age out of fdb/show", func() error {
		es := e.FDB(br)
		if fdbPort(es, a.MAC) != "" || fdbPort(es, b.MAC) != "" {
			return fmt.Errorf("still learned: %v", es)
		}
		return nil
	})
	// And traffic learns them again: at once if it misses the cache, or
	// when the revalidator sees its cached flows in use.
	a.MustReach(b.IP, 10*time.Second)
	e.Eventually(15*time.Second, "a learned again", func() error {
		a.Ping(b.IP)
		if fdbPort(e.FDB(br), a.MAC) == "" {
			return fmt.Errorf("%s not learned again", a.MAC)
		}
		return nil
	})
}

// TestMACMove: a MAC seen on another port moves there, and unicast to it
// follows the move (the cached flows towards the old port are revalidated).
func TestMACMove(t *testing.T) {
	e := NewEnv(t)
	br := e.AddBridge()
	a := e.AddVM(br, "10.11.2.1/24")
	b := e.AddVM(br, "10.11.2.2/24")
	d := e.AddVM(br, "10.11.2.4/24")
	a.MustReach(b.IP, 20*time.Second)
	pa, pd := fmt.Sprint(a.OFPort()), fmt.Sprint(d.OFPort())
	if got := fdbPort(e.FDB(br), a.MAC); got != pa {
		e.Fatalf("%s learned on %q, want %s", a.MAC, got, pa)
	}
	// Unicast b -> a goes to a, through a cached flow.
	sb, ra, rd, sd := b.Listen(), a.Listen(), d.Listen(), d.Listen()
	frame, marker := testFrame(a.HW(), b.HW())
	if err := sb.Send(frame); err != nil {
		t.Fatal(err)
	}
	if _, err := awaitMarker(ra, marker, 5*time.Second); err != nil {
		e.Fatalf("unicast to %s before the move: %v", a.MAC, err)
	}

	// d sends with a's MAC as its source: the MAC moves to d's port.
	frame, _ = testFrame(broadcast, a.HW())
	if err := sd.Send(frame); err != nil {
		t.Fatal(err)
	}
	e.Eventually(10*time.Second, a.MAC+" moves to d's port", func() error {
		if got := fdbPort(e.FDB(br), a.MAC); got != pd {
			return fmt.Errorf("on port %q, want %s", got, pd)
		}
		return nil
	})
	frame, marker = testFrame(a.HW(), b.HW())
	if err := sb.Send(frame); err != nil {
		t.Fatal(err)
	}
	if _, err := awaitMarker(rd, marker, 5*time.Second); err != nil {
		e.Fatalf("unicast to %s after it moved to %s: %v", a.MAC, d.Name, err)
	}
}
