package ebpf

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/cli/dpctl"
	"github.com/xvs-switch/xvs/datapath"
)

// TestSystemDpctl drives `xvs dpctl` against a running datapath through
// its pinned maps: show, dump-flows after traffic, add-flow and del-flows.
func TestSystemDpctl(t *testing.T) {
	tp := newTopo(t, 2)
	tp.ping(t, 0, 1)
	saved := dpctl.Open
	dpctl.Open = func(p string) (datapath.Datapath, error) { return Open(p) }
	t.Cleanup(func() { dpctl.Open = saved })
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if rc := dpctl.Main(append([]string{"--datapath", tp.pinDir}, args...), nil, &out, &errb); rc != 0 {
			t.Fatalf("dpctl %v: exit %d: %s", args, rc, errb.String())
		}
		return out.String()
	}
	show := run("show")
	for _, want := range []string{tp.hosts[0], tp.hosts[1], "lookups:"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	flows := run("dump-flows")
	if !strings.Contains(flows, "icmp(type=8,code=0)") || !strings.Contains(flows, "actions:2") {
		t.Errorf("dump-flows lacks the ping's entry:\n%s", flows)
	}
	run("add-flow", "in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x88b5)", "2")
	if !strings.Contains(run("dump-flows"), "eth_type(0x88b5)") {
		t.Error("added flow not dumped")
	}
	run("del-flows")
	if st, _ := tp.d.Stats(); st.Flows != 0 {
		t.Errorf("%d flows after del-flows", st.Flows)
	}
}
