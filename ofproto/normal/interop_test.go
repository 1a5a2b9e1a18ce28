package normal

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// ovsPort is one port of the Open vSwitch bridge the interop test builds,
// with the same configuration on both sides.
type ovsPort struct {
	name   string
	ofport uint32
	vsctl  []string // Port columns
	cfg    VLANConfig
}

var ovsPorts = []ovsPort{
	{"p1", 1, nil, VLANConfig{}},
	{"p2", 2, []string{"other_config:priority-tags=true"}, VLANConfig{PriorityTags: true}},
	{"p3", 3, []string{"tag=10"}, VLANConfig{Tag: 10}},
	{"p4", 4, []string{"trunks=10,20"}, VLANConfig{Trunks: []uint16{10, 20}}},
	{"p5", 5, []string{"tag=10", "vlan_mode=native-untagged"}, VLANConfig{Mode: ModeNativeUntagged, Tag: 10}},
	{"p6", 6, []string{"tag=20", "vlan_mode=native-tagged", "trunks=0,10"}, VLANConfig{Mode: ModeNativeTagged, Tag: 20, Trunks: []uint16{0, 10}}},
	{"p7", 7, []string{"tag=10", "other_config:priority-tags=true"}, VLANConfig{Tag: 10, PriorityTags: true}},
	{"p8", 8, []string{"vlan_mode=access"}, VLANConfig{Mode: ModeAccess}},
	{"p9", 9, []string{"tag=20", "vlan_mode=native-untagged", "trunks=30"}, VLANConfig{Mode: ModeNativeUntagged, Tag: 20, Trunks: []uint16{30}}},
}

// startOVS runs ovsdb-server and ovs-vswitchd with the in-memory dummy
// datapath in a private directory, builds bridge xnbr0 with ovsPorts, and
// returns an ovs-appctl runner.
func startOVS(t *testing.T) func(args ...string) string {
	t.Helper()
	for _, c := range []string{"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl"} {
		testenv.RequireCommand(t, c)
	}
	const schema = "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(schema); err != nil {
		testenv.RequireCommand(t, schema) // reports it missing
	}
	dir := t.TempDir()
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir)
	cmd := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Env, c.Dir = env, dir
		return c
	}
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := cmd(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	start := func(name string, args ...string) {
		t.Helper()
		c := cmd(name, args...)
		if err := c.Start(); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		t.Cleanup(func() {
			c.Process.Kill()
			c.Wait()
		})
	}
	db := "unix:" + filepath.Join(dir, "db.sock")
	run("ovsdb-tool", "create", filepath.Join(dir, "conf.db"), schema)
	start("ovsdb-server", "--remote=p"+db, "--unixctl="+filepath.Join(dir, "db.ctl"),
		"--log-file="+filepath.Join(dir, "ovsdb.log"), filepath.Join(dir, "conf.db"))
	run("ovs-vsctl", "--db="+db, "--retry", "--timeout=20", "--no-wait", "init")
	ctl := filepath.Join(dir, "vswitchd.ctl")
	start("ovs-vswitchd", "--enable-dummy=override", "--disable-system", "--unixctl="+ctl,
		"--log-file="+filepath.Join(dir, "vswitchd.log"), db)
	args := []string{"--db=" + db, "--timeout=20", "add-br", "xnbr0", "--", "set", "bridge", "xnbr0", "datapath_type=dummy"}
	for _, p := range ovsPorts {
		args = append(args, "--", "add-port", "xnbr0", p.name)
		args = append(args, p.vsctl...)
		args = append(args, "--", "set", "interface", p.name, "type=dummy", fmt.Sprintf("ofport_request=%d", p.ofport))
	}
	run("ovs-vsctl", args...) // without --no-wait: returns once vswitchd applied it
	return func(args ...string) string {
		t.Helper()
		return run("ovs-appctl", append([]string{"-t", ctl}, args...)...)
	}
}

var dpifPortRE = regexp.MustCompile(`(?m)^\s+(\S+) (\d+)/(\d+):`)

