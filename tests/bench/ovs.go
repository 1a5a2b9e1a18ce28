package bench

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ovs is Open vSwitch's userspace datapath (datapath_type=netdev) with its
// ports of type portType ("system" or "afxdp"), its daemons in a directory
// of their own and ovs-vswitchd in the switch namespace.
type ovs struct {
	portType string
	dir      string
	t        *Topo
	pid      int
	// hadTap: the netdev datapath's tap "ovs-netdev" existed before we
	// started (someone else's Open vSwitch): Stop leaves it alone.
	hadTap bool
}

// netdevTap is the tap Open vSwitch's userspace datapath creates for
// itself; a killed ovs-vswitchd leaves it behind.
const netdevTap = "ovs-netdev"

func (o *ovs) Name() string {
	if o.portType == "afxdp" {
		return "ovs-afxdp"
	}
	return "ovs-netdev"
}
func (*ovs) SwitchNS() bool { return true }

func (o *ovs) Remark() string {
	return o.Name() + ": TCP from the VMs' veths with default offloads never connected through Open vSwitch 3.1's userspace datapath here (ping and UDP pass)."
}

const ovsBridge = "xbovs"

func (o *ovs) vsctl(args ...string) (string, error) {
	return run(append([]string{"ovs-vsctl", "--db=unix:" + filepath.Join(o.dir, "db.sock"), "--timeout=20"}, args...)...)
}

func (o *ovs) mgmt() string { return "unix:" + filepath.Join(o.dir, ovsBridge+".mgmt") }

func (o *ovs) ofctl(args ...string) (string, error) {
	return runTimeout(5*time.Minute, append([]string{"ovs-ofctl", "-O", "OpenFlow13"}, args...)...)
}

func (o *ovs) Start(t *Topo, _ *progs) error {
	o.t = t
	_, err := os.Stat("/sys/class/net/" + netdevTap)
	o.hadTap = err == nil
	dir, err := os.MkdirTemp("", "xbovs")
	if err != nil {
		return err
	}
	o.dir = dir
	db := filepath.Join(dir, "conf.db")
	if _, err := run("ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema"); err != nil {
		return err
	}
	if _, err := run("ovsdb-server", "--remote=punix:"+filepath.Join(dir, "db.sock"), "--pidfile="+filepath.Join(dir, "ovsdb.pid"),
		"--unixctl="+filepath.Join(dir, "ovsdb.ctl"), "--no-chdir", "--detach", "--log-file="+filepath.Join(dir, "ovsdb.log"), db); err != nil {
		return err
	}
	if _, err := t.SwitchRun("env", "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir, "ovs-vswitchd", "unix:"+filepath.Join(dir, "db.sock"), "--pidfile="+filepath.Join(dir, "vs.pid"),
		"--unixctl="+filepath.Join(dir, "vs.ctl"), "--no-chdir", "--detach", "--disable-system", "--log-file="+filepath.Join(dir, "vs.log")); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(dir, "vs.pid"))
	if err != nil {
		return err
	}
	o.pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	// Its poll-mode thread (which polls afxdp ports) stays off the
	// generator's core: a thread busy-polling there would take the core
	// the frames are sent and switched on. OVS runs PMDs on cores of
	// their own; one, as by default; with one CPU there is no choice.
	mask := []string{}
	if m := pmdMask(runtime.NumCPU(), genCPU()); m != "" {
		mask = []string{"--", "set", "Open_vSwitch", ".", "other_config:pmd-cpu-mask=" + m}
	}
	if _, err := o.vsctl(append([]string{"add-br", ovsBridge, "--", "set", "bridge", ovsBridge, "datapath_type=netdev",
		"protocols=OpenFlow10,OpenFlow13", "fail-mode=secure"}, mask...)...); err != nil {
		return err
	}
	for i, h := range t.Host {
		args := []string{"add-port", ovsBridge, h, "--", "set", "interface", h, fmt.Sprintf("ofport_request=%d", i+1)}
		if o.portType != "system" {
			args = append(args, "type="+o.portType)
		}
		if _, err := o.vsctl(args...); err != nil {
			return err
		}
		// A port type the build lacks shows as an error on the interface.
		if e, _ := o.vsctl("get", "interface", h, "error"); strings.TrimSpace(e) != "[]" && strings.TrimSpace(e) != "" {
			return fmt.Errorf("ovs-vswitchd cannot open %s as %s: %s", h, o.portType, strings.TrimSpace(e))
		}
	}
	return o.AddFlows(forwardFlows...)
}

func (o *ovs) AddFlows(flows ...string) error {
	for _, f := range flows {
		if _, err := o.ofctl("add-flow", o.mgmt(), f); err != nil {
			return err
		}
	}
	return nil
}

func (o *ovs) AddFlowsFile(path string) error {
	_, err := o.ofctl("add-flows", o.mgmt(), path)
	return err
}

func (o *ovs) DelFlows() error {
	if _, err := o.ofctl("del-flows", o.mgmt()); err != nil {
		return err
	}
	return o.AddFlows(forwardFlows...)
}

func (o *ovs) DumpFlows() (int, error) {
	out, err := o.ofctl("dump-flows", o.mgmt())
	return strings.Count(out, "actions="), err
}

func (o *ovs) PID() int { return o.pid }

func (o *ovs) Stop() error {
	if o.dir == "" {
		return nil
	}
	for _, p := range []string{"vs.pid", "ovsdb.pid"} {
		if b, err := os.ReadFile(filepath.Join(o.dir, p)); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				if proc, err := os.FindProcess(pid); err == nil {
					proc.Kill()
				}
			}
		}
	}
	os.RemoveAll(o.dir)
	o.dir = ""
	if !o.hadTap {
		if _, err := os.Stat("/sys/class/net/" + netdevTap); err == nil {
			run("ip", "link", "del", netdevTap)
		}
	}
	return nil
}

// pmdMask is Open vSwitch's pmd-cpu-mask for one core of ncpu, the
// lowest but skip, in hex: "" when there is no other. One core, as OVS
// runs by default (a PMD a NUMA node), not one a core.
func pmdMask(ncpu, skip int) string {
	for i := range ncpu {
		if i != skip {
			var m big.Int
			m.SetBit(&m, i, 1)
			return "0x" + m.Text(16)
		}
	}
	return ""
}
