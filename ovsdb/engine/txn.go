package engine

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// Options are the session facts a transaction may depend on.
type Options struct {
	// HasLock reports whether the session owns a lock ("assert",
	// RFC 7047 §5.2.11). Nil means it owns none.
	HasLock func(name string) bool
	// WaitExpired makes a "wait" whose condition does not hold fail with
	// "timed out" instead of blocking (the server sets it once the wait's
	// timeout has passed).
	WaitExpired bool
}

// WaitBlocked is returned by Transact when a "wait" operation's condition
// does not hold yet (RFC 7047 §5.2.6). Nothing was committed. The caller
// retries after the next commit (DB.Changed) and, once Timeout has passed
// since the first attempt, retries with Options.WaitExpired.
type WaitBlocked struct {
	Timeout time.Duration // <0: no timeout
}

func (w *WaitBlocked) Error() string { return "wait: condition not satisfied yet" }

// txn is one transaction in progress: an overlay of changed rows on the
// committed tables.
type txn struct {
	db      *DB
	o       Options
	changes map[string]map[notation.UUID]*Row // nil Row: deleted
	named   map[string]notation.UUID
	blocked *WaitBlocked
	durable bool // a "commit" operation asked for "durable": true
}

func (t *txn) row(table string, id notation.UUID) *Row {
	if c, ok := t.changes[table][id]; ok {
		return c
	}
	return t.db.tables[table][id]
}

// each calls fn for every row of the table as the transaction sees it,
// stopping when fn returns false.
func (t *txn) each(table string, fn func(*Row) bool) {
	ch := t.changes[table]
	for id, r := range t.db.tables[table] {
		if _, changed := ch[id]; changed {
			continue
		}
		if !fn(r) {
			return
		}
	}
	for _, r := range ch {
		if r != nil && !fn(r) {
			return
		}
	}
}

func (t *txn) count(table string) int {
	n := len(t.db.tables[table])
	for id, r := range t.changes[table] {
		_, was := t.db.tables[table][id]
		switch {
		case was && r == nil:
			n--
		case !was && r != nil:
			n++
		}
	}
	return n
}

func (t *txn) put(table string, r *Row) {
	if t.changes[table] == nil {
		t.changes[table] = map[notation.UUID]*Row{}
	}
	t.changes[table][r.UUID] = r
}

func (t *txn) del(table string, id notation.UUID) {
	if t.changes[table] == nil {
		t.changes[table] = map[notation.UUID]*Row{}
	}
	if _, committed := t.db.tables[table][id]; committed {
		t.changes[table][id] = nil
	} else {
		delete(t.changes[table], id)
	}
}

// writable returns a copy of the row that the transaction may change,
// making one only the first time.
func (t *txn) writable(table string, r *Row) *Row {
	if c, ok := t.changes[table][r.UUID]; ok && c == r && t.db.tables[table][r.UUID] != r {
		return r
	}
	c := r.clone()
	t.put(table, c)
	return c
}

// Transact runs the operations of one "transact" request (RFC 7047 §4.1.3)
// — ops are the request's params after the database name — and returns one
// result per operation. If an operation fails, its result is the error
// object, later ones are null and nothing is committed; if all succeed but
// the commit fails, an extra error object follows. The only Go error is
// *WaitBlocked.
func (db *DB) Transact(ops []json.RawMessage, o Options) ([]any, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	results := make([]any, len(ops))
	if db.closed {
		return append(results[:0], errResult(notation.Errorf(notation.ErrIOError, "database is closed"))), nil
	}
	t := &txn{db: db, o: o, changes: map[string]map[notation.UUID]*Row{}, named: map[string]notation.UUID{}}
	// Operations decode up to the first malformed one; those before it
	// still run so that the reply says which operation was at fault.
	decoded := make([]*notation.Operation, 0, len(ops))
	failed := -1
	var failure *notation.Error
	for i, raw := range ops {
		op, err := DecodeOperation(raw)
		if err != nil {
			failed, failure = i, err
			break
		}
		decoded = append(decoded, op)
	}
	if i, err := t.nameInserts(decoded); i >= 0 {
		failed, failure = i, err
		decoded = decoded[:i]
	}
	for i, op := range decoded {
		res, err := t.execute(op)
		if err != nil {
			failed, failure = i, err
			break
		}
		results[i] = res
		if t.blocked != nil {
			break
		}
	}
	if t.blocked != nil && failed < 0 {
		return nil, t.blocked
	}
	if failed >= 0 {
		results[failed] = errResult(failure)
		for i := failed + 1; i < len(results); i++ {
			results[i] = nil
		}
		return results, nil
	}
	if err := t.commit(); err != nil {
		return append(results, errResult(err)), nil
	}
	return results, nil
}

