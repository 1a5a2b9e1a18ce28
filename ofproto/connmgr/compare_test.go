package connmgr

// Side by side with Open vSwitch: the same 100,000 flows loaded and dumped
// through connmgr and the Switch, and through ovs-vswitchd. Opt-in
// (XVS_OVS_COMPARE=1): it starts ovsdb-server and ovs-vswitchd and takes
// half a minute.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto"
)

// startOVSBridge runs ovsdb-server and ovs-vswitchd (userspace datapath,
// in a network namespace of their own) with bridge xcbench in secure fail
// mode, and returns its management socket target.
func startOVSBridge(t *testing.T) (target string, vswitchd int) {
	for _, c := range []string{"ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl"} {
		testenv.RequireCommand(t, c)
	}
	testenv.RequireRoot(t)
	dir, err := os.MkdirTemp("", "xc") // short: socket paths stay below 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir)
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	start := func(name string, args ...string) int {
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd.Process.Pid
	}
	db := filepath.Join(dir, "conf.db")
	run("ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema")
	sock := "unix:" + filepath.Join(dir, "db.sock")
	start("ovsdb-server", "--remote=p"+sock, "--unixctl="+filepath.Join(dir, "ovsdb.ctl"), "--no-chdir", db)
	pid := start("ovs-vswitchd", sock, "--unixctl="+filepath.Join(dir, "vs.ctl"), "--no-chdir", "--disable-system")
	run("ovs-vsctl", "--db="+sock, "--retry", "--timeout=20", "add-br", "xcbench", "--", "set", "bridge", "xcbench",
		"datapath_type=netdev", "protocols=OpenFlow10,OpenFlow13", "fail-mode=secure")
	return "unix:" + filepath.Join(dir, "xcbench.mgmt"), pid
}

// procCPU is the user and system CPU time of process pid so far.
func procCPU(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which may hold spaces): state is 3,
	// utime 14, stime 15; clock ticks are 1/100 s on Linux.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// ovsCmd runs ovs-ofctl and returns its wall and CPU time.
func ovsCmd(t *testing.T, args ...string) (wall, cpu time.Duration, out string) {
	t.Helper()
	var o strings.Builder
	cmd := exec.Command("ovs-ofctl", args...)
	cmd.Stdout = &o
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("ovs-ofctl %s: %v", strings.Join(args, " "), err)
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), o.String()
}

// TestCompareOVS loads 100,000 flows (the file tests/bench/ofctl_bench.sh
// uses) with ovs-ofctl into ovs-vswitchd and with xvs ofctl into connmgr,
// then dumps both with the same client. Targets (issue 6): add-flows in at
// most half of ovs-ofctl's time against ovs-vswitchd, dump-flows no slower
// than Open vSwitch.
func TestCompareOVS(t *testing.T) {
	if os.Getenv("XVS_OVS_COMPARE") == "" {
		t.Skip("set XVS_OVS_COMPARE=1 to compare with ovs-vswitchd (starts Open vSwitch, takes ~30 s)")
	}
	ovsTool(t)
	bin := os.Getenv("XVS_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "xvs")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/xvs-switch/xvs/cli/xvs").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v %s", err, out)
		}
	}
	ovsTarget, vswitchd := startOVSBridge(t)
	h := newHarness(t)
	h.sw.SetFailMode(ofproto.FailSecure) // as the OVS bridge: no NORMAL flow
	xvsTarget := "unix:" + h.m.MgmtSocket()
	const n = 100_000
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d\n",
			i%1000+1, i/65536%256, i/256%256, i%256, i%60000+1, i%4000+1, i%8+1)
	}
	flows := filepath.Join(t.TempDir(), "flows.txt")
	if err := os.WriteFile(flows, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	ovsCmd(t, "-O", "OpenFlow13", "del-flows", xvsTarget) // the NORMAL flow from before secure mode
	// Wall time moves with the machine's load; CPU time (client and
	// switch together, on both sides) much less.
	vs := procCPU(t, vswitchd)
	ovsAdd, ovsAddCPU, _ := ovsCmd(t, "-O", "OpenFlow13", "add-flows", ovsTarget, flows)
	ovsAddCPU += procCPU(t, vswitchd) - vs
	// The xvs binary as a process of its own, as a user runs it (and as
	// ovs-ofctl runs): in this process its garbage collection would stop
	// the switch's goroutines too.
	cpu := cpuTime()
	start := time.Now()
	cmd := exec.Command(bin, "ofctl", "-O", "OpenFlow13", "add-flows", xvsTarget, flows)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v %s", bin, err, out)
	}
	xvsAdd := time.Since(start)
	xvsAddCPU := cpuTime() - cpu + cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	vs = procCPU(t, vswitchd)
	ovsDump, ovsDumpCPU, ovsOut := ovsCmd(t, "-O", "OpenFlow13", "dump-flows", ovsTarget)
	ovsDumpCPU += procCPU(t, vswitchd) - vs
	cpu = cpuTime()
	xvsDump, xvsDumpCPU, xvsOut := ovsCmd(t, "-O", "OpenFlow13", "dump-flows", xvsTarget)
	xvsDumpCPU += cpuTime() - cpu
	if a, b := strings.Count(ovsOut, "actions="), strings.Count(xvsOut, "actions="); a != n || b != n {
		t.Fatalf("dumps show %d (ovs) and %d (xvs) flows, want %d", a, b, n)
	}
	var ld [3]float64
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Sscan(string(b), &ld[0], &ld[1], &ld[2])
	}
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	t.Logf("load average %.1f", ld[0])
	t.Logf("add-flows: ovs-ofctl into ovs-vswitchd %v (CPU %v); xvs ofctl (binary) into connmgr %v (CPU %v): %.2fx wall, %.2fx CPU",
		ms(ovsAdd), ms(ovsAddCPU), ms(xvsAdd), ms(xvsAddCPU), float64(xvsAdd)/float64(ovsAdd), float64(xvsAddCPU)/float64(ovsAddCPU))
	t.Logf("ovs-ofctl dump-flows: ovs-vswitchd %v (CPU %v); connmgr %v (CPU %v): %.2fx wall, %.2fx CPU",
		ms(ovsDump), ms(ovsDumpCPU), ms(xvsDump), ms(xvsDumpCPU), float64(xvsDump)/float64(ovsDump), float64(xvsDumpCPU)/float64(ovsDumpCPU))
	if xvsAdd > ovsAdd {
		t.Errorf("add-flows slower than Open vSwitch")
	}
	if xvsAdd > ovsAdd/2 {
		t.Logf("add-flows above the target of half Open vSwitch's time")
	}
}
