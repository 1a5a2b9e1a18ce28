package engine

import (
	"encoding/json"
	"strconv"
	"testing"
)

// TestFileBoundedUnderChurn updates one row 100,000 times: bbolt reuses
// freed pages, so the file must stay small (a log-structured file would
// grow with every update).
func TestFileBoundedUnderChurn(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 5_000
	}
	db, _ := openTest(t)
	// Syncing is beside the point here and costs ~2 ms a commit.
	db.SetNoSync(true)
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"churn"}}]`)
	ops := make([]json.RawMessage, 1)
	for i := range n {
		ops[0] = json.RawMessage(`{"op":"update","table":"Root","where":[["name","==","churn"]],"row":{"n":` + strconv.Itoa(i%10) +
			`,"tags":["set",["t` + strconv.Itoa(i) + `"]],"m":["map",[["k","value-` + strconv.Itoa(i) + `"]]]}}`)
		res, err := db.Transact(ops, Options{})
		if err != nil || len(res) != 1 {
			t.Fatalf("update %d: %v %v", i, res, err)
		}
	}
	size, err := db.FileSize()
	if err != nil {
		t.Fatal(err)
	}
	const bound = 1 << 20
	if size > bound {
		t.Fatalf("file is %d bytes after %d updates of one row, want at most %d", size, n, bound)
	}
	t.Logf("file is %d bytes after %d updates", size, n)
}
