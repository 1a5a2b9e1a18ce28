package system

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestDemo runs tests/demo/demo.sh, what `make demo` runs, and checks that
// every step passed, that it printed what it promises, and that it left
// nothing behind.
func TestDemo(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "iperf3")
	if refOVS() {
		t.Skip("the demo runs xvs only")
	}
	// The demo's names are fixed (br0, xvs-vm1..3): not while one is up.
	if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), "xvs-vm1") {
		t.Skip("a demo is up on this machine (namespace xvs-vm1): tests/demo/demo.sh stop ends it")
	}
	script, err := filepath.Abs("../demo/demo.sh")
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "demo.state")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script)
	cmd.Env = append(os.Environ(), "XVS="+xvsBin, "XVS_DEMO_STATE="+state, "KEEP=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"== 9. Done",
		"3 received",                       // vm1 pings vm2
		"receiver",                         // iperf3's summary
		"vm3 -> vm1 (10.0.0.1): no answer", // VLAN 20 isolated
		"Bridge br0",                       // vsctl show
		"actions=NORMAL",                   // ofctl dump-flows
		"push_vlan(vid=",                   // dpctl dump-flows: NORMAL tags for the trunk
		"Datapath actions:",                // ofproto/trace
		"== tearing down the demo",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("demo output:\n%s", out)
	}
	if _, err := os.Stat(state); err == nil {
		t.Errorf("demo left its state file %s", state)
	}
	if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), "xvs-vm") {
		t.Errorf("demo left namespaces: %s", out)
	}
}
