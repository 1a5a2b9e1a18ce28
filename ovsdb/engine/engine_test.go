package engine

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

const testSchema = `{"name": "T", "version": "1.0.0", "tables": {
  "Root": {"isRoot": true, "indexes": [["name"]], "columns": {
    "name":     {"type": "string", "mutable": false},
    "n":        {"type": {"key": {"type": "integer", "minInteger": 0, "maxInteger": 10}}},
    "r":        {"type": "real"},
    "tags":     {"type": {"key": "string", "min": 0, "max": 3}},
    "m":        {"type": {"key": "string", "value": "string", "min": 0, "max": "unlimited"}},
    "mode":     {"type": {"key": {"type": "string", "enum": ["set", ["a", "b"]]}, "min": 0, "max": 1}},
    "short":    {"type": {"key": {"type": "string", "maxLength": 4}, "min": 0, "max": 1}},
    "children": {"type": {"key": {"type": "uuid", "refTable": "Child"}, "min": 0, "max": "unlimited"}},
    "friend":   {"type": {"key": {"type": "uuid", "refTable": "Other", "refType": "weak"}, "min": 0, "max": "unlimited"}},
    "must":     {"type": {"key": {"type": "uuid", "refTable": "Other", "refType": "weak"}, "min": 0, "max": 1}},
    "eph":      {"type": {"key": "string", "min": 0, "max": 1}, "ephemeral": true}}},
  "Child": {"columns": {
    "name":  {"type": "string"},
    "grand": {"type": {"key": {"type": "uuid", "refTable": "Child"}, "min": 0, "max": 1}}}},
  "Other": {"isRoot": true, "maxRows": 2, "columns": {
    "name": {"type": "string"}}}}}`