// TestFloodLikeOVS sends frames with every kind of tag into every port of
// an Open vSwitch 3.1 bridge (ofproto/trace, dummy datapath) and of ours,
// runs both action lists through the same executor, and compares the
// frames every datapath port gets, byte for byte.
func TestFloodLikeOVS(t *testing.T) {
	appctl := startOVS(t)
	dp, ports := ovsBridge(t, appctl)
	tag := func(vid uint16, pcp uint8) []datapath.VLANTag {
		return []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(vid, pcp, false)}}
	}
	inputs := map[string][]datapath.VLANTag{
		"untagged": nil, "prio0": tag(0, 0), "prio5": tag(0, 5),
		"vlan10": tag(10, 0), "vlan10 pcp3": tag(10, 3), "vlan20 pcp7": tag(20, 7), "vlan30": tag(30, 0),
	}
	compared, forwarded := 0, 0
	for _, in := range append([]uint32{local}, 1, 2, 3, 4, 5, 6, 7, 8, 9) {
		for name, tags := range inputs {
			f := frame(t, mac(0x10+byte(in&0xf)), bcast, tags...)
			if compareWithOVS(t, appctl, dp, New(nil), ports, in, name, f, tags) {
				forwarded++
			}
			compared++
		}
	}
	t.Logf("%d frames compared, %d forwarded", compared, forwarded)
	if forwarded < compared/2 {
		t.Fatalf("only %d of %d frames forwarded at all", forwarded, compared)
	}
}

// ovsBridge maps the OVS bridge's OpenFlow ports to its datapath ports
// (LOCAL included) and returns our view of the same ports.
func ovsBridge(t *testing.T, appctl func(args ...string) string) (map[uint32]uint32, []PortView) {
	t.Helper()
	dp := map[uint32]uint32{}
	for _, m := range dpifPortRE.FindAllStringSubmatch(appctl("dpif/show"), -1) {
		of, _ := strconv.ParseUint(m[2], 10, 32)
		d, _ := strconv.ParseUint(m[3], 10, 32)
		if m[1] == "xnbr0" {
			of = uint64(local)
		}
		dp[uint32(of)] = uint32(d)
	}
	if len(dp) != len(ovsPorts)+1 {
		t.Fatalf("dpif/show: ports %v", dp)
	}
	ports := []PortView{{Port: local, CanForward: true}}
	for _, p := range ovsPorts {
		ports = append(ports, PortView{Port: p.ofport, VLAN: p.cfg, CanForward: true})
	}
	return dp, ports
}

var actionsRE = regexp.MustCompile(`(?m)^Datapath actions: (.*)$`)

// compareWithOVS traces frame f entering in on the OVS bridge and decides
// it with n (without learning, as a trace does not learn), executes both
// action lists and reports a difference in what any port gets. It returns
// whether OVS output anything.
func compareWithOVS(t *testing.T, appctl func(args ...string) string, dp map[uint32]uint32, n *Normal, ports []PortView, in uint32, name string, f []byte, tags []datapath.VLANTag) bool {
	t.Helper()
	inName := PortName(in)
	out := appctl("ofproto/trace", "xnbr0", "in_port="+inName, hex.EncodeToString(f))
	m := actionsRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("in %s %s: no datapath actions in\n%s", inName, name, out)
	}
	ovsActs, err := datapath.ParseActions(m[1])
	if err != nil {
		t.Fatalf("in %s %s: parse %q: %v", inName, name, m[1], err)
	}
	k := packet.Extract(f, dp[in])
	d := n.Decide(in, &k, ports)
	var frameTag *datapath.VLANTag
	if len(tags) > 0 {
		frameTag = &tags[0]
	}
	ours := d.Actions(frameTag, func(of uint32) (uint32, bool) { p, ok := dp[of]; return p, ok })
	want, got := outputs(f, ovsActs), outputs(f, ours)
	if !sameOutputs(want, got) {
		t.Errorf("in %s %s: OVS %s, ours %s (%v)", inName, name, m[1], datapath.FormatActions(ours), d)
	}
	return len(want) > 0
}

