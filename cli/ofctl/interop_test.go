package ofctl

// xvs ofctl against a real ovs-vswitchd, its output compared with the
// real ovs-ofctl's for the same bridge.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

var interopFlows = []string{
	"priority=10,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_vlan_vid:10,output:2",
	"table=1,cookie=0x12,idle_timeout=50,hard_timeout=100,send_flow_rem,in_port=1,actions=normal",
	"priority=5,dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=flood",
	"priority=7,arp,arp_spa=1.2.3.4,arp_op=1,actions=controller:128",
	"priority=8,ipv6,ipv6_src=2001:db8::/32,actions=write_actions(output:1),goto_table:2",
	"priority=9,udp,tp_src=53,actions=mod_nw_dst:9.9.9.9,mod_tp_dst:5353,dec_ttl,output:1",
	"priority=11,dl_vlan=10,actions=strip_vlan,output:1",
	"priority=12,metadata=0x1/0xff,actions=write_metadata:0x10/0xf0,goto_table:3",
	"priority=13,mpls,mpls_label=5,actions=pop_mpls:0x0800,output:2",
}

func TestOVSFlows13(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	for _, f := range interopFlows {
		xvs(t, "-O", "OpenFlow13", "add-flow", sw, f)
	}
	out := sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw)
	// The default flow of a fail-mode=secure bridge is gone: every flow
	// we added must be there.
	if n := strings.Count(out, "\n"); n != len(interopFlows) {
		t.Errorf("dump-flows: %d flows, want %d:\n%s", n, len(interopFlows), out)
	}
	sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw, "--no-stats")
	sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw, "table=1")
	sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw, "tcp,nw_dst=10.0.0.0/24")
	sameOutput(t, "-O", "OpenFlow13", "dump-aggregate", sw)

	// mod-flows changes the actions of the flows it matches.
	xvs(t, "-O", "OpenFlow13", "mod-flows", sw, "udp,actions=output:2")
	if got := xvs(t, "-O", "OpenFlow13", "dump-flows", sw, "udp", "--no-stats"); !strings.Contains(got, "priority=9,udp,tp_src=53 actions=output:2") {
		t.Errorf("after mod-flows:\n%s", got)
	}

	// del-flows --strict needs the priority; without it nothing goes.
	xvs(t, "-O", "OpenFlow13", "del-flows", sw, "--strict", "arp,arp_spa=1.2.3.4,arp_op=1")
	if got := xvs(t, "-O", "OpenFlow13", "dump-flows", sw, "arp"); !strings.Contains(got, "arp_spa=1.2.3.4") {
		t.Errorf("strict delete without priority removed the flow:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow13", "del-flows", sw, "--strict", "priority=7,arp,arp_spa=1.2.3.4,arp_op=1")
	if got := xvs(t, "-O", "OpenFlow13", "dump-flows", sw, "arp"); strings.Contains(got, "arp_spa") {
		t.Errorf("strict delete left the flow:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow13", "del-flows", sw, "cookie=0x12/-1")
	if got := xvs(t, "-O", "OpenFlow13", "dump-flows", sw, "table=1"); strings.Contains(got, "cookie=0x12") {
		t.Errorf("delete by cookie left the flow:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow13", "del-flows", sw)
	if got := sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw); strings.Contains(got, "actions") {
		t.Errorf("del-flows left flows:\n%s", got)
	}
}

func TestOVSAddFlowsFile(t *testing.T) {
	s := startOVS(t, 1)
	sw := s.target()
	file := filepath.Join(s.dir, "flows.txt")
	text := "# comment\n\n" + strings.Join(interopFlows, "\n") + "\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	xvs(t, "-O", "OpenFlow13", "add-flows", sw, file)
	out := sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw, "--no-stats")
	if n := strings.Count(out, "\n") + 1; n != len(interopFlows) {
		t.Errorf("add-flows: %d flows, want %d:\n%s", n, len(interopFlows), out)
	}

	// From stdin ("-"), into an emptied table.
	xvs(t, "-O", "OpenFlow13", "del-flows", sw)
	var o, e bytes.Buffer
	if rc := Main([]string{"-O", "OpenFlow13", "add-flows", sw, "-"}, strings.NewReader(text), &o, &e); rc != 0 {
		t.Fatalf("add-flows from stdin: exit %d: %s", rc, e.String())
	}
	if got := xvs(t, "-O", "OpenFlow13", "dump-flows", sw, "--no-stats"); got != out+"\n" {
		t.Errorf("add-flows from stdin:\n%s\nfrom the file:\n%s", got, out)
	}
	// JSON listing: one object, every flow in it.
	j := xvs(t, "--format", "json", "dump-flows", sw)
	var msg struct {
		Type string `json:"type"`
		Body struct {
			Body struct {
				Entries []json.RawMessage `json:"entries"`
			} `json:"body"`
		} `json:"body"`
	}
	if err := json.Unmarshal([]byte(j), &msg); err != nil || len(msg.Body.Body.Entries) != len(interopFlows) {
		t.Errorf("--format json dump-flows: %v, %d entries:\n%.600s", err, len(msg.Body.Body.Entries), j)
	}

	// replace-flows with a smaller file leaves exactly that file's flows.
	keep := interopFlows[:3]
	if err := os.WriteFile(file, []byte(strings.Join(keep, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	xvs(t, "-O", "OpenFlow13", "replace-flows", sw, file)
	if got, _, rc := xvsRC("-O", "OpenFlow13", "diff-flows", sw, file); rc != 0 {
		t.Errorf("diff-flows after replace-flows: exit %d\n%s", rc, got)
	}
	if err := os.WriteFile(file, []byte(keep[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _, rc := xvsRC("-O", "OpenFlow13", "diff-flows", sw, file)
	if rc != 2 || strings.Count(got, "\n-") != 1 {
		t.Errorf("diff-flows with two flows missing: exit %d\n%s", rc, got)
	}

	// A flow the switch refuses is reported with its line, after the
	// barrier; the good lines before it are installed.
	bad := "priority=1,actions=drop\npriority=2,actions=group:99\n"
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, rc := xvsRC("-O", "OpenFlow13", "add-flows", sw, file)
	if rc != 1 || !strings.Contains(errOut, ":2:") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("add-flows with a refused flow: exit %d, stderr %q", rc, errOut)
	}
}

func TestOVSInfo13(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	sameOutput(t, "-O", "OpenFlow13", "show", sw)
	sameOutput(t, "-O", "OpenFlow13", "dump-desc", sw)
	sameOutput(t, "-O", "OpenFlow13", "dump-ports", sw)
	sameOutput(t, "-O", "OpenFlow13", "dump-ports", sw, "1")
	sameOutput(t, "-O", "OpenFlow13", "dump-ports-desc", sw)
	sameOutput(t, "-O", "OpenFlow13", "dump-tables", sw)
	if got := xvs(t, "-O", "OpenFlow13", "dump-table-features", sw); !strings.Contains(got, "OFPST_TABLE_FEATURES reply") || !strings.Contains(got, "table 0") {
		t.Errorf("dump-table-features:\n%.400s", got)
	}
	xvs(t, "-O", "OpenFlow13", "mod-port", sw, s.ports[0], "no-forward")
	if got := xvs(t, "dump-ports-desc", sw); !strings.Contains(got, "NO_FWD") {
		t.Errorf("mod-port no-forward not applied:\n%s", got)
	}
	// Without -O both versions are offered and the highest wins.
	if got := xvs(t, "dump-desc", sw); !strings.Contains(got, "(OF1.3)") {
		t.Errorf("default negotiation did not pick OpenFlow 1.3:\n%s", got)
	}
	j := xvs(t, "--format", "json", "dump-desc", sw)
	if !strings.HasPrefix(j, "{") || !strings.Contains(j, "Open vSwitch") {
		t.Errorf("--format json dump-desc:\n%s", j)
	}
	// By bridge name, in --rundir.
	if got := xvs(t, "--rundir", s.dir, "dump-desc", s.bridge); !strings.Contains(got, "Manufacturer") {
		t.Errorf("by bridge name:\n%s", got)
	}
}

func TestOVSGroupsMeters13(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	xvs(t, "-O", "OpenFlow13", "add-group", sw, "group_id=1,type=all,bucket=output:1,bucket=actions=mod_dl_src:00:00:00:00:00:01,output:2")
	xvs(t, "-O", "OpenFlow13", "add-group", sw, "group_id=2,type=select,bucket=weight:10,output:1,bucket=weight:20,output:2")
	xvs(t, "-O", "OpenFlow13", "add-group", sw, "group_id=3,type=ff,bucket=watch_port:1,output:1")
	out := sameOutput(t, "-O", "OpenFlow13", "dump-groups", sw)
	if n := strings.Count(out, "group_id="); n != 3 {
		t.Errorf("dump-groups: %d groups:\n%s", n, out)
	}
	xvs(t, "-O", "OpenFlow13", "mod-group", sw, "group_id=1,type=all,bucket=output:2")
	if got := xvs(t, "-O", "OpenFlow13", "dump-groups", sw, "1"); !strings.Contains(got, "group_id=1,type=all,bucket=actions=output:2") || strings.Contains(got, "group_id=2") {
		t.Errorf("dump-groups 1 after mod-group:\n%s", got)
	}
	sameOutput(t, "-O", "OpenFlow13", "dump-group-stats", sw)
	xvs(t, "-O", "OpenFlow13", "del-groups", sw, "group_id=2")
	if got := xvs(t, "-O", "OpenFlow13", "dump-groups", sw); strings.Contains(got, "group_id=2") {
		t.Errorf("del-groups group_id=2:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow13", "del-groups", sw)
	if got := xvs(t, "-O", "OpenFlow13", "dump-groups", sw); strings.Contains(got, "group_id") {
		t.Errorf("del-groups:\n%s", got)
	}

	// The userspace datapath implements meters.
	xvs(t, "-O", "OpenFlow13", "add-meter", sw, "meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100")
	xvs(t, "-O", "OpenFlow13", "add-meter", sw, "meter=2,pktps,bands=type=drop,rate=10")
	out = sameOutput(t, "-O", "OpenFlow13", "dump-meters", sw)
	if !strings.Contains(out, "meter=1 kbps burst stats") || !strings.Contains(out, "meter=2 pktps") {
		t.Errorf("dump-meters:\n%s", out)
	}
	xvs(t, "-O", "OpenFlow13", "mod-meter", sw, "meter=2,pktps,bands=type=drop,rate=20")
	if got := xvs(t, "-O", "OpenFlow13", "dump-meters", sw, "2"); !strings.Contains(got, "rate=20") || strings.Contains(got, "meter=1") {
		t.Errorf("dump-meters 2 after mod-meter:\n%s", got)
	}
	sameOutput(t, "-O", "OpenFlow13", "meter-stats", sw)
	xvs(t, "-O", "OpenFlow13", "add-flow", sw, "priority=3,actions=meter:1,output:1")
	sameOutput(t, "-O", "OpenFlow13", "dump-flows", sw)
	xvs(t, "-O", "OpenFlow13", "del-flows", sw)
	xvs(t, "-O", "OpenFlow13", "del-meters", sw)
	if got := xvs(t, "-O", "OpenFlow13", "dump-meters", sw); strings.Contains(got, "meter=") {
		t.Errorf("del-meters:\n%s", got)
	}
	// The switch's refusal comes back as an error and exit status 1.
	xvs(t, "-O", "OpenFlow13", "add-group", sw, "group_id=5,type=all,bucket=output:1")
	_, errOut, rc := xvsRC("-O", "OpenFlow13", "add-group", sw, "group_id=5,type=all,bucket=output:1")
	if rc != 1 || !strings.Contains(errOut, "OFPT_ERROR") {
		t.Errorf("refused group: exit %d, stderr %q", rc, errOut)
	}
}

// TestOVSPacketOut sends a packet-out whose action outputs to the
// controller, and waits for the packet-in on a monitoring session, over
// both versions.
func TestOVSPacketOut(t *testing.T) {
	s := startOVS(t, 1)
	sw := s.target()
	for _, v := range []struct {
		name string
		ver  uint8
	}{{"OpenFlow13", ofp.Version13}, {"OpenFlow10", ofp.Version10}} {
		t.Run(v.name, func(t *testing.T) {
			c, err := dial(sw, "", []uint8{v.ver}, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			async := c.startAsync()
			// OVS sends a service connection (the .mgmt socket)
			// asynchronous messages only once it set a miss_send_len;
			// the barrier proves the switch applied it before the
			// packet is sent.
			if err := c.transact([]ofp.Message{&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: 128}}}); err != nil {
				t.Fatal(err)
			}
			pkt := "ffffffffffff0000000000010800450000140000000040000000c0a80001c0a80002"
			xvs(t, "-O", v.name, "packet-out", sw, "in_port=controller,packet="+pkt+",actions=output:controller")
			select {
			case r, ok := <-async:
				if !ok {
					t.Fatal("monitor session closed")
				}
				var data []byte
				switch pi := r.m.(type) {
				case *ofp.PacketIn:
					data = pi.Data
				case *ofp.PacketIn10:
					data = pi.Data
				default:
					t.Fatalf("got %s, want a packet-in", ofp.Format(r.h, r.m))
				}
				if hexString(data) != pkt {
					t.Errorf("packet-in data %x, want %s", data, pkt)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no packet-in within 10s")
			}
			// The older form: IN_PORT ACTIONS HEX.
			xvs(t, "-O", v.name, "packet-out", sw, "LOCAL", "output:1", pkt)
		})
	}
	_, errOut, rc := xvsRC("packet-out", sw, "in_port=1,packet=zz,actions=drop")
	if rc != 2 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("bad packet hex: exit %d stderr %q", rc, errOut)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestMonitorCount checks that monitor prints async messages and stops
// after --count of them.
func TestOVSMonitor(t *testing.T) {
	s := startOVS(t, 1)
	sw := s.target()
	xvs(t, "-O", "OpenFlow13", "add-flow", sw, "priority=1,send_flow_rem,hard_timeout=2,actions=drop")
	out := xvs(t, "-O", "OpenFlow13", "--timeout", "20", "--count", "1", "monitor", sw, "128")
	if !strings.Contains(out, "OFPT_") {
		t.Errorf("monitor printed %q", out)
	}
}
