package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// xvsSwitch is xvs: xvs ovsdb-server and xvs vswitchd with the eBPF
// datapath (TC on the veth host ends, or XDP for the xvs-xdp column),
// pinned under a bpffs directory of its own. Flows are installed through
// the bridge's management socket; a build whose vswitchd has no
// management socket yet forwards with the standalone NORMAL flow instead
// (the table says so).
type xvsSwitch struct {
	bin string
	// attach is the host ends' Interface other_config:xvs-attach: ""
	// (the default, TC on veths) or "xdp".
	attach string
	dir    string
	pins   string
	br     string
	t      *Topo
	db, vs *daemon
	normal bool // forwarding by NORMAL: no management socket
}

// daemon is a started process; exited is closed when it has exited.
type daemon struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func (x *xvsSwitch) Name() string {
	if x.attach != "" {
		return "xvs-" + x.attach
	}
	return "xvs"
}

func (*xvsSwitch) SwitchNS() bool { return false }

// xdpSkip is why the xvs-xdp column leaves scenarios out.
const (
	xdpSkipTCP = "not measured: TCP with default offloads does not survive XDP redirects between veths (docs/datapath-ebpf.md); see the xvs column"
	xdpSkipCP  = "not measured: the same daemon and OpenFlow tables as the xvs column"
)

// Skip leaves out of the xvs-xdp column what XDP cannot carry and what
// the xvs column already measured.
func (x *xvsSwitch) Skip(key string) string {
	if x.attach != "xdp" {
		return ""
	}
	switch key {
	case KeyTCP1, KeyTCP4, KeyRR:
		return xdpSkipTCP
	case KeyFlowMods, KeyDump, KeyRSS:
		return xdpSkipCP
	}
	return ""
}

// Remark explains the xvs-xdp column under the table.
func (x *xvsSwitch) Remark() string {
	if x.attach != "xdp" {
		return ""
	}
	return "xvs-xdp: the xvs daemon with both veth host ends attached in XDP (Interface other_config:xvs-attach=xdp; the datapath turns GRO on on the VMs' ends so they take XDP redirects); TCP is expected not to pass and is not measured."
}

func (x *xvsSwitch) env() []string { return append(os.Environ(), "XVS_RUNDIR="+x.dir) }

func (x *xvsSwitch) cmd(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, x.bin, args...)
	c.Env = x.env()
	out, err := c.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("xvs %s: %v: %s", strings.Join(args, " "), err, oneLine(string(out), 300))
	}
	return string(out), nil
}

