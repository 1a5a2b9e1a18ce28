package engine

import (
	"testing"
	"time"
)

// TestDurableCommit checks that a transaction with "commit" "durable": true
// is synced before Transact returns, and that one without it is written
// but left to the flusher (RFC 7047 §5.2.9).
func TestDurableCommit(t *testing.T) {
	db, _ := openTest(t)
	db.store.SetFlushInterval(time.Hour) // the commits, not the flusher, sync
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"lazy"}}]`)
	if !db.store.Dirty() {
		t.Fatal("a transaction without durable was synced at once")
	}
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"durable"}},{"op":"commit","durable":true}]`)
	if db.store.Dirty() {
		t.Fatal("a durable transaction returned before the file was synced")
	}
	ok(t, db, `[{"op":"insert","table":"Root","row":{"name":"not-durable"}},{"op":"commit","durable":false}]`)
	if !db.store.Dirty() {
		t.Fatal(`"durable": false was synced at once`)
	}
}
