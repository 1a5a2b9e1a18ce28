package dpctl

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// keepOpen hides Close so that successive Main calls see one datapath.
type keepOpen struct{ datapath.Datapath }

func (keepOpen) Close() error { return nil }

// withDummy points Open at a dummy datapath with two ports for the test.
func withDummy(t *testing.T) *dummy.Datapath {
	// No vswitchd socket: dpctl must use Open, not a daemon that may run here.
	t.Setenv("XVS_RUNDIR", t.TempDir())
	d := dummy.New(dummy.Config{Name: "xvs@test", MaxFlows: 100})
	for _, n := range []string{"veth-a", "tap-b"} {
		typ := datapath.PortSystem
		if strings.HasPrefix(n, "tap") {
			typ = datapath.PortTap
		}
		if _, err := d.AddPort(datapath.PortConfig{Name: n, Type: typ}); err != nil {
			t.Fatal(err)
		}
	}
	saved := Open
	Open = func(string) (datapath.Datapath, error) { return keepOpen{d}, nil }
	t.Cleanup(func() {
		Open = saved
		d.Close()
	})
	return d
}

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := run(t, args...)
	if code != 0 {
		t.Fatalf("xvs dpctl %v: exit %d: %s", args, code, errs)
	}
	return out
}

const flow1 = "in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800)," +
	"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0xa0,ttl=64,frag=no),udp(src=5000,dst=53)"

func TestNoDatapath(t *testing.T) {
	_, errs, code := run(t, "--datapath", "/nonexistent/xvs", "show")
	if code != 1 || !strings.Contains(errs, "no datapath found at /nonexistent/xvs") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	withDummy(t)
	for _, args := range [][]string{
		{}, {"bogus"}, {"--format", "xml", "show"}, {"show", "xvs@test", "extra"}, {"add-flow"}, {"del-flow"},
	} {
		if _, errs, code := run(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
	for _, args := range [][]string{
		{"add-flow", "in_port(x)", "2"}, {"add-flow", flow1, "push_vlan(vid=9999)"}, {"del-flow", flow1},
		{"mod-flow", flow1, "2"},
	} {
		if _, errs, code := run(t, args...); code != 1 || !strings.HasPrefix(errs, "xvs dpctl: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 1 and one line", args, code, errs)
		}
	}
}

func TestFlowCommands(t *testing.T) {
	d := withDummy(t)
	mustRun(t, "add-flow", flow1, "2,push_vlan(vid=10,pcp=0),1")
	if _, _, code := run(t, "add-flow", flow1, "2"); code != 1 {
		t.Errorf("add-flow of an existing flow: exit %d, want 1", code)
	}
	// The flow forwards: send its packet through the dummy.
	f := dptest.UDP4(t, 5000, 53)
	if k := packet.Extract(f, 1); k.String() != flow1 {
		t.Fatalf("test frame key %s differs from %s", k, flow1)
	}
	if err := d.Inject(1, f); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "dump-flows")
	want := flow1 + ", packets:1, bytes:60, used:"
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, ", actions:2,push_vlan(vid=10,pcp=0),1\n") {
		t.Errorf("dump-flows:\n%s\nwant %s...actions:2,push_vlan(vid=10,pcp=0),1", out, want)
	}
	// What dump-flows prints, add-flow takes back.
	line := strings.TrimSpace(out)
	mustRun(t, "del-flows")
	mustRun(t, "add-flow", line)
	if fl, err := d.Get(packet.Extract(f, 1)); err != nil || datapath.FormatActions(fl.Actions) != "2,push_vlan(vid=10,pcp=0),1" {
		t.Fatalf("add-flow of a dumped line: %v %v", fl, err)
	}
	d.Inject(1, f)
	mustRun(t, "mod-flow", flow1, "drop")
	var flows []jsonFlow
	if err := json.Unmarshal([]byte(mustRun(t, "--format", "json", "dump-flows")), &flows); err != nil {
		t.Fatal(err)
	}
	if len(flows) != 1 || flows[0].Key != flow1 || flows[0].Actions != "drop" || flows[0].Packets != 1 || flows[0].Used == nil {
		t.Errorf("json dump-flows: %+v", flows)
	}
	mustRun(t, "mod-flow", "--clear", flow1, "1")
	if err := json.Unmarshal([]byte(mustRun(t, "--format", "json", "dump-flows")), &flows); err != nil {
		t.Fatal(err)
	}
	if flows[0].Packets != 0 || flows[0].Used != nil || flows[0].Actions != "1" {
		t.Errorf("mod-flow --clear: %+v", flows[0])
	}
	if out := mustRun(t, "del-flow", flow1); !strings.HasPrefix(out, "packets:0, bytes:0") {
		t.Errorf("del-flow printed %q", out)
	}
	if out := mustRun(t, "dump-flows"); out != "" {
		t.Errorf("dump-flows after delete: %q", out)
	}
}

