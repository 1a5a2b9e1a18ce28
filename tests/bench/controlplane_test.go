package bench

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestControlPlane runs the harness's control-plane scenario alone (load
// 100,000 flows with each switch's own ofctl, dump them, read the daemon's
// VmRSS) for xvs and Open vSwitch on fresh topologies, and logs the
// figures: the reproducible measurement behind docs/benchmarks.md's
// "memory after round 2". It takes about half a minute, so it runs only
// when XVS_BENCH_CONTROL is set (to the flow count, or 1 for 100,000).
// With XVS_BENCH_HEAPPROFILE=FILE it then loads the flows into xvs again
// and logs `xvs appctl memory/show FILE` (FILE: a heap profile), after
// XVS_BENCH_DUMPS=K more dumps, each logged with the CPU time the client
// and vswitchd spent on it. With
// XVS_BENCH_SMAPS=1 it logs each daemon's largest resident mappings when
// its VmRSS is read.
func TestControlPlane(t *testing.T) {
	testenv.RequireRoot(t)
	v := os.Getenv("XVS_BENCH_CONTROL")
	if v == "" {
		t.Skip("set XVS_BENCH_CONTROL=1 (or a flow count) to measure the control plane")
	}
	for _, c := range []string{"ip", "ovs-vswitchd", "ovsdb-server", "ovs-vsctl", "ovs-ofctl"} {
		testenv.RequireCommand(t, c)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 1 {
		n = Full.FlowMods
	}
	bin := filepath.Join(t.TempDir(), "xvs")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/xvs-switch/xvs/cli/xvs").CombinedOutput(); err != nil {
		t.Fatalf("build xvs: %v\n%s", err, out)
	}
	for _, sw := range []Switch{&xvsSwitch{bin: bin}, &ovs{portType: "system"}} {
		out := map[string]Value{}
		func() {
			topo, err := NewTopo(sw.SwitchNS())
			if err != nil {
				t.Fatalf("topology: %v", err)
			}
			defer topo.Close()
			if err := sw.Start(topo, nil); err != nil {
				sw.Stop()
				t.Fatalf("%s: start: %v", sw.Name(), err)
			}
			defer sw.Stop()
			var log bytes.Buffer
			e := &env{t: topo, sw: sw, d: Durations{FlowMods: n}, log: &log}
			if os.Getenv("XVS_BENCH_SMAPS") != "" {
				e.atRSS = func(pid int) {
					s, err := residentMappings(pid, 12)
					if err != nil {
						t.Errorf("%s: smaps: %v", sw.Name(), err)
						return
					}
					t.Logf("%s daemon after the dump: %s", sw.Name(), s)
					if x, ok := sw.(*xvsSwitch); ok {
						// What the Go heap says of it at that moment.
						o, err := x.cmd(time.Minute, "appctl", "memory/show")
						t.Logf("xvs appctl memory/show: %s %v", o, err)
					}
				}
			}
			e.controlPlane(out)
			if x, ok := sw.(*xvsSwitch); ok && os.Getenv("XVS_BENCH_HEAPPROFILE") != "" {
				// The flows again, and what vswitchd says it holds.
				f := filepath.Join(t.TempDir(), "flows")
				fl, _ := os.Create(f)
				writeFlows(fl, n)
				fl.Close()
				if err := x.AddFlowsFile(f); err != nil {
					t.Fatal(err)
				}
				if kb, err := rssKB(x.PID()); err == nil {
					t.Logf("xvs vswitchd RSS right after loading the flows again (no dump): %.1f MiB", float64(kb)/1024)
				}
				if k, _ := strconv.Atoi(os.Getenv("XVS_BENCH_DUMPS")); k > 0 {
					logDumps(t, x, k)
				}
				o, err := x.cmd(time.Minute, "appctl", "memory/show", os.Getenv("XVS_BENCH_HEAPPROFILE"))
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("xvs appctl memory/show:\n%s", o)
			}
			if o, ok := sw.(*ovs); ok {
				// The client's share: xvs ofctl dumping ovs-vswitchd's flows.
				f := filepath.Join(t.TempDir(), "flows")
				fl, _ := os.Create(f)
				writeFlows(fl, n)
				fl.Close()
				if _, err := o.ofctl("add-flows", o.mgmt(), f); err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				c := exec.Command(bin, "ofctl", "-O", "OpenFlow13", "dump-flows", o.mgmt())
				c.Stdout = nil
				if err := c.Run(); err != nil {
					t.Fatalf("xvs ofctl dump-flows of ovs-vswitchd: %v", err)
				}
				t.Logf("xvs ofctl dump-flows of ovs-vswitchd's %d flows: %.3f s", n, time.Since(start).Seconds())
				// The multipart reply printed part by part as it arrives is
				// what ovs-ofctl prints.
				want, err := o.ofctl("dump-flows", "--no-stats", o.mgmt())
				if err != nil {
					t.Fatal(err)
				}
				got, err := exec.Command(bin, "ofctl", "-O", "OpenFlow13", "dump-flows", "--no-stats", o.mgmt()).Output()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Errorf("xvs ofctl dump-flows --no-stats differs from ovs-ofctl's (%d and %d bytes)", len(got), len(want))
				}
			}
			if log.Len() > 0 {
				t.Logf("%s: %s", sw.Name(), log.String())
			}
		}()
		for _, k := range []string{KeyFlowMods, KeyDump, KeyRSS} {
			if v, ok := out[k]; !ok || math.IsNaN(v.V) {
				t.Errorf("%s: %s not measured: %+v", sw.Name(), k, out[k])
			}
		}
		t.Logf("%s, %d flows: add-flows %.3f s, dump-flows %.3f s, RSS %.1f MiB", sw.Name(), n,
			out[KeyFlowMods].V, out[KeyDump].V, out[KeyRSS].V)
	}
}

// logDumps runs k dump-flows against x and logs, for each, the time, the
// client's CPU time and vswitchd's (from /proc/PID/stat), the third
// figure showing how the work is shared.
func logDumps(t *testing.T, x *xvsSwitch, k int) {
	for range k {
		before, err := procCPU(x.PID())
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(x.bin, "ofctl", "-O", "OpenFlow13", "dump-flows", x.mgmt())
		c.Env = x.env()
		var out bytes.Buffer
		c.Stdout = &out
		start := time.Now()
		if err := c.Run(); err != nil {
			t.Fatalf("dump-flows: %v", err)
		}
		wall := time.Since(start)
		after, _ := procCPU(x.PID())
		t.Logf("dump-flows: %.3f s, client CPU %.3f s (user %.3f), vswitchd CPU %.3f s, %d bytes",
			wall.Seconds(), (c.ProcessState.UserTime() + c.ProcessState.SystemTime()).Seconds(),
			c.ProcessState.UserTime().Seconds(), (after - before).Seconds(), out.Len())
	}
}

// procCPU is a process's user and system CPU time so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces): utime and
	// stime are the 14th and 15th fields of the line, in clock ticks
	// (USER_HZ, 100 on Linux).
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 13 {
		return 0, os.ErrInvalid
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond, nil
}
