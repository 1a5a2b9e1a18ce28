package vswitchd

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/cli/appctl"
	"github.com/xvs-switch/xvs/cli/dpctl"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// realDaemon is the daemon with its default eBPF datapaths and rtnetlink,
// pinned under a bpffs directory of its own.
func realDaemon(t *testing.T) *testDaemon {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	testenv.RequireCommand(t, "ping")
	td := newTestDaemon(t)
	b := make([]byte, 4)
	rand.Read(b)
	td.cfg.PinRoot = filepath.Join("/sys/fs/bpf", "xv-"+hex.EncodeToString(b))
	t.Cleanup(func() { os.RemoveAll(td.cfg.PinRoot) })
	return td
}

// twoHosts makes two namespaces whose veths' host ends are named
// <tag>a and <tag>b, addressed 10.78.S.1 and .2.
func twoHosts(t *testing.T) (tag string, ns []*netns.NS, ips []string) {
	tag = netns.Unique("xv")[:8]
	subnet := int(tag[2])%200 + 20
	for i := range 2 {
		name := fmt.Sprintf("%s%c", tag, 'a'+i)
		n := netns.New(t, name)
		ip := fmt.Sprintf("10.78.%d.%d", subnet, i+1)
		n.Veth(t, name, "eth0", fmt.Sprintf("02:78:00:00:%02x:%02x", subnet, i+1), ip+"/24")
		ns = append(ns, n)
		ips = append(ips, ip)
	}
	return tag, ns, ips
}

func ping(t *testing.T, from *netns.NS, to string) {
	t.Helper()
	out, err := from.Try(15*time.Second, "ping", "-c", "3", "-i", "0.2", "-W", "2", to)
	if err != nil {
		t.Fatalf("ping %s: %v\n%s", to, err, out)
	}
}

func TestSystemDaemon(t *testing.T) {
	td := realDaemon(t)
	tag, ns, ips := twoHosts(t)
	br := tag + "br"
	td.start()
	st, err := os.Stat(SocketPath(td.runDir))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("API socket: %v, mode %v; want 0600", err, st.Mode())
	}
	td.vsctl("add-br", br)
	td.vsctl("add-port", br, tag+"a")
	td.vsctl("add-port", br, tag+"b")
	td.vsctl("add-port", br, tag+"x", "--", "set", "interface", tag+"x", "type=vxlan")
	if got := td.vsctl("get", "interface", tag+"a", "ofport"); got == "-1" || got == "[]" {
		t.Fatalf("%sa ofport = %s", tag, got)
	}
	if got := td.vsctl("get", "interface", tag+"x", "error"); !strings.Contains(got, "not supported yet") {
		t.Errorf("vxlan error = %s", got)
	}
	ping(t, ns[0], ips[1])
	if out := td.appctl("fdb/show", br); !strings.Contains(out, "02:78:00:00") {
		t.Errorf("fdb/show after ping:\n%s", out)
	}
	if out := td.appctl("dpif/dump-flows", br); !strings.Contains(out, "icmp") {
		t.Errorf("dpif/dump-flows after ping lacks ICMP:\n%s", out)
	}
	// The command-line tools, through the API socket.
	t.Setenv("XVS_RUNDIR", td.runDir)
	var out, errb bytes.Buffer
	if code := appctl.Main([]string{"fdb/show", br}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "02:78:00:00") {
		t.Errorf("xvs appctl fdb/show: exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := dpctl.Main([]string{"dump-flows", DatapathName(br)}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "icmp") {
		t.Errorf("xvs dpctl dump-flows through vswitchd: exit %d\n%s%s", code, out.String(), errb.String())
	}
	eventually(t, "statistics counting the pings", func() bool {
		st := td.vsctl("get", "interface", tag+"a", "statistics")
		return strings.Contains(st, "rx_packets=") && !strings.Contains(st, "rx_packets=0,")
	})
	eventually(t, "link_state up", func() bool {
		return td.vsctl("get", "interface", tag+"a", "link_state") == "up"
	})
	if got := td.vsctl("get", "interface", tag+"a", "mtu"); got != "1500" {
		t.Errorf("mtu = %s, want the veth's 1500", got)
	}
	pins := filepath.Join(td.cfg.PinRoot, DatapathName(br))
	if _, err := os.Stat(pins); err != nil {
		t.Fatalf("no pinned datapath at %s: %v", pins, err)
	}

	// Stop (what SIGTERM does): the pins stay and cached flows forward.
	td.stop()
	if _, err := os.Stat(pins); err != nil {
		t.Fatalf("pins gone after stop: %v", err)
	}
	ping(t, ns[0], ips[1])
	// Restart: the datapath is adopted, forwarding goes on.
	td.start()
	td.vsctl("set", "bridge", br, "other_config:mac-aging-time=200")
	ping(t, ns[0], ips[1])
	if got := td.vsctl("get", "interface", tag+"b", "ofport"); got == "-1" {
		t.Errorf("after restart %sb ofport = %s", tag, got)
	}

	// The peer going down takes the link down (rtnetlink), and back up.
	ns[1].Run(t, "ip", "link", "set", "eth0", "down")
	eventually(t, "link_state down after the peer went down", func() bool {
		return td.vsctl("get", "interface", tag+"b", "link_state") == "down"
	})
	ns[1].Run(t, "ip", "link", "set", "eth0", "up")
	eventually(t, "link_state up again", func() bool {
		return td.vsctl("get", "interface", tag+"b", "link_state") == "up"
	})

	// A vanished netdev: its Interface reports it, the rest keeps going.
	netns.Run(t, "ip", "link", "del", tag+"b")
	eventually(t, "error for the vanished veth", func() bool {
		return strings.Contains(td.vsctl("get", "interface", tag+"b", "error"), "No such device")
	})
	if got := td.vsctl("get", "interface", tag+"b", "link_state"); got != "down" {
		t.Errorf("vanished veth link_state = %s", got)
	}
	if got := td.vsctl("get", "interface", tag+"a", "ofport"); got == "-1" {
		t.Errorf("the other port lost its ofport: %s", got)
	}
	td.vsctl("del-br", br)
	if _, err := os.Stat(pins); !os.IsNotExist(err) {
		t.Errorf("del-br left the pins: %v", err)
	}
}

// TestSystemStalePins: a bridge deleted from the database while vswitchd
// was down is removed from the datapath side at the next start: pins and
// the internal device it created.
func TestSystemStalePins(t *testing.T) {
	td := realDaemon(t)
	br := netns.Unique("xv")[:8] + "s"
	td.start()
	td.vsctl("add-br", br)
	pins := filepath.Join(td.cfg.PinRoot, DatapathName(br))
	if _, err := os.Stat(pins); err != nil {
		t.Fatalf("no pins for %s: %v", br, err)
	}
	td.stop()
	td.vsctl("--no-wait", "del-br", br)
	td.start()
	// The first reconfiguration after connecting prunes; vsctl waits for it.
	td.vsctl("add-br", br+"x")
	if _, err := os.Stat(pins); !os.IsNotExist(err) {
		t.Errorf("stale pins of %s still there: %v", br, err)
	}
	if _, err := os.Stat("/sys/class/net/" + br); !os.IsNotExist(err) {
		t.Errorf("internal device %s of the stale bridge still there: %v", br, err)
	}
	td.vsctl("del-br", br+"x")
}
