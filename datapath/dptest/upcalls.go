package dptest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

func testUserspaceAction(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := UDP4(t, 1, 2)
	e.put(t, packet.Extract(f, in), datapath.Userspace{Cookie: 0xc0ffee}, datapath.Output{Port: out})
	e.inject(t, in, f)
	u := e.upcall(t)
	if u.Reason != datapath.ReasonUserspace || u.Cookie != 0xc0ffee || u.InPort != in || !bytes.Equal(u.Frame, f) {
		t.Errorf("upcall %v cookie %#x in_port %d frame %x; want userspace 0xc0ffee on %d with the frame", u.Reason, u.Cookie, u.InPort, u.Frame, in)
	}
	if got := e.recv(t, out); !bytes.Equal(got, f) {
		t.Errorf("the list did not go on after userspace: got %x", got)
	}
	if s := e.stats(t); s.Hit != 1 || s.Missed != 0 {
		t.Errorf("stats %+v, want 1 hit", s)
	}
}

func testInvalidTTL(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	ip := IPv4(17)
	ip.TTL = 1
	f := Build(t, Eth(0x0800), ip, udp(1, 2), Payload(8))
	e.put(t, packet.Extract(f, in), datapath.DecTTL{}, datapath.Output{Port: out})
	e.inject(t, in, f)
	if u := e.upcall(t); u.Reason != datapath.ReasonInvalidTTL || !bytes.Equal(u.Frame, f) {
		t.Errorf("upcall %v, want invalid_ttl with the unchanged frame", u.Reason)
	}
	e.noFrame(t, out)
}

func testSlowPath(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := TCP4(t, 5, 6)
	k := packet.Extract(f, in)
	acts := []datapath.Action{datapath.SlowPath{}, datapath.SetIPv4Dst{Addr: [4]byte{10, 9, 9, 9}}, datapath.Output{Port: out}}
	e.put(t, k, acts...)
	e.inject(t, in, f)
	u := e.upcall(t)
	if u.Reason != datapath.ReasonSlowPath || u.InPort != in || !bytes.Equal(u.Frame, f) || u.Key != k {
		t.Fatalf("upcall %v on %d, want slow_path with the frame", u.Reason, u.InPort)
	}
	e.noFrame(t, out)
	fl, err := e.DP.Get(k)
	if err != nil || !fl.SlowPath || fl.Stats.Packets != 1 {
		t.Errorf("slow-path entry: %+v, %v; want SlowPath and 1 packet", fl, err)
	}
	if s := e.stats(t); s.SlowPath != 1 || s.Hit != 1 {
		t.Errorf("stats %+v, want slow path 1 and hit 1", s)
	}
	// Userspace finishes the job with Execute.
	if err := e.DP.Execute(u.Frame, u.InPort, fl.Actions); err != nil {
		t.Fatalf("execute: %v", err)
	}
	got := e.recv(t, out)
	Decode(t, got)
	if k2 := packet.Extract(got, in); k2.IPv4Dst != [4]byte{10, 9, 9, 9} {
		t.Errorf("executed frame has dst %v", k2.IPv4Dst)
	}
}

func testLost(t *testing.T, h Harness) {
	const queue = 4
	e := h.New(t, Config{Ports: 2, UpcallQueue: queue})
	n := 64
	for i := range n {
		e.inject(t, e.Ports[i%2], UDP4(t, uint16(1000+i), 53))
	}
	got := e.drainUpcalls()
	s := e.stats(t)
	if s.Missed != uint64(n) {
		t.Errorf("missed %d, want %d", s.Missed, n)
	}
	if s.Lost == 0 || uint64(got)+s.Lost != s.Missed {
		t.Errorf("received %d upcalls and lost %d of %d misses; want lost > 0 and the sum exact", got, s.Lost, s.Missed)
	}
}

func testExecute(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 3})
	f := ICMP4(t)
	if err := e.DP.Execute(f, e.Ports[0], []datapath.Action{datapath.Output{Port: e.Ports[1]}, datapath.Output{Port: e.Ports[2]}}); err != nil {
		t.Fatalf("execute: %v", err)
	}
	for _, p := range e.Ports[1:] {
		if got := e.recv(t, p); !bytes.Equal(got, f) {
			t.Errorf("port %d got %x", p, got)
		}
	}
	e.noFrame(t, e.Ports[0])
	e.noUpcall(t)
	if s := e.stats(t); s.Flows != 0 || s.Hit != 0 || s.Missed != 0 {
		t.Errorf("execute touched the cache: %+v", s)
	}
	if err := e.DP.Execute(f, e.Ports[0], []datapath.Action{datapath.Userspace{Cookie: 7}}); err != nil {
		t.Fatalf("execute userspace: %v", err)
	}
	if u := e.upcall(t); u.Reason != datapath.ReasonUserspace || u.Cookie != 7 || u.InPort != e.Ports[0] || !bytes.Equal(u.Frame, f) {
		t.Errorf("execute of userspace(7): upcall %v cookie %d in_port %d", u.Reason, u.Cookie, u.InPort)
	}
	var ae *datapath.ActionError
	if err := e.DP.Execute(f, e.Ports[0], []datapath.Action{datapath.SetIPECN{ECN: 4}}); !errors.As(err, &ae) {
		t.Errorf("execute of an invalid list: %v, want an ActionError", err)
	}
}

