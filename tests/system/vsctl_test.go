package system

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestOvsVsctl: Open vSwitch's ovs-vsctl, waiting for the switch as it does
// by default (no --no-wait), creates a bridge, adds, retags and removes
// ports, and the traffic follows each change once ovs-vsctl returns.
func TestOvsVsctl(t *testing.T) {
	testenv.RequireCommand(t, "ovs-vsctl")
	e := NewEnv(t)
	br := netns.Unique("xsb")
	e.bridges = append(e.bridges, br)
	if e.ovs {
		e.OvsVsctl("add-br", br, "--", "set", "bridge", br, "datapath_type=netdev")
	} else {
		e.OvsVsctl("add-br", br)
	}

	a, b := e.NewVM("10.15.0.1/24"), e.NewVM("10.15.0.2/24")
	e.OvsVsctl("add-port", br, a.Port)
	e.OvsVsctl("add-port", br, b.Port, "tag=5")
	if out := e.OvsVsctl("get", "Interface", a.Port, "ofport"); strings.TrimSpace(out) == "[]" || strings.HasPrefix(out, "-") {
		e.Fatalf("ovs-vsctl add-port returned before %s got an ofport: %q", a.Port, out)
	}
	e.Eventually(10*time.Second, "ovs-vsctl sees "+a.Port+" up", func() error {
		if out := strings.TrimSpace(e.OvsVsctl("get", "Interface", a.Port, "link_state")); out != "up" {
			return fmt.Errorf("link_state %s", out)
		}
		return nil
	})
	ports := e.OvsVsctl("list-ports", br)
	if !strings.Contains(ports, a.Port) || !strings.Contains(ports, b.Port) {
		e.Fatalf("list-ports %s: %q", br, ports)
	}
	// a is untagged (VLAN 0), b in VLAN 5: apart.
	a.MustNotReach(b.IP)
	e.OvsVsctl("set", "Port", a.Port, "tag=5")
	a.MustReach(b.IP, 10*time.Second)

	e.OvsVsctl("del-port", br, b.Port)
	a.MustNotReach(b.IP)
	e.OvsVsctl("add-port", br, b.Port, "tag=5")
	a.MustReach(b.IP, 10*time.Second)

	e.OvsVsctl("del-br", br)
	if out := e.OvsVsctl("list-br"); strings.Contains(out, br) {
		e.Fatalf("del-br %s: still listed: %q", br, out)
	}
	a.MustNotReach(b.IP)
}
