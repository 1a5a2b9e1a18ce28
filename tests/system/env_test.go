package system

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// cmdTimeout bounds every command a test runs, so that no hung tool can
// hold a test past its own deadline.
const cmdTimeout = 30 * time.Second

// Env is one private xvs installation: a run directory (XVS_RUNDIR) holding
// the DB file, the sockets and the daemons' logs, a bpffs pin root for the
// datapath, an `xvs ovsdb-server` and an `xvs vswitchd`.
type Env struct {
	t       *testing.T
	Dir     string // run directory: db.sock, vswitchd.sock, <bridge>.mgmt, logs
	Pins    string // bpffs pin root of the datapath
	db      *daemon
	vs      *daemon
	bridges []string
	ovs     bool // Open vSwitch plays the switch (XVS_SYSTEST_REF=ovs)
}

// NewEnv starts ovsdb-server and vswitchd in a fresh run directory; Cleanup
// stops both and removes what they left (pins, the bridges' devices).
func NewEnv(t *testing.T) *Env {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	ref := refOVS()
	if ref {
		testenv.RequireCommand(t, "ovs-vswitchd")
	}
	// os.MkdirTemp rather than t.TempDir: unix socket paths must stay
	// under 108 bytes and test names make t.TempDir paths long.
	dir, err := os.MkdirTemp("", "xs")
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{t: t, Dir: dir, Pins: "/sys/fs/bpf/" + netns.Unique("xs"), ovs: ref}
	t.Cleanup(e.cleanup)
	e.StartDB()
	e.StartVswitchd()
	return e
}

// environ is the environment of every xvs command: XVS_RUNDIR points the
// tools at this Env's sockets.
func (e *Env) environ() []string {
	env := append(os.Environ(), "XVS_RUNDIR="+e.Dir)
	if e.ovs {
		env = append(env, "OVS_RUNDIR="+e.Dir, "OVS_DBDIR="+e.Dir, "OVS_LOGDIR="+e.Dir)
	}
	return env
}

// DBSock is the OVSDB server's unix socket.
func (e *Env) DBSock() string { return filepath.Join(e.Dir, "db.sock") }

// Mgmt is a bridge's OpenFlow management socket.
func (e *Env) Mgmt(br string) string { return filepath.Join(e.Dir, br+".mgmt") }

// StartDB starts xvs ovsdb-server on <dir>/conf.db and waits for its socket.
func (e *Env) StartDB() {
	e.t.Helper()
	if e.ovs {
		e.startOVSDB()
		return
	}
	e.db = e.spawn("ovsdb-server", xvsBin, "ovsdb-server", "--remote", "punix:"+e.DBSock(), filepath.Join(e.Dir, "conf.db"))
	e.waitSocket(e.db, e.DBSock())
}

// StartVswitchd starts xvs vswitchd against the Env's DB and waits for its
// management API socket.
func (e *Env) StartVswitchd() {
	e.t.Helper()
	if e.ovs {
		e.startOVSVswitchd()
		return
	}
	e.vs = e.spawn("vswitchd", xvsBin, "vswitchd",
		"--db", "unix:"+e.DBSock(),
		"--rundir", e.Dir,
		"--pin-root", e.Pins)
	e.waitSocket(e.vs, filepath.Join(e.Dir, "vswitchd.sock"))
}

// KillVswitchd kills vswitchd with SIGKILL, as a crash would.
func (e *Env) KillVswitchd() {
	e.t.Helper()
	e.vs.kill()
}

// VswitchdAlive reports whether vswitchd still runs.
func (e *Env) VswitchdAlive() bool { return !e.vs.exited() }

// DBAlive reports whether ovsdb-server still runs.
func (e *Env) DBAlive() bool { return !e.db.exited() }

