package vsctl

// Command tests against the real Open vSwitch ovsdb-server, compared with
// the real ovs-vsctl where both can read the same database.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
)

// xvs runs xvs vsctl in-process against srv with --no-wait.
// forEachServer runs a test against Open vSwitch's ovsdb-server and
// against xvs ovsdb-server (in-process), each with a fresh database.
func forEachServer(t *testing.T, f func(t *testing.T, srv *ovstest.Server)) {
	t.Run("ovsdb-server", func(t *testing.T) { f(t, ovstest.Start(t)) })
	t.Run("xvs-ovsdb-server", func(t *testing.T) { f(t, ovstest.StartXVS(t)) })
}

func xvs(t *testing.T, srv *ovstest.Server, args ...string) (string, string, int) {
	t.Helper()
	return xvsRaw(append([]string{"--db=" + srv.Remote, "--no-wait"}, args...)...)
}

func xvsRaw(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// mustXVS runs xvs vsctl and fails the test on a non-zero exit.
func mustXVS(t *testing.T, srv *ovstest.Server, args ...string) string {
	t.Helper()
	out, errs, code := xvs(t, srv, args...)
	if code != 0 {
		t.Fatalf("xvs vsctl %q: exit %d: %s", args, code, errs)
	}
	return out
}

// ovs runs the real ovs-vsctl against srv with --no-wait.
func ovs(t *testing.T, srv *ovstest.Server, args ...string) (string, string, int) {
	t.Helper()
	bin := testenv.RequireCommand(t, "ovs-vsctl")
	cmd := exec.Command(bin, append([]string{"--db=" + srv.Remote, "--no-wait"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// records splits list-format output into records and sorts them: the
// order of rows is the server's (ovs-vsctl's is its hash table's).
func records(s string) []string {
	recs := strings.Split(strings.TrimSuffix(s, "\n"), "\n\n")
	slices.Sort(recs)
	return recs
}

// populate builds a configuration with xvs vsctl that touches every kind
// of value: scalars, optional values, sets, maps, references.
func populate(t *testing.T, srv *ovstest.Server) {
	t.Helper()
	mustXVS(t, srv, "add-br", "br0", "--", "set", "bridge", "br0", "fail_mode=secure",
		"other_config:a=b", `other_config:zz=x y`, "--", "br-set-external-id", "br0", "k", "v")
	mustXVS(t, srv, "add-port", "br0", "p1", "--", "set", "interface", "p1", "type=internal")
	mustXVS(t, srv, "add-port", "br0", "eth0", "tag=10", "trunks=1,2,3")
	mustXVS(t, srv, "set-controller", "br0", "tcp:1.2.3.4:6653", "ptcp:6654")
	mustXVS(t, srv, "set-manager", "ptcp:6640")
	mustXVS(t, srv, "add-bond", "br0", "bond0", "e1", "e2", "bond_mode=balance-slb")
	mustXVS(t, srv, "add-br", "br1", "--", "set-fail-mode", "br1", "standalone",
		"--", "add-port", "br1", "vx0", "--", "set", "Interface", "vx0", "type=vxlan", `options:remote_ip="10.0.0.2"`)
	mustXVS(t, srv, "--id=@q", "create", "QoS", "type=linux-htb", "other_config:max-rate=1000000",
		"--", "set", "port", "eth0", "qos=@q")
}

func TestReadCommandsMatchOVS(t *testing.T) { forEachServer(t, testReadCommandsMatchOVS) }

func testReadCommandsMatchOVS(t *testing.T, srv *ovstest.Server) {
	populate(t, srv)
	for _, args := range [][]string{
		{"show"},
		{"list-br"}, {"list-ports", "br0"}, {"list-ifaces", "br0"}, {"list-ports", "br1"},
		{"port-to-br", "eth0"}, {"iface-to-br", "e2"}, {"br-to-vlan", "br0"}, {"br-to-parent", "br1"},
		{"get-controller", "br0"}, {"get-fail-mode", "br0"}, {"get-fail-mode", "br1"}, {"get-manager"},
		{"br-get-external-id", "br0"}, {"br-get-external-id", "br0", "k"},
		{"get", "bridge", "br0", "name", "fail_mode", "other_config", "ports", "controller", "datapath_id"},
		{"get", "bridge", "br0", "other_config:zz"}, {"get", "port", "eth0", "tag", "trunks", "qos"},
		{"get", "Open_vSwitch", ".", "bridges", "manager_options"},
		{"get", "controller", "br1", "target"}, // br1 has no controller: no row
		{"list", "bridge", "br0"}, {"list", "port", "eth0", "bond0"}, {"list", "interface", "vx0"},
		{"list", "Open_vSwitch"}, {"list", "qos"},
		{"--columns=name,tag,trunks", "list", "port", "eth0"},
		{"--format=table", "list", "port", "eth0"}, {"--format=table", "--columns=name,type,options", "list", "interface", "vx0"},
		{"--format=csv", "find", "port", "tag=10"}, {"-f", "json", "find", "port", "name=bond0"},
		{"--format=json", "--data=string", "list", "bridge", "br1"},
		{"--bare", "--columns=name,tag", "find", "port", "name=eth0"}, {"--no-headings", "--format=table", "list", "bridge", "br1"},
		{"--oneline", "list-br", "--", "get-manager"},
		{"--format=html", "list", "bridge", "br0"}, {"--format=html", "-d", "bare", "--columns=_uuid,ports", "list", "bridge", "br1"},
		{"-d", "json", "--columns=name,other_config", "list", "bridge", "br0"}, {"--dry-run", "add-br", "brZ", "--", "list-br"},
		{"find", "interface", "type=internal"}, {"find", "port", "tag>5"}, {"find", "port", "trunks{>=}2"},
		{"find", "bridge", "other_config:a=b"}, {"find", "bridge", "fail_mode!=secure"},
		{"--columns=name", "find", "port", "trunks{=}[1,2,3]"}, {"--columns=name", "find", "port", "tag{in}[9,10]"}, {"--columns=name", "find", "port", "trunks{in}[1,2,3,4]"},
		{"--columns=name", "find", "port", "tag{not-in}[10]"}, {"--columns=name", "find", "port", "trunks{<=}[1,2,3,4]"},
	} {
		want, wantErr, wantCode := ovs(t, srv, args...)
		got, gotErr, gotCode := xvs(t, srv, args...)
		wantErr = strings.ReplaceAll(wantErr, "ovs-vsctl:", "xvs vsctl:")
		if gotCode != wantCode || gotErr != wantErr {
			t.Errorf("%q: exit %d, stderr %q; ovs-vsctl: exit %d, stderr %q", args, gotCode, gotErr, wantCode, wantErr)
		}
		if !slices.Contains(args, "list") && !slices.Contains(args, "find") || !strings.Contains(want, " : ") {
			if got != want {
				t.Errorf("%q:\n--- xvs vsctl\n%s--- ovs-vsctl\n%s", args, got, want)
			}
			continue
		}
		if g, w := records(got), records(want); !slices.Equal(g, w) {
			t.Errorf("%q (records sorted):\n--- xvs vsctl\n%s\n--- ovs-vsctl\n%s", args, strings.Join(g, "\n\n"), strings.Join(w, "\n\n"))
		}
	}
}

// TestOVSWritesXVSReads: what the real ovs-vsctl writes, xvs vsctl reads
// back the same way ovs-vsctl does.
func TestOVSWritesXVSReads(t *testing.T) { forEachServer(t, testOVSWritesXVSReads) }

func testOVSWritesXVSReads(t *testing.T, srv *ovstest.Server) {
	for _, args := range [][]string{
		{"add-br", "brA", "--", "set", "bridge", "brA", "protocols=OpenFlow10,OpenFlow13", "flood_vlans=5,6"},
		{"add-port", "brA", "tap0", "--", "set", "interface", "tap0", "ofport_request=7", "mtu_request=9000"},
		{"--id=@m", "create", "Mirror", "name=m0", "--", "add", "bridge", "brA", "mirrors", "@m"},
		{"set", "Open_vSwitch", ".", "external_ids:system-id=host1", "other_config:n-handler-threads=2", "ovs_version=3.1.0"},
		{"set-controller", "brA", "tcp:127.0.0.1:6653", "--", "set", "controller", "brA", "is_connected=true"},
		{"set", "interface", "tap0", `error="could not open network device tap0 (No such device)"`, "type=tap"},
		{"set", "port", "tap0", "tag=4", "trunks=4,5", "--", "set", "bridge", "brA", "datapath_type=netdev"},
		{"--bootstrap", "set-ssl", "/k", "/c", "/ca"},
	} {
		if _, errs, code := ovs(t, srv, args...); code != 0 {
			t.Fatalf("ovs-vsctl %q: %s", args, errs)
		}
	}
	for _, args := range [][]string{
		{"get-ssl"}, {"list", "ssl"},
		{"show"}, {"list", "bridge"}, {"list", "mirror"}, {"list", "interface", "tap0"},
		{"get", "bridge", "brA", "protocols", "flood_vlans", "mirrors"},
		{"get", "Open_vSwitch", ".", "external_ids", "other_config:n-handler-threads"},
		{"get", "mirror", "m0", "name"}, {"list", "controller"}, {"get", "controller", "brA", "target", "is_connected"},
	} {
		want, _, _ := ovs(t, srv, args...)
		got, errs, code := xvs(t, srv, args...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
		if args[0] == "list" {
			got, want = strings.Join(records(got), "\n\n"), strings.Join(records(want), "\n\n")
		}
		if got != want {
			t.Errorf("%q:\n--- xvs vsctl\n%s--- ovs-vsctl\n%s", args, got, want)
		}
	}
}

func TestErrorsMatchOVS(t *testing.T) { forEachServer(t, testErrorsMatchOVS) }

func testErrorsMatchOVS(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0", "--", "add-port", "br0", "p0")
	for _, args := range [][]string{
		{"add-br", "br0"}, {"add-br", "p0"}, {"del-br", "nobr"}, {"--if-exists", "del-br", "nobr"},
		{"br-exists", "nobr"}, {"br-exists", "br0"},
		{"add-port", "nobr", "p9"}, {"add-port", "br0", "p0"}, {"--may-exist", "add-port", "br0", "p0"},
		{"del-port", "nop"}, {"del-port", "br0", "br0"}, {"port-to-br", "nop"}, {"iface-to-br", "nop"},
		{"add-bond", "br0", "b0", "e1", "x=y"}, {"set-fail-mode", "br0", "open"},
		{"get", "bridge", "br0", "nosuch"}, {"get", "bridge", "nobr", "name"}, {"--if-exists", "get", "bridge", "nobr", "name"},
		{"get", "bridge", "br0", "other_config:missing"}, {"list", "nosuchtable"},
		{"set", "bridge", "br0", "stp_enable=maybe"}, {"set", "bridge", "br0", "fail_mode=bad"},
		{"set", "port", "p0", "tag=5000"}, {"set", "port", "p0", "tag=x"},
		{"clear", "port", "p0", "interfaces"},
		{"remove", "port", "p0", "interfaces", "nosuchuuid"},
		{"frobnicate"}, {"add-br"}, {"del-br", "a", "b"},
		{"add", "bridge", "br0", "controller", "@c"},
		{"find", "bridge", "name"}, {"set", "bridge", "br0", "other_config:"}, {"set", "bridge", "br0", "name"},
		{"get", "bridge", "br0", `other_config:"a`},
	} {
		_, wantErr, wantCode := ovs(t, srv, args...)
		_, gotErr, gotCode := xvs(t, srv, args...)
		wantErr = strings.ReplaceAll(wantErr, "ovs-vsctl:", "xvs vsctl:")
		if gotCode != wantCode || gotErr != wantErr {
			t.Errorf("%q: exit %d, stderr %q; ovs-vsctl: exit %d, stderr %q", args, gotCode, gotErr, wantCode, wantErr)
		}
		if gotErr != "" && strings.Count(gotErr, "\n") != 1 {
			t.Errorf("%q: stderr %q is not one line", args, gotErr)
		}
	}
}

// selectRows reads a table straight from the server.
func selectRows(t *testing.T, srv *ovstest.Server, table string, where ...any) []map[string]json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, srv.Remote)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if where == nil {
		where = []any{}
	}
	res, err := c.Transact(ctx, dbName, map[string]any{"op": "select", "table": table, "where": where})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].Rows
}

func TestDatabaseHoldsWhatCommandsSay(t *testing.T) {
	forEachServer(t, testDatabaseHoldsWhatCommandsSay)
}

func testDatabaseHoldsWhatCommandsSay(t *testing.T, srv *ovstest.Server) {
	populate(t, srv)
	br := selectRows(t, srv, "Bridge", []any{"name", "==", "br0"})
	if len(br) != 1 || string(br[0]["fail_mode"]) != `"secure"` {
		t.Fatalf("bridge br0 rows %v", br)
	}
	if oc := string(br[0]["other_config"]); oc != `["map",[["a","b"],["zz","x y"]]]` {
		t.Errorf("other_config %s", oc)
	}
	p := selectRows(t, srv, "Port", []any{"name", "==", "eth0"})
	if len(p) != 1 || string(p[0]["tag"]) != "10" || string(p[0]["trunks"]) != `["set",[1,2,3]]` {
		t.Fatalf("port eth0 %v", p)
	}
	// create prints the UUID the server gave the row.
	out := mustXVS(t, srv, "--id=@c", "create", "Controller", `target="tcp:9.9.9.9"`, "--", "add", "bridge", "br1", "controller", "@c")
	u := strings.TrimSpace(out)
	c := selectRows(t, srv, "Controller", []any{"_uuid", "==", []any{"uuid", u}})
	if len(c) != 1 || string(c[0]["target"]) != `"tcp:9.9.9.9"` {
		t.Fatalf("create printed %q; the server has %v", u, c)
	}
	// del-br removes the bridge, its ports and interfaces.
	mustXVS(t, srv, "del-br", "br0")
	if n := len(selectRows(t, srv, "Port", []any{"name", "==", "eth0"})); n != 0 {
		t.Errorf("port eth0 still there after del-br")
	}
	if n := len(selectRows(t, srv, "Interface", []any{"name", "==", "e1"})); n != 0 {
		t.Errorf("interface e1 still there after del-br")
	}
	// del-port, del-controller, del-manager, del-fail-mode.
	mustXVS(t, srv, "del-port", "br1", "vx0", "--", "del-controller", "br1", "--", "del-manager", "--", "del-fail-mode", "br1")
	if n := len(selectRows(t, srv, "Interface", []any{"name", "==", "vx0"})); n != 0 {
		t.Errorf("vx0 still there after del-port")
	}
	if n := len(selectRows(t, srv, "Controller")) + len(selectRows(t, srv, "Manager")); n != 0 {
		t.Errorf("%d controllers and managers left", n)
	}
	if fm := string(selectRows(t, srv, "Bridge")[0]["fail_mode"]); fm != `["set",[]]` {
		t.Errorf("fail_mode %s after del-fail-mode", fm)
	}
	// emer-reset clears what the tests set.
	mustXVS(t, srv, "set-controller", "br1", "tcp:1.1.1.1", "--", "set-manager", "ptcp:1", "--", "emer-reset")
	if n := len(selectRows(t, srv, "Controller")) + len(selectRows(t, srv, "Manager")); n != 0 {
		t.Errorf("%d controllers and managers left after emer-reset", n)
	}
}

func TestChainIsOneTransaction(t *testing.T) { forEachServer(t, testChainIsOneTransaction) }

func testChainIsOneTransaction(t *testing.T, srv *ovstest.Server) {
	_, errs, code := xvs(t, srv, "add-br", "brX", "--", "add-port", "nobr", "p1")
	if code == 0 || !strings.Contains(errs, "no bridge named nobr") {
		t.Fatalf("exit %d, stderr %q: want the second command's error", code, errs)
	}
	if n := len(selectRows(t, srv, "Bridge")); n != 0 {
		t.Fatalf("%d bridges after a failed chain; the first command must not commit", n)
	}
	// Commands later in the chain see what earlier ones did.
	out := mustXVS(t, srv, "add-br", "brX", "--", "add-port", "brX", "p1", "--", "list-ports", "brX", "--", "del-port", "p1", "--", "list-ports", "brX")
	if out != "p1\n" {
		t.Fatalf("chained output %q, want p1 listed once (before del-port)", out)
	}
	// A reference to a symbol nobody creates fails the whole line.
	_, errs, code = xvs(t, srv, "add-br", "brY", "--", "add", "bridge", "brY", "controller", "@nope")
	if code == 0 || !strings.Contains(errs, "never created") {
		t.Fatalf("dangling @nope: exit %d, %q", code, errs)
	}
	if n := len(selectRows(t, srv, "Bridge", []any{"name", "==", "brY"})); n != 0 {
		t.Fatalf("brY committed despite the error")
	}
}

// daemon plays vswitchd: it watches next_cfg and, when told to, writes
// cur_cfg = next_cfg.
func daemon(t *testing.T, srv *ovstest.Server, seen chan<- int64, apply <-chan bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := client.Dial(ctx, srv.Remote)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_, mon, err := c.Monitor(ctx, dbName, map[string]client.MonitorRequest{"Open_vSwitch": {Columns: []string{"next_cfg"}}})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for tu := range mon.Updates() {
			for u, ru := range tu["Open_vSwitch"] {
				var next int64
				if ru.New == nil || json.Unmarshal(ru.New["next_cfg"], &next) != nil || next == 0 {
					continue
				}
				seen <- next
				if !<-apply {
					return
				}
				c.Transact(ctx, dbName, map[string]any{"op": "update", "table": "Open_vSwitch",
					"where": []any{[]any{"_uuid", "==", []any{"uuid", u}}}, "row": map[string]any{"cur_cfg": next}})
			}
		}
	}()
}

func TestWaitsForCurCfg(t *testing.T) { forEachServer(t, testWaitsForCurCfg) }

func testWaitsForCurCfg(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "init")
	seen := make(chan int64, 1)
	apply := make(chan bool)
	daemon(t, srv, seen, apply)
	done := make(chan int, 1)
	var errs string
	go func() {
		var code int
		_, errs, code = xvsRaw("--db="+srv.Remote, "--timeout=20", "add-br", "brW")
		done <- code
	}()
	next := <-seen
	if next != 1 {
		t.Errorf("next_cfg = %d, want 1", next)
	}
	select {
	case code := <-done:
		t.Fatalf("vsctl returned (exit %d, %s) before the daemon wrote cur_cfg", code, errs)
	default:
	}
	apply <- true
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ovs := selectRows(t, srv, "Open_vSwitch")
	if string(ovs[0]["cur_cfg"]) != "1" || string(ovs[0]["next_cfg"]) != "1" {
		t.Errorf("cur_cfg %s next_cfg %s", ovs[0]["cur_cfg"], ovs[0]["next_cfg"])
	}
	// A read-only command does not bump next_cfg nor wait.
	if out, errs, code := xvsRaw("--db="+srv.Remote, "--timeout=5", "list-br"); code != 0 || out != "brW\n" {
		t.Errorf("list-br: %q %q %d", out, errs, code)
	}
}

func TestTimeoutMessage(t *testing.T) { forEachServer(t, testTimeoutMessage) }

func testTimeoutMessage(t *testing.T, srv *ovstest.Server) {
	start := time.Now()
	_, errs, code := xvsRaw("--db="+srv.Remote, "--timeout=1", "add-br", "brT")
	if code == 0 {
		t.Fatal("exit 0 without a daemon to write cur_cfg")
	}
	if !strings.Contains(errs, "timeout expired after 1s") || !strings.Contains(errs, "cur_cfg") || strings.Count(errs, "\n") != 1 {
		t.Errorf("stderr %q: want one line naming the timeout and cur_cfg", errs)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v for a 1 s timeout", d)
	}
	// The change itself was committed: only the wait timed out.
	if n := len(selectRows(t, srv, "Bridge", []any{"name", "==", "brT"})); n != 1 {
		t.Errorf("brT rows %d, want 1", n)
	}
	// A server that is not there.
	_, errs, code = xvsRaw("--db=unix:"+srv.Dir+"/nothing.sock", "list-br")
	if code == 0 || !strings.Contains(errs, "database connection failed") {
		t.Errorf("no server: exit %d, %q", code, errs)
	}
}

func TestWaitUntil(t *testing.T) { forEachServer(t, testWaitUntil) }

func testWaitUntil(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "init")
	done := make(chan string, 1)
	go func() {
		out, errs, code := xvsRaw("--db="+srv.Remote, "--no-wait", "--timeout=20", "wait-until", "bridge", "brU", "fail_mode=secure", "--", "get", "bridge", "brU", "name")
		done <- out + errs + string(rune('0'+code))
	}()
	mustXVS(t, srv, "add-br", "brU")
	select {
	case r := <-done:
		t.Fatalf("wait-until returned %q before fail_mode was set", r)
	default:
	}
	mustXVS(t, srv, "set-fail-mode", "brU", "secure")
	if r := <-done; r != "brU\n0" {
		t.Fatalf("wait-until: %q", r)
	}
}