func outputs(f []byte, acts []datapath.Action) map[uint32][][]byte {
	got := map[uint32][][]byte{}
	packet.Execute(f, acts, packet.Env{Output: func(p uint32, b []byte) { got[p] = append(got[p], b) }})
	return got
}

func sameOutputs(a, b map[uint32][][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, fa := range a {
		fb := b[p]
		if len(fa) != len(fb) {
			return false
		}
		for i := range fa {
			if !bytes.Equal(fa[i], fb[i]) {
				return false
			}
		}
	}
	return true
}

var fdbLineRE = regexp.MustCompile(`(?m)^\s*(\S+)\s+(\d+)\s+([0-9a-f:]{17})\s+\d+$`)

// TestLearnedLikeOVS sends frames into the ports of the OVS bridge (the
// dummy datapath's receive, so that OVS learns), checks that both tables
// learn the same (port, VLAN, MAC) entries, then traces frames to every
// learned address from every port with several tags and compares.
func TestLearnedLikeOVS(t *testing.T) {
	appctl := startOVS(t)
	dp, ports := ovsBridge(t, appctl)
	n := New(nil)
	tag := func(vid uint16, pcp uint8) []datapath.VLANTag {
		return []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(vid, pcp, false)}}
	}
	// One or two sources per port, tagged as the port accepts them.
	learn := []struct {
		port uint32
		tags []datapath.VLANTag
	}{
		{1, nil}, {1, tag(10, 0)}, {2, tag(20, 3)}, {3, nil}, {4, tag(20, 0)},
		{5, nil}, {5, tag(30, 0)}, {6, nil}, {7, tag(0, 5)}, {8, nil}, {9, tag(30, 0)},
	}
	var dsts [][6]byte
	for i, l := range learn {
		src := [6]byte{0x50, 0x54, 0, 0, 0x40, byte(i)}
		dsts = append(dsts, src)
		f := frame(t, src, bcast, l.tags...)
		appctl("netdev-dummy/receive", ovsPorts[l.port-1].name, hex.EncodeToString(f))
		k := packet.Extract(f, dp[l.port])
		if d := n.Forward(l.port, &k, ports); d.Learned == nil {
			t.Fatalf("source %d on port %d not learned: %v", i, l.port, d)
		}
	}
	// OVS learns in its upcall handler threads: wait for all entries.
	want := map[string]bool{}
	for _, e := range n.MACs().Entries() {
		want[fmt.Sprintf("%d %d %s", e.Port, e.VLAN, FormatMAC(e.MAC))] = true
	}
	var got map[string]bool
	for deadline := time.Now().Add(10 * time.Second); ; {
		got = map[string]bool{}
		for _, m := range fdbLineRE.FindAllStringSubmatch(appctl("fdb/show", "xnbr0"), -1) {
			got[m[1]+" "+m[2]+" "+m[3]] = true
		}
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling OVS: no event to wait on
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("OVS learned %v\nwe learned %v", got, want)
	}

	inputs := map[string][]datapath.VLANTag{
		"untagged": nil, "prio5": tag(0, 5), "vlan10": tag(10, 0), "vlan20 pcp7": tag(20, 7), "vlan30": tag(30, 1),
	}
	compared, forwarded := 0, 0
	for _, in := range append([]uint32{local}, 1, 2, 3, 4, 5, 6, 7, 8, 9) {
		for name, tags := range inputs {
			for _, dst := range dsts {
				f := frame(t, mac(0x20+byte(in&0xf)), dst, tags...)
				if compareWithOVS(t, appctl, dp, n, ports, in, name, f, tags) {
					forwarded++
				}
				compared++
			}
		}
	}
	t.Logf("%d frames compared, %d forwarded", compared, forwarded)
	if forwarded < compared/4 {
		t.Fatalf("only %d of %d frames forwarded at all", forwarded, compared)
	}
}
