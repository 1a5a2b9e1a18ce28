package datapath_test

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// ovsDummy runs ovsdb-server and ovs-vswitchd with OVS's in-memory
// "dummy" datapath in a private directory, and returns a function that
// runs ovs-appctl against that vswitchd.
func ovsDummy(t *testing.T) func(args ...string) (string, error) {
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
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := cmd(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
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
	// --retry waits for the server to listen.
	run("ovs-vsctl", "--db="+db, "--retry", "--timeout=20", "--no-wait", "init")
	ctl := filepath.Join(dir, "vswitchd.ctl")
	start("ovs-vswitchd", "--enable-dummy=override", "--disable-system", "--unixctl="+ctl,
		"--log-file="+filepath.Join(dir, "vswitchd.log"), db)
	// Without --no-wait, vsctl returns once vswitchd applied the change.
	// vlan-limit 2 lets the datapath take QinQ keys.
	run("ovs-vsctl", "--db="+db, "--timeout=20", "set", "Open_vSwitch", ".", "other_config:vlan-limit=2",
		"--", "add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy",
		"--", "add-port", "br0", "p1", "--", "set", "interface", "p1", "type=dummy", "ofport_request=1")
	return func(args ...string) (string, error) {
		out, err := cmd("ovs-appctl", append([]string{"-t", ctl}, args...)...).CombinedOutput()
		return string(out), err
	}
}

// TestTextFormLikeOVS installs flows whose keys and actions we print into
// Open vSwitch's userspace datapath and checks that ovs-dpctl's dump of them
// prints exactly our text.
func TestTextFormLikeOVS(t *testing.T) {
	appctl := ovsDummy(t)
	// The revalidator deletes datapath flows that OpenFlow did not ask for;
	// hold it while ours are in.
	if out, err := appctl("revalidator/pause"); err != nil {
		t.Fatalf("revalidator/pause: %v\n%s", err, out)
	}
	actions := []string{
		"100",
		"100,push_vlan(vid=10,pcp=0),100",
		"set(eth(src=00:00:00:00:00:09)),pop_vlan,100",
		"meter(3),100",
		"drop",
	}
	want := map[string]string{} // key -> actions
	i := 0
	for _, c := range dptest.Corpus(t) {
		k := packet.Extract(c.Frame, 1)
		// OVS's userspace datapath takes only fully parsed keys, and has
		// no PBB or ipv6_exthdr attributes.
		if !k.Fields.Has(datapath.FieldEth) || k.Fields.Has(datapath.FieldPBB) || k.IPv6ExtHdr != 0 ||
			(k.Fields&(datapath.FieldIPv4|datapath.FieldIPv6|datapath.FieldARP|datapath.FieldMPLS) == 0) ||
			(k.Fields&(datapath.FieldIPv4|datapath.FieldIPv6) != 0 && k.IPFrag != datapath.FragLater &&
				k.Fields&(datapath.FieldTCP|datapath.FieldUDP|datapath.FieldICMP|datapath.FieldICMPv6) == 0) {
			continue
		}
		acts, err := datapath.ParseActions(actions[i%len(actions)])
		if err != nil {
			t.Fatal(err)
		}
		i++
		key, text := k.String(), datapath.FormatActions(acts)
		if out, err := appctl("dpctl/add-flow", "dummy@ovs-dummy", key, text); err != nil {
			t.Errorf("%s: OVS rejected %s actions:%s: %v\n%s", c.Name, key, text, err, out)
			continue
		}
		want[key] = text
	}
	if len(want) < 10 {
		t.Fatalf("only %d flows accepted", len(want))
	}
	out, err := appctl("dpctl/dump-flows", "dummy@ovs-dummy")
	if err != nil {
		t.Fatalf("dump-flows: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimPrefix(line, "recirc_id(0),")
		key, rest, ok := strings.Cut(line, ", packets:")
		if !ok {
			continue
		}
		_, acts, _ := strings.Cut(rest, "actions:")
		got[key] = acts
		// And we read what OVS printed back to the same key and actions.
		if _, _, err := datapath.ParseFlow(line); err != nil {
			t.Errorf("ParseFlow of OVS's %q: %v", line, err)
		}
	}
	for k, a := range want {
		ga, ok := got[k]
		switch {
		case !ok:
			t.Errorf("OVS did not print the key as we do:\n ours %s\n dump %s", k, out)
		case ga != a:
			t.Errorf("%s: OVS prints actions %q, we print %q", k, ga, a)
		}
	}
}

// Frames on which our parsing rules knowingly differ from Open vSwitch's.
var ovsParseDiffers = map[string]string{
	"802.3-llc":           "OVS reads the ethertype of an LLC/SNAP header; we key 802.3 frames as EthTypeNone",
	"tcp4-truncated":      "OVS drops the IPv4 header when its total length exceeds the frame; we key what parsed",
	"ipv6-later-fragment": "OVS sets nw_proto 44 on later IPv6 fragments; we keep the fragment header's next header, as for IPv4",
	"pbb":                 "OVS does not parse the PBB I-TAG",
}

// ovsFlowFields is what ofproto/trace prints on its "Flow:" line for a
// key, in its names and formats.
func ovsFlowFields(k datapath.FlowKey) map[string]string {
	m := map[string]string{}
	mac := func(a [6]byte) string {
		return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5])
	}
	m["dl_src"], m["dl_dst"] = mac(k.EthSrc), mac(k.EthDst)
	switch {
	case k.Fields.Has(datapath.FieldVLAN1):
		m["dl_vlan1"], m["dl_vlan_pcp1"] = fmt.Sprint(k.VLAN[1].VID()), fmt.Sprint(k.VLAN[1].PCP())
		fallthrough
	case k.Fields.Has(datapath.FieldVLAN0):
		m["dl_vlan"], m["dl_vlan_pcp"] = fmt.Sprint(k.VLAN[0].VID()), fmt.Sprint(k.VLAN[0].PCP())
		if !k.Fields.Has(datapath.FieldVLAN1) {
			m["vlan_tci1"] = "0x0000"
		}
	default:
		m["vlan_tci"] = "0x0000"
	}
	ip4 := func(a [4]byte) string { return netip.AddrFrom4(a).String() }
	ip6 := func(a [16]byte) string { return netip.AddrFrom16(a).String() }
	nw := func() {
		m["nw_proto"] = fmt.Sprint(k.IPProto)
		m["nw_tos"], m["nw_ecn"], m["nw_ttl"] = fmt.Sprint(k.IPTOS&0xfc), fmt.Sprint(k.ECN()), fmt.Sprint(k.IPTTL)
		m["nw_frag"] = k.IPFrag.String()
		if k.IPFrag == datapath.FragLater {
			return
		}
		switch k.IPProto {
		case datapath.ProtoTCP, datapath.ProtoUDP, datapath.ProtoSCTP:
			m["tp_src"], m["tp_dst"] = fmt.Sprint(k.TPSrc), fmt.Sprint(k.TPDst)
			if k.IPProto == datapath.ProtoTCP {
				m["tcp_flags"] = fmt.Sprintf("%#x", k.TCPFlags)
			}
		case datapath.ProtoICMP, datapath.ProtoICMPv6:
			m["icmp_type"], m["icmp_code"] = fmt.Sprint(k.ICMPType), fmt.Sprint(k.ICMPCode)
			if k.Fields.Has(datapath.FieldND) {
				m["nd_target"], m["nd_sll"], m["nd_tll"] = ip6(k.NDTarget), mac(k.NDSLL), mac(k.NDTLL)
			}
		}
	}
	switch k.EthType {
	case datapath.EthTypeIPv4:
		m["nw_src"], m["nw_dst"] = ip4(k.IPv4Src), ip4(k.IPv4Dst)
		nw()
	case datapath.EthTypeIPv6:
		m["ipv6_src"], m["ipv6_dst"], m["ipv6_label"] = ip6(k.IPv6Src), ip6(k.IPv6Dst), fmt.Sprintf("0x%05x", k.IPv6Label)
		nw()
	case datapath.EthTypeARP, datapath.EthTypeRARP:
		m["arp_spa"], m["arp_tpa"], m["arp_op"] = ip4(k.ARPSpa), ip4(k.ARPTpa), fmt.Sprint(k.ARPOp)
		m["arp_sha"], m["arp_tha"] = mac(k.ARPSha), mac(k.ARPTha)
	case datapath.EthTypeMPLS, datapath.EthTypeMPLSMcast:
		m["mpls_label"], m["mpls_tc"], m["mpls_ttl"], m["mpls_bos"] = fmt.Sprint(k.MPLSLabel), fmt.Sprint(k.MPLSTC), fmt.Sprint(k.MPLSTTL), fmt.Sprint(k.MPLSBOS)
	default:
		m["dl_type"] = fmt.Sprintf("0x%04x", k.EthType)
	}
	return m
}

