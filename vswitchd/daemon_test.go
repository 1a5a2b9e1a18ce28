package vswitchd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
)

func TestBridgeAndPorts(t *testing.T) {
	td := startDaemon(t)
	// Without --no-wait, vsctl returns only once cur_cfg caught up: the
	// bridge and its ports exist by then.
	td.vsctl("add-br", "xvbr0")
	td.vsctl("add-port", "xvbr0", "xvp1")
	td.vsctl("add-port", "xvbr0", "xvp2", "--", "set", "interface", "xvp2", "ofport_request=7")
	td.vsctl("add-port", "xvbr0", "xvt1", "--", "set", "interface", "xvt1", "type=vxlan")

	dp := td.dp("xvbr0")
	if dp == nil {
		t.Fatal("no datapath for xvbr0")
	}
	ports, err := dp.Ports()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range ports {
		names[p.Name] = true
	}
	for _, n := range []string{"xvbr0", "xvp1", "xvp2"} {
		if !names[n] {
			t.Errorf("datapath lacks port %s (has %v)", n, names)
		}
	}
	if names["xvt1"] {
		t.Error("vxlan interface reached the datapath")
	}
	if got := td.vsctl("get", "interface", "xvp2", "ofport"); got != "7" {
		t.Errorf("xvp2 ofport = %s, want the requested 7", got)
	}
	if got := td.vsctl("get", "interface", "xvbr0", "ofport"); got != "65534" {
		t.Errorf("bridge's own port ofport = %s, want 65534 (LOCAL)", got)
	}
	if got := td.vsctl("get", "interface", "xvt1", "ofport"); got != "-1" {
		t.Errorf("vxlan ofport = %s, want -1", got)
	}
	if got := td.vsctl("get", "interface", "xvt1", "error"); !strings.Contains(got, "type vxlan not supported yet") {
		t.Errorf("vxlan error = %s", got)
	}
	if got := td.vsctl("get", "bridge", "xvbr0", "datapath_id"); len(strings.Trim(got, `"`)) != 16 {
		t.Errorf("datapath_id = %s, want 16 hex digits", got)
	}
	cur, next := td.vsctl("get", "open_vswitch", ".", "cur_cfg"), td.vsctl("get", "open_vswitch", ".", "next_cfg")
	if cur != next {
		t.Errorf("cur_cfg %s != next_cfg %s after vsctl returned", cur, next)
	}
	// Statistics appear with the periodic write-back.
	eventually(t, "xvp1 statistics", func() bool {
		return strings.Contains(td.vsctl("get", "interface", "xvp1", "statistics"), "rx_packets")
	})

	// Removing a port takes it out of the datapath.
	td.vsctl("del-port", "xvbr0", "xvp1")
	ports, _ = dp.Ports()
	for _, p := range ports {
		if p.Name == "xvp1" {
			t.Error("xvp1 still in the datapath after del-port")
		}
	}
	// The vxlan port can be fixed by changing its type.
	td.vsctl("set", "interface", "xvt1", "type=internal")
	if got := td.vsctl("get", "interface", "xvt1", "ofport"); got == "-1" {
		t.Errorf("xvt1 after type=internal: ofport %s", got)
	}
	td.vsctl("del-br", "xvbr0")
	if got := td.appctl("ofproto/list"); strings.Contains(got, "xvbr0") {
		t.Errorf("bridge still listed after del-br: %q", got)
	}
}

