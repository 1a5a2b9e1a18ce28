package connmgr

import (
	"context"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want target
		bad  bool
	}{
		{in: "tcp:10.0.0.1", want: target{network: "tcp", addr: "10.0.0.1:6653"}},
		{in: "tcp:10.0.0.1:6633", want: target{network: "tcp", addr: "10.0.0.1:6633"}},
		{in: "tcp:[::1]:7000", want: target{network: "tcp", addr: "[::1]:7000"}},
		{in: "tcp:[::1]", want: target{network: "tcp", addr: "[::1]:6653"}},
		{in: "unix:/run/c.sock", want: target{network: "unix", addr: "/run/c.sock"}},
		{in: "ptcp:", want: target{passive: true, network: "tcp", addr: ":6653"}},
		{in: "ptcp:6634", want: target{passive: true, network: "tcp", addr: ":6634"}},
		{in: "ptcp:0:127.0.0.1", want: target{passive: true, network: "tcp", addr: "127.0.0.1:0"}},
		{in: "ptcp:6634:[::1]", want: target{passive: true, network: "tcp", addr: "[::1]:6634"}},
		{in: "punix:/run/p.sock", want: target{passive: true, network: "unix", addr: "/run/p.sock"}},
		{in: "tcp:host.example", bad: true},
		{in: "tcp:10.0.0.1:99999", bad: true},
		{in: "tcp:[::1", bad: true},
		{in: "ptcp:x", bad: true},
		{in: "unix:", bad: true},
		{in: "ssl:10.0.0.1", bad: true},
		{in: "udp:1.2.3.4", bad: true},
		{in: "10.0.0.1", bad: true},
	} {
		got, err := parseTarget(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: parsed as %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

// sleepRecorder replaces the Manager's backoff waits: each wait is
// reported on waits and returns when the test releases it.
type sleepRecorder struct {
	waits   chan time.Duration
	release chan struct{}
}

func recordSleeps(m *Manager) *sleepRecorder {
	r := &sleepRecorder{waits: make(chan time.Duration), release: make(chan struct{})}
	m.sleep = func(ctx context.Context, d time.Duration) error {
		select {
		case r.waits <- d:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-r.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return r
}

func (r *sleepRecorder) next(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-r.waits:
		return d
	case <-time.After(testTimeout):
		t.Fatal("no backoff wait")
		return 0
	}
}

// TestReconnectBackoff: an unreachable controller is retried after 1 s,
// then twice as long each time up to max_backoff; a session that stayed
// up longer than the backoff resets it.
func TestReconnectBackoff(t *testing.T) {
	h := newHarness(t)
	clock := newFakeClock()
	h.m.now = clock.Now
	rec := recordSleeps(h.m)
	sock := filepath.Join(t.TempDir(), "xc-ctl.sock")
	if err := h.m.SetControllers([]Controller{{Target: "unix:" + sock, MaxBackoff: 6 * time.Second}}); err != nil {
		t.Fatal(err)
	}
	var got []time.Duration
	for range 5 {
		got = append(got, rec.next(t))
		if st := h.m.Status()[0]; st.State != "BACKOFF" || st.Connected || st.LastError == "" {
			t.Fatalf("status while backing off: %+v", st)
		}
		if len(got) < 5 {
			rec.release <- struct{}{}
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 6 * time.Second, 6 * time.Second}
	if !slices.Equal(got, want) {
		t.Fatalf("backoff %v, want %v", got, want)
	}

	// The controller comes up; the switch connects on its next try.
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l := &ctlListener{t: t, ln: ln, target: "unix:" + sock}
	rec.release <- struct{}{}
	p := l.accept(ofp.Version13)
	waitFor(t, "connected", func() bool { return h.m.Status()[0].Connected })
	clock.Advance(10 * time.Second) // longer than the backoff
	if st := h.m.Status()[0]; st.SecSinceConnect != 10 || st.State != "ACTIVE" {
		t.Fatalf("status %+v, want 10 s since connect, ACTIVE", st)
	}
	p.conn.Close()
	if d := rec.next(t); d != time.Second {
		t.Fatalf("after a long session the backoff is %v, want 1s", d)
	}
	rec.release <- struct{}{}

	// A session that ends at once backs off further.
	p = l.accept(ofp.Version13)
	p.conn.Close()
	if d := rec.next(t); d != 2*time.Second {
		t.Fatalf("after a short session the backoff is %v, want 2s", d)
	}
	st := h.m.Status()[0]
	if st.Connected || st.SecSinceDisconnect != 0 || st.Counters.Connects != 2 || st.Counters.Disconnects != 2 {
		t.Fatalf("status %+v", st)
	}
	sm := st.Map()
	if sm["state"] != "BACKOFF" || sm["sec_since_connect"] != "0" || sm["sec_since_disconnect"] != "0" || sm["last_error"] == "" {
		t.Fatalf("status map %v", sm)
	}
}

// TestMultipleControllers: several controllers at once, each with its own
// session; SetControllers keeps the sessions of targets that stay, drops
// removed ones, and tells the Switch how many are configured and
// connected; passive targets and the management socket are not counted.
func TestMultipleControllers(t *testing.T) {
	h := newHarness(t)
	l1, l2 := listenController(t), listenController(t)
	cs := []Controller{{Target: l1.target}, {Target: l2.target}, {Target: "ptcp:0:127.0.0.1"}}
	if err := h.m.SetControllers(cs); err != nil {
		t.Fatal(err)
	}
	p1 := l1.accept(ofp.Version13)
	p2 := l2.accept(ofp.Version10, ofp.Version13)
	h.mgmt(ofp.Version13)
	waitFor(t, "two connected", func() bool { return h.sw.controllers() == [2]int{2, 2} })
	st := h.m.Status()
	if len(st) != 3 || st[0].Target != l1.target || !st[0].Connected || !st[1].Connected || st[2].Connected || st[2].State != "LISTENING" {
		t.Fatalf("status %+v", st)
	}

	// Both get a port status.
	h.m.PortStatus(&ofp.PortStatus{Reason: ofp.PortReasonAdd, Desc: ofp.Port{PortNo: 7, Name: "xc-p7"}})
	for i, p := range []*peer{p1, p2} {
		hh, m := p.recv()
		if ps, ok := m.(*ofp.PortStatus); !ok || ps.Desc.PortNo != 7 {
			t.Fatalf("controller %d: got %s, want the port status", i+1, ofp.Format(hh, m))
		}
	}

	// New settings for the same targets keep the sessions.
	changed := []Controller{{Target: l1.target, InactivityProbe: time.Minute, RateLimit: 500}, {Target: l2.target, MaxBackoff: time.Second}, cs[2]}
	if err := h.m.SetControllers(changed); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*peer{p1, p2} {
		xid := p.send(&ofp.EchoRequest{})
		if _, m := p.recvFor(xid); m == nil {
			t.Fatal("no echo reply")
		}
	}
	if st := h.m.Status(); st[0].Counters.Connects != 1 || st[1].Counters.Connects != 1 {
		t.Fatalf("sessions were replaced: %+v", st)
	}

	// Remove the second; the first keeps its session.
	if err := h.m.SetControllers(cs[:1]); err != nil {
		t.Fatal(err)
	}
	p2.expectClosed()
	waitFor(t, "one connected", func() bool { return h.sw.controllers() == [2]int{1, 1} })
	xid := p1.send(&ofp.EchoRequest{Data: []byte("still here")})
	if _, m := p1.recvFor(xid); m == nil {
		t.Fatal("no echo reply")
	}
	if err := h.m.SetControllers(nil); err != nil {
		t.Fatal(err)
	}
	p1.expectClosed()
	waitFor(t, "none configured", func() bool { return h.sw.controllers() == [2]int{0, 0} })

	// Bad targets are reported; good ones still apply.
	err := h.m.SetControllers([]Controller{{Target: "bogus:1"}, {Target: l1.target}})
	if err == nil {
		t.Fatal("bad target accepted")
	}
	l1.accept(ofp.Version13)
	if st := h.m.Status(); len(st) != 1 || st[0].Target != l1.target {
		t.Fatalf("status %+v", st)
	}
}

// TestPassiveListener: a ptcp: target accepts several sessions, which are
// service sessions.
func TestPassiveListener(t *testing.T) {
	h := newHarness(t)
	if err := h.m.SetControllers([]Controller{{Target: "ptcp:0:127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	addr := h.m.ctrls["ptcp:0:127.0.0.1"].addr()
	a := dialPeer(t, "tcp", addr, ofp.Version13)
	b := dialPeer(t, "tcp", addr, ofp.Version10)
	a.barrier()
	b.barrier()
	waitFor(t, "connected", func() bool { return h.m.Status()[0].Connected })
	if n := len(h.m.Sessions()); n != 2 {
		t.Fatalf("%d sessions, want 2", n)
	}
	for _, s := range h.m.Sessions() {
		if !s.Service || s.MissSendLen != 0 {
			t.Fatalf("session %+v: want a service session with miss_send_len 0", s)
		}
	}
	if got := h.sw.controllers(); got != [2]int{0, 0} {
		t.Fatalf("switch told %v, want no controllers", got)
	}
}

// TestFailOpenDelay: a configured controller that is not connected counts
// as connected until three probe intervals have passed (Open vSwitch's
// fail-open delay), both before its first connection and after a
// disconnect; then the Switch is told none is connected.
func TestFailOpenDelay(t *testing.T) {
	h := newHarness(t)
	l := listenController(t)
	const probe = 100 * time.Millisecond
	sock := filepath.Join(t.TempDir(), "xc-nobody.sock")
	start := time.Now()
	if err := h.m.SetControllers([]Controller{{Target: "unix:" + sock, InactivityProbe: probe}}); err != nil {
		t.Fatal(err)
	}
	if got := h.sw.controllers(); got != [2]int{1, 1} {
		t.Fatalf("switch told %v at once, want [1 1] during the delay", got)
	}
	waitFor(t, "fail open", func() bool { return h.sw.controllers() == [2]int{1, 0} })
	if d := time.Since(start); d < 3*probe {
		t.Fatalf("failed open after %v, before 3 probe intervals", d)
	}
	// The standalone Switch now forwards with a hidden NORMAL flow.
	hiddenNormal := func() bool {
		for _, f := range h.sw.DumpFlows(true) {
			if f.Hidden && strings.Contains(f.String(), "NORMAL") {
				return true
			}
		}
		return false
	}
	if !hiddenNormal() {
		t.Fatalf("no hidden NORMAL flow after failing open: %v", h.sw.DumpFlows(true))
	}

	// A controller that connects and then goes away.
	if err := h.m.SetControllers([]Controller{{Target: l.target, InactivityProbe: probe}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	waitFor(t, "connected", func() bool { return h.sw.controllers() == [2]int{1, 1} })
	if hiddenNormal() {
		t.Fatal("hidden NORMAL flow while a controller is connected")
	}
	p.conn.Close()
	down := time.Now()
	waitFor(t, "fail open after the disconnect", func() bool { return h.sw.controllers() == [2]int{1, 0} })
	if d := time.Since(down); d < 3*probe-probe/2 {
		t.Fatalf("failed open %v after the disconnect", d)
	}
	h.sw.mu.Lock()
	defer h.sw.mu.Unlock()
	for i, c := range h.sw.ctrls[1:] {
		if c == h.sw.ctrls[i] {
			t.Fatalf("the same count %v told twice in a row: %v", c, h.sw.ctrls)
		}
	}
}

// TestIPv6Controller: tcp:[ADDR]:PORT reaches a controller on IPv6.
func TestIPv6Controller(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer ln.Close()
	h := newHarness(t)
	l := &ctlListener{t: t, ln: ln, target: "tcp:" + ln.Addr().String()}
	if err := h.m.SetControllers([]Controller{{Target: l.target}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	if _, m := p.request(&ofp.FeaturesRequest{}); m == nil {
		t.Fatal("no features reply")
	}
	if st := h.m.Status()[0]; !st.Connected || st.Target != l.target {
		t.Fatalf("status %+v", st)
	}
}
