package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	xnetns "github.com/xvs-switch/xvs/tests/netns"
)

// Topo is two namespaces ("VMs") A and B, each with eth0 joined by a veth
// pair to a host end that the switch under test connects. The host ends
// live in the namespace SwitchNS ("" is the harness's own namespace).
type Topo struct {
	Tag      string
	NS       [2]string // namespaces of the VMs
	Host     [2]string // host ends of the veth pairs
	SwitchNS string
	MAC      [2]string
	IP       [2]string
}

// run runs a command and returns its combined output, failing with it.
func run(args ...string) (string, error) {
	return runTimeout(30*time.Second, args...)
}

func runTimeout(d time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

func uniqueTag() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// NewTopo creates the namespaces and veth pairs; with switchNS the host
// ends go into a namespace of their own (Open vSwitch's netdev datapath
// creates devices of fixed names, which must not meet another test's).
func NewTopo(switchNS bool) (*Topo, error) {
	tag := uniqueTag()
	t := &Topo{Tag: tag}
	if switchNS {
		t.SwitchNS = "xb" + tag + "s"
		if _, err := run("ip", "netns", "add", t.SwitchNS); err != nil {
			return nil, err
		}
		if _, err := t.SwitchRun("ip", "link", "set", "lo", "up"); err != nil {
			t.Close()
			return nil, err
		}
	}
	for i := range 2 {
		ns := fmt.Sprintf("xb%s%c", tag, 'a'+i)
		t.NS[i], t.Host[i] = ns, ns
		t.MAC[i] = fmt.Sprintf("02:78:%s:%s:%s:%02x", tag[0:2], tag[2:4], tag[4:6], i+1)
		t.IP[i] = fmt.Sprintf("10.78.%d.%d", int(tag[0])%200+20, i+1)
		steps := [][]string{
			{"ip", "netns", "add", ns},
			{"ip", "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns},
			{"ip", "-n", ns, "link", "set", "lo", "up"},
			{"ip", "-n", ns, "link", "set", "eth0", "address", t.MAC[i]},
			{"ip", "-n", ns, "addr", "add", t.IP[i] + "/24", "dev", "eth0"},
			{"ip", "-n", ns, "link", "set", "eth0", "up"},
		}
		if switchNS {
			steps = append(steps, []string{"ip", "link", "set", ns, "netns", t.SwitchNS})
		}
		for _, s := range steps {
			if _, err := run(s...); err != nil {
				t.Close()
				return nil, err
			}
		}
		// GRO on the host end turns on the veth's NAPI receive, which
		// the generator's XDP_TX needs (kernel facts, DESIGN.md) and
		// which every switch then gets alike.
		for _, s := range [][]string{{"ip", "link", "set", ns, "up"}, {"ethtool", "-K", ns, "gro", "on"}} {
			if _, err := t.SwitchRun(s...); err != nil {
				t.Close()
				return nil, err
			}
		}
	}
	// Static neighbours: no ARP in the measurements.
	for i := range 2 {
		if _, err := run("ip", "-n", t.NS[i], "neigh", "replace", t.IP[1-i], "lladdr", t.MAC[1-i], "dev", "eth0", "nud", "permanent"); err != nil {
			t.Close()
			return nil, err
		}
	}
	return t, nil
}

// SwitchRun runs a command in the switch's namespace.
func (t *Topo) SwitchRun(args ...string) (string, error) {
	if t.SwitchNS == "" {
		return run(args...)
	}
	return run(append([]string{"ip", "netns", "exec", t.SwitchNS}, args...)...)
}

// VMRun runs a command in VM i's namespace with a timeout.
func (t *Topo) VMRun(i int, d time.Duration, args ...string) (string, error) {
	return runTimeout(d, append([]string{"ip", "netns", "exec", t.NS[i]}, args...)...)
}

// VMCmd returns a command to run in VM i's namespace.
func (t *Topo) VMCmd(ctx context.Context, i int, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", t.NS[i]}, args...)...)
}

// Close deletes the namespaces (and with them the veth pairs).
func (t *Topo) Close() {
	for _, ns := range append(t.NS[:], t.SwitchNS) {
		if ns != "" {
			exec.Command("ip", "netns", "del", ns).Run()
		}
	}
	for _, h := range t.Host {
		if h != "" {
			exec.Command("ip", "link", "del", h).Run() // if the namespace deletion left it
		}
	}
}

// HostIndex returns the ifindex of host end i (in the switch's namespace).
func (t *Topo) HostIndex(i int) (int, error) {
	var idx int
	err := inNS(t.SwitchNS, func() error {
		ifc, err := net.InterfaceByName(t.Host[i])
		if err == nil {
			idx = ifc.Index
		}
		return err
	})
	return idx, err
}

// inNS runs fn on a thread in namespace name ("" : the current one).
// Sockets, links and BPF test runs made there stay in that namespace.
func inNS(name string, fn func() error) error {
	if name == "" {
		return fn()
	}
	return (&xnetns.NS{Name: name}).Do(fn)
}
