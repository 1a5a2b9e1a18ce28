package ofctl

// A real Open vSwitch (Debian's ovsdb-server and ovs-vswitchd, userspace
// datapath) to test the client against, and the real ovs-ofctl to compare
// outputs with.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// ovsSwitch is one ovs-vswitchd with one bridge, private to a test.
type ovsSwitch struct {
	dir, bridge string
	ports       []string // internal ports, OpenFlow ports 1, 2, ...
}

// target is the SWITCH argument for both ovs-ofctl and xvs ofctl.
func (s *ovsSwitch) target() string { return "unix:" + filepath.Join(s.dir, s.bridge+".mgmt") }

// startOVS starts ovsdb-server and ovs-vswitchd in a fresh directory and
// adds bridge xofNNNNNN (OpenFlow 1.0 and 1.3, netdev datapath) with
// nports internal ports; everything is killed at cleanup.
func startOVS(t *testing.T, nports int) *ovsSwitch {
	t.Helper()
	for _, c := range []string{"ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl"} {
		testenv.RequireCommand(t, c)
	}
	testenv.RequireRoot(t) // internal ports of the netdev datapath are tap devices
	// Short path: unix socket paths must stay below 108 bytes.
	dir, err := os.MkdirTemp("", "xof")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	suffix := filepath.Base(dir)
	suffix = suffix[len(suffix)-6:]
	s := &ovsSwitch{dir: dir, bridge: "xof" + suffix}
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	start := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		// A network namespace of its own: the netdev datapath creates a
		// tap device of a fixed name (ovs-netdev), and internal ports are
		// tap devices too; other tests may run their own switch.
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
		log, err := os.Create(filepath.Join(dir, name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
			log.Close()
		})
	}
	db := filepath.Join(dir, "conf.db")
	run("ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema")
	sock := "unix:" + filepath.Join(dir, "db.sock")
	start("ovsdb-server", "--remote=p"+sock, "--pidfile="+filepath.Join(dir, "ovsdb.pid"),
		"--unixctl="+filepath.Join(dir, "ovsdb.ctl"), "--no-chdir", db)
	start("ovs-vswitchd", sock, "--pidfile="+filepath.Join(dir, "vs.pid"),
		"--unixctl="+filepath.Join(dir, "vs.ctl"), "--no-chdir", "--disable-system")
	args := []string{"--db=" + sock, "--retry", "--timeout=20", "add-br", s.bridge, "--", "set", "bridge", s.bridge,
		"datapath_type=netdev", "protocols=OpenFlow10,OpenFlow13", "fail-mode=secure"}
	for i := 1; i <= nports; i++ {
		p := fmt.Sprintf("%sp%d", s.bridge, i)
		s.ports = append(s.ports, p)
		args = append(args, "--", "add-port", s.bridge, p, "--", "set", "interface", p, "type=internal",
			fmt.Sprintf("ofport_request=%d", i))
	}
	// ovs-vsctl waits until ovs-vswitchd has applied the change, so the
	// management socket exists when it returns.
	run("ovs-vsctl", args...)
	if _, err := os.Stat(filepath.Join(dir, s.bridge+".mgmt")); err != nil {
		out, _ := os.ReadFile(filepath.Join(dir, "ovs-vswitchd.out"))
		ls, _ := os.ReadDir(dir)
		t.Logf("dir: %v\n%s", ls, out)
	}
	return s
}

// xvs runs `xvs ofctl ARGS` in process and returns stdout, failing the
// test on a non-zero exit.
func xvs(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, rc := xvsRC(args...)
	if rc != 0 {
		t.Fatalf("xvs ofctl %s: exit %d: %s", strings.Join(args, " "), rc, errOut)
	}
	return out
}

func xvsRC(args ...string) (stdout, stderr string, rc int) {
	var o, e bytes.Buffer
	rc = Main(args, strings.NewReader(""), &o, &e)
	return o.String(), e.String(), rc
}

// ovsOfctl runs the real ovs-ofctl and returns stdout.
func ovsOfctl(t *testing.T, args ...string) string {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command("ovs-ofctl", args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("ovs-ofctl %s: %v: %s", strings.Join(args, " "), err, e.String())
	}
	return o.String()
}

var (
	durationRE = regexp.MustCompile(`duration[=:][0-9.]+s`)
	xidRE      = regexp.MustCompile(`xid=0x[0-9a-f]+`)
)

// normalize removes what differs between two dumps taken at different
// times, durations, and the trailing newline, and xids (ovs-ofctl spends
// some on probes when a command has a flow argument).
func normalize(s string) string {
	s = xidRE.ReplaceAllString(durationRE.ReplaceAllString(s, "duration=X"), "xid=X")
	return strings.TrimRight(s, "\n")
}

// sameOutput runs a command through both tools and compares.
func sameOutput(t *testing.T, args ...string) string {
	t.Helper()
	x := normalize(xvs(t, args...))
	ovsArgs := args
	if len(args) > 1 && args[0] == "-O" && args[1] == "OpenFlow10" {
		// Plain OpenFlow 1.0 flow format: ovs-ofctl would otherwise
		// switch the session to Nicira extensions (NXST_FLOW).
		ovsArgs = append([]string{"-F", "openflow10"}, args...)
	}
	o := normalize(ovsOfctl(t, ovsArgs...))
	if x != o {
		t.Errorf("%s:\nxvs ofctl:\n%s\novs-ofctl:\n%s", strings.Join(args, " "), x, o)
	}
	return x
}