func TestNormalForwarding(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr1")
	td.vsctl("add-port", "xvbr1", "xva", "--", "set", "interface", "xva", "ofport_request=1")
	td.vsctl("add-port", "xvbr1", "xvb", "--", "set", "interface", "xvb", "ofport_request=2")
	dp := td.dp("xvbr1")
	dpPort := map[string]uint32{}
	ports, _ := dp.Ports()
	for _, p := range ports {
		dpPort[p.Name] = p.Number
	}
	// Standalone without a controller: NORMAL. A frame from xva to an
	// unknown MAC floods to xvb (and the LOCAL port).
	frame := dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), dptest.IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 1000, DstPort: 2000}, dptest.Payload(20))
	if err := dp.Inject(dpPort["xva"], frame); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := dp.Receive(ctx, dpPort["xvb"])
	if err != nil {
		t.Fatalf("nothing forwarded to xvb: %v", err)
	}
	if string(got) != string(frame) {
		t.Fatalf("xvb received a different frame")
	}
	// The source was learned on port 1.
	if out := td.appctl("fdb/show", "xvbr1"); !strings.Contains(out, "02:00:00:00:00:01") {
		t.Errorf("fdb/show lacks the learned MAC:\n%s", out)
	}
	if out := td.appctl("fdb/stats-show", "xvbr1"); !strings.Contains(out, "Total number of learned MAC entries     : 1") {
		t.Errorf("fdb/stats-show:\n%s", out)
	}
	if out := td.appctl("dpif/dump-flows", "xvbr1"); !strings.Contains(out, "udp(src=1000,dst=2000)") {
		t.Errorf("dpif/dump-flows lacks the cached flow:\n%s", out)
	}
	if out := td.appctl("dpif/show"); !strings.Contains(out, "xva 1/") || !strings.Contains(out, "xvs@xvbr1:") {
		t.Errorf("dpif/show:\n%s", out)
	}
	if out := td.appctl("bridge/dump-flows", "xvbr1"); !strings.Contains(out, "NORMAL") {
		t.Errorf("bridge/dump-flows lacks the standalone NORMAL flow:\n%s", out)
	}
	// The packet itself: its key is the cached one.
	out := td.appctl("ofproto/trace", "xvbr1", "in_port=xva", hex.EncodeToString(frame))
	if !strings.Contains(out, "Datapath cache: cached, actions:") || !strings.Contains(out, "NORMAL") {
		t.Errorf("trace of the forwarded packet does not find it cached:\n%s", out)
	}
	// A flow in ovs-ofctl syntax; this one (another UDP port) is not cached.
	out = td.appctl("ofproto/trace", "xvbr1", "in_port=1,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1000,tp_dst=2001")
	if !strings.Contains(out, "udp(src=1000,dst=2001)") || !strings.Contains(out, "NORMAL") || !strings.Contains(out, "no entry for this flow") {
		t.Errorf("trace of a flow:\n%s", out)
	}
	if _, err := td.api.Appctl(context.Background(), "ofproto/trace", []string{"xvbr1", "in_port=99,udp"}, ""); err == nil || !strings.Contains(err.Error(), "no such port") {
		t.Errorf("trace from a missing port: %v", err)
	}
	if out := td.appctl("fdb/flush", "xvbr1"); !strings.Contains(out, "flushed") {
		t.Errorf("fdb/flush: %q", out)
	}
	if out := td.appctl("fdb/show", "xvbr1"); strings.Contains(out, "02:00:00:00:00:01") {
		t.Errorf("fdb/show after flush:\n%s", out)
	}
}

func TestAppctlCommands(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr2")
	if out := td.appctl("version"); !strings.Contains(out, "xvs vswitchd") {
		t.Errorf("version: %q", out)
	}
	if out := td.appctl("list-commands"); !strings.Contains(out, "ofproto/trace") || !strings.Contains(out, "fdb/show") {
		t.Errorf("list-commands:\n%s", out)
	}
	td.appctl("vlog/set", "bridge:dbg")
	if out := td.appctl("vlog/list"); !strings.Contains(out, "bridge") || !strings.Contains(out, "dbg") {
		t.Errorf("vlog/list after vlog/set bridge:dbg:\n%s", out)
	}
	if out := td.appctl("coverage/show"); !strings.Contains(out, "bridge_create") {
		t.Errorf("coverage/show lacks bridge_create:\n%s", out)
	}
	if out := td.appctl("upcall/show"); !strings.Contains(out, "xvbr2:") || !strings.Contains(out, "handlers: 2") {
		t.Errorf("upcall/show:\n%s", out)
	}
	if _, err := td.api.Appctl(context.Background(), "fdb/show", []string{"nosuch"}, ""); err == nil || !strings.Contains(err.Error(), "no such bridge") {
		t.Errorf("fdb/show of a missing bridge: %v", err)
	}
	if _, err := td.api.Appctl(context.Background(), "bogus", nil, ""); err == nil || !strings.Contains(err.Error(), "not a valid command") {
		t.Errorf("unknown command: %v", err)
	}
	out, err := td.api.Appctl(context.Background(), "dpif/show", nil, "json")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "[") || !strings.Contains(out, `"datapath": "xvs@xvbr2"`) {
		t.Errorf("dpif/show --format json: %v\n%s", err, out)
	}
	// exit stops the daemon.
	td.appctl("exit")
	select {
	case err := <-td.done:
		if err != nil {
			t.Errorf("Run after exit: %v", err)
		}
		td.cancel = nil
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop after appctl exit")
	}
}

