package engine

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
	"github.com/xvs-switch/xvs/ovsdb/storage"
)

// DB is one open database.
type DB struct {
	schema  *schema.Schema
	store   *storage.Store
	log     *slog.Logger
	refCols map[string]tableRefs // per table, fixed at open
	refs    *refIndex            // guarded by mu

	// mu protects the fields below; it is held for a whole transaction.
	mu      sync.Mutex
	tables  map[string]map[notation.UUID]*Row
	txnID   notation.UUID
	subs    map[int]func(*Change)
	nextSub int
	changed chan struct{} // closed and replaced at every commit
	closed  bool
	history []*Change // the last historySize commits, oldest first
}

// historySize is how many recent commits a DB remembers so that a client
// reconnecting with monitor_cond_since gets only what it missed.
const historySize = 128

// tableRefs are a table's reference columns by strength.
type tableRefs struct {
	strong, weak []*schema.Column
}

// Change is what one committed transaction did, per table and row: Old is
// nil for an inserted row, New is nil for a deleted one.
type Change struct {
	TxnID  notation.UUID
	Tables map[string]map[notation.UUID]RowChange
}

// RowChange is one row's before and after.
type RowChange struct {
	Old, New *Row
}

// ErrNoSchema is returned by Open for a new file when no schema is given.
var ErrNoSchema = errors.New("database file has no schema and none was given")

// Open opens the database file at path, creating it with sch when it does
// not exist or holds no schema yet. When the file has a schema, sch may be
// nil; if it is not and differs, the file's schema wins and a warning is
// logged.
func Open(path string, sch *schema.Schema, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := storage.Open(path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	db, err := load(st, sch, log)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("engine: open %s: %w", path, err)
	}
	return db, nil
}

func load(st *storage.Store, sch *schema.Schema, log *slog.Logger) (*DB, error) {
	raw, err := st.Meta(storage.MetaSchema)
	if err != nil {
		return nil, err
	}
	switch {
	case raw == nil && sch == nil:
		return nil, ErrNoSchema
	case raw == nil:
		if err := st.Commit(&storage.Batch{Meta: map[string][]byte{storage.MetaSchema: sch.Raw}}); err != nil {
			return nil, err
		}
	default:
		stored, err := schema.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("stored schema: %w", err)
		}
		if sch != nil && !bytes.Equal(bytes.TrimSpace(sch.Raw), bytes.TrimSpace(raw)) {
			log.Warn("database file has its own schema; ignoring the one given", "file", st.Path(),
				"file_schema", stored.Name+" "+stored.Version, "given", sch.Name+" "+sch.Version)
		}
		sch = stored
	}
	db := &DB{schema: sch, store: st, log: log, tables: map[string]map[notation.UUID]*Row{},
		subs: map[int]func(*Change){}, changed: make(chan struct{})}
	db.refCols = map[string]tableRefs{}
	for name, tb := range sch.Tables {
		db.tables[name] = map[notation.UUID]*Row{}
		db.refCols[name] = tableRefs{strong: refColumns(tb, schema.Strong), weak: refColumns(tb, schema.Weak)}
	}
	if id, _ := st.Meta(storage.MetaTxnID); id != nil {
		db.txnID = notation.UUID(id)
	} else {
		db.txnID = notation.ZeroUUID
	}
	err = st.ForEach(func(coll string, key, value []byte) error {
		t := sch.Tables[coll]
		if t == nil {
			log.Warn("dropping rows of a table the schema lacks", "table", coll)
			return nil
		}
		id, err := notation.ParseUUID(string(key))
		if err != nil {
			return fmt.Errorf("table %s: bad row key: %w", coll, err)
		}
		r, err := decodeRow(t, id, value)
		if err != nil {
			return fmt.Errorf("table %s row %s: %w", coll, id, err)
		}
		db.tables[coll][id] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	db.refs = newRefIndex(sch)
	for table, rows := range db.tables {
		for _, r := range rows {
			db.account(table, r, +1)
		}
	}
	return db, nil
}

// Schema returns the database's schema.
func (db *DB) Schema() *schema.Schema { return db.schema }

// Name returns the database's name (the schema's).
func (db *DB) Name() string { return db.schema.Name }

// Close closes the file. It is idempotent.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	return db.store.Close()
}

// FileSize returns the size of the database file in bytes.
func (db *DB) FileSize() (int64, error) { return db.store.Size() }

// Snapshot calls fn with the committed rows of every table, then registers
// sub to receive every later Change; both happen under the lock, so sub
// misses nothing and sees nothing twice. fn must not keep the maps. The
// returned function unsubscribes.
func (db *DB) Snapshot(fn func(txnID notation.UUID, tables map[string]map[notation.UUID]*Row), sub func(*Change)) (cancel func()) {
	db.mu.Lock()
	defer db.mu.Unlock()
	fn(db.txnID, db.tables)
	if sub == nil {
		return func() {}
	}
	id := db.nextSub
	db.nextSub++
	db.subs[id] = sub
	return func() {
		db.mu.Lock()
		delete(db.subs, id)
		db.mu.Unlock()
	}
}

// SnapshotSince is Snapshot for a client that has the database as of
// transaction lastID: when lastID is recent enough, fn also gets the
// commits after it (oldest first) and found is true; the rows are given in
// any case.
func (db *DB) SnapshotSince(lastID notation.UUID, fn func(txnID notation.UUID, tables map[string]map[notation.UUID]*Row, since []*Change, found bool), sub func(*Change)) (cancel func()) {
	return db.Snapshot(func(txnID notation.UUID, tables map[string]map[notation.UUID]*Row) {
		if lastID == txnID && lastID != notation.ZeroUUID {
			fn(txnID, tables, nil, true)
			return
		}
		for i, c := range db.history {
			if c.TxnID == lastID {
				fn(txnID, tables, append([]*Change(nil), db.history[i+1:]...), true)
				return
			}
		}
		fn(txnID, tables, nil, false)
	}, sub)
}

// Changed returns a channel closed at the next commit.
func (db *DB) Changed() <-chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.changed
}

// TxnID returns the UUID of the last committed transaction.
func (db *DB) TxnID() notation.UUID {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.txnID
}

// SetNoSync turns off syncing at commit (see storage.Store.SetNoSync): for
// tests and bulk loads only, as acknowledged transactions can then be lost.
func (db *DB) SetNoSync(v bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.store.SetNoSync(v)
}