func testCountersExact(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := TCP4(t, 7, 8)
	k := packet.Extract(f, in)
	e.put(t, k, datapath.Output{Port: out})
	for i := 1; i <= 5; i++ {
		e.inject(t, in, f)
		e.recv(t, out)
		// Read right after the frame came out: it must be counted.
		fl, err := e.DP.Get(k)
		if err != nil || fl.Stats.Packets != uint64(i) {
			t.Fatalf("after %d packets the entry counts %d (%v)", i, fl.Stats.Packets, err)
		}
		if ps := e.portStats(t, out); ps.TxPackets != uint64(i) {
			t.Fatalf("after %d packets port %d counts tx %d", i, out, ps.TxPackets)
		}
		if ps := e.portStats(t, in); ps.RxPackets != uint64(i) {
			t.Fatalf("after %d packets port %d counts rx %d", i, in, ps.RxPackets)
		}
		if s := e.stats(t); s.Hit != uint64(i) {
			t.Fatalf("after %d packets hit is %d", i, s.Hit)
		}
	}
}

func testPorts(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 3})
	ps, err := e.DP.Ports()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(e.Ports) {
		t.Fatalf("Ports lists %d ports, want %d", len(ps), len(e.Ports))
	}
	for i, p := range ps {
		if i > 0 && ps[i-1].Number >= p.Number {
			t.Errorf("ports not ordered by number: %d then %d", ps[i-1].Number, p.Number)
		}
		if p.Attach == datapath.AttachDefault || p.Name == "" {
			t.Errorf("port %d: attach %v name %q; want the effective mode and a name", p.Number, p.Attach, p.Name)
		}
	}
	if err := e.DP.DeletePort(0xfffff); !errors.Is(err, datapath.ErrNoSuchPort) {
		t.Errorf("delete of a missing port: %v", err)
	}
	if _, err := e.DP.AddPort(datapath.PortConfig{Name: ps[0].Name, Type: ps[0].Type}); !errors.Is(err, datapath.ErrPortExists) {
		t.Errorf("adding a port under a used name: %v, want ErrPortExists", err)
	}
	// Output to a port that went away drops the packet.
	f := UDP4(t, 1, 2)
	e.put(t, packet.Extract(f, e.Ports[0]), datapath.Output{Port: e.Ports[2]}, datapath.Output{Port: e.Ports[1]})
	if err := e.DP.DeletePort(e.Ports[2]); err != nil {
		t.Fatalf("delete port: %v", err)
	}
	e.inject(t, e.Ports[0], f)
	if got := e.recv(t, e.Ports[1]); !bytes.Equal(got, f) {
		t.Errorf("output after a deleted port: got %x", got)
	}
	ps, _ = e.DP.Ports()
	if len(ps) != 2 {
		t.Errorf("after delete Ports lists %d ports", len(ps))
	}
}

// testLongList installs a list longer than a fast path may hold. The
// datapath either runs it or marks it slow path; in the second case the
// packet comes up with ReasonSlowPath and Execute finishes it. Either way
// the output carries the effect of every action.
func testLongList(t *testing.T, h Harness) {
	e := h.New(t, Config{Ports: 2})
	in, out := e.Ports[0], e.Ports[1]
	f := UDP4(t, 1, 2)
	var acts []datapath.Action
	for i := range 100 {
		acts = append(acts, datapath.SetIPTTL{TTL: uint8(i + 1)}, datapath.SetTPSrc{Port: uint16(i + 1)})
	}
	acts = append(acts, datapath.Output{Port: out})
	k := packet.Extract(f, in)
	e.put(t, k, acts...)
	e.inject(t, in, f)
	ctx, cancel := context.WithTimeout(context.Background(), e.quiet()*5)
	got, err := e.Receive(ctx, out)
	cancel()
	if err != nil {
		u := e.upcall(t)
		if u.Reason != datapath.ReasonSlowPath {
			t.Fatalf("no output and an upcall %v; want the output or a slow_path upcall", u.Reason)
		}
		fl, err := e.DP.Get(k)
		if err != nil || !fl.SlowPath {
			t.Fatalf("slow-path upcall for an entry not marked slow: %+v %v", fl, err)
		}
		if err := e.DP.Execute(u.Frame, u.InPort, fl.Actions); err != nil {
			t.Fatalf("execute: %v", err)
		}
		got = e.recv(t, out)
	}
	Decode(t, got)
	if k2 := packet.Extract(got, in); k2.IPTTL != 100 || k2.TPSrc != 100 {
		t.Errorf("after the long list ttl %d port %d, want 100 and 100", k2.IPTTL, k2.TPSrc)
	}
}