func TestVLANFailModeDatapathID(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr5", "--", "set", "bridge", "xvbr5", "other_config:datapath-id=00000000000000a5")
	if got := td.vsctl("get", "bridge", "xvbr5", "datapath_id"); got != `"00000000000000a5"` {
		t.Errorf("datapath_id = %s, want the configured one", got)
	}
	td.vsctl("add-port", "xvbr5", "xvacc", "tag=10", "--", "set", "interface", "xvacc", "ofport_request=1")
	td.vsctl("add-port", "xvbr5", "xvtrk", "trunks=10,20", "--", "set", "interface", "xvtrk", "ofport_request=2")
	dp := td.dp("xvbr5")
	dpPort := map[string]uint32{}
	ports, _ := dp.Ports()
	for _, p := range ports {
		dpPort[p.Name] = p.Number
	}
	frame := dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), dptest.IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 1000, DstPort: 2000}, dptest.Payload(20))
	if err := dp.Inject(dpPort["xvacc"], frame); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := dp.Receive(ctx, dpPort["xvtrk"])
	if err != nil {
		t.Fatalf("nothing forwarded to the trunk: %v", err)
	}
	// The access port's VLAN 10 is tagged on the way out of the trunk.
	if len(got) != len(frame)+4 || got[12] != 0x81 || got[13] != 0 || got[14]&0x0f != 0 || got[15] != 10 {
		t.Fatalf("trunk got % x, want the frame tagged with VID 10", got[:min(len(got), 18)])
	}
	if out := td.appctl("fdb/show", "xvbr5"); !strings.Contains(out, "    1    10  02:00:00:00:00:01") {
		t.Errorf("fdb/show does not show the MAC on VLAN 10:\n%s", out)
	}
	// A bad VLAN setting is reported on the interface (the port keeps its last good one).
	// (A native mode without a tag is not one: Open vSwitch accepts it,
	// see TestNativeModeWithoutTag.)
	td.vsctl("set", "port", "xvtrk", "vlan_mode=dot1q-tunnel")
	if got := td.vsctl("get", "interface", "xvtrk", "error"); !strings.Contains(got, "dot1q-tunnel") {
		t.Errorf("dot1q-tunnel port: error %s", got)
	}
	td.vsctl("set", "port", "xvtrk", "vlan_mode=trunk")
	if got := td.vsctl("get", "interface", "xvtrk", "error"); got != "[]" {
		t.Errorf("fixed VLAN config still has error %s", got)
	}

	// Secure fail mode: no NORMAL flow, a frame is dropped.
	td.vsctl("set", "bridge", "xvbr5", "fail_mode=secure")
	if out := td.appctl("bridge/dump-flows", "xvbr5"); strings.Contains(out, "NORMAL") {
		t.Errorf("secure bridge still has a NORMAL flow:\n%s", out)
	}
	out := td.appctl("ofproto/trace", "xvbr5", "in_port=1", hex.EncodeToString(frame))
	if !strings.Contains(out, "Datapath actions: drop") {
		t.Errorf("trace on a secure bridge without flows:\n%s", out)
	}
	td.appctl("revalidator/wait")
	if out := td.appctl("upcall/show"); !strings.Contains(out, "passes:") {
		t.Errorf("upcall/show after revalidator/wait:\n%s", out)
	}
}

func TestPortMovesBetweenBridges(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr6")
	td.vsctl("add-br", "xvbr7")
	td.vsctl("add-port", "xvbr7", "xvmv")
	td.vsctl("del-port", "xvbr7", "xvmv", "--", "add-port", "xvbr6", "xvmv")
	has := func(br string) bool {
		ps, _ := td.dp(br).Ports()
		for _, p := range ps {
			if p.Name == "xvmv" {
				return true
			}
		}
		return false
	}
	if !has("xvbr6") || has("xvbr7") {
		t.Errorf("after the move: in xvbr6 %v, in xvbr7 %v; want only xvbr6", has("xvbr6"), has("xvbr7"))
	}
	if got := td.vsctl("get", "interface", "xvmv", "ofport"); got == "-1" {
		t.Errorf("moved interface ofport %s", got)
	}
}

// TestWithOpenVSwitchDB: the daemon follows Open vSwitch's own
// ovsdb-server as it follows xvs's.
func TestWithOpenVSwitchDB(t *testing.T) {
	td := startDaemonOn(t, ovstest.Start(t))
	td.vsctl("add-br", "xvbr8")
	td.vsctl("add-port", "xvbr8", "xvo1", "--", "set", "interface", "xvo1", "ofport_request=3")
	if got := td.vsctl("get", "interface", "xvo1", "ofport"); got != "3" {
		t.Errorf("ofport = %s, want 3", got)
	}
	td.vsctl("set", "port", "xvo1", "tag=5")
	td.vsctl("set", "interface", "xvo1", "type=geneve")
	if got := td.vsctl("get", "interface", "xvo1", "error"); !strings.Contains(got, "type geneve not supported yet") {
		t.Errorf("geneve error = %s", got)
	}
	if ps, _ := td.dp("xvbr8").Ports(); len(ps) != 1 {
		t.Errorf("datapath ports %+v, want only the bridge's own", ps)
	}
}