func openTest(t *testing.T) (*DB, string) {
	t.Helper()
	sch, err := schema.Parse([]byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "xdb-engine.db")
	db, err := Open(path, sch, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// run transacts a JSON array of operations and returns the results as
// generic JSON.
func run(t *testing.T, db *DB, ops string) []any {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(ops), &raw); err != nil {
		t.Fatalf("bad test ops: %v", err)
	}
	res, err := db.Transact(raw, Options{})
	if err != nil {
		t.Fatalf("transact: %v", err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	json.Unmarshal(b, &out)
	return out
}

// ok fails unless no result is an error; it returns the results.
func ok(t *testing.T, db *DB, ops string) []any {
	t.Helper()
	res := run(t, db, ops)
	for i, r := range res {
		if m, isObj := r.(map[string]any); isObj && m["error"] != nil {
			t.Fatalf("op %d failed: %v %v\nops: %s", i, m["error"], m["details"], ops)
		}
	}
	return res
}

// fails checks that the transaction failed with the given error tag and
// wrote nothing.
func fails(t *testing.T, db *DB, tag, ops string) {
	t.Helper()
	before := dump(t, db)
	res := run(t, db, ops)
	found := ""
	for _, r := range res {
		if m, isObj := r.(map[string]any); isObj && m["error"] != nil {
			found = m["error"].(string) + ": " + m["details"].(string)
			break
		}
	}
	if !strings.HasPrefix(found, tag) {
		t.Fatalf("error %q, want tag %q\nops: %s", found, tag, ops)
	}
	if after := dump(t, db); after != before {
		t.Fatalf("failed transaction changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

func dump(t *testing.T, db *DB) string {
	var b strings.Builder
	db.Snapshot(func(_ notation.UUID, tables map[string]map[notation.UUID]*Row) {
		for _, name := range db.Schema().TableNames() {
			rows := []string{}
			for _, r := range tables[name] {
				j, _ := json.Marshal(r.JSON(db.Schema().Tables[name], nil))
				rows = append(rows, string(j))
			}
			b.WriteString(name + ":" + strings.Join(sortStrings(rows), ",") + ";")
		}
	}, nil)
	return b.String()
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func uuidOf(t *testing.T, res any) string {
	t.Helper()
	u, isArr := res.(map[string]any)["uuid"].([]any)
	if !isArr {
		t.Fatalf("no uuid in %v", res)
	}
	return u[1].(string)
}

func selectRows(t *testing.T, db *DB, table, where string) []map[string]any {
	t.Helper()
	res := ok(t, db, `[{"op":"select","table":"`+table+`","where":`+where+`}]`)
	var rows []map[string]any
	for _, r := range res[0].(map[string]any)["rows"].([]any) {
		rows = append(rows, r.(map[string]any))
	}
	return rows
}

func TestInsertSelect(t *testing.T) {
	db, _ := openTest(t)
	res := ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a","n":3,"r":2,"tags":["set",["y","x"]],"m":["map",[["k","v"]]]}}]`)
	id := uuidOf(t, res[0])
	rows := selectRows(t, db, "Root", `[["_uuid","==",["uuid","`+id+`"]]]`)
	if len(rows) != 1 {
		t.Fatalf("select by uuid: %v", rows)
	}
	r := rows[0]
	b, _ := json.Marshal([]any{r["name"], r["n"], r["r"], r["tags"], r["m"], r["mode"], r["children"]})
	if string(b) != `["a",3,2,["set",["x","y"]],["map",[["k","v"]]],["set",[]],["set",[]]]` {
		t.Fatalf("row = %s", b)
	}
	// Columns projection.
	res = ok(t, db, `[{"op":"select","table":"Root","where":[],"columns":["n"]}]`)
	got, _ := json.Marshal(res[0])
	if string(got) != `{"rows":[{"n":3}]}` {
		t.Fatalf("projection = %s", got)
	}
}

func TestInsertWithUUIDAndNamedUUID(t *testing.T) {
	db, _ := openTest(t)
	const id = "11111111-2222-4333-8444-555555555555"
	// The Root refers to the Child by name before the Child's insert.
	res := ok(t, db, `[
	  {"op":"insert","table":"Root","row":{"name":"a","children":["named-uuid","kid"]}},
	  {"op":"insert","table":"Child","uuid-name":"kid","row":{"name":"c"}},
	  {"op":"insert","table":"Other","uuid":"`+id+`","row":{"name":"o"}}]`)
	if uuidOf(t, res[2]) != id {
		t.Fatalf("insert with uuid returned %v", res[2])
	}
	kid := uuidOf(t, res[1])
	root := selectRows(t, db, "Root", `[]`)[0]
	if c := root["children"].([]any); c[1] != kid {
		t.Fatalf("children = %v, want uuid %s", c, kid)
	}
	fails(t, db, notation.ErrConstraintViolation, `[{"op":"insert","table":"Other","uuid":"`+id+`","row":{}}]`)
	fails(t, db, notation.ErrDuplicateUUIDName, `[{"op":"insert","table":"Child","uuid-name":"x"},{"op":"insert","table":"Child","uuid-name":"x"}]`)
	fails(t, db, notation.ErrSyntax, `[{"op":"insert","table":"Root","row":{"name":"z","children":["named-uuid","nobody"]}}]`)
}

func TestUpdateMutateDelete(t *testing.T) {
	db, _ := openTest(t)
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a","n":1}},{"op":"insert","table":"Root","row":{"name":"b","n":2}}]`)
	res := ok(t, db, `[{"op":"update","table":"Root","where":[["n",">=",1]],"row":{"r":1.5}}]`)
	if res[0].(map[string]any)["count"].(float64) != 2 {
		t.Fatalf("update count %v", res[0])
	}
	ok(t, db, `[{"op":"mutate","table":"Root","where":[["name","==","a"]],"mutations":[
	  ["n","+=",4],["r","*=",2],["tags","insert",["set",["p","q"]]],["m","insert",["map",[["k","1"],["j","2"]]]]]}]`)
	ok(t, db, `[{"op":"mutate","table":"Root","where":[["name","==","a"]],"mutations":[
	  ["tags","delete","p"],["m","delete",["set",["j"]]],["m","insert",["map",[["k","ignored"]]]]]}]`)
	a := selectRows(t, db, "Root", `[["name","==","a"]]`)[0]
	b, _ := json.Marshal([]any{a["n"], a["r"], a["tags"], a["m"]})
	if string(b) != `[5,3,"q",["map",[["k","1"]]]]` {
		t.Fatalf("after mutate: %s", b)
	}
	res = ok(t, db, `[{"op":"delete","table":"Root","where":[["tags","includes","q"]]}]`)
	if res[0].(map[string]any)["count"].(float64) != 1 || len(selectRows(t, db, "Root", `[]`)) != 1 {
		t.Fatalf("delete: %v", res)
	}
	// Mutate's map delete by pairs only removes matching pairs.
	ok(t, db, `[{"op":"mutate","table":"Root","where":[],"mutations":[["m","insert",["map",[["x","1"]]]],["m","delete",["map",[["x","2"]]]]]}]`)
	if m := selectRows(t, db, "Root", `[]`)[0]["m"]; len(m.([]any)[1].([]any)) != 1 {
		t.Fatalf("map delete by pair removed a non-matching pair: %v", m)
	}
}

func TestConstraints(t *testing.T) {
	db, _ := openTest(t)
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a","n":10}}]`)
	for _, tc := range []struct{ name, tag, ops string }{
		{"integer range", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"x","n":11}}]`},
		{"mutate out of range", notation.ErrConstraintViolation, `[{"op":"mutate","table":"Root","where":[],"mutations":[["n","+=",1]]}]`},
		{"enum", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"x","mode":"c"}}]`},
		{"string length", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"x","short":"toolong"}}]`},
		{"max set size", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"x","tags":["set",["1","2","3","4"]]}}]`},
		{"mutate max size", notation.ErrConstraintViolation, `[{"op":"mutate","table":"Root","where":[],"mutations":[["tags","insert",["set",["1","2","3","4"]]]]}]`},
		{"index", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"a"}}]`},
		{"index within txn", notation.ErrConstraintViolation, `[{"op":"insert","table":"Root","row":{"name":"q"}},{"op":"insert","table":"Root","row":{"name":"q"}}]`},
		{"maxRows", notation.ErrConstraintViolation, `[{"op":"insert","table":"Other","row":{}},{"op":"insert","table":"Other","row":{}},{"op":"insert","table":"Other","row":{}}]`},
		{"immutable update", notation.ErrConstraintViolation, `[{"op":"update","table":"Root","where":[],"row":{"name":"b"}}]`},
		{"immutable mutate", notation.ErrConstraintViolation, `[{"op":"mutate","table":"Root","where":[],"mutations":[["name","insert","b"]]}]`},
		{"write _uuid", notation.ErrConstraintViolation, `[{"op":"update","table":"Root","where":[],"row":{"_uuid":["uuid","11111111-2222-4333-8444-555555555555"]}}]`},
		{"type", notation.ErrSyntax, `[{"op":"insert","table":"Root","row":{"name":"x","n":"3"}}]`},
		{"division by zero", notation.ErrDomainError, `[{"op":"mutate","table":"Root","where":[],"mutations":[["n","/=",0]]}]`},
		{"unknown table", "unknown table", `[{"op":"select","table":"Nope","where":[]}]`},
		{"unknown column", "unknown column", `[{"op":"select","table":"Root","where":[["nope","==",1]]}]`},
		{"unknown op", "unknown operation", `[{"op":"frobnicate"}]`},
		{"missing where", notation.ErrSyntax, `[{"op":"delete","table":"Root"}]`},
		{"bad function", notation.ErrSyntax, `[{"op":"select","table":"Root","where":[["name","<","a"]]}]`},
		{"abort", notation.ErrAborted, `[{"op":"insert","table":"Root","row":{"name":"y"}},{"op":"abort"}]`},
		{"assert without lock", notation.ErrNotOwner, `[{"op":"assert","lock":"l"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) { fails(t, db, tc.tag, tc.ops) })
	}
	// Updating an immutable column to its own value is harmless.
	ok(t, db, `[{"op":"update","table":"Root","where":[],"row":{"name":"a"}}]`)
}

