package engine

import (
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// TestRefIndexMatchesRebuild: after commits that add, replace and remove
// strong and weak references (which the commit accounts as differences
// from the committed row, accountChange), the reference index equals one
// built from scratch from the committed rows, as Open builds it.
func TestRefIndexMatchesRebuild(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "xvp-refs.db"), schema.OpenVSwitch(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetNoSync(true)
	res := ok(t, db, `[{"op":"insert","table":"Bridge","row":{"name":"br0"},"uuid-name":"b"},
		{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}}]`)
	br := res[0].(map[string]any)["uuid"].([]any)[1].(string)
	brWhere := fmt.Sprintf(`[["_uuid","==",["uuid",%q]]]`, br)
	for i := range 20 {
		ok(t, db, fmt.Sprintf(`[{"op":"insert","table":"Interface","row":{"name":"p%d"},"uuid-name":"i"},
			{"op":"insert","table":"Port","row":{"name":"p%d","interfaces":["named-uuid","i"]},"uuid-name":"p"},
			{"op":"mutate","table":"Bridge","where":%s,"mutations":[["ports","insert",["named-uuid","p"]]]}]`, i, i, brWhere))
	}
	portID := func(name string) string {
		r := ok(t, db, fmt.Sprintf(`[{"op":"select","table":"Port","where":[["name","==",%q]],"columns":["_uuid"]}]`, name))
		return r[0].(map[string]any)["rows"].([]any)[0].(map[string]any)["_uuid"].([]any)[1].(string)
	}
	// A mirror refers weakly to ports; removing a port drops it from the
	// mirror's sets.
	ok(t, db, fmt.Sprintf(`[{"op":"insert","table":"Mirror","row":{"name":"m","select_src_port":["set",[["uuid",%q],["uuid",%q]]]},"uuid-name":"m"},
		{"op":"mutate","table":"Bridge","where":%s,"mutations":[["mirrors","insert",["named-uuid","m"]]]}]`,
		portID("p1"), portID("p2"), brWhere))
	ok(t, db, fmt.Sprintf(`[{"op":"update","table":"Mirror","where":[["name","==","m"]],"row":{"select_src_port":["set",[["uuid",%q],["uuid",%q]]]}}]`,
		portID("p2"), portID("p3")))
	ok(t, db, fmt.Sprintf(`[{"op":"mutate","table":"Bridge","where":%s,"mutations":[["ports","delete",["uuid",%q]]]}]`, brWhere, portID("p3")))
	// A port moves its interface to a new one; the old is collected.
	ok(t, db, `[{"op":"insert","table":"Interface","row":{"name":"p4b"},"uuid-name":"i"},
		{"op":"update","table":"Port","where":[["name","==","p4"]],"row":{"interfaces":["named-uuid","i"]}}]`)
	// Rewrite the bridge's ports whole, without p5 and p6.
	var keep string
	for i := range 20 {
		if i == 3 || i == 5 || i == 6 {
			continue
		}
		if keep != "" {
			keep += ","
		}
		keep += fmt.Sprintf(`["uuid",%q]`, portID(fmt.Sprintf("p%d", i)))
	}
	ok(t, db, fmt.Sprintf(`[{"op":"update","table":"Bridge","where":%s,"row":{"ports":["set",[%s]]}}]`, brWhere, keep))
	if n := len(db.tables["Port"]); n != 17 {
		t.Fatalf("%d ports, want 17", n)
	}
	if n := len(db.tables["Interface"]); n != 17 {
		t.Fatalf("%d interfaces, want 17 (p4's old one collected)", n)
	}

	fresh := newRefIndex(db.schema)
	saved := db.refs
	db.refs = fresh
	for table, rows := range db.tables {
		for _, r := range rows {
			db.account(table, r, +1)
		}
	}
	db.refs = saved
	if !maps.Equal(saved.strongIn, fresh.strongIn) {
		t.Errorf("strong counts differ from a rebuild:\n got %v\nwant %v", saved.strongIn, fresh.strongIn)
	}
	if !reflect.DeepEqual(saved.weakIn, fresh.weakIn) {
		t.Errorf("weak referrers differ from a rebuild:\n got %v\nwant %v", saved.weakIn, fresh.weakIn)
	}
	if !reflect.DeepEqual(saved.unique, fresh.unique) {
		t.Errorf("unique indexes differ from a rebuild")
	}
	if len(fresh.weakIn) != 1 {
		t.Errorf("%d weakly referenced rows, want 1 (p2; p3 was removed)", len(fresh.weakIn))
	}
}
