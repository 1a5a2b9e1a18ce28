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
		"group:2", "group:3", "group:4", "output:LOCAL", "mod_dl_dst:02:00:00:00:00:03,NORMAL",
		"write_actions(output:3)", "write_actions(group:1)", "mod_dl_src:02:00:00:00:00:09,output:2"}
	if ip {
		acts = append(acts, "set_field:10.0.0.9->ip_dst,output:1", "dec_ttl,output:2",
			"write_actions(set_field:10.0.0.8->ip_dst,output:1)", "push_vlan:0x8100,set_field:4106->vlan_vid,output:2,pop_vlan,output:3")
	}
	if vlan {
		// No second tag: OVS's NORMAL sees one tag (vlan-limit=1) and
		// edits double-tagged frames in ways that are its own.
		acts = append(acts, "pop_vlan,output:2", "set_field:4116->vlan_vid,output:3", "pop_vlan,NORMAL")
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
	for _, seed := range interopSeeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { pipelineLikeOVS(t, seed) })
	}
}

func pipelineLikeOVS(t *testing.T, seed uint64) {
	ovs := startOVSBridge(t)
	r := newRig(t, 3, FailStandalone)
	r.sw.cfg.Name = ovs.name // so that the port named after it is LOCAL
	if p, err := r.sw.AddPort(PortSpec{Name: ovs.name, Type: datapath.PortInternal}); err != nil || p.OFPort != LocalPort {
		t.Fatalf("LOCAL port: %+v %v", p, err)
	}
	ofctl := func(args ...string) (string, error) {
		return ovs.run("ovs-ofctl", append([]string{"-O", "OpenFlow13"}, args...)...)
	}
	for _, group := range []string{
		"group_id=1,type=all,bucket=output:1,bucket=set_field:10.0.0.7->ip_dst,output:2",
		"group_id=2,type=indirect,bucket=mod_dl_dst:02:00:00:00:00:07,output:3",
		"group_id=3,type=ff,bucket=watch_port:2,output:2,bucket=watch_port:3,output:3",
		"group_id=4,type=all,bucket=group:2,bucket=output:LOCAL,bucket=NORMAL",
	} {
		if out, err := ofctl("add-group", ovs.name, group); err != nil {
			t.Fatalf("ovs add-group: %v %s", err, out)
		}
		gm, err := ofp.ParseGroup(group, ofp.GroupAdd)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.sw.GroupMod(gm); err != nil {
			t.Fatalf("%s: %v", group, err)
		}
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
				// OVS's trace translates afresh and learns every time;
				// a packet that hit our cache would learn only at the
				// next revalidation (as OVS's own cached flows do). So
				// the cache is emptied first: every packet is translated.
				r.sw.mu.Lock()
				r.sw.deleteEntries(r.sw.selectEntries(nil))
				r.sw.unlock()
				r.send(in, f)
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
					t.Logf("want %v\ngot  %v", want, got)
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

// interopSeeds are the random tables compared; XVS_INTEROP_SEEDS=n runs n
// more (a longer hunt for differences).
var interopSeeds = func() []uint64 {
	s := []uint64{5, 6, 7}
	if n, err := strconv.Atoi(os.Getenv("XVS_INTEROP_SEEDS")); err == nil {
		for i := range n {
			s = append(s, uint64(100+i))
		}
	}
	return s
}()

var dumpLineRE = regexp.MustCompile(`cookie=(0x[0-9a-f]+), .*table=(\d+), .*?priority=(\d+)\S* .*actions=(.*)$`)

// ovsFlows lists OVS's flows as "table priority cookie actions", sorted.
func ovsFlows(t *testing.T, ofctl func(...string) (string, error), br string) []string {
	t.Helper()
	out, err := ofctl("dump-flows", br)
	if err != nil {
		t.Fatalf("dump-flows: %v %s", err, out)
	}
	var fs []string
	for _, l := range strings.Split(out, "\n") {
		if m := dumpLineRE.FindStringSubmatch(l); m != nil {
			fs = append(fs, fmt.Sprintf("%s %s %s %s", m[2], m[3], m[1], m[4]))
		}
	}
	slices.Sort(fs)
	return fs
}

// ourFlows lists the Switch's flows the same way.
func ourFlows(r *rig) []string {
	var fs []string
	for _, f := range r.flowStats("") {
		line := formatFlowStats(f)
		act := line[strings.LastIndex(line, "actions=")+len("actions="):]
		fs = append(fs, fmt.Sprintf("%d %d %#x %s", f.TableID, f.Priority, f.Cookie, act))
	}
	slices.Sort(fs)
	return fs
}

// TestFlowModsLikeOVS: random adds, modifies and deletes (strict or not,
// by cookie mask, out_port, table) leave the same flow tables in OVS and
// in a Switch.
func TestFlowModsLikeOVS(t *testing.T) {
	ovs := startOVSBridge(t)
	r := newRig(t, 3, FailSecure)
	ofctl := func(args ...string) (string, error) {
		return ovs.run("ovs-ofctl", append([]string{"-O", "OpenFlow13"}, args...)...)
	}
	ofctl("del-flows", ovs.name)
	r.mod(ofp.FlowDelete, "")
	rng := rand.New(rand.NewPCG(9, 9))
	match := func() string {
		ms := []string{"", "ip,", "ip,nw_dst=10.0.0.1,", "udp,tp_dst=5,", "in_port=2,", "ip,nw_src=10.0.0.0/24,"}
		return ms[rng.IntN(len(ms))]
	}
	acts := []string{"output:1", "output:2", "output:3", "drop", "NORMAL", "write_actions(output:2)"}
	ops := 0
	for step := 0; step < 150; step++ {
		var cmd, text string
		table := rng.IntN(2)
		cookie := fmt.Sprintf("cookie=0x%d%d", 1+rng.IntN(2), rng.IntN(3))
		switch rng.IntN(6) {
		case 0, 1, 2:
			cmd = "add-flow"
			text = fmt.Sprintf("table=%d,%s,priority=%d,%sactions=%s", table, cookie, rng.IntN(3), match(), acts[rng.IntN(len(acts))])
		case 3:
			cmd = "mod-flows"
			if rng.IntN(2) == 0 {
				cmd = "mod-flows --strict"
			}
			text = fmt.Sprintf("table=%d,cookie=0x%d0/0xf0,priority=%d,%sactions=%s", table, 1+rng.IntN(2), rng.IntN(3), match(), acts[rng.IntN(len(acts))])
		default:
			cmd = "del-flows"
			if rng.IntN(2) == 0 {
				cmd = "del-flows --strict"
			}
			sel := []string{fmt.Sprintf("table=%d,", table), fmt.Sprintf("cookie=0x%d0/0xf0,", 1+rng.IntN(2)),
				fmt.Sprintf("out_port=%d,", 1+rng.IntN(3)), ""}
			text = sel[rng.IntN(len(sel))] + match()
			if cmd != "del-flows" {
				// ovs-ofctl takes a priority only for strict deletes.
				text += fmt.Sprintf("priority=%d", rng.IntN(3))
			}
			text = strings.TrimSuffix(text, ",")
		}
		args := strings.Fields(cmd)
		out, oerr := ofctl(append(args, ovs.name, text)...)
		command := map[string]uint8{"add-flow": ofp.FlowAdd, "mod-flows": ofp.FlowModify, "del-flows": ofp.FlowDelete}[args[0]]
		if len(args) > 1 {
			command++ // the _STRICT variant
		}
		fs, perr := ofp.ParseFlow(text, command)
		if (oerr != nil) != (perr != nil) {
			t.Fatalf("%s %q: OVS %v %s, xvs parse %v", cmd, text, oerr, out, perr)
		}
		if oerr != nil {
			continue
		}
		if !strings.Contains(cmd, "add") && !strings.Contains(text, "table=") {
			fs.TableID = ofp.TableAll // ovs-ofctl's default for mod/del without table=
		}
		if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
			t.Fatalf("%s %q: OVS took it, xvs: %v", cmd, text, err)
		}
		ops++
		if got, want := ourFlows(r), ovsFlows(t, ofctl, ovs.name); !slices.Equal(got, want) {
			t.Fatalf("after %s %q:\nOVS %q\nxvs %q", cmd, text, want, got)
		}
	}
	if ops < 100 {
		t.Fatalf("only %d flow-mods compared", ops)
	}
}
