package engine

import (
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// execute runs one decoded operation (RFC 7047 §5.2.1-§5.2.11).
func (t *txn) execute(op *notation.Operation) (any, *notation.Error) {
	switch op.Op {
	case "insert":
		return t.insert(op)
	case "select":
		return t.selectOp(op)
	case "update":
		return t.update(op)
	case "mutate":
		return t.mutate(op)
	case "delete":
		return t.deleteOp(op)
	case "wait":
		return t.wait(op)
	case "commit":
		// RFC 7047 §5.2.9: "durable": true asks that the transaction be
		// on disk before the reply; without it, it is in the file (it
		// survives a server kill) and on disk within storage.FlushInterval.
		if op.Durable != nil && *op.Durable {
			t.durable = true
		}
		return notation.OperationResult{}, nil
	case "abort":
		return nil, notation.Errorf(notation.ErrAborted, "aborted by request")
	case "comment":
		if op.Comment != "" {
			t.db.log.Info("transaction comment", "comment", op.Comment)
		}
		return notation.OperationResult{}, nil
	case "assert":
		if t.o.HasLock == nil || !t.o.HasLock(op.Lock) {
			return nil, notation.Errorf(notation.ErrNotOwner, "lock %q is not held by this session", op.Lock)
		}
		return notation.OperationResult{}, nil
	}
	return nil, notation.Errorf("unknown operation", "no operation %q", op.Op)
}

func (t *txn) table(name string) (*schema.Table, *notation.Error) {
	tb := t.db.schema.Tables[name]
	if tb == nil {
		return nil, notation.Errorf("unknown table", "no table named %s", name)
	}
	return tb, nil
}

func column(tb *schema.Table, name string) (*schema.Column, *notation.Error) {
	c := tb.Column(name)
	if c == nil {
		return nil, notation.Errorf("unknown column", "no column %s in table %s", name, tb.Name)
	}
	return c, nil
}

// rowValues types the "row" member of an insert or update. Columns _uuid
// and _version cannot be written (RFC 7047 §5.2.1).
func (t *txn) rowValues(tb *schema.Table, row map[string]any) (map[string]any, *notation.Error) {
	out := make(map[string]any, len(row))
	for name, j := range row {
		if name == "_uuid" || name == "_version" {
			return nil, notation.Errorf(notation.ErrConstraintViolation, "column %s cannot be written", name)
		}
		c, err := column(tb, name)
		if err != nil {
			return nil, err
		}
		v, err := t.value(c, j, false)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

func (t *txn) insert(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	var id notation.UUID
	switch {
	case op.UUIDName != "":
		id = t.named[op.UUIDName]
	case op.UUID != nil:
		id = *op.UUID
	default:
		id = notation.NewUUID()
	}
	if op.UUID != nil {
		for _, name := range t.db.schema.TableNames() {
			if t.row(name, id) != nil {
				return nil, notation.Errorf(notation.ErrConstraintViolation, "a row with UUID %s already exists", id)
			}
		}
	}
	vals, err := t.rowValues(tb, op.Row)
	if err != nil {
		return nil, err
	}
	r := defaultRow(tb, id)
	for k, v := range vals {
		r.Cols[k] = v
	}
	t.put(tb.Name, r)
	return notation.OperationResult{UUID: &id}, nil
}

func (t *txn) selectOp(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	rows, err := t.where(tb, op.Where)
	if err != nil {
		return nil, err
	}
	cols, err := columnList(tb, op.Columns)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.JSON(tb, cols))
	}
	return notation.OperationResult{Rows: out}, nil
}

// columnList checks a "columns" member; nil means every column.
func columnList(tb *schema.Table, cols []string) ([]string, *notation.Error) {
	if cols == nil {
		return nil, nil
	}
	for _, c := range cols {
		if _, err := column(tb, c); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

func (t *txn) update(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	vals, err := t.rowValues(tb, op.Row)
	if err != nil {
		return nil, err
	}
	rows, err := t.where(tb, op.Where)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		for name, v := range vals {
			if !tb.Columns[name].Mutable && !notation.Equal(r.Cols[name], v) {
				return nil, notation.Errorf(notation.ErrConstraintViolation, "cannot update immutable column %s of table %s", name, tb.Name)
			}
		}
		w := t.writable(tb.Name, r)
		for name, v := range vals {
			w.Cols[name] = v
		}
	}
	n := len(rows)
	return notation.OperationResult{Count: &n}, nil
}

func (t *txn) deleteOp(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	rows, err := t.where(tb, op.Where)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t.del(tb.Name, r.UUID)
	}
	n := len(rows)
	return notation.OperationResult{Count: &n}, nil
}

// wait compares the projection of the selected rows with "rows" as sets
// (RFC 7047 §5.2.6). When the comparison fails the transaction blocks
// until the next commit, or fails with "timed out" once the timeout (0:
// at once) has passed.
func (t *txn) wait(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	// "columns" is optional in practice (ovs-vsctl omits it when it only
	// checks a row count); absent means every column.
	cols, err := columnList(tb, op.Columns)
	if err != nil {
		return nil, err
	}
	if cols == nil {
		cols = tb.ColumnNames()
	}
	rows, err := t.where(tb, op.Where)
	if err != nil {
		return nil, err
	}
	have := make([]string, 0, len(rows))
	for _, r := range rows {
		have = append(have, projectionKey(tb, cols, r.Get))
	}
	want := make([]string, 0, len(op.Rows))
	for _, j := range op.Rows {
		obj, ok := j.(map[string]any)
		if !ok {
			return nil, notation.Errorf(notation.ErrSyntax, "wait: rows must be objects")
		}
		vals := map[string]any{}
		for name, jv := range obj {
			c, err := column(tb, name)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(cols, name) {
				return nil, notation.Errorf(notation.ErrSyntax, "wait: row column %s is not in \"columns\"", name)
			}
			v, err := t.value(c, jv, false)
			if err != nil {
				return nil, err
			}
			vals[name] = v
		}
		get := func(name string) any {
			if v, ok := vals[name]; ok {
				return v
			}
			return tb.Column(name).Type.Default()
		}
		want = append(want, projectionKey(tb, cols, get))
	}
	sort.Strings(have)
	sort.Strings(want)
	equal := slices.Equal(slices.Compact(have), slices.Compact(want))
	if equal == (op.Until == "==") {
		return notation.OperationResult{}, nil
	}
	if t.o.WaitExpired || (op.Timeout != nil && *op.Timeout <= 0) {
		return nil, notation.Errorf(notation.ErrTimedOut, "\"wait\" timed out")
	}
	d := time.Duration(-1)
	if op.Timeout != nil {
		d = time.Duration(*op.Timeout) * time.Millisecond
	}
	if t.blocked == nil || (d >= 0 && (t.blocked.Timeout < 0 || d < t.blocked.Timeout)) {
		t.blocked = &WaitBlocked{Timeout: d}
	}
	return notation.OperationResult{}, nil
}

// projectionKey renders the named columns of a row canonically so that
// projected rows compare as strings.
func projectionKey(tb *schema.Table, cols []string, get func(string) any) string {
	parts := make([]any, 0, len(cols))
	for _, c := range cols {
		parts = append(parts, notation.ValueToJSON(get(c)))
	}
	b, _ := json.Marshal(parts)
	return string(b)
}