func (x *xvsSwitch) start(name string, args ...string) (*daemon, error) {
	log, err := os.Create(filepath.Join(x.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	c := exec.Command(x.bin, args...)
	c.Env = x.env()
	c.Stdout, c.Stderr = log, log
	if err := c.Start(); err != nil {
		log.Close()
		return nil, err
	}
	d := &daemon{cmd: c, exited: make(chan struct{})}
	go func() { c.Wait(); log.Close(); close(d.exited) }()
	return d, nil
}

// waitFile waits for a daemon to create path (a socket of another
// process: polled, there is no event to wait on).
func waitFile(path string, d *daemon, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-d.exited:
			return fmt.Errorf("%s exited (log in its run directory)", d.cmd.Path)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not appear within %v", path, timeout)
}

func (x *xvsSwitch) Start(t *Topo, _ *progs) error {
	x.t = t
	x.normal = false // a switch is started again for every TCP round
	if _, err := os.Stat(x.bin); err != nil {
		return fmt.Errorf("no xvs binary (make build): %w", err)
	}
	var err error
	if x.dir, err = os.MkdirTemp("", "xbxvs"); err != nil {
		return err
	}
	if err := ensureBPFFS(); err != nil {
		return err
	}
	x.pins = "/sys/fs/bpf/xb" + t.Tag
	x.br = "xb" + t.Tag + "x"
	if x.db, err = x.start("ovsdb-server", "ovsdb-server", "--remote", "punix:"+filepath.Join(x.dir, "db.sock"), filepath.Join(x.dir, "conf.db")); err != nil {
		return err
	}
	if err := waitFile(filepath.Join(x.dir, "db.sock"), x.db, 10*time.Second); err != nil {
		return err
	}
	if x.vs, err = x.start("vswitchd", "vswitchd", "--db", "unix:"+filepath.Join(x.dir, "db.sock"), "--rundir", x.dir, "--pin-root", x.pins, "--log-level", "warn"); err != nil {
		return err
	}
	if err := waitFile(filepath.Join(x.dir, "vswitchd.sock"), x.vs, 15*time.Second); err != nil {
		return err
	}
	args := []string{"vsctl", "--timeout=20", "add-br", x.br}
	for i, h := range t.Host {
		args = append(args, "--", "add-port", x.br, h, "--", "set", "interface", h, fmt.Sprintf("ofport_request=%d", i+1))
		if x.attach != "" {
			args = append(args, "other_config:xvs-attach="+x.attach)
		}
	}
	if _, err := x.cmd(30*time.Second, args...); err != nil {
		return err
	}
	if err := waitFile(filepath.Join(x.dir, x.br+".mgmt"), x.vs, 3*time.Second); err != nil {
		x.normal = true
		return nil
	}
	if _, err := x.cmd(10*time.Second, "vsctl", "set", "bridge", x.br, "fail_mode=secure"); err != nil {
		return err
	}
	return x.AddFlows(forwardFlows...)
}

func ensureBPFFS() error {
	if _, err := os.Stat("/sys/fs/bpf"); err != nil {
		return err
	}
	if out, err := run("mountpoint", "-q", "/sys/fs/bpf"); err != nil {
		if _, err := run("mount", "-t", "bpf", "bpf", "/sys/fs/bpf"); err != nil {
			return fmt.Errorf("bpffs: %v %s", err, out)
		}
	}
	return nil
}

func (x *xvsSwitch) mgmt() string { return "unix:" + filepath.Join(x.dir, x.br+".mgmt") }

var errNoMgmt = errors.New("this vswitchd build has no management socket (no controller sessions yet): forwarding by NORMAL, no OpenFlow flows")

func (x *xvsSwitch) AddFlows(flows ...string) error {
	if x.normal {
		return errNoMgmt
	}
	for _, f := range flows {
		if _, err := x.cmd(30*time.Second, "ofctl", "-O", "OpenFlow13", "add-flow", x.mgmt(), f); err != nil {
			return err
		}
	}
	return nil
}

func (x *xvsSwitch) AddFlowsFile(path string) error {
	if x.normal {
		return errNoMgmt
	}
	_, err := x.cmd(5*time.Minute, "ofctl", "-O", "OpenFlow13", "add-flows", x.mgmt(), path)
	return err
}

func (x *xvsSwitch) DelFlows() error {
	if x.normal {
		return errNoMgmt
	}
	if _, err := x.cmd(time.Minute, "ofctl", "-O", "OpenFlow13", "del-flows", x.mgmt()); err != nil {
		return err
	}
	return x.AddFlows(forwardFlows...)
}

func (x *xvsSwitch) DumpFlows() (int, error) {
	if x.normal {
		return 0, errNoMgmt
	}
	out, err := x.cmd(5*time.Minute, "ofctl", "-O", "OpenFlow13", "dump-flows", x.mgmt())
	return strings.Count(out, "actions="), err
}

func (x *xvsSwitch) PID() int {
	if x.vs == nil {
		return 0
	}
	return x.vs.cmd.Process.Pid
}

// Stop removes the bridge (its datapath detaches from the veths), stops
// the daemons and removes the pins.
func (x *xvsSwitch) Stop() error {
	if x.dir == "" {
		return nil
	}
	if x.vs != nil {
		x.cmd(10*time.Second, "vsctl", "--timeout=5", "--if-exists", "del-br", x.br)
	}
	for _, d := range []*daemon{x.vs, x.db} {
		if d != nil {
			d.cmd.Process.Kill()
			<-d.exited
		}
	}
	x.vs, x.db = nil, nil
	os.RemoveAll(x.pins)
	os.RemoveAll(x.dir)
	x.dir = ""
	return nil
}

var lostCounter = regexp.MustCompile(`lost:(\d+)`)

// UpcallsLost reads the datapath's count of packets that did not fit the
// upcall queue (`xvs dpctl show`, through vswitchd), summed over bridges.
func (x *xvsSwitch) UpcallsLost() (uint64, error) {
	out, err := x.cmd(10*time.Second, "dpctl", "show")
	if err != nil {
		return 0, err
	}
	return parseLost(out)
}

// parseLost sums the "lost:N" counters of `dpctl show`.
func parseLost(out string) (uint64, error) {
	ms := lostCounter.FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		return 0, fmt.Errorf("no lost counter in dpctl show: %q", oneLine(out, 100))
	}
	var n uint64
	for _, m := range ms {
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return 0, err
		}
		n += v
	}
	return n, nil
}
