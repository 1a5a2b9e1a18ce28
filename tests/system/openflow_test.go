package system

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

var nPacketsRE = regexp.MustCompile(`n_packets=(\d+)`)

// flowPackets returns n_packets of the first dump-flows line containing
// every one of parts, or -1.
func flowPackets(dump string, parts ...string) int {
next:
	for _, line := range strings.Split(dump, "\n") {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		if m := nPacketsRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return -1
}

var rxPktsRE = regexp.MustCompile(`rx pkts=(\d+)`)

// portRx returns the rx packet count of ovs-ofctl dump-ports' first port.
func portRx(dump string) int {
	m := rxPktsRE.FindStringSubmatch(dump)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var dpPacketsRE = regexp.MustCompile(`packets:(\d+)`)

// maxCachedPackets is the largest packet count of a datapath cache entry
// in dpctl dump-flows.
func maxCachedPackets(dump string) int {
	max := 0
	for _, m := range dpPacketsRE.FindAllStringSubmatch(dump, -1) {
		if n, _ := strconv.Atoi(m[1]); n > max {
			max = n
		}
	}
	return max
}

// TestOvsOfctlFlows: Open vSwitch's ovs-ofctl programs a secure bridge over
// its management socket with flows that forward, drop and rewrite, and
// reads counters that include what the datapath cache forwarded.
func TestOvsOfctlFlows(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	e := NewEnv(t)
	br := e.AddBridge("fail_mode=secure")
	e.WaitMgmt(br)
	a := e.AddVM(br, "10.13.0.1/24")
	b := e.AddVM(br, "10.13.0.2/24")
	c := e.AddVM(br, "10.13.0.3/24")
	pa, pb, pc := a.OFPort(), b.OFPort(), c.OFPort()

	// Secure and no flows: nothing passes.
	a.MustNotReach(b.IP)

	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,in_port=%d,actions=output:%d", pa, pb))
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,in_port=%d,actions=output:%d", pb, pa))
	a.MustReach(b.IP, 10*time.Second)

	// Counters: 20 more echo requests, most of them forwarded by the
	// cache entry the first one installed.
	fwd := []string{"priority=10", fmt.Sprintf("in_port=%d", pa), fmt.Sprintf("output:%d", pb)}
	before := flowPackets(e.OvsOfctl(br, "dump-flows"), fwd...)
	if before < 0 {
		e.Fatalf("dump-flows lacks the flow %v:\n%s", fwd, e.OvsOfctl(br, "dump-flows"))
	}
	a.Run(t, "ping", "-c20", "-i0.02", "-W1", "-q", b.IP)
	// Read at once, before the entries can idle out.
	if dump := e.Must("dpctl", "dump-flows"); maxCachedPackets(dump) < 10 {
		e.Fatalf("no datapath cache entry forwarded the pings:\n%s", dump)
	}
	e.Eventually(15*time.Second, "n_packets of the in_port flow counts the pings", func() error {
		dump := e.OvsOfctl(br, "dump-flows")
		n := flowPackets(dump, fwd...)
		if n < before+20 {
			return fmt.Errorf("n_packets=%d, want >= %d:\n%s", n, before+20, dump)
		}
		return nil
	})

	// Port statistics and descriptions as ovs-ofctl reads them.
	if rx := portRx(e.OvsOfctl(br, "dump-ports", fmt.Sprint(pa))); rx < 20 {
		e.Fatalf("dump-ports %d: rx pkts=%d, want >= 20", pa, rx)
	}
	show := e.OvsOfctl(br, "show")
	for _, vm := range []*VM{a, b, c} {
		if !strings.Contains(show, fmt.Sprintf("%d(%s)", vm.OFPort(), vm.Port)) {
			e.Fatalf("ovs-ofctl show lacks %d(%s):\n%s", vm.OFPort(), vm.Port, show)
		}
	}

	// Drop ICMP from a; the barrier after add-flow means the next ping
	// already meets it.
	drop := fmt.Sprintf("priority=20,icmp,in_port=%d", pa)
	e.OvsOfctl(br, "add-flow", drop+",actions=drop")
	a.MustNotReach(b.IP)
	e.Eventually(15*time.Second, "the drop flow counts the dropped pings", func() error {
		if n := flowPackets(e.OvsOfctl(br, "dump-flows"), "priority=20", "actions=drop"); n <= 0 {
			return fmt.Errorf("n_packets=%d", n)
		}
		return nil
	})
	e.OvsOfctl(br, "del-flows", "--strict", drop)
	a.MustReach(b.IP, 10*time.Second)

	// Rewrite: a pings 10.13.0.99, which the flows translate to b and
	// back; the ping succeeds only if both directions are rewritten with
	// correct checksums.
	a.Run(t, "ip", "neigh", "replace", "10.13.0.99", "lladdr", b.MAC, "dev", "eth0", "nud", "permanent")
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=30,icmp,in_port=%d,nw_dst=10.13.0.99,actions=mod_nw_dst:%s,output:%d", pa, b.IP, pb))
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=30,icmp,in_port=%d,nw_src=%s,nw_dst=%s,actions=mod_nw_src:10.13.0.99,output:%d", pb, b.IP, a.IP, pa))
	a.MustReach("10.13.0.99", 10*time.Second)

	// mod_vlan_vid: a's test frames reach c tagged 42.
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=40,in_port=%d,dl_type=0x%04x,actions=mod_vlan_vid:42,output:%d", pa, etherTest, pc))
	sa, rc := a.Listen(), c.Listen()
	frame, marker := testFrame(broadcast, a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	f, err := awaitMarker(rc, marker, 5*time.Second)
	if err != nil {
		e.Fatalf("frame for mod_vlan_vid:42: %v", err)
	}
	if vid, tagged := vlanOf(f); !tagged || vid != 42 {
		e.Fatalf("mod_vlan_vid:42 output: tagged=%v vid=%d: % x", tagged, vid, f)
	}
}

// freePort returns a TCP port on 127.0.0.1 that nobody listens on now.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startTestController runs ovs-testcontroller (a learning switch) on a
// passive TCP port; stop kills it.
func (e *Env) startTestController(port int) (stop func()) {
	t := e.t
	t.Helper()
	bin := testenv.RequireCommand(t, "ovs-testcontroller")
	cmd := exec.Command(bin, fmt.Sprintf("ptcp:%d:127.0.0.1", port),
		"--unixctl="+filepath.Join(e.Dir, fmt.Sprintf("testcontroller%d.ctl", port)))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("ovs-testcontroller output:\n%s", out)
		}
	})
	return stop
}

