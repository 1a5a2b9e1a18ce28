package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
	"github.com/xvs-switch/xvs/ovsdb/storage"
)

// commit checks the transaction's end state against the schema and, if it
// holds, writes it to storage and then to memory (RFC 7047 §4.1.3: the
// checks that only the end state can answer run at commit).
func (t *txn) commit() *notation.Error {
	t.dropNoOps()
	if len(t.changes) == 0 {
		return nil
	}
	if t.touchesRefs() {
		delta := t.strongDelta()
		t.collectGarbage(delta)
		if err := t.checkStrongRefs(delta); err != nil {
			return err
		}
		if err := t.cleanWeakRefs(); err != nil {
			return err
		}
	}
	t.dropNoOps()
	if err := t.checkTables(); err != nil {
		return err
	}
	return t.write()
}

// dropNoOps forgets rows that a transaction rewrote with their own values.
func (t *txn) dropNoOps() {
	for table, rows := range t.changes {
		for id, r := range rows {
			if old := t.db.tables[table][id]; old != nil && r != nil && sameCols(old, r) {
				delete(rows, id)
			}
		}
		if len(rows) == 0 {
			delete(t.changes, table)
		}
	}
}

// touchesRefs reports whether the transaction may have changed any
// reference: it deleted a row, inserted into a non-root table, or changed a
// row of a table that has reference columns.
func (t *txn) touchesRefs() bool {
	for table, rows := range t.changes {
		tb := t.db.schema.Tables[table]
		hasRefs := len(t.db.refCols[table].strong)+len(t.db.refCols[table].weak) > 0
		for id, r := range rows {
			switch {
			case r == nil:
				return true
			case t.db.tables[table][id] == nil && !tb.IsRoot:
				return true
			case hasRefs:
				return true
			}
		}
	}
	return false
}

// refColumns lists a table's columns that hold references of one
// strength; DB.refCols caches it per table, as commit walks every row.
func refColumns(tb *schema.Table, strength string) []*schema.Column {
	var out []*schema.Column
	for _, name := range tb.ColumnNames() {
		c := tb.Columns[name]
		kref := c.Type.Key.RefTable != "" && c.Type.Key.RefType == strength
		vref := c.Type.Value != nil && c.Type.Value.RefTable != "" && c.Type.Value.RefType == strength
		if kref || vref {
			out = append(out, c)
		}
	}
	return out
}

// eachRef calls fn for every reference of the given strength in a row.
func (db *DB) eachRef(table string, r *Row, strength string, fn func(col *schema.Column, refTable string, id notation.UUID)) {
	cols := db.refCols[table].strong
	if strength == schema.Weak {
		cols = db.refCols[table].weak
	}
	if len(cols) == 0 {
		return
	}
	db.refs.visits++
	for _, c := range cols {
		eachRefIn(c, r.Cols[c.Name], strength, fn)
	}
}

// eachRefIn calls fn for every reference of the given strength in value v
// of column c.
func eachRefIn(c *schema.Column, v any, strength string, fn func(col *schema.Column, refTable string, id notation.UUID)) {
	kref := c.Type.Key.RefTable != "" && c.Type.Key.RefType == strength
	vref := c.Type.Value != nil && c.Type.Value.RefTable != "" && c.Type.Value.RefType == strength
	switch v := v.(type) {
	case notation.Set:
		if kref {
			for _, a := range v {
				fn(c, c.Type.Key.RefTable, a.(notation.UUID))
			}
		}
	case notation.Map:
		for _, p := range v {
			if kref {
				fn(c, c.Type.Key.RefTable, p.Key.(notation.UUID))
			}
			if vref {
				fn(c, c.Type.Value.RefTable, p.Value.(notation.UUID))
			}
		}
	}
}

// findDanglingStrong scans every row for a strong reference to a row that
// does not exist and describes the first one found: checkStrongRefs calls
// it only once it knows there is one, for the error's details.
func (t *txn) findDanglingStrong() *notation.Error {
	for _, name := range t.db.schema.TableNames() {
		if len(t.db.refCols[name].strong) == 0 {
			continue
		}
		var bad *notation.Error
		t.each(name, func(r *Row) bool {
			t.db.eachRef(name, r, schema.Strong, func(c *schema.Column, refTable string, id notation.UUID) {
				if bad == nil && t.row(refTable, id) == nil {
					if _, deleted := t.changes[refTable][id]; deleted {
						bad = notation.Errorf(notation.ErrReferentialIntegrity,
							"cannot delete %s row %s because of 1 remaining reference(s) (%s.%s of row %s)", refTable, id, name, c.Name, r.UUID)
					} else {
						bad = notation.Errorf(notation.ErrReferentialIntegrity,
							"table %s column %s row %s references nonexistent row %s in table %s", name, c.Name, r.UUID, id, refTable)
					}
				}
			})
			return bad == nil
		})
		if bad != nil {
			return bad
		}
	}
	return notation.Errorf(notation.ErrReferentialIntegrity, "transaction leaves a dangling strong reference")
}

