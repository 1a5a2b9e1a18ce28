package bench

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestSmoke runs the harness in short mode against every switch (about a
// second per scenario) and checks that each one forwarded: the harness
// works end to end. Needs root; `make bench` is the real run.
func TestSmoke(t *testing.T) {
	testenv.RequireRoot(t)
	for _, c := range []string{"ip", "ethtool", "iperf3", "ping", "ss", "ovs-vswitchd", "ovsdb-server", "ovs-vsctl", "ovs-ofctl"} {
		testenv.RequireCommand(t, c)
	}
	if testing.Short() {
		t.Skip("-short: the smoke run takes about a minute")
	}
	bin := filepath.Join(t.TempDir(), "xvs")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/xvs-switch/xvs/cli/xvs").CombinedOutput(); err != nil {
		t.Fatalf("build xvs: %v\n%s", err, out)
	}
	var log bytes.Buffer
	r := Run(Config{Switches: AllSwitches(bin), D: Short, Log: &log})
	var table bytes.Buffer
	r.WriteTable(&table)
	t.Logf("\n%s\n%s", log.String(), table.String())
	for _, n := range r.Notes {
		if !strings.Contains(n, "expected") && !strings.Contains(n, "never connected") {
			t.Errorf("switch did not run: %s", n)
		}
	}
	for _, sw := range r.Switches {
		for _, key := range []string{KeyRate1, KeyPing50} {
			if v := r.get(sw, key); math.IsNaN(v) || v <= 0 {
				t.Errorf("%s: %s not measured: %+v", sw, key, r.Values[sw][key])
			}
		}
	}
	// TCP works through every switch that keeps offloads.
	for _, sw := range []string{"xvs", "linux-bridge", "bare-tc"} {
		if v := r.get(sw, KeyTCP1); math.IsNaN(v) || v <= 0 {
			t.Errorf("%s: no TCP throughput: %+v", sw, r.Values[sw][KeyTCP1])
		}
	}
}