func TestFailedOpResultShape(t *testing.T) {
	db, _ := openTest(t)
	res := run(t, db, `[{"op":"comment","comment":"x"},{"op":"abort"},{"op":"insert","table":"Root","row":{"name":"z"}}]`)
	if len(res) != 3 || res[1].(map[string]any)["error"] != "aborted" || res[2] != nil {
		t.Fatalf("results %v: want [{}, error, null]", res)
	}
	// A commit-time failure adds one error after the per-operation results.
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a"}}]`)
	res = run(t, db, `[{"op":"insert","table":"Root","row":{"name":"a"}}]`)
	if len(res) != 2 || res[0].(map[string]any)["uuid"] == nil || res[1].(map[string]any)["error"] != "constraint violation" {
		t.Fatalf("results %v: want [uuid, constraint violation]", res)
	}
}

func TestReferences(t *testing.T) {
	db, _ := openTest(t)
	res := ok(t, db, `[
	  {"op":"insert","table":"Root","row":{"name":"a","children":["named-uuid","c1"],"friend":["named-uuid","o1"],"must":["named-uuid","o1"]}},
	  {"op":"insert","table":"Child","uuid-name":"c1","row":{"name":"c1","grand":["named-uuid","c2"]}},
	  {"op":"insert","table":"Child","uuid-name":"c2","row":{"name":"c2"}},
	  {"op":"insert","table":"Other","uuid-name":"o1","row":{"name":"o1"}}]`)
	c1 := uuidOf(t, res[1])

	// Deleting a still-referenced row is refused.
	fails(t, db, notation.ErrReferentialIntegrity, `[{"op":"delete","table":"Child","where":[["_uuid","==",["uuid","`+c1+`"]]]}]`)
	// A reference to a row that does not exist is refused.
	fails(t, db, notation.ErrReferentialIntegrity, `[{"op":"mutate","table":"Root","where":[],"mutations":[["children","insert",["uuid","11111111-2222-4333-8444-555555555555"]]]}]`)

	// Deleting the weakly referenced Other cleans both weak columns.
	ok(t, db, `[{"op":"delete","table":"Other","where":[]}]`)
	root := selectRows(t, db, "Root", `[]`)[0]
	if b, _ := json.Marshal([]any{root["friend"], root["must"]}); string(b) != `[["set",[]],["set",[]]]` {
		t.Fatalf("weak refs not cleaned: %s", b)
	}
	// Dropping the strong reference garbage-collects the Child and, through
	// it, the grandchild.
	ok(t, db, `[{"op":"update","table":"Root","where":[],"row":{"children":["set",[]]}}]`)
	if n := len(selectRows(t, db, "Child", `[]`)); n != 0 {
		t.Fatalf("%d Child rows survived garbage collection", n)
	}
	// An unreferenced non-root row is collected at once.
	ok(t, db, `[{"op":"insert","table":"Child","row":{"name":"orphan"}}]`)
	if n := len(selectRows(t, db, "Child", `[]`)); n != 0 {
		t.Fatal("orphan Child row kept")
	}
}

