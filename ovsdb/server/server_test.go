package server

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestBasicMethods(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	c := dial(t, ts)
	if got := js(c.result("list_dbs", `[]`)); got != `["S"]` {
		t.Fatalf("list_dbs = %s", got)
	}
	sch := c.result("get_schema", `["S"]`).(map[string]any)
	if sch["name"] != "S" || sch["tables"].(map[string]any)["Box"] == nil {
		t.Fatalf("get_schema = %v", sch)
	}
	if got := js(c.result("echo", `["a",1]`)); got != `["a",1]` {
		t.Fatalf("echo = %s", got)
	}
	if got := js(c.result("set_db_change_aware", `[true]`)); got != `{}` {
		t.Fatalf("set_db_change_aware = %s", got)
	}
	m := c.call("get_schema", `["Nope"]`)
	if e, _ := m["error"].(map[string]any); e == nil || e["error"] != "unknown database" {
		t.Fatalf("unknown db: %v", m)
	}
	// libovsdb falls back from monitor_cond only on this exact value.
	if m := c.call("no_such_method", `[]`); m["error"] != "unknown method" {
		t.Fatalf("unknown method error = %v", m["error"])
	}
	fi, err := os.Stat(ts.sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestTransactOverRPC(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	c := dial(t, ts)
	res := txnOK(t, c.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"a","n":1}},{"op":"comment","comment":"hi"}]`))
	if len(res) != 2 || res[0].(map[string]any)["uuid"] == nil {
		t.Fatalf("insert result %v", res)
	}
	res = c.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"a"}}]`).([]any)
	if len(res) != 2 || res[1].(map[string]any)["error"] != "constraint violation" {
		t.Fatalf("duplicate index: %s", js(res))
	}
	m := c.call("transact", `[]`)
	if m["error"] == nil {
		t.Fatal("transact without a database accepted")
	}
}

func TestMonitorVersions(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	w := dial(t, ts)
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"a","n":1,"tags":["set",["x"]],"m":["map",[["k","v"]]]}}]`))

	v1 := dial(t, ts)
	init1 := v1.result("monitor", `["S","m1",{"Box":{"columns":["name","n"]}}]`).(map[string]any)
	var id string
	for k := range init1["Box"].(map[string]any) {
		id = k
	}
	if got := js(init1["Box"].(map[string]any)[id]); got != `{"new":{"n":1,"name":"a"}}` {
		t.Fatalf("monitor initial = %s", got)
	}
	v2 := dial(t, ts)
	init2 := v2.result("monitor_cond", `["S","m2",{"Box":[{"columns":["name","n","tags","m"]}]}]`).(map[string]any)
	if got := js(init2["Box"].(map[string]any)[id]); !strings.HasPrefix(got, `{"initial":`) {
		t.Fatalf("monitor_cond initial = %s", got)
	}
	v3 := dial(t, ts)
	r3 := v3.result("monitor_cond_since", `["S","m3",{"Box":[{"columns":["n"]}]},"00000000-0000-0000-0000-000000000000"]`).([]any)
	if r3[0] != false || r3[2].(map[string]any)["Box"] == nil {
		t.Fatalf("monitor_cond_since = %s", js(r3))
	}
	last := r3[1].(string)

	txnOK(t, w.result("transact", `["S",{"op":"mutate","table":"Box","where":[],"mutations":[["n","+=",1],["tags","insert",["set",["y"]]],["m","insert",["map",[["j","w"]]]]]}]`))

	u1 := v1.notification("update")
	if got := js(u1); got != `["m1",{"Box":{"`+id+`":{"new":{"n":2,"name":"a"},"old":{"n":1}}}}]` {
		t.Fatalf("update = %s", got)
	}
	u2 := v2.notification("update2")
	if got := js(u2); got != `["m2",{"Box":{"`+id+`":{"modify":{"m":["map",[["j","w"]]],"n":2,"tags":"y"}}}}]` {
		t.Fatalf("update2 = %s", got)
	}
	u3 := v3.notification("update3")
	if u3[1] == last || js(u3[2]) != `{"Box":{"`+id+`":{"modify":{"n":2}}}}` {
		t.Fatalf("update3 = %s", js(u3))
	}
	// A client that has the last transaction gets found=true and nothing.
	v4 := dial(t, ts)
	r4 := v4.result("monitor_cond_since", `["S","m4",{"Box":[{"columns":["n"]}]},"`+u3[1].(string)+`"]`).([]any)
	if r4[0] != true || js(r4[2]) != `{}` {
		t.Fatalf("monitor_cond_since with current id = %s", js(r4))
	}

	// A client that has an older transaction gets only what it missed.
	v5 := dial(t, ts)
	r5 := v5.result("monitor_cond_since", `["S","m5",{"Box":[{"columns":["n","name"]}]},"`+last+`"]`).([]any)
	if r5[0] != true || js(r5[2]) != `{"Box":{"`+id+`":{"modify":{"n":2}}}}` {
		t.Fatalf("monitor_cond_since with an older id = %s", js(r5))
	}

	txnOK(t, w.result("transact", `["S",{"op":"delete","table":"Box","where":[]}]`))
	if got := js(v2.notification("update2")); got != `["m2",{"Box":{"`+id+`":{"delete":null}}}]` {
		t.Fatalf("delete update2 = %s", got)
	}
	if got := js(v1.notification("update")); !strings.Contains(got, `"old":{"n":2,"name":"a"}`) {
		t.Fatalf("delete update = %s", got)
	}
	if js(v1.result("monitor_cancel", `["m1"]`)) != `{}` {
		t.Fatal("monitor_cancel")
	}
	if m := v1.call("monitor_cancel", `["m1"]`); m["error"] == nil {
		t.Fatal("second monitor_cancel succeeded")
	}
}

func TestMonitorCondWhere(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	w := dial(t, ts)
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"a","n":1}},{"op":"insert","table":"Box","row":{"name":"b","n":2}}]`))
	c := dial(t, ts)
	init := c.result("monitor_cond", `["S","m",{"Box":[{"columns":["name"],"where":[["n","==",1]]}]}]`).(map[string]any)
	if rows := init["Box"].(map[string]any); len(rows) != 1 || !strings.Contains(js(rows), `"a"`) {
		t.Fatalf("conditional initial = %s", js(init))
	}
	// b starts matching: an insert; a stops: a delete.
	txnOK(t, w.result("transact", `["S",{"op":"update","table":"Box","where":[],"row":{"n":3}},{"op":"update","table":"Box","where":[["name","==","b"]],"row":{"n":1}}]`))
	u := js(c.notification("update2"))
	if !strings.Contains(u, `"insert":{"name":"b"}`) || !strings.Contains(u, `"delete":null`) {
		t.Fatalf("update2 = %s", u)
	}
	// monitor_cond_change to n==3 brings a back and drops b.
	if js(c.result("monitor_cond_change", `["m","m",{"Box":[{"where":[["n","==",3]]}]}]`)) != `{}` {
		t.Fatal("monitor_cond_change")
	}
	u = js(c.notification("update2"))
	if !strings.Contains(u, `"insert":{"name":"a"}`) || !strings.Contains(u, `"delete":null`) {
		t.Fatalf("update2 after cond change = %s", u)
	}
}

