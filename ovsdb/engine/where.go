package engine

import (
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// cond is a typed condition (RFC 7047 §5.1 <condition>).
type cond struct {
	col   *schema.Column
	fn    string
	value any // canonical, of the column's type
}

// Conditions types a "where" clause against a table. It is exported for
// the server's monitor_cond, which evaluates the same conditions.
func Conditions(tb *schema.Table, where []notation.Condition) (func(*Row) bool, *notation.Error) {
	t := &txn{}
	cs, err := t.conditions(tb, where)
	if err != nil {
		return nil, err
	}
	return func(r *Row) bool { return matchAll(cs, r) }, nil
}

func (t *txn) conditions(tb *schema.Table, where []notation.Condition) ([]cond, *notation.Error) {
	out := make([]cond, 0, len(where))
	for _, w := range where {
		c, err := column(tb, w.Column)
		if err != nil {
			return nil, err
		}
		switch w.Function {
		case "<", "<=", ">", ">=":
			k := c.Type.Key.Type
			if (k != schema.Integer && k != schema.Real) || c.Type.IsMap() || c.Type.Max != 1 {
				return nil, notation.Errorf(notation.ErrSyntax, "function %s needs an integer or real column with at most one value; %s is not", w.Function, c.Name)
			}
		case "==", "!=", "includes", "excludes":
		default:
			return nil, notation.Errorf(notation.ErrSyntax, "unknown condition function %q", w.Function)
		}
		var v any
		var err2 *notation.Error
		if t.named != nil {
			v, err2 = t.value(c, w.Value, true)
		} else {
			v, err2 = plainValue(c, w.Value)
		}
		if err2 != nil {
			return nil, err2
		}
		out = append(out, cond{c, w.Function, v})
	}
	return out, nil
}

// plainValue types a value outside a transaction (no named-uuids).
func plainValue(c *schema.Column, j any) (any, *notation.Error) {
	v, err := notation.ValueFromJSON(j)
	if err != nil {
		return nil, notation.Errorf(notation.ErrSyntax, "column %s: %v", c.Name, err)
	}
	if s, ok := v.(notation.Set); ok && c.Type.IsMap() && len(s) == 0 {
		v = notation.Map{}
	}
	n, err := c.Type.Normalize(v, schema.Options{SkipSize: true})
	if err != nil {
		return nil, asOVSDB(err)
	}
	return n, nil
}

func matchAll(cs []cond, r *Row) bool {
	for _, c := range cs {
		if !c.match(r.Get(c.col.Name)) {
			return false
		}
	}
	return true
}

func (c cond) match(have any) bool {
	switch c.fn {
	case "==":
		return notation.Equal(have, c.value)
	case "!=":
		return !notation.Equal(have, c.value)
	case "includes":
		return includes(have, c.value)
	case "excludes":
		return excludes(have, c.value)
	}
	// Inequalities: both sides hold exactly one number.
	hs, ws := have.(notation.Set), c.value.(notation.Set)
	if len(hs) != 1 || len(ws) != 1 {
		return false
	}
	cmp := notation.CompareAtoms(hs[0], ws[0])
	switch c.fn {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

// includes: every element (pair, for maps) of want is in have.
func includes(have, want any) bool {
	switch w := want.(type) {
	case notation.Set:
		h := have.(notation.Set)
		for _, a := range w {
			if indexAtom(h, a) < 0 {
				return false
			}
		}
		return true
	case notation.Map:
		h := have.(notation.Map)
		for _, p := range w {
			if !hasPair(h, p) {
				return false
			}
		}
		return true
	}
	return false
}

// excludes: no element (pair, for maps) of want is in have.
func excludes(have, want any) bool {
	switch w := want.(type) {
	case notation.Set:
		h := have.(notation.Set)
		for _, a := range w {
			if indexAtom(h, a) >= 0 {
				return false
			}
		}
		return true
	case notation.Map:
		h := have.(notation.Map)
		for _, p := range w {
			if hasPair(h, p) {
				return false
			}
		}
		return true
	}
	return false
}

func indexAtom(s notation.Set, a any) int {
	for i, x := range s {
		if notation.CompareAtoms(x, a) == 0 {
			return i
		}
	}
	return -1
}

func indexKey(m notation.Map, k any) int {
	for i, p := range m {
		if notation.CompareAtoms(p.Key, k) == 0 {
			return i
		}
	}
	return -1
}

func hasPair(m notation.Map, p notation.Pair) bool {
	i := indexKey(m, p.Key)
	return i >= 0 && notation.CompareAtoms(m[i].Value, p.Value) == 0
}

// where returns the rows of the table that satisfy every condition. A
// condition "_uuid == <uuid>" is answered by a lookup instead of a scan.
func (t *txn) where(tb *schema.Table, where []notation.Condition) ([]*Row, *notation.Error) {
	cs, err := t.conditions(tb, where)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.col.Name == "_uuid" && c.fn == "==" {
			s := c.value.(notation.Set)
			if len(s) != 1 {
				return nil, nil
			}
			id, _ := s[0].(notation.UUID)
			r := t.row(tb.Name, id)
			if r == nil || !matchAll(cs, r) {
				return nil, nil
			}
			return []*Row{r}, nil
		}
	}
	if rows, ok := t.byIndex(tb, cs); ok {
		return rows, nil
	}
	if t.db.refs != nil {
		t.db.refs.scans++
	}
	var out []*Row
	t.each(tb.Name, func(r *Row) bool {
		if matchAll(cs, r) {
			out = append(out, r)
		}
		return true
	})
	return out, nil
}

// byIndex answers a where clause that has an "==" on every column of one
// of the table's unique indexes (RFC 7047 §3.2 "indexes") from the
// committed rows' index, instead of scanning the table: at most one
// committed row can match, plus rows this transaction changed. So a
// client checking that a name is free (xvs vsctl add-port's "wait" on
// Port name == p) costs the same at 10 rows as at 10,000. ok is false
// when no index applies.
func (t *txn) byIndex(tb *schema.Table, cs []cond) (out []*Row, ok bool) {
	if t.db.refs == nil {
		return nil, false
	}
	for i, idx := range tb.Indexes {
		probe := &Row{Cols: map[string]any{}}
		for _, col := range idx {
			if strings.HasPrefix(col, "_") {
				break // _uuid and _version are not in Cols
			}
			for _, c := range cs {
				if c.col.Name == col && c.fn == "==" {
					probe.Cols[col] = c.value
					break
				}
			}
		}
		if len(probe.Cols) != len(idx) {
			continue
		}
		ch := t.changes[tb.Name]
		if id, found := t.db.refs.unique[tb.Name][i][uniqueKey(probe, idx)]; found {
			if _, changed := ch[id]; !changed {
				if r := t.db.tables[tb.Name][id]; r != nil && matchAll(cs, r) {
					out = append(out, r)
				}
			}
		}
		for _, r := range ch {
			if r != nil && matchAll(cs, r) {
				out = append(out, r)
			}
		}
		return out, true
	}
	return nil, false
}
