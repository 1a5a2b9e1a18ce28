package system

import (
	"testing"
	"time"
)

// TestVLANAccessAndTrunk: access ports of one VLAN talk, access ports of
// another VLAN on the same subnet are isolated from them, and a trunk port
// carries both VLANs tagged: a namespace on the trunk reaches the VLAN 10
// access ports with tagged frames (through a VLAN subinterface where the
// kernel has 802.1Q, and always by an echo request it tags itself), and
// what it receives from each VLAN carries that VLAN's tag; a trunk limited
// to VLAN 10 carries only that one.
func TestVLANAccessAndTrunk(t *testing.T) {
	e := NewEnv(t)
	br := e.AddBridge()
	// One subnet for all: only the VLANs keep them apart.
	a := e.AddVM(br, "10.12.0.1/24", "tag=10")
	b := e.AddVM(br, "10.12.0.2/24", "tag=10")
	c := e.AddVM(br, "10.12.0.3/24", "tag=20")
	tr := e.NewVM("")
	e.Vsctl("add-port", br, tr.Port, "trunks=10,20")
	tr10 := e.NewVM("") // a trunk of VLAN 10 only
	e.Vsctl("add-port", br, tr10.Port, "trunks=10")
	// Kernels without 8021q have no VLAN subinterfaces.
	_, vlanErr := tr.Try(10*time.Second, "ip", "link", "add", "link", "eth0", "name", "eth0.10", "type", "vlan", "id", "10")
	if vlanErr == nil {
		tr.Run(t, "ip", "addr", "add", "10.12.0.4/24", "dev", "eth0.10")
		tr.Run(t, "ip", "link", "set", "eth0.10", "up")
	}

	a.MustReach(b.IP, 20*time.Second)
	if vlanErr == nil {
		tr.MustReach(a.IP, 20*time.Second)
	} else {
		t.Logf("no VLAN subinterfaces here (%v): the trunk side is raw frames only", vlanErr)
	}
	c.MustNotReach(a.IP)
	c.MustNotReach(b.IP)

	// An echo request tagged 10 from the trunk reaches a, whose reply
	// comes back tagged 10.
	a.Run(t, "ip", "neigh", "replace", "10.12.0.4", "lladdr", tr.MAC, "dev", "eth0", "nud", "permanent")
	st := tr.Listen()
	req, marker := echoRequest(a.HW(), tr.HW(), 10, "10.12.0.4", a.IP)
	if err := st.Send(req); err != nil {
		t.Fatal(err)
	}
	f, err := awaitMarker(st, marker, 5*time.Second)
	if err != nil {
		e.Fatalf("echo request tagged 10 from the trunk to %s: no reply: %v", a.IP, err)
	}
	if vid, tagged := vlanOf(f); !tagged || vid != 10 {
		e.Fatalf("reply from VLAN 10 on the trunk: tagged=%v vid=%d, want tag 10: % x", tagged, vid, f)
	}
	// The same request tagged 20 must not reach a.
	req, marker = echoRequest(a.HW(), tr.HW(), 20, "10.12.0.4", a.IP)
	if err := st.Send(req); err != nil {
		t.Fatal(err)
	}
	if f, err := awaitMarker(st, marker, 2*time.Second); err == nil {
		e.Fatalf("echo request tagged 20 reached %s in VLAN 10: reply % x", a.IP, f)
	}

	// A broadcast from a: untagged at b, tagged 10 on the trunk, absent
	// in VLAN 20.
	sa, rb, rc, rt, rt10 := a.Listen(), b.Listen(), c.Listen(), tr.Listen(), tr10.Listen()
	frame, marker := testFrame(broadcast, a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	f, err = awaitMarker(rb, marker, 5*time.Second)
	if err != nil {
		e.Fatalf("VLAN 10 broadcast at %s: %v", b.Name, err)
	}
	if vid, tagged := vlanOf(f); tagged {
		e.Fatalf("access port %s got a frame tagged %d: % x", b.Name, vid, f)
	}
	f, err = awaitMarker(rt, marker, 5*time.Second)
	if err != nil {
		e.Fatalf("VLAN 10 broadcast on the trunk: %v", err)
	}
	if vid, tagged := vlanOf(f); !tagged || vid != 10 {
		e.Fatalf("frame from VLAN 10 on the trunk: tagged=%v vid=%d, want tag 10: % x", tagged, vid, f)
	}
	if f, err := awaitMarker(rt10, marker, 5*time.Second); err != nil {
		e.Fatalf("VLAN 10 broadcast on the trunks=10 port: %v", err)
	} else if vid, tagged := vlanOf(f); !tagged || vid != 10 {
		e.Fatalf("frame from VLAN 10 on the trunks=10 port: tagged=%v vid=%d: % x", tagged, vid, f)
	}
	if f, err := awaitMarker(rc, marker, time.Second); err == nil {
		e.Fatalf("VLAN 10 broadcast leaked into VLAN 20 at %s: % x", c.Name, f)
	}

	// And from VLAN 20 the trunk gets tag 20.
	sc := c.Listen()
	frame, marker = testFrame(broadcast, c.HW())
	if err := sc.Send(frame); err != nil {
		t.Fatal(err)
	}
	f, err = awaitMarker(rt, marker, 5*time.Second)
	if err != nil {
		e.Fatalf("VLAN 20 broadcast on the trunk: %v", err)
	}
	if vid, tagged := vlanOf(f); !tagged || vid != 20 {
		e.Fatalf("frame from VLAN 20 on the trunk: tagged=%v vid=%d, want tag 20: % x", tagged, vid, f)
	}
	if f, err := awaitMarker(rt10, marker, time.Second); err == nil {
		e.Fatalf("VLAN 20 broadcast on the trunks=10 port: % x", f)
	}
}
