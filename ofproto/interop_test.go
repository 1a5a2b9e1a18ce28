package ofproto

// A differential check against Open vSwitch: the same random flow tables
// in ovs-vswitchd (dummy datapath) and in a Switch; the same frames traced
// through both (ofproto/trace); both datapath action lists executed on the
// frame; every port must get the same frames.

import (
	hexenc "encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
	"github.com/xvs-switch/xvs/tests/netns"
)

// ovsBridge is an ovs-vswitchd with one bridge of dummy ports p1..p3.
type ovsBridge struct {
	name   string
	run    func(name string, args ...string) (string, error)
	dpName map[uint32]string // datapath port -> port name
}

func startOVSBridge(t *testing.T) *ovsBridge {
	t.Helper()
	for _, c := range []string{"ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-appctl", "ovs-ofctl"} {
		testenv.RequireCommand(t, c)
	}
	const schema = "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(schema); err != nil {
		testenv.RequireCommand(t, schema)
	}
	dir := t.TempDir()
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir)
	cmd := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Env, c.Dir = env, dir
		return c
	}
	run := func(name string, args ...string) (string, error) {
		out, err := cmd(name, args...).CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) string {
		t.Helper()
		out, err := run(name, args...)
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return out
	}
	start := func(name string, args ...string) {
		t.Helper()
		c := cmd(name, args...)
		if err := c.Start(); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	}
	db := "unix:" + filepath.Join(dir, "db.sock")
	must("ovsdb-tool", "create", filepath.Join(dir, "conf.db"), schema)
	start("ovsdb-server", "--remote=p"+db, "--unixctl="+filepath.Join(dir, "db.ctl"),
		"--log-file="+filepath.Join(dir, "ovsdb.log"), filepath.Join(dir, "conf.db"))
	must("ovs-vsctl", "--db="+db, "--retry", "--timeout=20", "--no-wait", "init")
	ctl := filepath.Join(dir, "vswitchd.ctl")
	start("ovs-vswitchd", "--enable-dummy=override", "--disable-system", "--unixctl="+ctl,
		"--log-file="+filepath.Join(dir, "vswitchd.log"), db)
	br := "xo" + netns.Unique("")
	args := []string{"--db=" + db, "--timeout=20", "add-br", br, "--", "set", "bridge", br, "datapath_type=dummy",
		"protocols=OpenFlow10,OpenFlow13"}
	for i := 1; i <= 3; i++ {
		args = append(args, "--", "add-port", br, fmt.Sprintf("p%d", i),
			"--", "set", "interface", fmt.Sprintf("p%d", i), "type=dummy", fmt.Sprintf("ofport_request=%d", i))
	}
	must("ovs-vsctl", args...)
	b := &ovsBridge{name: br, dpName: map[uint32]string{}}
	b.run = func(name string, args ...string) (string, error) {
		if name == "ovs-appctl" {
			args = append([]string{"-t", ctl}, args...)
		}
		return run(name, args...)
	}
	re := regexp.MustCompile(`(?m)^\s+(\S+) (\d+)/(\d+):`)
	out, _ := b.run("ovs-appctl", "dpif/show")
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		d, _ := strconv.ParseUint(m[3], 10, 32)
		b.dpName[uint32(d)] = m[1]
	}
	if len(b.dpName) != 4 {
		t.Fatalf("dpif/show: %v\n%s", b.dpName, out)
	}
	return b
}

