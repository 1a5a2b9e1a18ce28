package datapath_test

import (
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
		"--", "add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy")
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