// controllerConnected waits for the bridge's Controller row to say
// is_connected=true.
func (e *Env) controllerConnected(br string, want bool, timeout time.Duration) {
	e.t.Helper()
	e.Eventually(timeout, fmt.Sprintf("controller of %s is_connected=%v", br, want), func() error {
		out, err := e.Xvs("vsctl", "--columns=is_connected", "--bare", "list", "Controller")
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		if got := strings.TrimSpace(out); got != fmt.Sprint(want) {
			return fmt.Errorf("is_connected=%q", got)
		}
		return nil
	})
}

// TestTestController: ovs-testcontroller, as the controller of a secure
// bridge, makes two namespaces reach each other.
func TestTestController(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	e := NewEnv(t)
	br := e.AddBridge("fail_mode=secure")
	e.WaitMgmt(br)
	a := e.AddVM(br, "10.14.0.1/24")
	b := e.AddVM(br, "10.14.0.2/24")
	a.MustNotReach(b.IP)

	port := freePort(t)
	e.startTestController(port)
	e.Vsctl("set-controller", br, fmt.Sprintf("tcp:127.0.0.1:%d", port))
	e.controllerConnected(br, true, 20*time.Second)
	a.MustReach(b.IP, 20*time.Second)
	dump := e.OvsOfctl(br, "dump-flows")
	if len(nonEmptyLines(dump)) < 2 {
		e.Fatalf("the controller installed no flows:\n%s", dump)
	}
}
