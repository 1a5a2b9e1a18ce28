package system

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// catchAllNormal matches a bridge/dump-flows line of a flow that sends
// everything to NORMAL (a match of nothing but its priority), as opposed to
// the in-band control flows Open vSwitch also keeps hidden.
var catchAllNormal = regexp.MustCompile(`(?m)(^|[ ,])priority=\d+[, ]actions=NORMAL`)

// TestFailStandalone: with its controller gone, a standalone bridge falls
// back to MAC learning (two namespaces that never talked through the
// controller reach each other); turned secure, it forwards nothing new.
func TestFailStandalone(t *testing.T) {
	// Mostly waiting for timeouts: runs beside the other one.
	t.Parallel()
	testenv.RequireCommand(t, "ovs-testcontroller")
	e := NewEnv(t)
	br := e.AddBridge("fail_mode=standalone")
	a := e.AddVM(br, "10.16.0.1/24")
	b := e.AddVM(br, "10.16.0.2/24")
	c := e.AddVM(br, "10.16.0.3/24")
	d := e.AddVM(br, "10.16.0.4/24")

	port := freePort(t)
	stop := e.startTestController(port)
	e.Vsctl("set-controller", br, fmt.Sprintf("tcp:127.0.0.1:%d", port))
	e.controllerConnected(br, true, 20*time.Second)
	a.MustReach(b.IP, 20*time.Second)
	// Connected: the controller decides, no NORMAL flow, hidden or not.
	if out := e.Appctl("bridge/dump-flows", br); catchAllNormal.MatchString(out) {
		e.Fatalf("standalone bridge with its controller connected has a catch-all NORMAL flow:\n%s", out)
	}

	stop()
	e.controllerConnected(br, false, 30*time.Second)
	start := time.Now()
	// OVS waits a few probe intervals before failing open.
	c.MustReach(d.IP, 60*time.Second)
	t.Logf("standalone failed open %.1fs after the controller was seen gone", time.Since(start).Seconds())
	if out := e.Appctl("bridge/dump-flows", br); !catchAllNormal.MatchString(out) {
		e.Fatalf("standalone bridge failed open without a catch-all NORMAL flow:\n%s", out)
	}

	e.Vsctl("set-fail-mode", br, "secure")
	c.MustNotReach(d.IP)
	d.MustNotReach(a.IP)
	if out := e.Appctl("bridge/dump-flows", br); catchAllNormal.MatchString(out) {
		e.Fatalf("secure bridge keeps a catch-all NORMAL flow:\n%s", out)
	}
}

// TestFailSecure: a secure bridge whose controller is gone forwards nothing
// new, even well past the time a standalone bridge takes to fail open; the
// flows the controller installed stay.
func TestFailSecure(t *testing.T) {
	// Mostly waiting for timeouts: runs beside the other one.
	t.Parallel()
	testenv.RequireCommand(t, "ovs-testcontroller")
	e := NewEnv(t)
	br := e.AddBridge("fail_mode=secure")
	a := e.AddVM(br, "10.16.1.1/24")
	b := e.AddVM(br, "10.16.1.2/24")
	c := e.AddVM(br, "10.16.1.3/24")
	d := e.AddVM(br, "10.16.1.4/24")

	port := freePort(t)
	stop := e.startTestController(port)
	e.Vsctl("set-controller", br, fmt.Sprintf("tcp:127.0.0.1:%d", port))
	e.controllerConnected(br, true, 20*time.Second)
	a.MustReach(b.IP, 20*time.Second)

	stop()
	e.controllerConnected(br, false, 30*time.Second)
	// Standalone fails open within about 15 s (three 5 s probe
	// intervals); give secure 20 s to do what it must not.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.Ping(d.IP); err == nil {
			e.Fatalf("secure bridge without its controller forwarded %s -> %s", c.IP, d.IP)
		}
	}
	if out := e.Appctl("bridge/dump-flows", br); catchAllNormal.MatchString(out) {
		e.Fatalf("secure bridge without its controller has a catch-all NORMAL flow:\n%s", out)
	}
}
