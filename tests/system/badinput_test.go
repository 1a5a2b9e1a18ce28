package system

import (
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// garbage writes random bytes, then an OpenFlow-looking header whose length
// field promises more than will ever come, then reads until the peer closes
// or 3 s pass. It returns what the peer sent back.
func garbage(c net.Conn) []byte {
	junk := make([]byte, 4096)
	rand.Read(junk)
	c.SetDeadline(time.Now().Add(3 * time.Second))
	c.Write(junk)
	c.Write([]byte{0x04, 0x0e, 0xff, 0xff, 0, 0, 0, 1})
	back, _ := io.ReadAll(c)
	return back
}

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

	// The management socket.
	c, err := net.Dial("unix", e.Mgmt(br))
	if err != nil {
		t.Fatal(err)
	}
	garbage(c)
	c.Close()

	// A passive controller listener.
	port := freePort(t)
	e.Vsctl("set-controller", br, fmt.Sprintf("ptcp:%d:127.0.0.1", port))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	var tc net.Conn
	e.Eventually(10*time.Second, "ptcp controller listener at "+addr, func() (err error) {
		tc, err = net.DialTimeout("tcp", addr, time.Second)
		return err
	})
	garbage(tc)
	tc.Close()
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
		dc.SetDeadline(time.Now().Add(3 * time.Second))
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
// row (link_state down or an error), and the other ports keep forwarding.
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
}