func (e *Env) waitSocket(d *daemon, path string) {
	e.t.Helper()
	e.Eventually(15*time.Second, d.name+" listens on "+path, func() error {
		if d.exited() {
			return fmt.Errorf("%s exited: %v", d.name, d.err)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err != nil {
			return err
		}
		return c.Close()
	})
}

func (e *Env) cleanup() {
	if e.t.Failed() {
		e.diag()
	}
	if e.vs != nil {
		e.vs.stop()
	}
	if e.db != nil {
		e.db.stop()
	}
	for _, br := range e.bridges {
		// A bridge's internal port, if vswitchd made it a kernel device,
		// must not outlive the test.
		exec.Command("ip", "link", "del", br).Run()
	}
	os.RemoveAll(e.Pins)
	os.RemoveAll(e.Dir)
}

// diag logs what helps to understand a failure: each bridge's OpenFlow
// flows, MAC table and the datapath's cache, and the daemons' logs.
func (e *Env) diag() {
	if e.vs != nil && !e.vs.exited() {
		for _, br := range e.bridges {
			for _, args := range [][]string{
				{"appctl", "bridge/dump-flows", br},
				{"appctl", "fdb/show", br},
				{"dpctl", "dump-flows"},
			} {
				out, err := e.Xvs(args...)
				e.t.Logf("xvs %s: err=%v\n%s", strings.Join(args, " "), err, out)
			}
		}
	}
	for _, d := range []*daemon{e.db, e.vs} {
		if d != nil {
			e.t.Logf("%s log (last 60 lines):\n%s", d.name, tail(d.logPath, 60))
		}
	}
}

// Fatalf fails the test; cleanup then logs the diagnostics.
func (e *Env) Fatalf(format string, args ...any) {
	e.t.Helper()
	e.t.Fatalf(format, args...)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Log returns what a daemon ("vswitchd" or "ovsdb-server") has logged.
func (e *Env) Log(name string) string {
	b, _ := os.ReadFile(filepath.Join(e.Dir, name+".log"))
	return string(b)
}

// Xvs runs an xvs subcommand against the Env and returns its combined output.
func (e *Env) Xvs(args ...string) (string, error) {
	if e.ovs {
		return e.ovsCommand(args...)
	}
	return e.command(xvsBin, args...)
}

func (e *Env) command(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.environ()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", cmdTimeout, err)
	}
	return string(out), err
}

// Must runs an xvs subcommand and fails the test if it fails.
func (e *Env) Must(args ...string) string {
	e.t.Helper()
	out, err := e.Xvs(args...)
	if err != nil {
		e.Fatalf("xvs %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Vsctl runs xvs vsctl (waiting for vswitchd to apply the change, as
// ovs-vsctl without --no-wait does).
func (e *Env) Vsctl(args ...string) string {
	e.t.Helper()
	return e.Must(append([]string{"vsctl", "--timeout=20"}, args...)...)
}

// Appctl runs xvs appctl.
func (e *Env) Appctl(args ...string) string {
	e.t.Helper()
	return e.Must(append([]string{"appctl"}, args...)...)
}

// OvsOfctl runs Open vSwitch's ovs-ofctl (OpenFlow 1.3) against a bridge's
// management socket: cmd, then the switch, then args.
func (e *Env) OvsOfctl(br, cmd string, args ...string) string {
	e.t.Helper()
	full := append([]string{"-O", "OpenFlow13", cmd, "unix:" + e.Mgmt(br)}, args...)
	out, err := e.command("ovs-ofctl", full...)
	if err != nil {
		e.Fatalf("ovs-ofctl %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	return out
}

// OvsVsctl runs Open vSwitch's ovs-vsctl against the Env's DB, without
// --no-wait: it returns once vswitchd has applied the change.
func (e *Env) OvsVsctl(args ...string) string {
	e.t.Helper()
	full := append([]string{"--db=unix:" + e.DBSock(), "--timeout=20"}, args...)
	out, err := e.command("ovs-vsctl", full...)
	if err != nil {
		e.Fatalf("ovs-vsctl %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	return out
}

// AddBridge creates a bridge with a unique name; settings are
// "column=value" pairs of its Bridge row (e.g. "fail_mode=secure").
func (e *Env) AddBridge(settings ...string) string {
	e.t.Helper()
	br := netns.Unique("xsb")
	e.bridges = append(e.bridges, br)
	args := []string{"add-br", br}
	if e.ovs {
		settings = append(settings, "datapath_type=netdev")
	}
	if len(settings) > 0 {
		args = append(append(args, "--", "set", "bridge", br), settings...)
	}
	e.Vsctl(args...)
	return br
}

// WaitMgmt waits for a bridge's OpenFlow management socket to accept
// connections.
func (e *Env) WaitMgmt(br string) {
	e.t.Helper()
	e.Eventually(15*time.Second, "management socket of "+br, func() error {
		c, err := net.DialTimeout("unix", e.Mgmt(br), time.Second)
		if err != nil {
			return err
		}
		return c.Close()
	})
}

// OFPort waits for the Interface named iface to get an OpenFlow port
// number and returns it.
func (e *Env) OFPort(iface string) uint32 {
	e.t.Helper()
	var port uint32
	e.Eventually(15*time.Second, "ofport of "+iface, func() error {
		out, err := e.Xvs("vsctl", "get", "Interface", iface, "ofport")
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("ofport is %q", strings.TrimSpace(out))
		}
		port = uint32(n)
		return nil
	})
	return port
}

// Eventually polls fn every 100 ms until it returns nil and fails the test
// with fn's last error when timeout passes first.
func (e *Env) Eventually(timeout time.Duration, what string, fn func() error) {
	e.t.Helper()
	if err := poll(timeout, fn); err != nil {
		e.Fatalf("%s: not within %v: %v", what, timeout, err)
	}
}

// poll calls fn until it succeeds or timeout passes; it returns the last
// error.
func poll(timeout time.Duration, fn func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// daemon is one xvs server process whose output goes to <dir>/<name>.log.
type daemon struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error // the exit status, once done is closed
}

func (e *Env) spawn(name, bin string, args ...string) *daemon {
	e.t.Helper()
	d := &daemon{name: name, logPath: filepath.Join(e.Dir, name+".log"), done: make(chan struct{})}
	logf, err := os.OpenFile(d.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Env = e.environ()
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	// A daemon never outlives a test binary that dies without cleanup.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := d.cmd.Start(); err != nil {
		logf.Close()
		e.t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		d.err = d.cmd.Wait()
		logf.Close()
		close(d.done)
	}()
	return d
}

func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// stop asks the daemon to exit (SIGTERM) and kills it if it has not within
// 10 s.
func (d *daemon) stop() {
	if d.exited() {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.kill()
	}
}

func (d *daemon) kill() {
	if d.exited() {
		return
	}
	d.cmd.Process.Kill()
	<-d.done
}