// TestAppctlBadInput: malformed arguments get a clear error, never a panic
// or a dead daemon.
func TestAppctlBadInput(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr9")
	td.vsctl("add-port", "xvbr9", "xvq1", "--", "set", "interface", "xvq1", "ofport_request=1")
	for _, args := range [][]string{
		{"ofproto/trace", "xvbr9", "dl_src=02:00:00:00:00:01"},       // no in_port
		{"ofproto/trace", "xvbr9", "in_port=1,nw_src=10.0.0.0/8,ip"}, // masked
		{"ofproto/trace", "xvbr9", "in_port=1,frobnicate=3"},         // unknown field
		{"ofproto/trace", "xvbr9", "in_port=1", "abc"},               // odd hex
		{"ofproto/trace", "xvbr9", "in_port=1", "0011"},              // short frame
		{"ofproto/trace", "xvbr9", "in_port=nosuch"},                 // no port
		{"ofproto/trace", "nosuch", "in_port=1"},                     // no bridge
		{"ofproto/trace", "xvbr9"},                                   // too few
		{"fdb/show"},                                                 // too few
		{"fdb/show", "a", "b"},                                       // too many
		{"vlog/set", "a:b:c:d"},                                      // bad spec
		{"dpif/dump-flows", "nosuch"},                                // no bridge
	} {
		if out, err := td.api.Appctl(context.Background(), args[0], args[1:], ""); err == nil {
			t.Errorf("appctl %q succeeded: %q", args, out)
		}
	}
	if out := td.appctl("version"); out == "" {
		t.Error("daemon does not answer after bad input")
	}
}

func TestOpenVSwitchInfo(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr11")
	if got := strings.Trim(td.vsctl("get", "open_vswitch", ".", "ovs_version"), `"`); got != OVSVersion {
		t.Errorf("ovs_version = %s", got)
	}
	if got := td.vsctl("get", "open_vswitch", ".", "iface_types"); got != "[internal, system, tap]" {
		t.Errorf("iface_types = %s", got)
	}
}

func TestFlowLimitOption(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("set", "open_vswitch", ".", "other_config:flow-limit=1000")
	td.vsctl("add-br", "xvbr12")
	td.vsctl("add-br", "xvbr13", "--", "set", "bridge", "xvbr13", "other_config:flow-limit=50")
	out, err := td.api.Appctl(context.Background(), "upcall/show", nil, "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Bridge string `json:"bridge"`
		Cache  struct {
			Limit int `json:"Limit"`
		} `json:"cache"`
		Datapath struct {
			Name string `json:"name"`
		} `json:"datapath"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("upcall/show json: %v\n%s", err, out)
	}
	want := map[string]int{"xvbr12": 1000, "xvbr13": 50}
	if len(got) != 2 {
		t.Fatalf("upcall/show lists %d bridges:\n%s", len(got), out)
	}
	for _, g := range got {
		if g.Cache.Limit != want[g.Bridge] || g.Datapath.Name != DatapathName(g.Bridge) {
			t.Errorf("%s: limit %d, datapath %q; want %d", g.Bridge, g.Cache.Limit, g.Datapath.Name, want[g.Bridge])
		}
	}
}

// TestOFPortsSurviveRestart: a port gets the number it had again after a
// restart (Interface.ofport), not the next free one in name order.
func TestOFPortsSurviveRestart(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr14")
	td.vsctl("add-port", "xvbr14", "xvz")
	td.vsctl("add-port", "xvbr14", "xva")
	before := map[string]string{}
	for _, p := range []string{"xvz", "xva"} {
		before[p] = td.vsctl("get", "interface", p, "ofport")
	}
	if before["xvz"] != "1" || before["xva"] != "2" {
		t.Fatalf("ofports before restart %v, want xvz 1 and xva 2", before)
	}
	td.stop()
	td.start()
	td.vsctl("add-port", "xvbr14", "xvm") // waits for the restarted daemon
	for p, want := range before {
		if got := td.vsctl("get", "interface", p, "ofport"); got != want {
			t.Errorf("after restart %s ofport %s, want %s", p, got, want)
		}
	}
	if got := td.vsctl("get", "interface", "xvm", "ofport"); got != "3" {
		t.Errorf("new port after restart: ofport %s, want 3", got)
	}
}