func dropDangling(t *txn, c *schema.Column, v any) (any, bool) {
	weak := func(b *schema.BaseType, a any) bool {
		return b != nil && b.RefTable != "" && b.RefType == schema.Weak && t.row(b.RefTable, a.(notation.UUID)) == nil
	}
	changed := false
	switch x := v.(type) {
	case notation.Set:
		out := notation.Set{}
		for _, a := range x {
			if weak(&c.Type.Key, a) {
				changed = true
				continue
			}
			out = append(out, a)
		}
		return out, changed
	case notation.Map:
		out := notation.Map{}
		for _, p := range x {
			if weak(&c.Type.Key, p.Key) || weak(c.Type.Value, p.Value) {
				changed = true
				continue
			}
			out = append(out, p)
		}
		return out, changed
	}
	return v, false
}

// checkTables enforces maxRows and the uniqueness of indexes (RFC 7047
// §3.2) on the tables the transaction changed.
func (t *txn) checkTables() *notation.Error {
	for name := range t.changes {
		tb := t.db.schema.Tables[name]
		if tb.MaxRows > 0 {
			if n := t.count(name); n > tb.MaxRows {
				return notation.Errorf(notation.ErrConstraintViolation, "transaction causes %q table to contain %d rows, greater than the schema-defined limit of %d row(s)", name, n, tb.MaxRows)
			}
		}
		if err := t.checkUnique(name); err != nil {
			return err
		}
	}
	return nil
}

// duplicateError describes two rows with the same values in an index.
func duplicateError(name string, idx []string, r *Row, other notation.UUID) *notation.Error {
	vals := make([]any, len(idx))
	for i, c := range idx {
		vals[i] = notation.ValueToJSON(r.Get(c))
	}
	b, _ := json.Marshal(vals)
	return notation.Errorf(notation.ErrConstraintViolation,
		"transaction causes %s rows %s and %s to have identical values (%s) for index on column(s) %s",
		name, other, r.UUID, strings.Trim(string(b), "[]"), strings.Join(idx, ", "))
}

// write makes the transaction durable, then visible: one storage batch,
// then the in-memory tables, then the subscribers.
func (t *txn) write() *notation.Error {
	id := notation.NewUUID()
	batch := &storage.Batch{Meta: map[string][]byte{storage.MetaTxnID: []byte(id)}, Sync: t.durable}
	change := &Change{TxnID: id, Tables: map[string]map[notation.UUID]RowChange{}}
	for table, rows := range t.changes {
		tb := t.db.schema.Tables[table]
		rc := map[notation.UUID]RowChange{}
		for rid, r := range rows {
			old := t.db.tables[table][rid]
			if r == nil {
				batch.Deletes = append(batch.Deletes, storage.Record{Collection: table, Key: []byte(rid)})
			} else {
				if old != nil {
					r.Version = notation.NewUUID()
				}
				data, err := encodeRow(tb, r)
				if err != nil {
					return notation.Errorf(notation.ErrIOError, "encoding row %s: %v", rid, err)
				}
				batch.Puts = append(batch.Puts, storage.Record{Collection: table, Key: []byte(rid), Value: data})
			}
			rc[rid] = RowChange{Old: old, New: r}
		}
		change.Tables[table] = rc
	}
	if err := t.db.store.Commit(batch); err != nil {
		return notation.Errorf(notation.ErrIOError, "%v", err)
	}
	for table, rows := range t.changes {
		for rid, r := range rows {
			old := t.db.tables[table][rid]
			switch {
			case old != nil && r != nil:
				t.db.accountChange(table, old, r)
			case old != nil:
				t.db.account(table, old, -1)
			default:
				t.db.account(table, r, +1)
			}
			if r == nil {
				delete(t.db.tables[table], rid)
			} else {
				t.db.tables[table][rid] = r
			}
		}
	}
	t.db.txnID = id
	if len(t.db.history) == historySize {
		t.db.history = append(t.db.history[:0:0], t.db.history[1:]...)
	}
	t.db.history = append(t.db.history, change)
	for _, sub := range t.db.subs {
		sub(change)
	}
	close(t.db.changed)
	t.db.changed = make(chan struct{})
	return nil
}

// uniqueKey renders a row's values in the index columns as a string that is
// equal for two rows exactly when the values are (canonical values make
// this a plain concatenation with kind tags and separators).
func uniqueKey(r *Row, idx []string) string {
	var b strings.Builder
	atom := func(a any) {
		switch x := a.(type) {
		case string:
			b.WriteByte('s')
			b.WriteString(strconv.Quote(x))
		case notation.UUID:
			b.WriteByte('u')
			b.WriteString(string(x))
		default:
			fmt.Fprintf(&b, "%c%v", notation.AtomKind(x)[0], x)
		}
		b.WriteByte(',')
	}
	for _, c := range idx {
		switch v := r.Get(c).(type) {
		case notation.Set:
			for _, a := range v {
				atom(a)
			}
		case notation.Map:
			for _, p := range v {
				atom(p.Key)
				atom(p.Value)
			}
		}
		b.WriteByte(';')
	}
	return b.String()
}