// interopFlow draws flow text both switches should take the same way.
func interopFlow(rng *rand.Rand, table, prio int) string {
	var m []string
	ip, vlan := false, false
	if rng.IntN(3) == 0 {
		m = append(m, fmt.Sprintf("in_port=%d", 1+rng.IntN(3)))
	}
	switch rng.IntN(5) {
	case 0:
		m, ip = append(m, "ip", fmt.Sprintf("nw_dst=10.0.0.%d", 1+rng.IntN(3))), true
	case 1:
		m, ip = append(m, "udp", fmt.Sprintf("tp_dst=%d", 1+rng.IntN(3))), true
	case 2:
		m, ip = append(m, "ip", "nw_src=10.0.0.0/30"), true
	case 3:
		m = append(m, fmt.Sprintf("dl_dst=02:00:00:00:00:0%d", 1+rng.IntN(3)))
	case 4:
		if rng.IntN(2) == 0 {
			m = append(m, "dl_vlan=10")
			vlan = true
		}
	}
	if table > 0 && rng.IntN(3) == 0 {
		m = append(m, "metadata=0x1/0x1")
	}
	acts := []string{"output:1", "output:2", "output:3", "NORMAL", "flood", "all", "in_port", "drop", "group:1",
		"write_actions(output:3)", "write_actions(group:1)", "mod_dl_src:02:00:00:00:00:09,output:2"}
	if ip {
		acts = append(acts, "set_field:10.0.0.9->ip_dst,output:1", "dec_ttl,output:2",
			"write_actions(set_field:10.0.0.8->ip_dst,output:1)", "push_vlan:0x8100,set_field:4106->vlan_vid,output:2,pop_vlan,output:3")
	}
	if vlan {
		acts = append(acts, "pop_vlan,output:2", "set_field:4116->vlan_vid,output:3", "pop_vlan,NORMAL",
			"push_vlan:0x88a8,output:1")
	}
	a := acts[rng.IntN(len(acts))]
	if a == "drop" && table < 2 && rng.IntN(2) == 0 {
		a = ""
	}
	if table < 2 && rng.IntN(3) == 0 {
		if a != "" {
			a += ","
		}
		if rng.IntN(2) == 0 {
			a += "write_metadata:0x1/0x1,"
		}
		a += fmt.Sprintf("goto_table:%d", table+1)
	}
	if a == "" {
		a = "drop"
	}
	return fmt.Sprintf("table=%d,priority=%d,%sactions=%s", table, prio, strings.Join(append(m, ""), ","), a)
}

// outputsByName executes acts on f and returns the frames each port got,
// sorted, under the port's name.
func outputsByName(f []byte, acts []datapath.Action, names map[uint32]string) map[string][]string {
	got := map[string][]string{}
	packet.Execute(f, acts, packet.Env{Output: func(p uint32, b []byte) {
		got[names[p]] = append(got[names[p]], hexenc.EncodeToString(b))
	}})
	for _, v := range got {
		slices.Sort(v)
	}
	return got
}

func TestPipelineLikeOVS(t *testing.T) {
	for _, seed := range []uint64{5, 6, 7} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { pipelineLikeOVS(t, seed) })
	}
}

