package ofproto

import (
	"net"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
)

func TestTraceOutput(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	r.add("table=0,cookie=0x5,priority=10,ip,nw_dst=10.0.0.2,actions=set_field:10.0.0.7->ip_dst,goto_table:1",
		"table=1,priority=3,actions=output:3")
	f := dptest.UDP4(t, 1, 2)
	tr, err := r.sw.Trace(1, f)
	if err != nil {
		t.Fatal(err)
	}
	s := tr.String()
	for _, want := range []string{
		"Flow: ",
		"bridge(\"br0\")\n-------------\n",
		" 0. ip,nw_dst=10.0.0.2, priority 10, cookie 0x5\n",
		"    set_field:10.0.0.7->ip_dst,goto_table:1\n",
		" 1. priority 3, cookie 0x0\n",
		"    output:3\n",
		"Final flow: ",
		"Megaflow: ip,nw_dst=10.0.0.2\n",
		"Datapath actions: set(ipv4(dst=10.0.0.7)),3\n",
		"Cache: no entry",
	} {
		if !strings.Contains(s, want) {
			t.Fatalf("trace lacks %q:\n%s", want, s)
		}
	}
	t.Log("\n" + s)
	// Trace has no side effects: nothing cached, nothing counted.
	if cs := r.sw.CacheStats(); cs.Flows != 0 {
		t.Fatalf("trace installed %d entries", cs.Flows)
	}
	if fs := r.flowStats(""); fs[0].PacketCount != 0 {
		t.Fatal("trace counted a packet")
	}
	r.send(1, f)
	tr, _ = r.sw.Trace(1, f)
	if !strings.Contains(tr.String(), "Cache: entry installed (same actions)") {
		t.Fatalf("trace after install:\n%s", tr)
	}
	// A miss.
	tr, _ = r.sw.Trace(2, dptest.ARPRequest(t))
	if s := tr.String(); !strings.Contains(s, " 0. No match.\n    drop\n") || !strings.Contains(s, "Datapath actions: drop") {
		t.Fatalf("miss trace:\n%s", s)
	}
	if _, err := r.sw.Trace(9, f); err == nil {
		t.Fatal("trace on a missing port worked")
	}
}

func TestDumpFlowsAndPortStatus(t *testing.T) {
	r := newRig(t, 1, FailStandalone)
	rec := r.listen()
	r.sw.SetControllers(2, 0)
	r.add("priority=7,udp,actions=output:1")
	vis, all := r.sw.DumpFlows(false), r.sw.DumpFlows(true)
	if len(vis) != 1 || len(all) != 2 {
		t.Fatalf("dump %d visible, %d with hidden", len(vis), len(all))
	}
	if s := vis[0].String(); !strings.Contains(s, "priority=7,udp actions=output:1") || !strings.Contains(s, "n_packets=0") {
		t.Fatalf("dump-flows line %q", s)
	}
	p, err := r.sw.AddPort(PortSpec{Name: "p2", OFPort: 7})
	if err != nil || p.OFPort != 7 {
		t.Fatalf("add port with ofport_request 7: %+v %v", p, err)
	}
	if _, err := r.sw.AddPort(PortSpec{Name: "p2"}); err == nil {
		t.Fatal("added a port twice")
	}
	r.sw.SetPortLink(7, false)
	if err := r.sw.DeletePort(7); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.status) != 3 || rec.status[0].Reason != 0 || rec.status[1].Reason != 2 || rec.status[2].Reason != 1 ||
		rec.status[1].Desc.State&1 == 0 || rec.status[0].Desc.Name != "p2" {
		t.Fatalf("port status %+v", rec.status)
	}
}

func TestTraceWildcards(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("priority=10,ip,nw_dst=10.0.0.0/24,actions=output:2", "priority=5,udp,tp_dst=53,actions=drop")
	tr, err := r.sw.Trace(1, dptest.UDP4(t, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Consulted != "eth_type,ipv4_dst" {
		t.Fatalf("consulted %q", tr.Consulted)
	}
	m := datapath.FlowKey(tr.Mask)
	if m.IPv4Dst != [4]byte{255, 255, 255, 0} || m.EthType != 0xffff || m.IPv4Src != [4]byte{} || m.TPDst != 0 {
		t.Fatalf("mask %+v", m)
	}
	// A miss in the higher-priority subtable consults the lower one too.
	tr, _ = r.sw.Trace(1, dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4),
		&layers.IPv4{Version: 4, IHL: 5, TTL: 9, Protocol: layers.IPProtocolUDP, SrcIP: dptest.IP1, DstIP: net.IPv4(192, 168, 0, 1).To4()},
		&layers.UDP{SrcPort: 1, DstPort: 2}))
	if !strings.Contains(tr.Consulted, "udp_dst") || !strings.Contains(tr.String(), "Megaflow: udp,nw_dst=192.168.0.0/24,tp_dst=2\n") {
		t.Fatalf("consulted %q:\n%s", tr.Consulted, tr)
	}
}

func TestTraceNormalExplains(t *testing.T) {
	r := newRig(t, 2, FailStandalone)
	tr, err := r.sw.Trace(1, dptest.UDP4(t, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if s := tr.String(); !strings.Contains(s, "-> no learned MAC for destination, flooding") || !strings.Contains(s, "Datapath actions: 2\n") {
		t.Fatalf("NORMAL trace:\n%s", s)
	}
	if n := len(r.sw.MACs()); n != 0 {
		t.Fatalf("trace learned %d MACs", n)
	}
}
