package ebpf

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
)

// TestPortsDirect: ports_direct, the direct-mapped cache of ports_in, never
// makes a device a port that is not one, and a port whose slot another
// holds is still found (through ports_in). Test runs arrive on the
// loopback device (ifindex 1), so the ports here are ifindex 1 and 1025,
// which share slot 1.
func TestPortsDirect(t *testing.T) {
	d := newTestDatapath(t)
	p := d.ports
	frame := udp64(t)
	slot := func() tcportPortSlot {
		t.Helper()
		var s tcportPortSlot
		if err := p.direct.Lookup(directSlot(loIndex), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// arrives runs the XDP program on the loopback device and checks
	// whether it took the frame as wantPort's (a miss: dropped, upcall).
	arrives := func(wantPort uint32) {
		t.Helper()
		ret, _ := run(t, d.objs.xdp.XvsXdpIngress, frame)
		if wantPort == 0 {
			if ret != 2 {
				t.Fatalf("verdict %d, want XDP_PASS for a device that is no port", ret)
			}
			noUpcall(t, d)
			return
		}
		if ret != 1 {
			t.Fatalf("verdict %d, want XDP_DROP (a miss)", ret)
		}
		if u := nextUpcall(t, d); u.Reason != datapath.ReasonMiss || u.InPort != wantPort {
			t.Fatalf("upcall %v on port %d, want a miss on %d", u.Reason, u.InPort, wantPort)
		}
	}
	const other = loIndex + maxPorts
	if err := p.enable(portRecord{number: 7, ifindex: loIndex}); err != nil {
		t.Fatal(err)
	}
	if s := slot(); s.Ifindex != loIndex || s.PortNo != 7 {
		t.Fatalf("slot %+v after enabling port 7", s)
	}
	arrives(7)
	if err := p.enable(portRecord{number: 8, ifindex: other}); err != nil {
		t.Fatal(err)
	}
	if s := slot(); s.Ifindex != loIndex {
		t.Fatalf("slot %+v: port 8 took port 7's slot", s)
	}
	// Port 7 goes: its slot passes to port 8, and ifindex 1 is no port.
	if err := p.in.Delete(uint32(loIndex)); err != nil {
		t.Fatal(err)
	}
	if err := p.releaseSlot(loIndex); err != nil {
		t.Fatal(err)
	}
	if s := slot(); s.Ifindex != other || s.PortNo != 8 {
		t.Fatalf("slot %+v after port 7 left, want port 8's", s)
	}
	arrives(0)
	// Port 7 comes back as 9: the slot stays port 8's, 9 is found in
	// ports_in.
	if err := p.enable(portRecord{number: 9, ifindex: loIndex}); err != nil {
		t.Fatal(err)
	}
	if s := slot(); s.Ifindex != other {
		t.Fatalf("slot %+v: a live port lost its slot", s)
	}
	arrives(9)
	// A stale slot (its port gone from ports_in behind our back) is
	// taken over.
	if err := p.in.Delete(uint32(other)); err != nil {
		t.Fatal(err)
	}
	if err := p.claimSlot(loIndex, 9); err != nil {
		t.Fatal(err)
	}
	if s := slot(); s.Ifindex != loIndex || s.PortNo != 9 {
		t.Fatalf("slot %+v, want port 9's over a stale one", s)
	}
	arrives(9)
}