func TestLocks(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	a, b := dial(t, ts), dial(t, ts)
	if js(a.result("lock", `["L"]`)) != `{"locked":true}` {
		t.Fatal("first lock not granted")
	}
	if js(b.result("lock", `["L"]`)) != `{"locked":false}` {
		t.Fatal("second lock granted")
	}
	res := a.result("transact", `["S",{"op":"assert","lock":"L"}]`).([]any)
	if js(res) != `[{}]` {
		t.Fatalf("assert by owner = %s", js(res))
	}
	res = b.result("transact", `["S",{"op":"assert","lock":"L"}]`).([]any)
	if res[0].(map[string]any)["error"] != "not owner" {
		t.Fatalf("assert by waiter = %s", js(res))
	}
	a.result("unlock", `["L"]`)
	if js(b.notification("locked")) != `["L"]` {
		t.Fatal("waiter not told locked")
	}
	if js(a.result("steal", `["L"]`)) != `{"locked":true}` {
		t.Fatal("steal")
	}
	if js(b.notification("stolen")) != `["L"]` {
		t.Fatal("owner not told stolen")
	}
	// A session that goes away passes its lock on.
	b.result("lock", `["L"]`)
	a.conn.Close()
	if js(b.notification("locked")) != `["L"]` {
		t.Fatal("lock not passed on when the owner disconnected")
	}
}

