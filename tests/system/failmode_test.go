package system

import (
	"fmt"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestFailModes: with its controller gone, a standalone bridge falls back
// to MAC learning (two namespaces that never talked through the controller
// reach each other); once secure, nothing new is forwarded.
func TestFailModes(t *testing.T) {
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

	stop()
	e.controllerConnected(br, false, 30*time.Second)
	start := time.Now()
	// OVS waits a few probe intervals before failing open.
	c.MustReach(d.IP, 60*time.Second)
	t.Logf("standalone failed open %.1fs after the controller was seen gone", time.Since(start).Seconds())

	e.Vsctl("set-fail-mode", br, "secure")
	c.MustNotReach(d.IP)
	d.MustNotReach(a.IP)
}