// TestExtractLikeOVS runs every corpus frame through Open vSwitch's own
// flow extraction (ofproto/trace) and compares the fields with Extract's,
// except where our documented rules differ on purpose.
func TestExtractLikeOVS(t *testing.T) {
	appctl := ovsDummy(t)
	compared := 0
	for _, c := range dptest.Corpus(t) {
		if why, ok := ovsParseDiffers[c.Name]; ok {
			t.Logf("%s: skipped: %s", c.Name, why)
			continue
		}
		out, err := appctl("ofproto/trace", "br0", "in_port=1", hex.EncodeToString(c.Frame))
		if err != nil {
			t.Fatalf("%s: trace: %v\n%s", c.Name, err, out)
		}
		line, _, _ := strings.Cut(out, "\n")
		line, ok := strings.CutPrefix(line, "Flow: ")
		if !ok {
			t.Fatalf("%s: no Flow: line in\n%s", c.Name, out)
		}
		ovs := map[string]string{}
		for _, f := range strings.Split(line, ",") {
			if n, v, ok := strings.Cut(f, "="); ok {
				ovs[n] = v
			} else if p, ok := map[string]string{"tcp": "6", "tcp6": "6", "udp": "17", "udp6": "17",
				"sctp": "132", "sctp6": "132", "icmp": "1", "icmp6": "58"}[f]; ok {
				ovs["nw_proto"] = p // the keyword stands for it
			}
		}
		if tf, ok := ovs["tcp_flags"]; ok { // names to a number, through our own parser
			k, err := datapath.ParseKey("in_port(0),tcp_flags(" + tf + ")")
			if err != nil {
				t.Fatalf("%s: tcp_flags=%s: %v", c.Name, tf, err)
			}
			ovs["tcp_flags"] = fmt.Sprintf("%#x", k.TCPFlags)
		}
		ours := ovsFlowFields(packet.Extract(c.Frame, 1))
		for n, v := range ours {
			if ovs[n] != v {
				t.Errorf("%s: %s: OVS %q, Extract %q\n OVS: %s", c.Name, n, ovs[n], v, line)
			}
			compared++
		}
		for n := range ovs {
			if _, ok := ours[n]; !ok && n != "in_port" && !strings.HasPrefix(n, "mpls_lse") {
				t.Errorf("%s: OVS has %s=%s, Extract nothing\n OVS: %s", c.Name, n, ovs[n], line)
			}
		}
	}
	if compared < 200 {
		t.Errorf("only %d fields compared", compared)
	}
}