func TestWait(t *testing.T) {
	db, _ := openTest(t)
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a","n":1}}]`)
	ok(t, db, `[{"op":"wait","timeout":0,"table":"Root","where":[],"columns":["name","n"],"until":"==","rows":[{"name":"a","n":1}]}]`)
	ok(t, db, `[{"op":"wait","timeout":0,"table":"Root","where":[],"columns":["n"],"until":"!=","rows":[{"n":2}]}]`)
	fails(t, db, notation.ErrTimedOut, `[{"op":"wait","timeout":0,"table":"Root","where":[],"columns":["n"],"until":"==","rows":[{"n":2}]}]`)

	var raw []json.RawMessage
	json.Unmarshal([]byte(`[{"op":"wait","timeout":5000,"table":"Root","where":[],"columns":["n"],"until":"==","rows":[{"n":2}]}]`), &raw)
	_, err := db.Transact(raw, Options{})
	var wb *WaitBlocked
	if !errors.As(err, &wb) || wb.Timeout != 5*time.Second {
		t.Fatalf("err = %v, want WaitBlocked(5s)", err)
	}
	changed := db.Changed()
	ok(t, db, `[{"op":"update","table":"Root","where":[],"row":{"n":2}}]`)
	select {
	case <-changed:
	default:
		t.Fatal("Changed not signalled by a commit")
	}
	if res, err := db.Transact(raw, Options{}); err != nil || res[0] == nil {
		t.Fatalf("wait after change: %v %v", res, err)
	}
	res, err := db.Transact(raw[:0:0], Options{})
	if err != nil || len(res) != 0 {
		t.Fatalf("empty transaction: %v %v", res, err)
	}
}

