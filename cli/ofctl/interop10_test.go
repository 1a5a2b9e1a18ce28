package ofctl

// The same commands over OpenFlow 1.0.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var interopFlows10 = []string{
	"priority=10,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_vlan_vid:10,output:2",
	"cookie=0x12,idle_timeout=50,hard_timeout=100,send_flow_rem,in_port=1,actions=normal",
	"priority=5,dl_src=00:11:22:33:44:55,actions=flood",
	"priority=7,arp,arp_spa=1.2.3.4,arp_op=1,actions=controller:128",
	"priority=9,udp,tp_src=53,actions=mod_nw_dst:9.9.9.9,mod_tp_dst:5353,output:1",
	"priority=11,dl_vlan=10,dl_vlan_pcp=2,actions=strip_vlan,mod_dl_src:00:00:00:00:00:07,output:1",
}

func TestOVSFlows10(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	for _, f := range interopFlows10 {
		xvs(t, "-O", "OpenFlow10", "add-flow", sw, f)
	}
	out := sameOutput(t, "-O", "OpenFlow10", "dump-flows", sw)
	if !strings.Contains(out, "OFPST_FLOW reply (xid=") || strings.Count(out, "\n") != len(interopFlows10) {
		t.Errorf("dump-flows over OpenFlow 1.0:\n%s", out)
	}
	sameOutput(t, "-O", "OpenFlow10", "dump-flows", sw, "--no-stats")
	sameOutput(t, "-O", "OpenFlow10", "dump-flows", sw, "udp")
	sameOutput(t, "-O", "OpenFlow10", "dump-aggregate", sw)
	xvs(t, "-O", "OpenFlow10", "del-flows", sw, "--strict", "priority=7,arp,arp_spa=1.2.3.4,arp_op=1")
	if got := xvs(t, "-O", "OpenFlow10", "dump-flows", sw, "arp"); strings.Contains(got, "arp_spa") {
		t.Errorf("strict delete left the flow:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow10", "del-flows", sw)
	if got := xvs(t, "-O", "OpenFlow10", "dump-flows", sw); strings.Contains(got, "actions") {
		t.Errorf("del-flows left flows:\n%s", got)
	}
	// add-flows over 1.0 too.
	file := filepath.Join(s.dir, "flows10.txt")
	if err := os.WriteFile(file, []byte(strings.Join(interopFlows10, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	xvs(t, "-O", "OpenFlow10", "add-flows", sw, file)
	sameOutput(t, "-O", "OpenFlow10", "dump-flows", sw)
	// What OpenFlow 1.0 cannot say is refused before anything is sent.
	_, errOut, rc := xvsRC("-O", "OpenFlow10", "add-flow", sw, "actions=goto_table:1")
	if rc != 2 || !strings.Contains(errOut, "OpenFlow 1.3") {
		t.Errorf("goto_table over 1.0: exit %d, stderr %q", rc, errOut)
	}
}

func TestOVSInfo10(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	sameOutput(t, "-O", "OpenFlow10", "show", sw)
	sameOutput(t, "-O", "OpenFlow10", "dump-desc", sw)
	sameOutput(t, "-O", "OpenFlow10", "dump-ports", sw)
	sameOutput(t, "-O", "OpenFlow10", "dump-ports", sw, "2")
	// 1.0 ports come from the features reply; ovs-ofctl asks OVS's own
	// 1.0 port-description extension: same text.
	if out := sameOutput(t, "-O", "OpenFlow10", "dump-ports-desc", sw); !strings.HasPrefix(out, "OFPST_PORT_DESC reply (xid=") ||
		!strings.Contains(out, "LOCAL(") {
		t.Errorf("dump-ports-desc over 1.0:\n%s", out)
	}
	sameOutput(t, "-O", "OpenFlow10", "dump-ports-desc", sw, "2")
	sameOutput(t, "-O", "OpenFlow13", "dump-ports-desc", sw, "2")
	// No table features in 1.0: ovs-ofctl's error.
	if _, errOut, rc := xvsRC("-O", "OpenFlow10", "dump-table-features", sw); rc != 1 ||
		!strings.Contains(errOut, "dump-table-features: needs OpenFlow 1.3 or later ('-O OpenFlow13')") {
		t.Errorf("dump-table-features over 1.0: exit %d, stderr %q", rc, errOut)
	}
	if got := xvs(t, "-O", "OpenFlow10", "dump-tables", sw); !strings.Contains(got, "OFPST_TABLE reply (xid=") {
		t.Errorf("dump-tables over 1.0:\n%s", got)
	}
	xvs(t, "-O", "OpenFlow10", "mod-port", sw, "2", "no-packet-in")
	if got := xvs(t, "-O", "OpenFlow13", "dump-ports-desc", sw); !strings.Contains(got, "NO_PACKET_IN") {
		t.Errorf("mod-port over 1.0 not applied:\n%s", got)
	}
	_, errOut, rc := xvsRC("-O", "OpenFlow10", "mod-port", sw, "nosuchport", "up")
	if rc != 1 || !strings.Contains(errOut, "no such port") {
		t.Errorf("mod-port of a missing port: exit %d, stderr %q", rc, errOut)
	}
}

// TestOVSSameTable loads the same flows once with xvs ofctl and once with
// ovs-ofctl: the switch must end up with the same table, so xvs encodes
// each flow as ovs-ofctl does.
func TestOVSSameTable(t *testing.T) {
	s := startOVS(t, 2)
	sw := s.target()
	for _, c := range []struct {
		proto string
		flows []string
	}{{"OpenFlow13", interopFlows}, {"OpenFlow10", interopFlows10}} {
		file := filepath.Join(s.dir, c.proto+".txt")
		if err := os.WriteFile(file, []byte(strings.Join(c.flows, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		dump := func() string {
			// Dump over 1.3 in both cases: it shows every table. Sorted:
			// the switch's order need not be the order of insertion.
			lines := strings.Split(ovsOfctl(t, "-O", "OpenFlow13", "dump-flows", sw, "--no-stats"), "\n")
			sort.Strings(lines)
			return strings.Join(lines, "\n")
		}
		ovsArgs := []string{"-O", c.proto}
		if c.proto == "OpenFlow10" {
			ovsArgs = append(ovsArgs, "-F", "openflow10")
		}
		ovsOfctl(t, append(ovsArgs, "del-flows", sw)...)
		ovsOfctl(t, append(ovsArgs, "add-flows", sw, file)...)
		want := dump()
		xvs(t, "-O", c.proto, "del-flows", sw)
		if got := dump(); strings.Contains(got, "actions=") {
			t.Fatalf("%s: del-flows left\n%s", c.proto, got)
		}
		xvs(t, "-O", c.proto, "add-flows", sw, file)
		if got := dump(); got != want {
			t.Errorf("%s: table after xvs ofctl add-flows:\n%s\nafter ovs-ofctl add-flows:\n%s", c.proto, got, want)
		}
		if n := strings.Count(want, "actions="); n != len(c.flows) {
			t.Errorf("%s: %d flows installed, want %d", c.proto, n, len(c.flows))
		}
	}
}

// TestOVSLargeDump loads enough flows that the flow-stats reply spans many
// multipart messages (each at most 64 KiB), in both versions; the dump
// must be ovs-ofctl's, part by part, and --no-stats must list every flow.
func TestOVSLargeDump(t *testing.T) {
	s := startOVS(t, 1)
	sw := s.target()
	var sb strings.Builder
	const n = 3000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "priority=%d,tcp,nw_dst=10.0.%d.%d,tp_dst=%d,actions=output:1\n", i%100+1, i/256, i%256, i+1)
	}
	file := filepath.Join(s.dir, "many.txt")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	xvs(t, "-O", "OpenFlow13", "add-flows", sw, file)
	flowLines := func(out string) []string {
		var l []string
		for _, line := range strings.Split(normalize(out), "\n") {
			if strings.Contains(line, "actions=") {
				l = append(l, line)
			}
		}
		sort.Strings(l)
		return l
	}
	for _, proto := range []string{"OpenFlow13", "OpenFlow10"} {
		// Printed part by part, as ovs-ofctl does.
		x := sameOutput(t, "-O", proto, "dump-flows", sw)
		if strings.Count(x, "reply") < 2 {
			t.Errorf("%s: %d flows came in one part", proto, n)
		}
		ovsArgs := []string{"-O", proto, "dump-flows", sw}
		if proto == "OpenFlow10" {
			ovsArgs = append([]string{"-F", "openflow10"}, ovsArgs...)
		}
		o := ovsOfctl(t, ovsArgs...)
		xl, ol := flowLines(x), flowLines(o)
		if ns := xvs(t, "-O", proto, "dump-flows", sw, "--no-stats"); strings.Count(ns, "actions=") != n || strings.Contains(ns, "reply") {
			t.Errorf("%s: --no-stats listed %d flows", proto, strings.Count(ns, "actions="))
		}
		if len(xl) != n || strings.Join(xl, "\n") != strings.Join(ol, "\n") {
			t.Errorf("%s: xvs %d flows, ovs-ofctl %d (want %d); headers in ovs-ofctl's: %d", proto, len(xl), len(ol), n,
				strings.Count(o, "reply"))
		}
	}
}
