package engine

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// TestCommitCostFlat adds ports to a bridge of the Open_vSwitch schema the
// way vsctl add-port does (insert Interface and Port, rewrite the bridge's
// ports) and counts the rows the commit examines: it must not grow with
// the number of ports already there, as it did when reference counting,
// garbage collection and index checks scanned whole tables. It then
// deletes a port, which must also stay independent of the table sizes.
func TestCommitCostFlat(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "xdp-cost.db"), schema.OpenVSwitch(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetNoSync(true)
	res := ok(t, db, `[{"op":"insert","table":"Bridge","row":{"name":"br0"},"uuid-name":"b"},
		{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}}]`)
	br := res[0].(map[string]any)["uuid"].([]any)[1].(string)
	addPort := func(i int) int {
		before := db.refs.visits
		ok(t, db, fmt.Sprintf(`[{"op":"insert","table":"Interface","row":{"name":"p%d"},"uuid-name":"i"},
			{"op":"insert","table":"Port","row":{"name":"p%d","interfaces":["named-uuid","i"]},"uuid-name":"p"},
			{"op":"mutate","table":"Bridge","where":[["_uuid","==",["uuid",%q]]],
			 "mutations":[["ports","insert",["named-uuid","p"]]]}]`, i, i, br))
		return db.refs.visits - before
	}
	first := addPort(0)
	if first == 0 {
		t.Fatal("commit examined no rows: the counter is not counting")
	}
	for i := 1; i < 300; i++ {
		addPort(i)
	}
	if last := addPort(300); last != first {
		t.Fatalf("add-port examined %d rows with 300 ports, %d with none: commit cost grows with the table", last, first)
	}
	// Removing a port from the bridge garbage-collects the Port and its
	// Interface (they are not root tables).
	p := ok(t, db, `[{"op":"select","table":"Port","where":[["name","==","p7"]],"columns":["_uuid"]}]`)
	pid := p[0].(map[string]any)["rows"].([]any)[0].(map[string]any)["_uuid"].([]any)[1].(string)
	before := db.refs.visits
	ok(t, db, fmt.Sprintf(`[{"op":"mutate","table":"Bridge","where":[["_uuid","==",["uuid",%q]]],
		"mutations":[["ports","delete",["uuid",%q]]]}]`, br, pid))
	if n := db.refs.visits - before; n > first {
		t.Fatalf("del-port examined %d rows, want at most %d (independent of the 301 ports)", n, first)
	}
	if n := len(db.tables["Port"]); n != 300 {
		t.Fatalf("%d ports after removing one of 301, want 300 (garbage collection)", n)
	}
	if n := len(db.tables["Interface"]); n != 300 {
		t.Fatalf("%d interfaces after removing one of 301, want 300 (garbage collection)", n)
	}
}