func pipelineLikeOVS(t *testing.T, seed uint64) {
	ovs := startOVSBridge(t)
	r := newRig(t, 3, FailStandalone)
	if _, err := r.sw.AddPort(PortSpec{Name: ovs.name, Type: datapath.PortInternal}); err != nil {
		t.Fatal(err)
	}
	ofctl := func(args ...string) (string, error) {
		return ovs.run("ovs-ofctl", append([]string{"-O", "OpenFlow13"}, args...)...)
	}
	const group = "group_id=1,type=all,bucket=output:1,bucket=set_field:10.0.0.7->ip_dst,output:2"
	if out, err := ofctl("add-group", ovs.name, group); err != nil {
		t.Fatalf("ovs add-group: %v %s", err, out)
	}
	gm, _ := ofp.ParseGroup(group, ofp.GroupAdd)
	if err := r.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	var frames [][]byte
	for s := byte(1); s <= 3; s++ {
		for d := byte(1); d <= 3; d++ {
			// Not src == dst: OVS's trace learns the source before it
			// looks the destination up, ours does not learn at all.
			if s != d {
				frames = append(frames, udp(t, mac(s), mac(d), ip4(s), ip4(d), uint16(s), uint16(d)))
			}
		}
	}
	frames = append(frames, udp(t, mac(1), net6bcast, ip4(1), ip4(3), 2, 2))
	for s := byte(1); s <= 2; s++ {
		frames = append(frames, dptest.Build(t, &layers.Ethernet{SrcMAC: mac(s), DstMAC: mac(3 - s), EthernetType: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 10, Priority: 2, Type: layers.EthernetTypeIPv4},
			&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip4(s), DstIP: ip4(3 - s)},
			&layers.UDP{SrcPort: 7, DstPort: 3}, dptest.Payload(8)))
	}
	rng := rand.New(rand.NewPCG(seed, 8))
	actionsRE := regexp.MustCompile(`(?m)^Datapath actions: (.*)$`)
	compared, forwarded, flows, skipped := 0, 0, 0, 0
	for round := 0; round < 8; round++ {
		for i := 0; i < 6; i++ {
			table := rng.IntN(3)
			text := interopFlow(rng, table, 100+flows)
			fs, perr := ofp.ParseFlow(text, ofp.FlowAdd)
			out, oerr := ofctl("add-flow", ovs.name, text)
			if perr != nil || oerr != nil {
				skipped++
				t.Logf("skipped %q: ours %v, OVS %v %s", text, perr, oerr, out)
				continue
			}
			if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
				// OVS took it, xvs refused it: a real difference.
				t.Fatalf("OVS accepts %q, xvs refuses: %v", text, err)
			}
			flows++
		}
		for _, f := range frames {
			for in := uint32(1); in <= 3; in++ {
				out, err := ovs.run("ovs-appctl", "ofproto/trace", ovs.name, fmt.Sprintf("in_port=%d", in), hexenc.EncodeToString(f))
				m := actionsRE.FindStringSubmatch(out)
				if err != nil || m == nil {
					t.Fatalf("ovs trace: %v\n%s", err, out)
				}
				ovsActs, err := datapath.ParseActions(m[1])
				if err != nil {
					t.Fatalf("parse OVS actions %q: %v", m[1], err)
				}
				// OVS's trace learns MAC addresses as a packet would, so
				// ours is a real packet: translated (or cached) and run.
				tr, err := r.sw.Trace(in, f)
				if err != nil {
					t.Fatal(err)
				}
				r.send(in, f)
				// A packet from the cache learns nothing until the next
				// revalidation re-learns its source, as in OVS, whose
				// revalidators do the same; its trace re-translates (and
				// re-learns) every time.
				r.revalidate()
				got := map[string][]string{}
				for _, p := range r.sw.Ports() {
					for _, b := range r.recv(p.OFPort) {
						got[p.Name] = append(got[p.Name], hexenc.EncodeToString(b))
					}
					slices.Sort(got[p.Name])
				}
				want := outputsByName(f, ovsActs, ovs.dpName)
				if fmt.Sprint(want) != fmt.Sprint(got) {
					flowsOut, _ := ofctl("dump-flows", ovs.name)
					t.Fatalf("in_port %d frame %x:\nOVS  %s -> %v\nxvs  %s -> %v\nOVS trace:\n%s\nxvs trace:\n%s\nflows:\n%s",
						in, f[:14], m[1], keys(want), datapath.FormatActions(tr.Actions), keys(got), out, tr, flowsOut)
				}
				compared++
				if len(want) > 0 {
					forwarded++
				}
			}
		}
	}
	t.Logf("%d flows (%d skipped), %d traces compared, %d forwarded", flows, skipped, compared, forwarded)
	if flows < 20 || forwarded < compared/4 {
		t.Fatalf("too little compared: %d flows, %d of %d traces forwarded", flows, forwarded, compared)
	}
}

var net6bcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func keys(m map[string][]string) []string {
	var ks []string
	for k, v := range m {
		ks = append(ks, fmt.Sprintf("%s×%d", k, len(v)))
	}
	slices.Sort(ks)
	return ks
}
