package server

// Interop with the real Open vSwitch tools: ovs-vsctl and ovsdb-client run
// unchanged against this server and the built-in Open_vSwitch schema.

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

func vsctl(t *testing.T, ts *testServer, args ...string) (string, error) {
	t.Helper()
	bin := testenv.RequireCommand(t, "ovs-vsctl")
	full := append([]string{"--db=unix:" + ts.sock, "--no-wait", "--timeout=10", "--no-syslog"}, args...)
	out, err := exec.Command(bin, full...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mustVsctl(t *testing.T, ts *testServer, args ...string) string {
	t.Helper()
	out, err := vsctl(t, ts, args...)
	if err != nil {
		t.Fatalf("ovs-vsctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if strings.Contains(out, "WARN") {
		t.Fatalf("ovs-vsctl %s warned:\n%s", strings.Join(args, " "), out)
	}
	return out
}

func expect(t *testing.T, ts *testServer, want string, args ...string) {
	t.Helper()
	if got := mustVsctl(t, ts, args...); got != want {
		t.Fatalf("ovs-vsctl %s = %q, want %q", strings.Join(args, " "), got, want)
	}
}

func TestOVSVsctl(t *testing.T) {
	ts := startServer(t, "", Config{})
	testenv.RequireCommand(t, "ovs-vsctl")

	mustVsctl(t, ts, "add-br", "br0")
	expect(t, ts, "br0", "list-br")
	mustVsctl(t, ts, "add-port", "br0", "p1", "tag=10", "--", "set", "interface", "p1", "type=internal", "options:remote_ip=192.0.2.1")
	mustVsctl(t, ts, "--may-exist", "add-br", "br0")
	expect(t, ts, "p1", "list-ports", "br0")
	expect(t, ts, "br0", "port-to-br", "p1")
	expect(t, ts, "10", "get", "port", "p1", "tag")
	expect(t, ts, "internal", "get", "interface", "p1", "type")
	expect(t, ts, `"192.0.2.1"`, "get", "interface", "p1", "options:remote_ip")

	mustVsctl(t, ts, "set", "bridge", "br0", "fail_mode=secure", "other_config:hwaddr=02:00:00:00:00:01", "protocols=OpenFlow10,OpenFlow13")
	expect(t, ts, "secure", "get", "bridge", "br0", "fail_mode")
	expect(t, ts, `{hwaddr="02:00:00:00:00:01"}`, "get", "bridge", "br0", "other_config")
	expect(t, ts, `[OpenFlow10, OpenFlow13]`, "get", "bridge", "br0", "protocols")
	if out := mustVsctl(t, ts, "list", "bridge", "br0"); !strings.Contains(out, "name                : br0") || !strings.Contains(out, "fail_mode           : secure") {
		t.Fatalf("list bridge:\n%s", out)
	}
	expect(t, ts, "p1", "--bare", "--columns=name", "find", "port", "tag=10")
	expect(t, ts, "", "--bare", "--columns=name", "find", "port", "tag=11")

	mustVsctl(t, ts, "clear", "port", "p1", "tag")
	expect(t, ts, "[]", "get", "port", "p1", "tag")
	mustVsctl(t, ts, "remove", "bridge", "br0", "other_config", "hwaddr")
	expect(t, ts, "{}", "get", "bridge", "br0", "other_config")

	mustVsctl(t, ts, "set-controller", "br0", "tcp:127.0.0.1:6653")
	expect(t, ts, "tcp:127.0.0.1:6653", "get-controller", "br0")
	show := mustVsctl(t, ts, "show")
	for _, want := range []string{"Bridge br0", `Controller "tcp:127.0.0.1:6653"`, "fail_mode: secure", "Port p1", "type: internal", `options: {remote_ip="192.0.2.1"}`} {
		if !strings.Contains(show, want) {
			t.Fatalf("show lacks %q:\n%s", want, show)
		}
	}
	// The server refuses what the schema forbids, and ovs-vsctl says so.
	if out, err := vsctl(t, ts, "set", "port", "p1", "tag=5000"); err == nil {
		t.Fatalf("tag=5000 accepted: %s", out)
	}
	if out, err := vsctl(t, ts, "add-br", "br0"); err == nil {
		t.Fatalf("duplicate add-br accepted: %s", out)
	}

	mustVsctl(t, ts, "del-port", "br0", "p1")
	expect(t, ts, "", "list-ports", "br0")
	// The Interface went with its Port (garbage collection of non-root rows).
	expect(t, ts, "br0", "--bare", "--columns=name", "list", "interface")
	mustVsctl(t, ts, "del-controller", "br0")
	expect(t, ts, "", "get-controller", "br0")
	mustVsctl(t, ts, "set-controller", "br0", "tcp:127.0.0.1:6653")
	mustVsctl(t, ts, "del-br", "br0")
	expect(t, ts, "", "list-br")
	expect(t, ts, "", "list", "controller")
	expect(t, ts, "", "list", "port")
}

func TestOVSDBClient(t *testing.T) {
	ts := startServer(t, "", Config{})
	bin := testenv.RequireCommand(t, "ovsdb-client")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ovsdb-client %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	remote := "unix:" + ts.sock
	if got := run("list-dbs", remote); got != "Open_vSwitch" {
		t.Fatalf("list-dbs = %q", got)
	}
	if got := run("get-schema-version", remote); got != "8.3.1" {
		t.Fatalf("get-schema-version = %q", got)
	}
	if got := run("list-tables", remote); !strings.Contains(got, "Bridge") || !strings.Contains(got, "Interface") {
		t.Fatalf("list-tables = %q", got)
	}

	run("transact", remote, `["Open_vSwitch",
	  {"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}},
	  {"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"first"}}]`)
	mon := exec.Command(bin, "monitor", remote, "Open_vSwitch", "Bridge", "name", "--format=csv")
	out, err := mon.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { mon.Process.Kill(); mon.Wait() }()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	waitLine := func(substr string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("monitor ended before %q", substr)
				}
				if strings.Contains(l, substr) {
					return
				}
			case <-deadline:
				t.Fatalf("monitor never printed %q", substr)
			}
		}
	}
	// The monitor is up once it printed its initial row.
	waitLine(",initial,first")

	got := run("transact", remote, `["Open_vSwitch",
	  {"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","insert",["named-uuid","b"]]]},
	  {"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"mon0"}},
	  {"op":"select","table":"Bridge","where":[["name","==","mon0"]],"columns":["name"]}]`)
	if !strings.Contains(got, `{"rows":[{"name":"mon0"}]}`) {
		t.Fatalf("transact = %s", got)
	}
	waitLine(",insert,mon0")
	got = run("transact", remote, `["Open_vSwitch",{"op":"delete","table":"Bridge","where":[["name","==","mon0"]]}]`)
	if !strings.Contains(got, "referential integrity violation") {
		t.Fatalf("delete of a referenced bridge = %s", got)
	}
	got = run("transact", remote, `["Open_vSwitch",{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","delete",["set",[]]]]},
	  {"op":"delete","table":"Bridge","where":[["name","==","mon0"]]}]`)
	if !strings.Contains(got, "referential integrity violation") {
		t.Fatalf("delete of a referenced bridge = %s", got)
	}
	run("transact", remote, `["Open_vSwitch",{"op":"update","table":"Open_vSwitch","where":[],"row":{"bridges":["set",[]]}}]`)
	waitLine(",delete,mon0")
}

