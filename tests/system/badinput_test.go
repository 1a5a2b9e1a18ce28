package system

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// garbage speaks to an OpenFlow switch like a broken controller: after a
// proper OpenFlow 1.3 hello it sends a message of an unknown type, which
// must get the error OpenFlow 1.3.5 section 7.5.4.2 names
// (OFPET_BAD_REQUEST, OFPBRC_BAD_TYPE), then 4 KiB of random bytes. It
// returns an error if the first answer is missing.
func garbage(c net.Conn) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	hello := []byte{4, 0, 0, 8, 0, 0, 0, 1}
	badType := []byte{4, 0xff, 0, 8, 0, 0, 0, 2}
	if _, err := c.Write(append(hello, badType...)); err != nil {
		return err
	}
	for {
		var h [8]byte
		if _, err := io.ReadFull(c, h[:]); err != nil {
			return fmt.Errorf("no OFPT_ERROR for a message of type 255: %v", err)
		}
		n := int(binary.BigEndian.Uint16(h[2:]))
		if n < 8 {
			return fmt.Errorf("message of length %d", n)
		}
		body := make([]byte, n-8)
		if _, err := io.ReadFull(c, body); err != nil {
			return err
		}
		if h[1] != 1 || binary.BigEndian.Uint32(h[4:]) != 2 {
			continue // the switch's hello, or anything else it sends first
		}
		if len(body) < 4 || binary.BigEndian.Uint16(body) != 1 || binary.BigEndian.Uint16(body[2:]) != 1 {
			return fmt.Errorf("error for a message of type 255 is % x, want type 1 code 1", body)
		}
		break
	}
	junk := make([]byte, 4096)
	rand.Read(junk)
	c.Write(junk)
	c.SetDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, c)
	return nil
}

// droppedRE matches the log line of an OpenFlow session the daemon dropped:
// xvs's, or Open vSwitch's in the reference run.
var droppedRE = regexp.MustCompile(`session closed|connection dropped`)

// TestGarbageFromPeers: an OpenFlow peer sending random bytes, to the
// management socket and to a ptcp: controller listener, and a DB client
// sending non-JSON, do not take anything down: the daemons keep serving
// other clients and the switch keeps forwarding and applying changes.
func TestGarbageFromPeers(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	e := NewEnv(t)
	br := e.AddBridge()
	e.WaitMgmt(br)
	a := e.AddVM(br, "10.18.0.1/24")
	b := e.AddVM(br, "10.18.0.2/24")
	a.MustReach(b.IP, 20*time.Second)

	// xvs logs a dropped OpenFlow session at debug level (OVS warns).
	if !e.ovs {
		e.Appctl("vlog/set", "connmgr:dbg")
	}
	logged := len(e.Log("vswitchd"))

	// The management socket.
	c, err := net.Dial("unix", e.Mgmt(br))
	if err != nil {
		t.Fatal(err)
	}
	if err := garbage(c); err != nil {
		e.Fatalf("management socket: %v", err)
	}
	e.Eventually(5*time.Second, "vswitchd logs the broken session", func() error {
		if l := e.Log("vswitchd")[logged:]; !droppedRE.MatchString(l) {
			return fmt.Errorf("nothing about it in the log: %q", l)
		}
		return nil
	})

	// A passive controller listener.
	port := freePort(t)
	e.Vsctl("set-controller", br, fmt.Sprintf("ptcp:%d:127.0.0.1", port))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	var tc net.Conn
	e.Eventually(10*time.Second, "ptcp controller listener at "+addr, func() (err error) {
		tc, err = net.DialTimeout("tcp", addr, time.Second)
		return err
	})
	if err := garbage(tc); err != nil {
		e.Fatalf("ptcp controller listener: %v", err)
	}
	// A well-behaved controller on the same listener is served.
	out, err := exec.Command("ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "tcp:"+addr).CombinedOutput()
	if err != nil {
		e.Fatalf("ovs-ofctl through ptcp after garbage: %v\n%s", err, out)
	}

	// The DB socket: not JSON at all, then JSON that is no JSON-RPC.
	for _, junk := range []string{"\x00\xff{{{{[[[ not json ]]]\n", `{"method": 7, "params": {}, "id": []}` + "\n"} {
		dc, err := net.Dial("unix", e.DBSock())
		if err != nil {
			t.Fatal(err)
		}
		dc.SetDeadline(time.Now().Add(time.Second))
		dc.Write([]byte(junk))
		io.ReadAll(dc)
		dc.Close()
	}

	if !e.VswitchdAlive() || !e.DBAlive() {
		e.Fatalf("a daemon died of garbage: vswitchd alive=%v, ovsdb-server alive=%v", e.VswitchdAlive(), e.DBAlive())
	}
	// Still serving: an OpenFlow request, a DB change the switch applies
	// (vsctl waits for vswitchd), forwarding for a new port.
	e.OvsOfctl(br, "dump-flows")
	c3 := e.AddVM(br, "10.18.0.3/24")
	c3.MustReach(a.IP, 20*time.Second)
	a.MustReach(b.IP, 10*time.Second)
}

// TestPortVanishes: a veth deleted under the switch shows in its Interface
// row (link_state down or an error), the other ports keep forwarding, and
// a device of the same name that appears later is switched again.
func TestPortVanishes(t *testing.T) {
	e := NewEnv(t)
	br := e.AddBridge()
	a := e.AddVM(br, "10.19.0.1/24")
	b := e.AddVM(br, "10.19.0.2/24")
	c := e.AddVM(br, "10.19.0.3/24")
	a.MustReach(c.IP, 20*time.Second)
	a.MustReach(b.IP, 20*time.Second)

	if out, err := exec.Command("ip", "link", "del", c.Port).CombinedOutput(); err != nil {
		t.Fatalf("ip link del %s: %v %s", c.Port, err, out)
	}
	e.Eventually(15*time.Second, "Interface "+c.Port+" reports the loss", func() error {
		ls, err1 := e.Xvs("vsctl", "get", "Interface", c.Port, "link_state")
		er, err2 := e.Xvs("vsctl", "get", "Interface", c.Port, "error")
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%v %v: %s %s", err1, err2, ls, er)
		}
		ls, er = strings.TrimSpace(ls), strings.TrimSpace(er)
		if ls == "down" || er != "[]" && er != "" && er != `""` {
			return nil
		}
		return fmt.Errorf("link_state=%s error=%s", ls, er)
	})
	if !e.VswitchdAlive() {
		e.Fatalf("vswitchd died when a port vanished")
	}
	a.MustReach(b.IP, 10*time.Second)
	b.MustReach(a.IP, 10*time.Second)

	// The device comes back under the same name: the port works again.
	// (Open vSwitch's userspace datapath, the reference run's, does not
	// reopen it.)
	if e.ovs {
		return
	}
	c.Veth(t, c.Port, "eth0", c.MAC, c.IP+"/24")
	a.MustReach(c.IP, 30*time.Second)
}