func TestWaitAndCancel(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	c, w := dial(t, ts), dial(t, ts)
	c.write(`{"id":"w1","method":"transact","params":["S",{"op":"wait","timeout":10000,"table":"Box","where":[],"columns":["name"],"until":"==","rows":[{"name":"z"}]},{"op":"insert","table":"Box","row":{"name":"after"}}]}`)
	// Make sure the wait is blocked before the commit that releases it: a
	// request after it on the same session is answered first.
	if js(c.result("echo", `[]`)) != `[]` {
		t.Fatal("echo")
	}
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"z"}}]`))
	m := c.read()
	if m["id"] != "w1" || m["error"] != nil || len(m["result"].([]any)) != 2 {
		t.Fatalf("released wait reply = %s", js(m))
	}
	// A wait that never holds times out.
	r := c.result("transact", `["S",{"op":"wait","timeout":50,"table":"Box","where":[],"columns":["name"],"until":"==","rows":[]}]`).([]any)
	if r[0].(map[string]any)["error"] != "timed out" {
		t.Fatalf("timed out wait = %s", js(r))
	}
	// And one can be cancelled.
	c.write(`{"id":"w2","method":"transact","params":["S",{"op":"wait","table":"Box","where":[],"columns":["name"],"until":"==","rows":[]}]}`)
	c.result("echo", `[]`)
	c.write(`{"id":null,"method":"cancel","params":["w2"]}`)
	m = c.read()
	if m["id"] != "w2" || m["error"].(map[string]any)["error"] != "canceled" {
		t.Fatalf("cancel reply = %s", js(m))
	}
}

func TestBadInput(t *testing.T) {
	ts := startServer(t, testSchema, Config{MaxMessage: 1 << 10})
	c := dial(t, ts)
	for _, tc := range []struct{ name, in, want string }{
		{"invalid json", `{"id":1,"method":}`, "syntax error"},
		{"params not array", `{"id":1,"method":"echo","params":{}}`, "syntax error"},
		{"params missing", `{"id":1,"method":"list_dbs"}`, "syntax error"},
		{"no method no result", `{"id":1}`, "syntax error"},
		{"db name not string", `{"id":1,"method":"get_schema","params":[1]}`, "syntax error"},
		{"monitor wrong params", `{"id":1,"method":"monitor","params":["S"]}`, "syntax error"},
		{"monitor bad table", `{"id":1,"method":"monitor","params":["S",1,{"Nope":{}}]}`, "syntax error"},
		{"lock bad name", `{"id":1,"method":"lock","params":[5]}`, "syntax error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.write(tc.in)
			m := c.read()
			e, _ := m["error"].(map[string]any)
			if e == nil || e["error"] != tc.want {
				t.Fatalf("reply %s, want error %q", js(m), tc.want)
			}
		})
	}
	// Operation-level garbage gets an error result, not a dead session.
	r := c.result("transact", `["S",{"op":"insert","table":"Box","row":{"n":"x"}},5,{"nonsense":true}]`).([]any)
	if r[0].(map[string]any)["error"] == nil {
		t.Fatalf("bad transaction = %s", js(r))
	}
	// An oversized message is refused and the session closed; the server
	// keeps serving others.
	c.write(`{"id":1,"method":"echo","params":["` + strings.Repeat("x", 2<<10) + `"]}`)
	m := c.read()
	if e, _ := m["error"].(map[string]any); e == nil || !strings.Contains(e["details"].(string), "too large") {
		t.Fatalf("oversized reply %s", js(m))
	}
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("session not closed after an oversized message: %v", err)
	}
	d := dial(t, ts)
	if js(d.result("list_dbs", `[]`)) != `["S"]` {
		t.Fatal("server not serving after bad input")
	}
	// Garbage between messages closes only that session.
	e := dial(t, ts)
	e.write(`xyz`)
	if m := e.read(); m["error"] == nil {
		t.Fatalf("garbage reply %s", js(m))
	}
}

func TestSlowReaderDisconnected(t *testing.T) {
	ts := startServer(t, testSchema, Config{MaxBacklog: 256 << 10})
	slow, w := dial(t, ts), dial(t, ts)
	slow.result("monitor", `["S",null,{"Box":{}}]`)
	// The slow peer now stops reading while big updates keep coming.
	blob := strings.Repeat("b", 32<<10)
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"a"}}]`))
	for i := range 200 {
		txnOK(t, w.result("transact", `["S",{"op":"update","table":"Box","where":[],"row":{"n":`+itoa(i)+`,"blob":"`+blob+itoa(i)+`"}}]`))
	}
	slow.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, slow.conn)
	if err != nil {
		t.Fatalf("slow session not disconnected (read: %v)", err)
	}
	if js(w.result("list_dbs", `[]`)) != `["S"]` {
		t.Fatal("server not serving others")
	}
}

func TestSplitter(t *testing.T) {
	in := ` {"a":"}\"{"} [1,[2]]` + "\n" + `{"b":{}}`
	sp := newSplitter(strings.NewReader(in), 100)
	var got []string
	for {
		b, err := sp.next()
		if err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		got = append(got, string(b))
	}
	if js(got) != js([]string{`{"a":"}\"{"}`, `[1,[2]]`, `{"b":{}}`}) {
		t.Fatalf("split %q", got)
	}
	if _, err := newSplitter(strings.NewReader(`{"a":1`), 100).next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated: %v", err)
	}
	if _, err := newSplitter(strings.NewReader(`{"a":"`+strings.Repeat("x", 200)+`"}`), 100).next(); err != ErrMessageTooLarge {
		t.Fatalf("oversized: %v", err)
	}
	var _ json.RawMessage
}

func TestMonitorSelectFlags(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	w := dial(t, ts)
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"old"}}]`))
	c := dial(t, ts)
	init := c.result("monitor", `["S",["id",1],{"Box":{"columns":["name"],"select":{"initial":false,"modify":false}}}]`)
	if js(init) != `{}` {
		t.Fatalf("initial rows sent despite initial=false: %s", js(init))
	}
	txnOK(t, w.result("transact", `["S",{"op":"update","table":"Box","where":[],"row":{"name":"renamed"}}]`))
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"new"}}]`))
	u := c.notification("update")
	if js(u[0]) != `["id",1]` || !strings.Contains(js(u[1]), `"new":{"name":"new"}`) || strings.Contains(js(u[1]), "renamed") {
		t.Fatalf("first update = %s, want only the insert", js(u))
	}
}
