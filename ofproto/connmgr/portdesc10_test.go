package connmgr

import (
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestInteropPortDesc10: ovs-ofctl -O OpenFlow10 dump-ports-desc sends Open
// vSwitch's 1.0 extension OFPST_PORT_DESC (stats type 13). ovs-vswitchd
// 3.1 answers it with its ports, each printed as in the features reply;
// connmgr's answer prints the same: the header line, then exactly the
// port lines of `show`.
func TestInteropPortDesc10(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	if _, err := tl.run("-O", "OpenFlow13", "mod-port", target, "2", "down"); err != nil {
		t.Fatal(err)
	}
	out, err := tl.run("-O", "OpenFlow10", "dump-ports-desc", target)
	if err != nil {
		t.Fatalf("dump-ports-desc: %v\n%s", err, out)
	}
	show, err := tl.run("-O", "OpenFlow10", "show", target)
	if err != nil {
		t.Fatalf("show: %v\n%s", err, show)
	}
	head, ports, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(head, "OFPST_PORT_DESC reply (xid=") {
		t.Fatalf("dump-ports-desc header %q", head)
	}
	// show: features (4 lines with the actions line), the ports, then the
	// get-config reply.
	lines := strings.Split(show, "\n")
	var showPorts []string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "OFPT_GET_CONFIG_REPLY") {
			break
		}
		if strings.HasPrefix(l, " ") {
			showPorts = append(showPorts, l)
		}
	}
	want := strings.Join(showPorts, "\n") + "\n"
	if ports != want {
		t.Fatalf("dump-ports-desc ports:\n%s\nwant (as show prints them):\n%s", ports, want)
	}
	for _, w := range []string{" 1(xc-p1): addr:", " 2(xc-p2): addr:", "     config:     PORT_DOWN"} {
		if !strings.Contains(ports, w) {
			t.Errorf("dump-ports-desc lacks %q:\n%s", w, out)
		}
	}
	t.Logf("%s", out)
}

// TestInteropModPortNoFlood10: OpenFlow 1.0's OFPPC_NO_FLOOD, which 1.3
// dropped, is accepted from a 1.0 session and shows in the 1.0 port
// description; a 1.3 session cannot say it.
func TestInteropModPortNoFlood10(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	if out, err := tl.run("-O", "OpenFlow10", "mod-port", target, "1", "no-flood"); err != nil {
		t.Fatalf("mod-port no-flood: %v\n%s", err, out)
	}
	out, err := tl.run("-O", "OpenFlow10", "dump-ports-desc", target)
	if err != nil || !strings.Contains(out, "     config:     NO_FLOOD\n") {
		t.Fatalf("after no-flood: %v\n%s", err, out)
	}
	// 1.3 has no such bit: its port description does not carry it (Open
	// vSwitch leaves it out too), and neither does a port-status.
	p13 := h.mgmt(ofp.Version13)
	_, m := p13.request(&ofp.MultipartRequest{Body: &ofp.PortDescRequest{}})
	for _, p := range m.(*ofp.MultipartReply).Body.(*ofp.PortDescReply).Ports {
		if p.Config&ofp.PortConfigNoFlood10 != 0 {
			t.Errorf("1.3 port description of port %s has bit 4: config %#x", p.PortNo, uint32(p.Config))
		}
	}
	p13.send(&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: 128}}) // a service session: async on
	if errs := p13.barrier(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if out, err := tl.run("-O", "OpenFlow10", "mod-port", target, "1", "down"); err != nil {
		t.Fatalf("mod-port down: %v\n%s", err, out)
	}
	for {
		_, m := p13.recv()
		if ps, ok := m.(*ofp.PortStatus); ok {
			if ps.Desc.Config != ofp.PortConfigDown {
				t.Errorf("1.3 port-status config %#x, want PORT_DOWN alone", uint32(ps.Desc.Config))
			}
			break
		}
	}
	if out, err := tl.run("-O", "OpenFlow10", "mod-port", target, "1", "up"); err != nil {
		t.Fatal(err, out)
	}
	if out, err := tl.run("-O", "OpenFlow10", "mod-port", target, "1", "flood"); err != nil {
		t.Fatalf("mod-port flood: %v\n%s", err, out)
	}
	out, err = tl.run("-O", "OpenFlow10", "dump-ports-desc", target)
	if err != nil || strings.Contains(out, "NO_FLOOD") {
		t.Fatalf("after flood: %v\n%s", err, out)
	}
	// ovs-ofctl leaves the bit out of a 1.3 port-mod (1.3 has no
	// OFPPC_NO_FLOOD): the mod changes nothing.
	if out, err := tl.run("-O", "OpenFlow13", "mod-port", target, "1", "no-flood"); err != nil {
		t.Fatalf("1.3 mod-port no-flood: %v\n%s", err, out)
	}
	out, err = tl.run("-O", "OpenFlow10", "dump-ports-desc", target)
	if err != nil || strings.Contains(out, "NO_FLOOD") {
		t.Fatalf("after a 1.3 no-flood: %v\n%s", err, out)
	}
}