// Concurrent runs that each rewrite Bridge.ports must not lose each
// other's ports: the verify-and-retry of the transaction keeps them all.
func TestConcurrentAddPort(t *testing.T) { forEachServer(t, testConcurrentAddPort) }

func testConcurrentAddPort(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0")
	const n = 8
	errs := make(chan string, n)
	for i := range n {
		go func() {
			_, e, code := xvs(t, srv, "add-port", "br0", "cp"+string(rune('a'+i)))
			if code != 0 {
				e = "exit " + e
			}
			errs <- e
		}()
	}
	for range n {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
	out := mustXVS(t, srv, "list-ports", "br0")
	if got := strings.Count(out, "\n"); got != n {
		t.Fatalf("list-ports after %d concurrent add-ports:\n%s", n, out)
	}
}

// Fake (VLAN) bridges: whichever tool writes them, both tools read the
// same answers back.
func TestFakeBridges(t *testing.T) {
	reads := [][]string{
		{"list-br"}, {"--real", "list-br"}, {"--fake", "list-br"},
		{"br-to-vlan", "vl10"}, {"br-to-parent", "vl10"}, {"br-to-vlan", "br0"}, {"br-to-parent", "br0"},
		{"list-ports", "br0"}, {"list-ports", "vl10"}, {"list-ifaces", "vl10"}, {"list-ifaces", "br0"},
		{"port-to-br", "a1"}, {"port-to-br", "b1"}, {"port-to-br", "vl10"}, {"iface-to-br", "a1"},
		{"br-exists", "vl10"}, {"br-get-external-id", "vl10"}, {"br-get-external-id", "br0"},
		{"get-controller", "vl10"}, {"show"},
		{"add-br", "vl11", "br0", "10"}, {"--may-exist", "add-br", "vl10", "br0", "11"},
		{"--may-exist", "add-br", "vl10"}, {"--may-exist", "add-br", "br0", "br0", "3"},
		{"add-br", "x", "vl10", "3"}, {"add-br", "x", "nobr", "3"}, {"add-br", "x", "br0", "5000"},
		{"del-port", "br0", "a1"},
	}
	writes := [][]string{
		{"add-br", "br0", "--", "set-controller", "br0", "tcp:1.2.3.4"},
		{"add-br", "vl10", "br0", "10"},
		{"add-port", "vl10", "a1", "--", "add-port", "br0", "b1", "--", "add-port", "br0", "c1", "tag=10"},
		{"br-set-external-id", "vl10", "k", "v", "--", "br-set-external-id", "br0", "k0", "v0"},
		{"--may-exist", "add-br", "vl10", "br0", "10"},
	}
	for _, writer := range []string{"xvs", "ovs"} {
		forEachServer(t, func(t *testing.T, srv *ovstest.Server) {
			t.Log(writer + " writes")
			for _, w := range writes {
				var errs string
				var code int
				if writer == "xvs" {
					_, errs, code = xvs(t, srv, w...)
				} else {
					_, errs, code = ovs(t, srv, w...)
				}
				if code != 0 {
					t.Fatalf("%s %q: %s", writer, w, errs)
				}
			}
			for _, args := range reads {
				want, wantErr, wantCode := ovs(t, srv, args...)
				got, gotErr, gotCode := xvs(t, srv, args...)
				wantErr = strings.ReplaceAll(wantErr, "ovs-vsctl:", "xvs vsctl:")
				if got != want || gotErr != wantErr || gotCode != wantCode {
					t.Errorf("%q:\n--- xvs vsctl (exit %d)\n%s%s--- ovs-vsctl (exit %d)\n%s%s", args, gotCode, got, gotErr, wantCode, want, wantErr)
				}
			}
			// del-br of the fake bridge takes its ports, not the parent's.
			mustXVS(t, srv, "del-br", "vl10")
			if out := mustXVS(t, srv, "list-ports", "br0"); out != "b1\n" {
				t.Errorf("after del-br vl10: list-ports br0 = %q, want b1", out)
			}
			if out, _, _ := ovs(t, srv, "list-br"); out != "br0\n" {
				t.Errorf("after del-br vl10: ovs-vsctl list-br = %q", out)
			}
		})
	}
}

func TestSSL(t *testing.T) { forEachServer(t, testSSL) }

func testSSL(t *testing.T, srv *ovstest.Server) {
	if out := mustXVS(t, srv, "get-ssl"); out != "" {
		t.Fatalf("get-ssl on an empty database: %q", out)
	}
	mustXVS(t, srv, "set-ssl", "/k", "/c", "/ca", "--", "comment", "any", "words")
	mustXVS(t, srv, "--bootstrap", "set-ssl", "/k2", "/c2", "/ca2")
	want, _, _ := ovs(t, srv, "get-ssl")
	if got := mustXVS(t, srv, "get-ssl"); got != want || !strings.Contains(got, "Bootstrap: true") {
		t.Errorf("get-ssl: %q; ovs-vsctl: %q", got, want)
	}
	if n := len(selectRows(t, srv, "SSL")); n != 1 {
		t.Errorf("%d SSL rows after two set-ssl, want 1", n)
	}
	mustXVS(t, srv, "del-ssl")
	if n := len(selectRows(t, srv, "SSL")); n != 0 {
		t.Errorf("%d SSL rows after del-ssl", n)
	}
}

// --retry waits for a server that is not there yet.
func TestRetry(t *testing.T) {
	srv := ovstest.StartXVS(t)
	sock := srv.Dir + "/later.sock"
	done := make(chan string, 1)
	go func() {
		out, errs, code := xvsRaw("--db=unix:"+sock, "--retry", "--no-wait", "--timeout=20", "list-br")
		done <- out + errs + string(rune('0'+code))
	}()
	select {
	case r := <-done:
		t.Fatalf("returned %q with no server", r)
	case <-time.After(100 * time.Millisecond):
	}
	// Bring the server up on that path: a unix-socket relay to srv.
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", srv.Sock)
			if err != nil {
				c.Close()
				return
			}
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	if r := <-done; r != "0" {
		t.Fatalf("--retry: %q, want exit 0 once the server is up", r)
	}
}

// Setting a column to the value it has is no change: nothing is written
// and, as with ovs-vsctl, nothing waits for cur_cfg.
func TestUnchangedDoesNotWait(t *testing.T) { forEachServer(t, testUnchangedDoesNotWait) }

func testUnchangedDoesNotWait(t *testing.T, srv *ovstest.Server) {
	mustXVS(t, srv, "add-br", "br0", "--", "set-fail-mode", "br0", "secure")
	_, errs, code := xvsRaw("--db="+srv.Remote, "--timeout=5", "set", "bridge", "br0", "fail_mode=secure", "--", "set-fail-mode", "br0", "secure")
	if code != 0 {
		t.Fatalf("unchanged set waited or failed: exit %d: %s", code, errs)
	}
	if next := string(selectRows(t, srv, "Open_vSwitch")[0]["next_cfg"]); next != "0" {
		t.Errorf("next_cfg = %s after an unchanged line, want 0", next)
	}
}
