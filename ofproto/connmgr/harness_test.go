package connmgr

import (
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// harness is a Manager on a test switch, with its management socket in a
// temporary run directory.
type harness struct {
	t   testing.TB
	m   *Manager
	sw  *testSwitch
	dir string
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	dir := t.TempDir()
	sw := newTestSwitch(t)
	m, err := New(Config{Bridge: "xc0", Switch: sw, RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return &harness{t: t, m: m, sw: sw, dir: dir}
}

// mgmt connects to the management socket and negotiates versions.
func (h *harness) mgmt(versions ...uint8) *peer {
	h.t.Helper()
	return h.mgmtFor(h.t, versions...)
}

// mgmtFor is mgmt for another test than the harness's (a fuzz target's).
func (h *harness) mgmtFor(t testing.TB, versions ...uint8) *peer {
	t.Helper()
	p := dialPeer(t, "unix", filepath.Join(h.dir, "xc0.mgmt"), versions...)
	p.barrier() // the session is established once it answers
	return p
}

// ctlListener is a test controller's listening socket.
type ctlListener struct {
	t      testing.TB
	ln     net.Listener
	target string
}

func listenController(t testing.TB) *ctlListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &ctlListener{t: t, ln: ln, target: "tcp:" + ln.Addr().String()}
}

// accept takes the switch's connection and says hello with versions.
func (l *ctlListener) accept(versions ...uint8) *peer {
	l.t.Helper()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := l.ln.Accept()
		ch <- res{c, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			l.t.Fatal(r.err)
		}
		p := newPeer(l.t, r.c)
		p.hello(versions...)
		p.barrier()
		return p
	case <-time.After(testTimeout):
		l.t.Fatalf("the switch did not connect to %s", l.target)
		return nil
	}
}

// fakeClock is a settable clock for the Manager's now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// waitFor polls cond (state the Manager changes from its own goroutines,
// with no event to wait on) until it holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func mustMarshal(t testing.TB, v uint8, xid uint32, m ofp.Message) []byte {
	t.Helper()
	b, err := ofp.Marshal(v, xid, m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