func TestOVSVsctlOverTCP(t *testing.T) {
	ts := startServer(t, "", Config{})
	bin := testenv.RequireCommand(t, "ovs-vsctl")
	l, err := Listen("ptcp:0:127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	go ts.srv.Serve(l)
	db := "--db=tcp:" + l.Addr().String()
	for _, args := range [][]string{{"add-br", "brt"}, {"list-br"}} {
		out, err := exec.Command(bin, append([]string{db, "--no-wait", "--timeout=10"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ovs-vsctl %v over TCP: %v\n%s", args, err, out)
		}
		if args[0] == "list-br" && strings.TrimSpace(string(out)) != "brt" {
			t.Fatalf("list-br over TCP = %q", out)
		}
	}
}

func TestOVSDBClientMonitorCondSinceAndLock(t *testing.T) {
	ts := startServer(t, "", Config{})
	bin := testenv.RequireCommand(t, "ovsdb-client")
	remote := "unix:" + ts.sock
	if _, err := vsctl(t, ts, "add-br", "brm"); err != nil {
		t.Fatal(err)
	}
	// Both commands keep running after their answer; read until it shows.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"monitor-cond-since", remote, "Open_vSwitch", "[true]", "Bridge", "name"}, "initial brm"},
		{[]string{"lock", remote, "xdb_lock"}, `{"locked":true}`},
	} {
		cmd := exec.Command(bin, tc.args...)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		found := make(chan bool, 1)
		go func() {
			s := bufio.NewScanner(out)
			for s.Scan() {
				if strings.Contains(s.Text(), tc.want) {
					found <- true
					return
				}
			}
			found <- false
		}()
		select {
		case ok := <-found:
			if !ok {
				t.Errorf("ovsdb-client %s: output lacks %q", tc.args[0], tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("ovsdb-client %s: no %q within 10 s", tc.args[0], tc.want)
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
}
