package vswitchd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/cli/ofctl"
)

// TestBridgeProtocols: Bridge.protocols restricts the versions the
// management socket negotiates; versions xvs does not speak are ignored.
func TestBridgeProtocols(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr5")
	t.Setenv("XVS_RUNDIR", td.runDir)
	show := func(version string) (string, error) {
		var out, errb bytes.Buffer
		if code := ofctl.Main([]string{"-O", version, "show", "xvbr5"}, strings.NewReader(""), &out, &errb); code != 0 {
			return errb.String(), errExit
		}
		return out.String(), nil
	}
	check := func(version string, works bool) {
		t.Helper()
		out, err := show(version)
		switch {
		case works && err != nil:
			t.Errorf("ofctl -O %s show: %s", version, out)
		case !works && err == nil:
			t.Errorf("ofctl -O %s show worked:\n%s", version, out)
		case !works && !strings.Contains(out, "version negotiation failed"):
			t.Errorf("ofctl -O %s show failed without the version error: %s", version, out)
		}
	}
	check("OpenFlow10", true)
	check("OpenFlow13", true)

	td.vsctl("set", "bridge", "xvbr5", "protocols=OpenFlow13")
	check("OpenFlow10", false)
	check("OpenFlow13", true)
	out, _ := show("OpenFlow10")
	t.Logf("ofctl -O OpenFlow10 show against protocols=OpenFlow13: %s", out)

	td.vsctl("set", "bridge", "xvbr5", "protocols=OpenFlow10,OpenFlow12")
	check("OpenFlow10", true)
	check("OpenFlow13", false)
	if !strings.Contains(td.log.String(), "protocol=OpenFlow12") {
		t.Error("OpenFlow12 was not logged as unsupported")
	}

	// Nothing xvs speaks: every version it speaks stays allowed.
	td.vsctl("set", "bridge", "xvbr5", "protocols=OpenFlow14")
	check("OpenFlow10", true)
	check("OpenFlow13", true)

	td.vsctl("set", "bridge", "xvbr5", "protocols=OpenFlow13")
	td.vsctl("clear", "bridge", "xvbr5", "protocols")
	check("OpenFlow10", true)
	check("OpenFlow13", true)
}

type exitError struct{}

func (exitError) Error() string { return "non-zero exit" }

var errExit error = exitError{}
