package server

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

const testSchema = `{"name": "S", "version": "1.0.0", "tables": {
  "Box": {"isRoot": true, "indexes": [["name"]], "columns": {
    "name":  {"type": "string"},
    "n":     {"type": "integer"},
    "tags":  {"type": {"key": "string", "min": 0, "max": "unlimited"}},
    "m":     {"type": {"key": "string", "value": "string", "min": 0, "max": "unlimited"}},
    "blob":  {"type": "string"}}}}}`

// shortDir returns a fresh directory under /tmp: t.TempDir paths can be
// too long for a unix socket (108 bytes).
func shortDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("/tmp", "xdb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

type testServer struct {
	srv  *Server
	db   *engine.DB
	sock string
	dir  string
}

// startServer serves a database with the given schema text (the built-in
// Open_vSwitch schema when empty) on a unix socket.
func startServer(t testing.TB, schemaText string, cfg Config) *testServer {
	t.Helper()
	sch := schema.OpenVSwitch()
	if schemaText != "" {
		var err error
		if sch, err = schema.Parse([]byte(schemaText)); err != nil {
			t.Fatal(err)
		}
	}
	dir := shortDir(t)
	db, err := engine.Open(filepath.Join(dir, "conf.db"), sch, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: New(cfg, db), db: db, sock: filepath.Join(dir, "db.sock"), dir: dir}
	l, err := Listen("punix:" + ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	go ts.srv.Serve(l)
	t.Cleanup(func() {
		ts.srv.Close()
		db.Close()
	})
	return ts
}

// rpc is a raw JSON-RPC peer for protocol tests.
type rpc struct {
	t     testing.TB
	conn  net.Conn
	dec   *json.Decoder
	next  int
	queue []map[string]any // notifications read while waiting for replies
}

func dial(t testing.TB, ts *testServer) *rpc {
	t.Helper()
	c, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	d := json.NewDecoder(bufio.NewReader(c))
	d.UseNumber()
	return &rpc{t: t, conn: c, dec: d}
}

func (r *rpc) write(s string) {
	r.t.Helper()
	if _, err := r.conn.Write([]byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

// read returns the next message, failing after 5 s.
func (r *rpc) read() map[string]any {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m map[string]any
	if err := r.dec.Decode(&m); err != nil {
		r.t.Fatalf("read: %v", err)
	}
	return m
}

// call sends a request and returns its reply, queueing notifications.
func (r *rpc) call(method string, params string) map[string]any {
	r.t.Helper()
	r.next++
	id := r.next
	r.write(`{"id":` + itoa(id) + `,"method":"` + method + `","params":` + params + `}`)
	for {
		m := r.read()
		if m["method"] != nil {
			r.queue = append(r.queue, m)
			continue
		}
		if n, _ := m["id"].(json.Number); string(n) == itoa(id) {
			return m
		}
		r.t.Fatalf("reply to the wrong request: %v", m)
	}
}

// result calls and fails unless the reply has no error.
func (r *rpc) result(method, params string) any {
	r.t.Helper()
	m := r.call(method, params)
	if m["error"] != nil {
		r.t.Fatalf("%s %s: error %v", method, params, m["error"])
	}
	return m["result"]
}

// notification returns the next notification with the method.
func (r *rpc) notification(method string) []any {
	r.t.Helper()
	for {
		var m map[string]any
		if len(r.queue) > 0 {
			m, r.queue = r.queue[0], r.queue[1:]
		} else {
			m = r.read()
		}
		if m["method"] == method {
			return m["params"].([]any)
		}
		if m["method"] == nil {
			r.t.Fatalf("unexpected reply %v while waiting for %s", m, method)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// txnOK checks that a transact result holds no error.
func txnOK(t testing.TB, res any) []any {
	t.Helper()
	list, ok := res.([]any)
	if !ok {
		t.Fatalf("transact result %v", res)
	}
	for _, r := range list {
		if m, _ := r.(map[string]any); m != nil && m["error"] != nil {
			t.Fatalf("transact failed: %s", js(res))
		}
	}
	return list
}

var _ = strings.Contains
var _ notation.UUID