func TestAssertWithLock(t *testing.T) {
	db, _ := openTest(t)
	var raw []json.RawMessage
	json.Unmarshal([]byte(`[{"op":"assert","lock":"l"}]`), &raw)
	res, _ := db.Transact(raw, Options{HasLock: func(n string) bool { return n == "l" }})
	if r := res[0].(notation.OperationResult); r.Error != "" {
		t.Fatalf("assert with lock held: %v", r)
	}
}

func TestDurableAndEphemeral(t *testing.T) {
	db, path := openTest(t)
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a","n":7,"eph":"gone"}}]`)
	before := selectRows(t, db, "Root", `[]`)[0]
	db.Close()
	db2, err := Open(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	after := selectRows(t, db2, "Root", `[]`)[0]
	if after["n"].(float64) != 7 || after["_uuid"].([]any)[1] != before["_uuid"].([]any)[1] ||
		after["_version"].([]any)[1] != before["_version"].([]any)[1] {
		t.Fatalf("row after reopen %v, before %v", after, before)
	}
	if e := after["eph"].([]any); len(e[1].([]any)) != 0 {
		t.Fatalf("ephemeral column survived restart: %v", e)
	}
}

func TestChangesPublished(t *testing.T) {
	db, _ := openTest(t)
	var got []*Change
	cancel := db.Snapshot(func(notation.UUID, map[string]map[notation.UUID]*Row) {}, func(c *Change) { got = append(got, c) })
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"a"}}]`)
	ok(t, db, `[{"op":"update","table":"Root","where":[],"row":{"name":"a"}}]`) // no-op: not published
	ok(t, db, `[{"op":"update","table":"Root","where":[],"row":{"n":1}}]`)
	last := db.TxnID()
	cancel()
	ok(t, db, `[{"op":"delete","table":"Root","where":[]}]`)
	if len(got) != 2 {
		t.Fatalf("%d changes published, want 2", len(got))
	}
	for _, rc := range got[1].Tables["Root"] {
		if rc.Old == nil || rc.New == nil || rc.Old.Version == rc.New.Version {
			t.Fatalf("update change %+v: want old and new with new version", rc)
		}
	}
	if got[1].TxnID != last {
		t.Fatal("TxnID not the last commit's")
	}
}

func TestOpenSchemaHandling(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xdb-open.db")
	if _, err := Open(path, nil, nil); !errors.Is(err, ErrNoSchema) {
		t.Fatalf("new file without schema: %v, want ErrNoSchema", err)
	}
	sch, _ := schema.Parse([]byte(testSchema))
	db, err := Open(path, sch, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The file's schema wins over another one given later.
	db, err = Open(path, schema.OpenVSwitch(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Name() != "T" {
		t.Fatalf("schema %s, want the file's T", db.Name())
	}
}
