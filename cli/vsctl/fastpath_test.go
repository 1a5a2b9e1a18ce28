package vsctl

import (
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
)

// countingProxy listens on a Unix socket and relays every connection to
// the server, counting the bytes each way: what a run of xvs vsctl costs
// on the wire, whatever the server.
type countingProxy struct {
	remote   string
	sent     atomic.Int64 // client to server
	received atomic.Int64 // server to client
	conns    sync.WaitGroup
}

func startCountingProxy(t *testing.T, srv *ovstest.Server) *countingProxy {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "xvp-proxy.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{remote: "unix:" + sock}
	t.Cleanup(func() { ln.Close(); p.conns.Wait() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("unix", srv.Sock)
			if err != nil {
				in.Close()
				continue
			}
			p.conns.Add(2)
			relay := func(dst, src net.Conn, n *atomic.Int64) {
				defer p.conns.Done()
				c, _ := io.Copy(dst, src)
				n.Add(c)
				// One side closed: close both, which ends the other relay.
				dst.Close()
				src.Close()
			}
			go relay(out, in, &p.sent)
			go relay(in, out, &p.received)
		}
	}()
	return p
}

// addPortBytes runs one add-port through a fresh proxy and returns the
// bytes it sent and received, once both relays have finished.
func addPortBytes(t *testing.T, srv *ovstest.Server, port string) (sent, received int64) {
	t.Helper()
	p := startCountingProxy(t, srv)
	if _, errs, code := xvsRaw("--db="+p.remote, "--no-wait", "add-port", "br0", port); code != 0 {
		t.Fatalf("add-port %s: exit %d: %s", port, code, errs)
	}
	// The run closed its connection: wait for the relays to count it all.
	p.conns.Wait()
	return p.sent.Load(), p.received.Load()
}

// TestAddPortCostFlat: what one add-port sends and receives does not grow
// with the number of ports on the bridge (issue 3: per-command time must
// stay flat). The general path reads every port, so at 300 ports it moves
// tens of kilobytes more than at 10.
func TestAddPortCostFlat(t *testing.T) { forEachServer(t, testAddPortCostFlat) }

func testAddPortCostFlat(t *testing.T, srv *ovstest.Server) {
	grow := func(from, to int) {
		args := []string{"--may-exist", "add-br", "br0"}
		for i := from; i < to; i++ {
			args = append(args, "--", "add-port", "br0", fmt.Sprintf("q%03d", i))
		}
		mustXVS(t, srv, args...)
	}
	grow(0, 10)
	s10, r10 := addPortBytes(t, srv, "x010")
	grow(10, 300)
	s300, r300 := addPortBytes(t, srv, "x300")
	t.Logf("add-port at 10 ports: sent %d, received %d bytes; at 300 ports: sent %d, received %d", s10, r10, s300, r300)
	// Same-length names: the only differences left are in numbers such
	// as the request id's and _uuid's, a few bytes.
	const slack = 64
	if s300 > s10+slack || r300 > r10+slack {
		t.Errorf("add-port's traffic grows with the port count: sent %d -> %d, received %d -> %d bytes", s10, s300, r10, r300)
	}
	out := mustXVS(t, srv, "list-ports", "br0")
	for _, want := range []string{"x010", "x300", "q299"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("list-ports br0 lacks %s:\n%s", want, out)
		}
	}
}

// TestAddPortFallbacks: lines the fast path sends back to the general path
// still give ovs-vsctl's answers, and leave the database as it was.
func TestAddPortFallbacks(t *testing.T) { forEachServer(t, testAddPortFallbacks) }

func testAddPortFallbacks(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0", "--", "add-br", "br1", "--", "add-br", "fb5", "br0", "5",
		"--", "add-port", "br0", "p1", "--", "add-port", "br1", "p2")
	for _, tc := range []struct {
		args []string
		err  string // "" for success
	}{
		{[]string{"add-port", "br0", "p1"}, "cannot create a port named p1 because a port named p1 already exists on bridge br0"},
		{[]string{"add-port", "br0", "br1"}, "cannot create a port named br1 because a bridge named br1 already exists"},
		{[]string{"add-port", "br0", "fb5"}, "cannot create a port named fb5 because a bridge named fb5 already exists"},
		{[]string{"add-port", "nobr", "p9"}, "no bridge named nobr"},
		{[]string{"--may-exist", "add-port", "br0", "p2"}, "\"--may-exist add-port br0 p2\" but p2 is actually attached to bridge br1"},
		{[]string{"--may-exist", "add-port", "br0", "p1"}, ""},
		{[]string{"add-port", "fb5", "p5"}, ""},
	} {
		_, errs, code := xvs(t, srv, tc.args...)
		if tc.err == "" {
			if code != 0 {
				t.Errorf("%q: exit %d: %s", tc.args, code, errs)
			}
			continue
		}
		if code == 0 || !strings.Contains(errs, tc.err) {
			t.Errorf("%q: exit %d, stderr %q; want an error %q", tc.args, code, errs, tc.err)
		}
	}
	if out := mustXVS(t, srv, "list-ports", "br0"); out != "p1\n" {
		t.Errorf("list-ports br0 = %q, want p1 only", out)
	}
	if out := mustXVS(t, srv, "list-ports", "fb5"); out != "p5\n" {
		t.Errorf("list-ports fb5 = %q, want p5", out)
	}
	if out := mustXVS(t, srv, "get", "Port", "p5", "tag"); out != "5\n" {
		t.Errorf("tag of p5 on fake bridge fb5 = %q, want 5", out)
	}
}

// TestConcurrentSameName: of several add-ports of one name racing, one
// wins and the others give ovs-vsctl's error, whichever path they took.
func TestConcurrentSameName(t *testing.T) { forEachServer(t, testConcurrentSameName) }

func testConcurrentSameName(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0")
	const n = 6
	errs := make(chan string, n)
	for range n {
		go func() {
			_, e, code := xvs(t, srv, "add-port", "br0", "same")
			if code == 0 {
				e = ""
			}
			errs <- e
		}()
	}
	ok := 0
	for range n {
		e := <-errs
		if e == "" {
			ok++
		} else if !strings.Contains(e, "cannot create a port named same because a port named same already exists on bridge br0") {
			t.Errorf("losing add-port: %q", e)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d add-ports of one name succeeded, want 1", ok, n)
	}
	if out := mustXVS(t, srv, "list-ports", "br0"); out != "same\n" {
		t.Errorf("list-ports br0 = %q", out)
	}
}

// TestFastAddPortWaits: without --no-wait, a fast-path add-port bumps
// next_cfg in its transaction and returns only once the daemon has set
// cur_cfg to it.
func TestFastAddPortWaits(t *testing.T) { forEachServer(t, testFastAddPortWaits) }

func testFastAddPortWaits(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0")
	seen := make(chan int64, 1)
	apply := make(chan bool)
	daemon(t, srv, seen, apply)
	done := make(chan int, 1)
	var errs string
	go func() {
		var code int
		_, errs, code = xvsRaw("--db="+srv.Remote, "--timeout=20", "add-port", "br0", "pw")
		done <- code
	}()
	if next := <-seen; next != 1 {
		t.Errorf("next_cfg = %d, want 1", next)
	}
	select {
	case code := <-done:
		t.Fatalf("add-port returned (exit %d, %s) before the daemon wrote cur_cfg", code, errs)
	default:
	}
	apply <- true
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out := mustXVS(t, srv, "list-ports", "br0"); out != "pw\n" {
		t.Errorf("list-ports br0 = %q", out)
	}
}
