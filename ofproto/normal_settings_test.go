package ofproto

import (
	"net"
	"strings"
	"testing"
)

// TestSetForwardBPDU: a frame to the 802.1D group address is dropped by
// NORMAL until forward-bpdu is set; setting it must also fix the entry
// already cached for that frame.
func TestSetForwardBPDU(t *testing.T) {
	r := newRig(t, 3, FailStandalone)
	stp := net.HardwareAddr{0x01, 0x80, 0xc2, 0, 0, 0}
	f := udp(t, mac(1), stp, ip4(1), ip4(2), 1, 2)
	r.send(1, f)
	if got := r.counts(3); got[1] != 0 || got[2] != 0 {
		t.Fatalf("forward-bpdu off: reserved group address forwarded: %v", got)
	}
	r.sw.SetForwardBPDU(true)
	r.send(1, f)
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("forward-bpdu on: %v, want flooded to ports 2 and 3", got)
	}
	r.sw.SetForwardBPDU(false)
	r.send(1, f)
	if got := r.counts(3); got[1] != 0 || got[2] != 0 {
		t.Fatalf("forward-bpdu off again: %v", got)
	}
}

// TestSetFloodVLANs: in a flood VLAN NORMAL floods even to a learned
// destination; the cached unicast entry must follow the setting both ways.
func TestSetFloodVLANs(t *testing.T) {
	r := newRig(t, 3, FailStandalone)
	a2b := udp(t, mac(1), mac(2), ip4(1), ip4(2), 1, 2)
	b2a := udp(t, mac(2), mac(1), ip4(2), ip4(1), 2, 1)
	r.send(2, b2a) // learn mac(2) on port 2
	r.counts(3)
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 0 {
		t.Fatalf("to learned port: %v", got)
	}
	r.sw.SetFloodVLANs([]uint16{0})
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 1 {
		t.Fatalf("flood VLAN 0: %v, want flooded", got)
	}
	if n := len(r.sw.MACs()); n != 0 {
		t.Fatalf("%d MACs learned in a flood VLAN", n)
	}
	r.sw.SetFloodVLANs(nil)
	// b2a's entry is cached, so the fast path forwards it: the MAC is
	// learned again by the revalidator from the entry's traffic, as in OVS.
	r.send(2, b2a)
	r.counts(3)
	if _, err := r.sw.Revalidate(); err != nil {
		t.Fatal(err)
	}
	r.send(1, a2b)
	if got := r.counts(3); got[1] != 1 || got[2] != 0 {
		t.Fatalf("flood VLANs cleared: %v, want the learned port only", got)
	}
}

// TestDefaultFlowGoesWhenSecure: the visible "priority=0 actions=NORMAL"
// flow of a standalone bridge without controllers goes when the bridge
// turns secure, and comes back when it turns standalone again; a
// priority-0 catch-all a controller put in its place is left alone.
func TestDefaultFlowGoesWhenSecure(t *testing.T) {
	r := newRig(t, 2, FailStandalone)
	if n := len(r.sw.DumpFlows(false)); n != 1 {
		t.Fatalf("standalone without controllers: %d flows, want the default one", n)
	}
	r.sw.SetFailMode(FailSecure)
	if fs := r.sw.DumpFlows(false); len(fs) != 0 {
		t.Fatalf("secure: the default flow is still there: %v", fs)
	}
	r.sw.SetFailMode(FailStandalone)
	if n := len(r.sw.DumpFlows(false)); n != 1 {
		t.Fatalf("standalone again: %d flows, want the default one", n)
	}
	r.add("priority=0,actions=output:2") // replaces the default flow
	r.sw.SetFailMode(FailSecure)
	fs := r.sw.DumpFlows(false)
	if len(fs) != 1 || !strings.Contains(fs[0].String(), "output:2") {
		t.Fatalf("secure: a flow-mod's priority-0 flow must stay: %v", fs)
	}
}
