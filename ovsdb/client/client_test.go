package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

func dial(t *testing.T, start func(testing.TB) *ovstest.Server) (*client.Client, context.Context) {
	c, ctx, _ := dialServer(t, start)
	return c, ctx
}

// servers are the OVSDB servers every test runs against.
var servers = []struct {
	name  string
	start func(testing.TB) *ovstest.Server
}{{"ovsdb-server", ovstest.Start}, {"xvs", ovstest.StartXVS}}

// both runs f once per server, as a subtest.
func both(t *testing.T, f func(t *testing.T, start func(testing.TB) *ovstest.Server)) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) { f(t, s.start) })
	}
}

func dialServer(t *testing.T, start func(testing.TB) *ovstest.Server) (*client.Client, context.Context, *ovstest.Server) {
	t.Helper()
	srv := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := client.Dial(ctx, srv.Remote)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ctx, srv
}

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct{ in, network, addr string }{
		{"unix:/run/xvs/db.sock", "unix", "/run/xvs/db.sock"},
		{"tcp:127.0.0.1:6640", "tcp", "127.0.0.1:6640"},
		{"tcp:127.0.0.1", "tcp", "127.0.0.1:6640"},
		{"tcp:[::1]:7000", "tcp", "[::1]:7000"},
		{"/tmp/x.sock", "unix", "/tmp/x.sock"},
	} {
		n, a, err := client.ParseAddress(tc.in)
		if err != nil || n != tc.network || a != tc.addr {
			t.Errorf("ParseAddress(%q) = %q, %q, %v; want %q, %q", tc.in, n, a, err, tc.network, tc.addr)
		}
	}
	if _, _, err := client.ParseAddress("ssl:1.2.3.4:6640"); err == nil {
		t.Error("ssl: accepted; want an error")
	}
}

func TestListDbsSchemaEcho(t *testing.T) { both(t, testListDbsSchemaEcho) }

