package ofctl

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Bad command-line input: one line on stderr naming the problem, exit 2;
// a switch that cannot be reached: one line, exit 1.
func TestBadInput(t *testing.T) {
	cases := []struct {
		args []string
		rc   int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"--bogus", "show", "br0"}, 2, "unknown option --bogus"},
		{[]string{"-O", "OpenFlow12", "show", "br0"}, 2, "unsupported protocol"},
		{[]string{"--format", "xml", "show", "br0"}, 2, "--format"},
		{[]string{"add-flow", "br0"}, 2, "wrong number of arguments"},
		{[]string{"add-flow", "unix:/nonexistent/x.mgmt", "priority=1,actions=frob"}, 2, `"frob": unknown action`},
		{[]string{"add-flow", "unix:/nonexistent/x.mgmt", "nw_dsst=1.2.3.4,actions=drop"}, 2, `unknown field "nw_dsst"`},
		{[]string{"add-flow", "unix:/nonexistent/x.mgmt", "ip"}, 2, "must specify an action"},
		{[]string{"del-flows", "unix:/nonexistent/x.mgmt", "ip,actions=drop"}, 2, "actions are not allowed"},
		{[]string{"add-group", "unix:/nonexistent/x.mgmt", "group_id=1,type=bogus"}, 2, "unknown group type"},
		{[]string{"add-meter", "unix:/nonexistent/x.mgmt", "meter=1,bands=type=frob,rate=1"}, 2, "unknown band type"},
		{[]string{"mod-port", "unix:/nonexistent/x.mgmt", "1", "sideways"}, 2, `unknown action "sideways"`},
		{[]string{"dump-flows", "unix:/nonexistent/x.mgmt"}, 1, "no such file or directory"},
		{[]string{"dump-flows", "ssl:1.2.3.4"}, 1, "ssl connections are not supported"},
		{[]string{"--rundir", "/nonexistent", "show", "xofnone"}, 1, "/nonexistent/xofnone.mgmt"},
		{[]string{"packet-out", "unix:/nonexistent/x.mgmt", "in_port=1,actions=drop,packet=zz"}, 2, "packet"},
	}
	for _, c := range cases {
		out, errOut, rc := xvsRC(c.args...)
		if rc != c.rc || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 || out != "" {
			t.Errorf("xvs ofctl %s: exit %d (want %d), stdout %q, stderr %q (want one line with %q)",
				strings.Join(c.args, " "), rc, c.rc, out, errOut, c.want)
		}
	}
}

func TestResolveTarget(t *testing.T) {
	t.Setenv("XVS_RUNDIR", "/run/test")
	cases := []struct{ in, rundir, network, addr string }{
		{"unix:/tmp/a.mgmt", "", "unix", "/tmp/a.mgmt"},
		{"tcp:127.0.0.1", "", "tcp", "127.0.0.1:6653"},
		{"tcp:127.0.0.1:6633", "", "tcp", "127.0.0.1:6633"},
		{"tcp:[::1]", "", "tcp", "[::1]:6653"},
		{"br0", "", "unix", "/run/test/br0.mgmt"},
		{"br0", "/d", "unix", "/d/br0.mgmt"},
	}
	for _, c := range cases {
		n, a, err := resolveTarget(c.in, c.rundir)
		if err != nil || n != c.network || a != c.addr {
			t.Errorf("resolveTarget(%q, %q) = %s %s %v, want %s %s", c.in, c.rundir, n, a, err, c.network, c.addr)
		}
	}
	t.Setenv("XVS_RUNDIR", "")
	if _, a, _ := resolveTarget("br1", ""); a != "/run/xvs/br1.mgmt" {
		t.Errorf("default rundir: %s", a)
	}
}

// Options may follow the command, as with ovs-ofctl's getopt.
func TestOptionsAnywhere(t *testing.T) {
	e := &env{}
	rest, err := e.parseOptions([]string{"dump-flows", "br0", "--no-stats", "-OOpenFlow13", "--timeout=3", "table=1"})
	if err != nil || strings.Join(rest, " ") != "dump-flows br0 table=1" || !e.noStats || len(e.versions) != 1 || e.timeout.Seconds() != 3 {
		t.Errorf("rest %q err %v env %+v", rest, err, e)
	}
}

// A monitor that stops reading must not keep Close from returning.
func TestCloseWithUnreadAsync(t *testing.T) {
	a, b := net.Pipe()
	c := &client{nc: a, version: ofp.Version13, bw: bufio.NewWriter(a), waiters: map[uint32]chan reply{},
		errs: map[uint32]*ofp.Error{}, closing: make(chan struct{}), done: make(chan struct{})}
	go c.read()
	async := c.startAsync()
	_ = async
	// More unsolicited messages than the channel holds, unread.
	msg, err := ofp.Marshal(ofp.Version13, 0, &ofp.PortStatus{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := 0; i < 300; i++ {
			if _, err := b.Write(msg); err != nil {
				return
			}
		}
	}()
	for len(async) < cap(async) {
		runtime.Gosched()
	}
	done := make(chan struct{})
	go func() { c.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked behind an unread monitor channel")
	}
	b.Close()
}

// diff-flows of two files needs no switch: its output and exit status
// must be ovs-ofctl's.
func TestDiffFlowsFiles(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte("table=1,cookie=0x12,idle_timeout=5,priority=3,tcp,tp_dst=80,actions=output:1\n"+
		"priority=4,actions=drop\nsend_flow_rem,ip,actions=normal\nhard_timeout=9,arp,actions=flood\n"), 0o644)
	os.WriteFile(b, []byte("# comment\npriority=4,actions=output:3\nhard_timeout=9,arp,actions=flood\n"), 0o644)
	for _, pair := range [][2]string{{a, b}, {b, a}, {a, a}} {
		got, errOut, rc := xvsRC("-O", "OpenFlow13", "diff-flows", pair[0], pair[1])
		cmd := exec.Command("ovs-ofctl", "-O", "OpenFlow13", "diff-flows", pair[0], pair[1])
		want, err := cmd.Output()
		wantRC := 0
		if ee, ok := err.(*exec.ExitError); ok {
			wantRC = ee.ExitCode()
		}
		if got != string(want) || rc != wantRC || errOut != "" {
			t.Errorf("diff-flows %s %s: exit %d (ovs %d), stderr %q\nxvs:\n%s\novs-ofctl:\n%s", pair[0], pair[1], rc, wantRC, errOut, got, want)
		}
	}
}
