package vswitchd

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/cli/ofctl"
)

// TestControllerStatus: a configured controller that answers the OpenFlow
// hello is reported connected in the Controller row.
func TestControllerStatus(t *testing.T) {
	td := startDaemon(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		// Hello (OpenFlow 1.3), then answer echo requests; discard the rest.
		c.Write([]byte{4, 0, 0, 8, 0, 0, 0, 1})
		hdr := make([]byte, 8)
		for {
			if _, err := io.ReadFull(c, hdr); err != nil {
				return
			}
			body := make([]byte, int(binary.BigEndian.Uint16(hdr[2:]))-8)
			if _, err := io.ReadFull(c, body); err != nil {
				return
			}
			if hdr[1] == 2 { // OFPT_ECHO_REQUEST
				reply := append([]byte{hdr[0], 3}, hdr[2:]...)
				c.Write(append(reply, body...))
			}
		}
	}()
	td.vsctl("add-br", "xvbr3")
	td.vsctl("set-controller", "xvbr3", "tcp:"+l.Addr().String())
	eventually(t, "controller connected", func() bool {
		return td.vsctl("get", "controller", "xvbr3", "is_connected") == "true"
	})
	if got := td.vsctl("get", "controller", "xvbr3", "status"); !strings.Contains(got, "state=ACTIVE") {
		t.Errorf("controller status = %s", got)
	}
	td.vsctl("del-controller", "xvbr3")
}

// TestManagementSocket: xvs ofctl reaches the bridge through
// RUNDIR/BRIDGE.mgmt and its flows show in bridge/dump-flows.
func TestManagementSocket(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr4")
	t.Setenv("XVS_RUNDIR", td.runDir)
	var out, errb bytes.Buffer
	if code := ofctl.Main([]string{"-O", "OpenFlow13", "add-flow", "xvbr4", "priority=100,udp,tp_dst=53,actions=drop"},
		strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("ofctl add-flow: exit %d: %s", code, errb.String())
	}
	if got := td.appctl("bridge/dump-flows", "xvbr4"); !strings.Contains(got, "tp_dst=53") {
		t.Errorf("bridge/dump-flows after ofctl add-flow:\n%s", got)
	}
}