// A port-wide entry prints as what it matches, "in_port(1)", and that
// is how mod-flow and del-flow name it.
func TestPortWideFlowCommands(t *testing.T) {
	d := withDummy(t)
	f := dptest.UDP4(t, 5000, 53)
	if err := d.Put(packet.Extract(f, 1), []datapath.Action{datapath.Output{Port: 2}}, datapath.PutPortWide); err != nil {
		t.Fatal(err)
	}
	if err := d.Inject(1, dptest.UDP4(t, 5001, 54)); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "dump-flows"); !strings.HasPrefix(out, "in_port(1), packets:1, bytes:60, used:") || !strings.HasSuffix(out, ", actions:2\n") {
		t.Fatalf("dump-flows of a port-wide entry:\n%s", out)
	}
	var flows []jsonFlow
	if err := json.Unmarshal([]byte(mustRun(t, "--format", "json", "dump-flows")), &flows); err != nil {
		t.Fatal(err)
	}
	if len(flows) != 1 || flows[0].Key != "in_port(1)" || !flows[0].PortWide {
		t.Fatalf("json dump-flows of a port-wide entry: %+v", flows)
	}
	mustRun(t, "mod-flow", "in_port(1)", "2")
	if fl, err := d.Get(packet.Extract(f, 1)); err != nil || !fl.PortWide() {
		t.Fatalf("mod-flow by the printed key: %+v, %v; want it still port-wide", fl, err)
	}
	if out := mustRun(t, "del-flow", "in_port(1)"); !strings.HasPrefix(out, "packets:1, bytes:60") {
		t.Errorf("del-flow printed %q", out)
	}
	if out := mustRun(t, "dump-flows"); out != "" {
		t.Errorf("dump-flows after delete: %q", out)
	}
	if _, errs, code := run(t, "del-flow", "in_port(1)"); code == 0 || !strings.Contains(errs, "no such flow") {
		t.Errorf("second del-flow: exit %d, %q", code, errs)
	}
}

func TestOptionalDatapathName(t *testing.T) {
	withDummy(t)
	mustRun(t, "add-flow", "xvs@test", flow1, "2")
	if out := mustRun(t, "dump-flows", "xvs@test"); !strings.HasPrefix(out, flow1) {
		t.Errorf("dump-flows xvs@test: %q", out)
	}
	if out := mustRun(t, "show", "xvs@test"); !strings.HasPrefix(out, "xvs@test:") {
		t.Errorf("show xvs@test: %q", out)
	}
	if _, errs, code := run(t, "show", "system@ovs-system"); code != 1 || !strings.Contains(errs, `no datapath named "system@ovs-system"`) {
		t.Errorf("show of another datapath: exit %d %q", code, errs)
	}
	mustRun(t, "del-flows", "xvs@test")
	if out := mustRun(t, "dump-flows"); out != "" {
		t.Errorf("del-flows xvs@test left %q", out)
	}
}

func TestShowAndDumpPorts(t *testing.T) {
	d := withDummy(t)
	mustRun(t, "add-flow", flow1, "2")
	d.Inject(1, dptest.UDP4(t, 5000, 53))
	d.Inject(1, dptest.UDP4(t, 5001, 53)) // a miss
	want := `xvs@test:
  lookups: hit:1 missed:1 lost:0
  flows: 1 (max 100)
  slow path: 0
  port 1: veth-a (system, xdp)
    RX packets:2 bytes:120 dropped:0
    TX packets:0 bytes:0 dropped:0
  port 2: tap-b (tap, tc)
    RX packets:0 bytes:0 dropped:0
    TX packets:1 bytes:60 dropped:0
`
	if got := mustRun(t, "show"); got != want {
		t.Errorf("show:\n%s\nwant:\n%s", got, want)
	}
	var js struct {
		Name    string            `json:"name"`
		Lookups map[string]uint64 `json:"lookups"`
		Flows   uint64            `json:"flows"`
		Ports   []jsonPort        `json:"ports"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--format", "json", "show")), &js); err != nil {
		t.Fatal(err)
	}
	if js.Name != "xvs@test" || js.Lookups["hit"] != 1 || js.Lookups["missed"] != 1 || js.Flows != 1 ||
		len(js.Ports) != 2 || js.Ports[1].Attach != "tc" || js.Ports[1].TxPackets != 1 {
		t.Errorf("json show: %+v", js)
	}
	out := mustRun(t, "dump-ports")
	if !strings.Contains(out, "port  1: rx pkts=2, bytes=120, drop=0") || !strings.Contains(out, "tx pkts=1, bytes=60, drop=0") {
		t.Errorf("dump-ports:\n%s", out)
	}
	var ports []jsonPort
	if err := json.Unmarshal([]byte(mustRun(t, "--format", "json", "dump-ports")), &ports); err != nil || len(ports) != 2 || ports[0].RxPackets != 2 {
		t.Errorf("json dump-ports: %+v %v", ports, err)
	}
}
