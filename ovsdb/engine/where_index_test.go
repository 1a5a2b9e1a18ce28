package engine

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// TestWhereByIndex: an "==" on an indexed column (Port.name) is answered
// from the index, not by scanning the table, and still sees what the
// transaction itself inserted, changed or deleted.
func TestWhereByIndex(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "xvp-where.db"), schema.OpenVSwitch(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetNoSync(true)
	ops := `{"op":"insert","table":"Bridge","row":{"name":"br0","ports":["set",[`
	for i := range 50 {
		if i > 0 {
			ops += ","
		}
		ops += fmt.Sprintf(`["named-uuid","p%d"]`, i)
	}
	ops += `]]},"uuid-name":"b"},{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}}`
	for i := range 50 {
		ops += fmt.Sprintf(`,{"op":"insert","table":"Interface","row":{"name":"p%d"},"uuid-name":"i%d"},
			{"op":"insert","table":"Port","row":{"name":"p%d","interfaces":["named-uuid","i%d"]},"uuid-name":"p%d"}`, i, i, i, i, i)
	}
	ok(t, db, "["+ops+"]")

	count := func(res []any, i int) int { return len(res[i].(map[string]any)["rows"].([]any)) }
	before := db.refs.scans
	// Ends with an abort: the deleted port is still on the bridge.
	res := run(t, db, `[
		{"op":"select","table":"Port","where":[["name","==","p7"]],"columns":["name"]},
		{"op":"select","table":"Port","where":[["name","==","nope"]],"columns":["name"]},
		{"op":"select","table":"Port","where":[["name","==","p7"],["tag","==",3]],"columns":["name"]},
		{"op":"wait","table":"Port","timeout":0,"where":[["name","==","nope"]],"columns":["name"],"until":"==","rows":[]},
		{"op":"insert","table":"Port","row":{"name":"new","interfaces":["named-uuid","ni"]},"uuid-name":"np"},
		{"op":"insert","table":"Interface","row":{"name":"new"},"uuid-name":"ni"},
		{"op":"select","table":"Port","where":[["name","==","new"]],"columns":["name"]},
		{"op":"delete","table":"Port","where":[["name","==","p8"]]},
		{"op":"select","table":"Port","where":[["name","==","p8"]],"columns":["name"]},
		{"op":"update","table":"Port","where":[["name","==","p9"]],"row":{"tag":3}},
		{"op":"select","table":"Port","where":[["name","==","p9"],["tag","==",3]],"columns":["name"]},
		{"op":"abort"}]`)
	for i, want := range map[int]int{0: 1, 1: 0, 2: 0, 6: 1, 8: 0, 10: 1} {
		if got := count(res, i); got != want {
			t.Errorf("operation %d: %d rows, want %d", i, got, want)
		}
	}
	if n := db.refs.scans - before; n != 0 {
		t.Errorf("%d where clauses scanned a table; an == on an indexed column must not", n)
	}
	// A condition on no index still scans, and finds the same rows.
	before = db.refs.scans
	res = ok(t, db, `[{"op":"select","table":"Port","where":[["name","!=","x"]],"columns":["name"]}]`)
	if got := count(res, 0); got != 50 {
		t.Errorf("name != x: %d rows, want 50", got)
	}
	if db.refs.scans == before {
		t.Error("a != condition did not scan: the scan counter is not counting")
	}
}