func testListDbsSchemaEcho(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c, ctx := dial(t, start)
	dbs, err := c.ListDbs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(dbs, "Open_vSwitch") {
		t.Fatalf("list_dbs = %q, want Open_vSwitch in it", dbs)
	}
	raw, err := c.GetSchema(ctx, "Open_vSwitch")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Name   string                     `json:"name"`
		Tables map[string]json.RawMessage `json:"tables"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Name != "Open_vSwitch" || s.Tables["Bridge"] == nil {
		t.Fatalf("get_schema: name %q, %d tables, err %v", s.Name, len(s.Tables), err)
	}
	if err := c.Echo(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSchema(ctx, "NoSuchDB")
	var rpcErr *client.RPCError
	if !errors.As(err, &rpcErr) {
		t.Fatalf("get_schema of unknown db: %v, want an RPCError", err)
	}
}

func TestTransactAndMonitor(t *testing.T) { both(t, testTransactAndMonitor) }

func testTransactAndMonitor(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c, ctx := dial(t, start)
	initial, mon, err := c.Monitor(ctx, "Open_vSwitch", map[string]client.MonitorRequest{
		"Bridge": {Columns: []string{"name"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(initial["Bridge"]) != 0 {
		t.Fatalf("initial bridges %v, want none", initial)
	}
	res, err := c.Transact(ctx, "Open_vSwitch", map[string]any{
		"op": "insert", "table": "Bridge", "row": map[string]any{"name": "xvc-br0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	uuid := res[0].UUIDString()
	if uuid == "" {
		t.Fatalf("insert result %+v has no uuid", res[0])
	}
	// Bridge is not a root table: the server garbage-collects an
	// unreferenced bridge at commit, so the monitor sees it come and go
	// in one update, or not at all. Reference it from Open_vSwitch.
	_, err = c.Transact(ctx, "Open_vSwitch",
		map[string]any{"op": "insert", "table": "Open_vSwitch", "row": map[string]any{
			"bridges": []any{"named-uuid", "b"}}},
		map[string]any{"op": "insert", "table": "Bridge", "uuid-name": "b", "row": map[string]any{"name": "xvc-br1"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case tu := <-mon.Updates():
			for _, ru := range tu["Bridge"] {
				var name string
				json.Unmarshal(ru.New["name"], &name)
				if name == "xvc-br1" {
					goto seen
				}
			}
		case <-ctx.Done():
			t.Fatal("no update for the inserted bridge")
		}
	}
seen:
	if err := mon.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-mon.Updates(); ok {
		t.Error("Updates still open after Cancel")
	}
}

func TestMonitorCond(t *testing.T) { both(t, testMonitorCond) }

func testMonitorCond(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c, ctx := dial(t, start)
	_, err := c.Transact(ctx, "Open_vSwitch",
		map[string]any{"op": "insert", "table": "Open_vSwitch", "row": map[string]any{
			"bridges": []any{"set", []any{[]any{"named-uuid", "a"}, []any{"named-uuid", "b"}}}}},
		map[string]any{"op": "insert", "table": "Bridge", "uuid-name": "a", "row": map[string]any{"name": "xvc-a"}},
		map[string]any{"op": "insert", "table": "Bridge", "uuid-name": "b", "row": map[string]any{"name": "xvc-b"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	initial, mon, err := c.MonitorCond(ctx, "Open_vSwitch", map[string]client.MonitorRequest{
		"Bridge": {Columns: []string{"name", "fail_mode"}, Where: []any{[]any{"name", "==", "xvc-b"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(initial["Bridge"]) != 1 {
		t.Fatalf("initial %v: want only xvc-b", initial)
	}
	for _, ru := range initial["Bridge"] {
		if string(ru.Initial["name"]) != `"xvc-b"` {
			t.Fatalf("initial row %v, want xvc-b", ru.Initial)
		}
	}
	for _, name := range []string{"xvc-a", "xvc-b"} {
		_, err = c.Transact(ctx, "Open_vSwitch", map[string]any{"op": "update", "table": "Bridge",
			"where": []any{[]any{"name", "==", name}}, "row": map[string]any{"fail_mode": "secure"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	select {
	case tu := <-mon.Updates():
		if len(tu["Bridge"]) != 1 {
			t.Fatalf("update %v: want one row", tu)
		}
		for _, ru := range tu["Bridge"] {
			if string(ru.Modify["fail_mode"]) != `"secure"` {
				t.Fatalf("modify %v, want fail_mode secure", ru.Modify)
			}
		}
	case <-ctx.Done():
		t.Fatal("no update2")
	}
}

func TestTransactError(t *testing.T) { both(t, testTransactError) }

func testTransactError(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c, ctx := dial(t, start)
	res, err := c.Transact(ctx, "Open_vSwitch",
		map[string]any{"op": "insert", "table": "Open_vSwitch", "row": map[string]any{}},
		map[string]any{"op": "insert", "table": "Bridge", "row": map[string]any{"nosuchcolumn": 1}},
	)
	var terr *client.TransactError
	if !errors.As(err, &terr) || terr.Index != 1 || terr.Op != "insert" {
		t.Fatalf("err = %v, want a TransactError at operation 1 (insert)", err)
	}
	if len(res) < 2 {
		t.Fatalf("results %v", res)
	}
	// Nothing of the first operation committed.
	res, err = c.Transact(ctx, "Open_vSwitch", map[string]any{"op": "select", "table": "Open_vSwitch", "where": []any{}})
	if err != nil || len(res[0].Rows) != 0 {
		t.Fatalf("after the failed transaction: rows %v, err %v; want none", res, err)
	}
}

func TestLock(t *testing.T) { both(t, testLock) }

func testLock(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c1, ctx, srv := dialServer(t, start)
	l1, err := c1.Lock(ctx, "xvc_lock")
	if err != nil || !l1.Acquired {
		t.Fatalf("lock: %v, acquired %v", err, l1 != nil && l1.Acquired)
	}
	// A second session on the same server waits for the lock.
	c2, err := client.Dial(ctx, srv.Remote)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	l2, err := c2.Lock(ctx, "xvc_lock")
	if err != nil || l2.Acquired {
		t.Fatalf("second lock: %v, acquired %v; want queued", err, l2 != nil && l2.Acquired)
	}
	if err := l1.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-l2.Events():
		if !ev.Locked || ev.Name != "xvc_lock" {
			t.Fatalf("event %+v, want locked", ev)
		}
	case <-ctx.Done():
		t.Fatal("no locked notification")
	}
}

func TestContextTimeoutAndClose(t *testing.T) {
	// A server that accepts and never answers.
	dir := t.TempDir()
	ln, err := net.Listen("unix", dir+"/s")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			buf := make([]byte, 1024)
			for {
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}
	}()
	c, err := client.Dial(context.Background(), "unix:"+dir+"/s")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.ListDbs(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ListDbs on a silent server: %v, want deadline exceeded", err)
	}
	c.Close()
	c.Close() // idempotent
	if _, err := c.ListDbs(context.Background()); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}

func TestEchoFromServer(t *testing.T) {
	// The server side sends an echo request; the client must answer it
	// with the same params (RFC 7047 §4.1.11).
	a, b := net.Pipe()
	c := client.New(a)
	defer c.Close()
	go json.NewEncoder(b).Encode(map[string]any{"method": "echo", "params": []any{"x", 1}, "id": "e1"})
	var reply struct {
		Result []any `json:"result"`
		ID     string
	}
	b.SetDeadline(time.Now().Add(5 * time.Second))
	if err := json.NewDecoder(b).Decode(&reply); err != nil {
		t.Fatal(err)
	}
	if reply.ID != "e1" || len(reply.Result) != 2 || reply.Result[0] != "x" {
		t.Fatalf("echo reply %+v", reply)
	}
}

func TestStealAndClose(t *testing.T) { both(t, testStealAndClose) }

func testStealAndClose(t *testing.T, start func(testing.TB) *ovstest.Server) {
	c1, ctx, srv := dialServer(t, start)
	l1, err := c1.Lock(ctx, "xvc_steal")
	if err != nil || !l1.Acquired {
		t.Fatalf("lock: %v", err)
	}
	c2, err := client.Dial(ctx, srv.Remote)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	l2, err := c2.Steal(ctx, "xvc_steal")
	if err != nil || !l2.Acquired {
		t.Fatalf("steal: %v, acquired %v", err, l2 != nil && l2.Acquired)
	}
	select {
	case ev := <-l1.Events():
		if ev.Locked {
			t.Fatalf("event %+v, want stolen", ev)
		}
	case <-ctx.Done():
		t.Fatal("no stolen notification")
	}
	// Closing the session ends its monitors and locks: their channels close.
	_, mon, err := c2.Monitor(ctx, "Open_vSwitch", map[string]client.MonitorRequest{"Bridge": {}})
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
	for range mon.Updates() {
	}
	for range l2.Events() {
	}
	select {
	case <-c2.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
}

func TestRowDecode(t *testing.T) {
	r := client.Row{
		"name":  json.RawMessage(`"br0"`),
		"tag":   json.RawMessage(`10`),
		"rate":  json.RawMessage(`1.5`),
		"ports": json.RawMessage(`["set",[["uuid","01234567-89ab-cdef-0123-456789abcdef"]]]`),
		"oc":    json.RawMessage(`["map",[["a","b"]]]`),
	}
	n, err := r.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if n["name"] != "br0" || n["tag"] != int64(10) || n["rate"] != 1.5 {
		t.Errorf("atoms %#v", n)
	}
	if s, ok := n["ports"].(notation.Set); !ok || len(s) != 1 || s[0] != notation.UUID("01234567-89ab-cdef-0123-456789abcdef") {
		t.Errorf("set %#v", n["ports"])
	}
	if m, ok := n["oc"].(notation.Map); !ok || len(m) != 1 || m[0].Key != "a" || m[0].Value != "b" {
		t.Errorf("map %#v", n["oc"])
	}
	if _, err := (client.Row{"x": json.RawMessage(`["set",1]`)}).Decode(); err == nil {
		t.Error("a malformed set decoded without error")
	}
	if _, err := r.Value("nosuch"); err == nil {
		t.Error("Value of a missing column: no error")
	}
}