func errResult(e *notation.Error) notation.OperationResult {
	return notation.OperationResult{Error: e.Tag, Details: e.Details}
}

// nameInserts gives every insert's uuid-name its UUID before the first
// operation runs, so that operations may refer to a row inserted later in
// the same transaction.
func (t *txn) nameInserts(ops []*notation.Operation) (int, *notation.Error) {
	for i, op := range ops {
		if op.Op != "insert" || op.UUIDName == "" {
			continue
		}
		if !notation.ValidID(op.UUIDName) {
			return i, notation.Errorf(notation.ErrSyntax, "uuid-name %q is not a valid <id>", op.UUIDName)
		}
		if _, dup := t.named[op.UUIDName]; dup {
			return i, notation.Errorf(notation.ErrDuplicateUUIDName, "uuid-name %q used by two inserts", op.UUIDName)
		}
		if op.UUID != nil {
			t.named[op.UUIDName] = *op.UUID
		} else {
			t.named[op.UUIDName] = notation.NewUUID()
		}
	}
	return -1, nil
}

// resolve replaces named-uuids in a decoded value by the UUIDs of this
// transaction's inserts.
func (t *txn) resolve(v any) (any, error) {
	atom := func(a any) (any, error) {
		if n, ok := a.(notation.NamedUUID); ok {
			id, ok := t.named[string(n)]
			if !ok {
				return nil, notation.Errorf(notation.ErrSyntax, "named-uuid %q is not the uuid-name of an insert in this transaction", string(n))
			}
			return id, nil
		}
		return a, nil
	}
	switch x := v.(type) {
	case notation.Set:
		out := make(notation.Set, len(x))
		for i, a := range x {
			r, err := atom(a)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case notation.Map:
		out := make(notation.Map, len(x))
		for i, p := range x {
			k, err := atom(p.Key)
			if err != nil {
				return nil, err
			}
			val, err := atom(p.Value)
			if err != nil {
				return nil, err
			}
			out[i] = notation.Pair{Key: k, Value: val}
		}
		return out, nil
	}
	return atom(v)
}

// value decodes a JSON value for a column: named-uuids resolved, converted,
// checked and canonical.
func (t *txn) value(c *schema.Column, j any, skipSize bool) (any, *notation.Error) {
	v, err := notation.ValueFromJSON(j)
	if err != nil {
		return nil, notation.Errorf(notation.ErrSyntax, "column %s: %v", c.Name, err)
	}
	if v, err = t.resolve(v); err != nil {
		return nil, asOVSDB(err)
	}
	// A bare atom where a map is expected is a syntax error, but the empty
	// set ["set",[]] means an empty map too: OVS clients write it so.
	if s, ok := v.(notation.Set); ok && c.Type.IsMap() && len(s) == 0 {
		v = notation.Map{}
	}
	n, err := c.Type.Normalize(v, schema.Options{SkipSize: skipSize})
	if err != nil {
		e := asOVSDB(err)
		e.Details = fmt.Sprintf("column %s: %s", c.Name, e.Details)
		return nil, e
	}
	return n, nil
}

func asOVSDB(err error) *notation.Error {
	if e, ok := err.(*notation.Error); ok {
		return &notation.Error{Tag: e.Tag, Details: e.Details}
	}
	return notation.Errorf(notation.ErrSyntax, "%v", err)
}
