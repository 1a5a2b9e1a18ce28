package connmgr

// The real ovs-ofctl (Open vSwitch 3.1) and xvs ofctl against the
// management socket and a ptcp: listener, with the real Switch behind:
// each command's output is checked.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/cli/ofctl"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// tool runs one OpenFlow command-line tool.
type tool struct {
	name string
	run  func(args ...string) (string, error)
}

func ovsTool(t *testing.T) tool {
	testenv.RequireCommand(t, "ovs-ofctl")
	return tool{"ovs-ofctl", func(args ...string) (string, error) {
		var o, e bytes.Buffer
		cmd := exec.Command("ovs-ofctl", args...)
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, e.String())
		}
		return o.String(), err
	}}
}

var xvsTool = tool{"xvs ofctl", func(args ...string) (string, error) {
	var o, e bytes.Buffer
	if rc := ofctl.Main(args, strings.NewReader(""), &o, &e); rc != 0 {
		return o.String(), fmt.Errorf("exit %d: %s", rc, e.String())
	}
	return o.String(), nil
}}

// arp is a broadcast ARP request, as ovs-ofctl packet-out takes it.
const arp = "ffffffffffff000102030405080600010800060400010001020304050a0000010000000000000a000002"

// runInterop runs the command sequence of the issue with tl against the
// switch at target, speaking version proto ("OpenFlow13", "OpenFlow10").
func runInterop(t *testing.T, h *harness, tl tool, target, proto string) {
	of13 := proto == "OpenFlow13"
	do := func(args ...string) string {
		t.Helper()
		out, err := tl.run(append([]string{"-O", proto}, args...)...)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", tl.name, strings.Join(args, " "), err, out)
		}
		return out
	}
	expect := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Fatalf("%s output lacks %q:\n%s", tl.name, w, out)
			}
		}
	}
	lines := func(out string) int { return strings.Count(out, "priority=") }

	do("del-flows", target)
	do("add-flow", target, "priority=10,in_port=1,actions=output:2")
	flows := filepath.Join(t.TempDir(), "flows.txt")
	os.WriteFile(flows, []byte("priority=20,ip,nw_dst=10.0.0.2,actions=output:1\n"+
		"priority=30,tcp,tp_dst=80,actions=drop\n"), 0o644)
	do("add-flows", target, flows)
	out := do("dump-flows", target)
	expect(out, "priority=10,in_port=1 actions=output:2", "priority=20,ip,nw_dst=10.0.0.2 actions=output:1",
		"priority=30,tcp,tp_dst=80 actions=drop", "priority=0 actions=NORMAL")
	if lines(out) != 4 {
		t.Fatalf("dump-flows shows %d flows, want 4:\n%s", lines(out), out)
	}
	do("del-flows", target, "tcp")
	if out := do("dump-flows", target); lines(out) != 3 || strings.Contains(out, "tp_dst=80") {
		t.Fatalf("after del-flows tcp:\n%s", out)
	}
	do("del-flows", target)
	// Standalone fail mode keeps its visible NORMAL flow.
	if out := do("dump-flows", target); lines(out) != 1 || !strings.Contains(out, "priority=0 actions=NORMAL") {
		t.Fatalf("after del-flows:\n%s", out)
	}

	expect(do("dump-ports", target), "2 ports", "port  1: rx pkts=", "port  2: rx pkts=")
	expect(do("show", target), "n_tables:254", "1(xc-p1): addr:", "2(xc-p2): addr:")

	// packet-out: the frame leaves on port 2 of the datapath.
	do("packet-out", target, "in_port=1,packet="+arp+",actions=output:2")
	var dpPort uint32
	for _, p := range h.sw.Ports() {
		if p.OFPort == 2 {
			dpPort = p.DPPort
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	f, err := h.sw.dp.Receive(ctx, dpPort)
	if err != nil {
		t.Fatalf("packet-out: nothing on port 2: %v", err)
	}
	if got := fmt.Sprintf("%x", f); got != arp {
		t.Fatalf("packet-out sent %s, want %s", got, arp)
	}

	if !of13 {
		return // groups and meters are OpenFlow 1.1+
	}
	do("del-groups", target)
	do("add-group", target, "group_id=1,type=all,bucket=output:1,bucket=output:2")
	expect(do("dump-groups", target), "group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2")
	do("add-flow", target, "priority=5,in_port=2,actions=group:1")
	expect(do("dump-flows", target), "priority=5,in_port=2 actions=group:1")
	do("del-flows", target)
	do("del-groups", target)
	if out := do("dump-groups", target); strings.Contains(out, "group_id=1") {
		t.Fatalf("group left after del-groups:\n%s", out)
	}
	do("del-meters", target)
	do("add-meter", target, "meter=1,kbps,bands=type=drop,rate=1000")
	expect(do("dump-meters", target), "meter=1 kbps bands=", "type=drop rate=1000")
	do("del-meters", target)
}

func TestInteropOVSOfctl(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	if err := h.m.SetControllers([]Controller{{Target: "ptcp:0:127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	ptcp := "tcp:" + h.m.ctrls["ptcp:0:127.0.0.1"].addr()
	for _, target := range []string{"unix:" + h.m.MgmtSocket(), ptcp} {
		for _, proto := range []string{"OpenFlow13", "OpenFlow10"} {
			t.Run(strings.SplitN(target, ":", 2)[0]+"/"+proto, func(t *testing.T) { runInterop(t, h, tl, target, proto) })
		}
	}
}

func TestInteropXVSOfctl(t *testing.T) {
	h := newHarness(t)
	if err := h.m.SetControllers([]Controller{{Target: "ptcp:0:127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	ptcp := "tcp:" + h.m.ctrls["ptcp:0:127.0.0.1"].addr()
	t.Setenv("XVS_RUNDIR", h.dir)
	// "xc0" is the bridge name: xvs ofctl finds <rundir>/xc0.mgmt.
	for _, target := range []string{"xc0", ptcp} {
		for _, proto := range []string{"OpenFlow13", "OpenFlow10"} {
			t.Run(strings.SplitN(target, ":", 2)[0]+"/"+proto, func(t *testing.T) { runInterop(t, h, xvsTool, target, proto) })
		}
	}
}

// TestInteropMonitor: `ovs-ofctl monitor` on the management socket sets
// miss_send_len and receives packet-ins from a flow's controller action.
func TestInteropMonitor(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	if out, err := ovsTool(t).run("-O", "OpenFlow13", "add-flow", target, "priority=100,in_port=1,actions=controller:200"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Back from startOVSMonitor, ovs-ofctl had the barrier reply to its
	// SET_CONFIG, so the session's miss_send_len is set already (OpenFlow
	// 1.3 §6.2: a barrier is answered once every earlier message is
	// processed).
	mon := startOVSMonitor(t, "-O", "OpenFlow13", "monitor", target, "65534")
	set := false
	for _, s := range h.m.Sessions() {
		set = set || s.MissSendLen == 65534
	}
	if !set {
		t.Fatalf("no session has the monitor's miss_send_len 65534: %+v", h.m.Sessions())
	}
	var dpPort uint32
	for _, p := range h.sw.Ports() {
		if p.OFPort == 1 {
			dpPort = p.DPPort
		}
	}
	frame := make([]byte, 64)
	fmt.Sscanf(arp, "%x", &frame)
	go h.sw.ServeUpcalls(ctx, 1)
	if err := h.sw.dp.Inject(dpPort, frame); err != nil {
		t.Fatal(err)
	}
	n := fmt.Sprint(len(frame))
	mon.waitLine("OFPT_PACKET_IN", "in_port=1", "(via action)", "total_len="+n, "data_len="+n)
	// ovs-ofctl prints the frame itself on the next line: it came up whole.
	mon.waitLine("arp,", "dl_src=00:01:02:03:04:05,dl_dst=ff:ff:ff:ff:ff:ff", "arp_tpa=10.0.0.2")

	// xvs ofctl monitor, in OpenFlow 1.0 this time, stops after one
	// message.
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		o, err := xvsTool.run("-O", "OpenFlow10", "--count", "1", "monitor", target, "65535")
		done <- result{o, err}
	}()
	waitFor(t, "the xvs monitor's miss_send_len", func() bool {
		for _, s := range h.m.Sessions() {
			if s.MissSendLen == 65535 && s.Version == "OF1.0" {
				return true
			}
		}
		return false
	})
	if err := h.sw.dp.Inject(dpPort, frame); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil || !strings.Contains(r.out, "OFPT_PACKET_IN") || !strings.Contains(r.out, "in_port=1") {
			t.Fatalf("xvs ofctl monitor: %v\n%s", r.err, r.out)
		}
	case <-time.After(monitorTimeout):
		t.Fatal("xvs ofctl monitor printed nothing")
	}
}

// syncBuffer is a bytes.Buffer a command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInteropMore: further ovs-ofctl commands, each output checked:
// descriptions, table stats, fragment handling, queues, port-mod,
// aggregates, OpenFlow 1.0's modify-adds against 1.3's modify, and the
// errors ovs-ofctl prints for refused requests.
func TestInteropMore(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	run := func(args ...string) (string, error) { return tl.run(args...) }
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("ovs-ofctl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	has := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Fatalf("output lacks %q:\n%s", w, out)
			}
		}
	}
	for _, proto := range []string{"OpenFlow13", "OpenFlow10"} {
		has(must("-O", proto, "dump-desc", target), "DP Description:")
		has(must("-O", proto, "dump-tables", target), "table 0", "active=1")
		has(must("-O", proto, "get-frags", target), "normal")
		has(must("-O", proto, "queue-get-config", target, "1"), "OFPT_QUEUE_GET_CONFIG_REPLY")
		has(must("-O", proto, "dump-aggregate", target), "flow_count=1")
	}
	// Without -O ovs-ofctl speaks OpenFlow 1.0 (plus Nicira extensions
	// where it needs them, which xvs refuses).
	must("add-flow", target, "priority=11,ip,nw_dst=10.0.0.0/8,actions=output:2")
	has(must("dump-flows", target), "OFPST_FLOW reply (xid=", "priority=11,ip,nw_dst=10.0.0.0/8 actions=output:2")
	if out, err := run("add-flow", target, "tcp,tcp_flags=+syn,actions=drop"); err == nil ||
		!strings.Contains(err.Error(), "does not support any of the usable flow formats") {
		t.Fatalf("a match beyond 1.0 without -O: %v %s", err, out)
	}
	must("del-flows", target, "ip")

	// Fragment handling the pipeline cannot do is refused, not ignored.
	out, err := run("-O", "OpenFlow13", "set-frags", target, "drop")
	if err == nil || !strings.Contains(err.Error(), "OFPSCFC_BAD_FLAGS") {
		t.Fatalf("set-frags drop: %v %s", err, out)
	}

	must("-O", "OpenFlow13", "mod-port", target, "1", "down")
	has(must("-O", "OpenFlow13", "dump-ports-desc", target), "config:     PORT_DOWN")
	must("-O", "OpenFlow10", "mod-port", target, "xc-p1", "up")
	if out := must("-O", "OpenFlow13", "dump-ports-desc", target); strings.Contains(out, "PORT_DOWN") {
		t.Fatalf("port still down after mod-port up:\n%s", out)
	}

	// 1.0's modify adds a flow when none matches; 1.3's does not.
	must("-O", "OpenFlow13", "mod-flows", target, "in_port=1,actions=output:2")
	if out := must("-O", "OpenFlow13", "dump-flows", target); strings.Contains(out, "in_port=1") {
		t.Fatalf("1.3 mod-flows added a flow:\n%s", out)
	}
	must("-O", "OpenFlow10", "mod-flows", target, "in_port=2,actions=output:1")
	has(must("-O", "OpenFlow13", "dump-flows", target), "in_port=2 actions=output:1")
	must("-O", "OpenFlow10", "mod-flows", target, "in_port=2,actions=output:LOCAL")
	if out := must("-O", "OpenFlow13", "dump-flows", target); strings.Count(out, "in_port=2") != 1 || !strings.Contains(out, "in_port=2 actions=LOCAL") {
		t.Fatalf("1.0 mod-flows of an existing flow:\n%s", out)
	}

	// Refusals reach ovs-ofctl as the errors the spec names.
	out, err = run("-O", "OpenFlow13", "add-flow", target, "actions=group:99")
	if err == nil || !strings.Contains(err.Error(), "OFPBAC_BAD_OUT_GROUP") {
		t.Fatalf("flow to a missing group: %v %s", err, out)
	}
	out, err = run("-O", "OpenFlow13", "add-flow", target, "actions=meter:99")
	if err == nil || !strings.Contains(err.Error(), "OFPMMFC_UNKNOWN_METER") {
		t.Fatalf("flow to a missing meter: %v %s", err, out)
	}
}

// TestInteropTestController: Open vSwitch's ovs-testcontroller (a
// learning switch) as an active tcp: controller, in OpenFlow 1.0 and 1.3:
// it connects through the hello, takes packet-ins from the real pipeline
// and answers with packet-outs (and flows) that make the frame leave on
// the other port.
func TestInteropTestController(t *testing.T) {
	testenv.RequireCommand(t, "ovs-testcontroller")
	for _, proto := range []string{"OpenFlow10", "OpenFlow13"} {
		t.Run(proto, func(t *testing.T) {
			h := newHarness(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var log syncBuffer
			cmd := exec.CommandContext(ctx, "ovs-testcontroller", "-O", proto, "--unixctl="+filepath.Join(dir, "tc.ctl"),
				"-vconsole:info", "ptcp:"+strings.Replace(addr, "127.0.0.1:", "", 1)+":127.0.0.1")
			cmd.Stdout, cmd.Stderr = &log, &log
			cmd.Env = append(os.Environ(), "OVS_RUNDIR="+dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cancel(); cmd.Wait() }()
			if err := h.m.SetControllers([]Controller{{Target: "tcp:" + addr, MaxBackoff: 100 * time.Millisecond}}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "ovs-testcontroller connected", func() bool { return h.m.Status()[0].Connected })
			if proto == "OpenFlow10" {
				// The 1.0 learning switch leaves the standalone bridge's
				// NORMAL flow (its 1.3 self deletes every flow and adds a
				// table-miss flow): without it the frame is an implicit
				// miss, which goes to 1.0 controllers only.
				if out, err := ovsTool(t).run("del-flows", "unix:"+h.m.MgmtSocket()); err != nil {
					t.Fatalf("del-flows: %v %s", err, out)
				}
			} else {
				waitFor(t, "the controller's table-miss flow", func() bool {
					for _, f := range h.sw.DumpFlows(false) {
						if strings.Contains(f.String(), "CONTROLLER") {
							return true
						}
					}
					return false
				})
			}
			go h.sw.ServeUpcalls(ctx, 1)
			ports := map[uint32]uint32{}
			for _, p := range h.sw.Ports() {
				ports[p.OFPort] = p.DPPort
			}
			frame := make([]byte, 42)
			fmt.Sscanf(arp, "%x", &frame)
			if err := h.sw.dp.Inject(ports[1], frame); err != nil {
				t.Fatal(err)
			}
			rctx, rcancel := context.WithTimeout(ctx, testTimeout)
			defer rcancel()
			got, err := h.sw.dp.Receive(rctx, ports[2])
			if err != nil {
				t.Fatalf("nothing left port 2: %v\ncontroller log:\n%s\nstatus %+v", err, log.String(), h.m.Status())
			}
			if fmt.Sprintf("%x", got) != arp {
				t.Fatalf("port 2 sent %x", got)
			}
			if c := h.m.Status()[0].Counters; c.PacketIns[ofp.PacketInNoMatch]+c.PacketIns[ofp.PacketInAction] == 0 {
				t.Fatalf("no packet-in counted: %+v", c)
			}
		})
	}
}
