package engine

import (
	"math"
	"slices"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// mutation is a typed mutation (RFC 7047 §5.1 <mutation>).
type mutation struct {
	col     *schema.Column
	mutator string
	value   any // an atom for arithmetic, otherwise a canonical set or map
}

func (t *txn) mutations(tb *schema.Table, ms []notation.Mutation) ([]mutation, *notation.Error) {
	out := make([]mutation, 0, len(ms))
	for _, m := range ms {
		c, err := column(tb, m.Column)
		if err != nil {
			return nil, err
		}
		if m.Column == "_uuid" || m.Column == "_version" || !c.Mutable {
			return nil, notation.Errorf(notation.ErrConstraintViolation, "cannot mutate immutable column %s of table %s", m.Column, tb.Name)
		}
		switch m.Mutator {
		case "+=", "-=", "*=", "/=", "%=":
			k := c.Type.Key.Type
			if c.Type.IsMap() || (k != schema.Integer && k != schema.Real) || (m.Mutator == "%=" && k != schema.Integer) {
				return nil, notation.Errorf(notation.ErrConstraintViolation, "mutator %s does not apply to column %s", m.Mutator, c.Name)
			}
			a, err := notation.AtomFromJSON(m.Value)
			if err != nil {
				return nil, notation.Errorf(notation.ErrSyntax, "mutation of %s: %v", c.Name, err)
			}
			// The operand is of the column's key type but without its range
			// constraints: "+= 1" on a 0..4095 column must be accepted.
			plain := schema.BaseType{Type: k}
			v, err := plain.ConvertAtom(a)
			if err != nil {
				return nil, asOVSDB(err)
			}
			out = append(out, mutation{c, m.Mutator, v})
		case "insert":
			v, err := t.value(c, m.Value, true)
			if err != nil {
				return nil, err
			}
			out = append(out, mutation{c, m.Mutator, v})
		case "delete":
			// For a map column, "delete" takes a map (pairs) or a set of
			// keys (RFC 7047 §5.1).
			if c.Type.IsMap() {
				if raw, err := notation.ValueFromJSON(m.Value); err == nil {
					if _, isMap := raw.(notation.Map); !isMap {
						keys := &schema.Column{Name: c.Name, Type: schema.ColumnType{Key: c.Type.Key, Min: 0, Max: schema.Unlimited}}
						v, err := t.value(keys, m.Value, true)
						if err != nil {
							return nil, err
						}
						out = append(out, mutation{c, "delete-keys", v})
						continue
					}
				}
			}
			v, err := t.value(c, m.Value, true)
			if err != nil {
				return nil, err
			}
			out = append(out, mutation{c, m.Mutator, v})
		default:
			return nil, notation.Errorf(notation.ErrSyntax, "unknown mutator %q", m.Mutator)
		}
	}
	return out, nil
}

func (t *txn) mutate(op *notation.Operation) (any, *notation.Error) {
	tb, err := t.table(op.Table)
	if err != nil {
		return nil, err
	}
	ms, err := t.mutations(tb, op.Mutations)
	if err != nil {
		return nil, err
	}
	rows, err := t.where(tb, op.Where)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		w := t.writable(tb.Name, r)
		for _, m := range ms {
			v, err := m.apply(w.Cols[m.col.Name])
			if err != nil {
				return nil, err
			}
			w.Cols[m.col.Name] = v
		}
		for _, m := range ms {
			if err := sizeOf(m.col, w.Cols[m.col.Name]); err != nil {
				return nil, err
			}
		}
	}
	n := len(rows)
	return notation.OperationResult{Count: &n}, nil
}

func sizeOf(c *schema.Column, v any) *notation.Error {
	n := 0
	switch x := v.(type) {
	case notation.Set:
		n = len(x)
	case notation.Map:
		n = len(x)
	}
	if err := c.Type.CheckSize(n); err != nil {
		e := asOVSDB(err)
		e.Details = "column " + c.Name + ": " + e.Details
		return e
	}
	return nil
}

// apply returns the mutated value; the old value is not modified.
func (m mutation) apply(old any) (any, *notation.Error) {
	switch m.mutator {
	case "insert":
		if om, ok := old.(notation.Map); ok {
			out := append(notation.Map(nil), om...)
			for _, p := range m.value.(notation.Map) {
				if indexKey(out, p.Key) < 0 {
					out = append(out, p)
				}
			}
			return notation.SortMap(out), nil
		}
		return insertSorted(old.(notation.Set), m.value.(notation.Set)), nil
	case "delete":
		if om, ok := old.(notation.Map); ok {
			out := notation.Map{}
			for _, p := range om {
				if !hasPair(m.value.(notation.Map), p) {
					out = append(out, p)
				}
			}
			return out, nil
		}
		out := notation.Set{}
		for _, a := range old.(notation.Set) {
			if indexAtom(m.value.(notation.Set), a) < 0 {
				out = append(out, a)
			}
		}
		return out, nil
	case "delete-keys":
		out := notation.Map{}
		for _, p := range old.(notation.Map) {
			if indexAtom(m.value.(notation.Set), p.Key) < 0 {
				out = append(out, p)
			}
		}
		return out, nil
	}
	// Arithmetic applies to every element of the set (RFC 7047 §5.1); the
	// results must still satisfy the column's constraints.
	in := old.(notation.Set)
	out := make(notation.Set, 0, len(in))
	for _, a := range in {
		r, err := arith(m.mutator, a, m.value)
		if err != nil {
			return nil, err
		}
		if err := m.col.Type.Key.CheckAtom(r); err != nil {
			return nil, asOVSDB(err)
		}
		out = append(out, r)
	}
	n := len(out)
	out = notation.SortSet(out)
	if len(out) != n {
		return nil, notation.Errorf(notation.ErrConstraintViolation, "mutation of %s made two set elements equal", m.col.Name)
	}
	return out, nil
}

func arith(op string, a, b any) (any, *notation.Error) {
	if x, ok := a.(int64); ok {
		y := b.(int64)
		var r int64
		switch op {
		case "+=":
			r = x + y
			if (y > 0 && r < x) || (y < 0 && r > x) {
				return nil, notation.Errorf(notation.ErrRangeError, "%d + %d overflows", x, y)
			}
		case "-=":
			r = x - y
			if (y < 0 && r < x) || (y > 0 && r > x) {
				return nil, notation.Errorf(notation.ErrRangeError, "%d - %d overflows", x, y)
			}
		case "*=":
			r = x * y
			if x != 0 && (r/x != y || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64)) {
				return nil, notation.Errorf(notation.ErrRangeError, "%d * %d overflows", x, y)
			}
		case "/=", "%=":
			if y == 0 {
				return nil, notation.Errorf(notation.ErrDomainError, "division by zero")
			}
			if x == math.MinInt64 && y == -1 {
				return nil, notation.Errorf(notation.ErrRangeError, "%d / %d overflows", x, y)
			}
			if op == "/=" {
				r = x / y
			} else {
				r = x % y
			}
		}
		return r, nil
	}
	x, y := a.(float64), b.(float64)
	var r float64
	switch op {
	case "+=":
		r = x + y
	case "-=":
		r = x - y
	case "*=":
		r = x * y
	case "/=":
		if y == 0 {
			return nil, notation.Errorf(notation.ErrDomainError, "division by zero")
		}
		r = x / y
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return nil, notation.Errorf(notation.ErrRangeError, "result out of range")
	}
	return r, nil
}

// insertSorted returns the canonical union of canonical set os and set
// add: the few new atoms are placed by binary search, so adding a port to
// a bridge of n ports costs one copy of the set rather than a sort of it.
func insertSorted(os, add notation.Set) notation.Set {
	if !slices.IsSortedFunc(add, notation.CompareAtoms) {
		add = notation.SortSet(append(notation.Set(nil), add...))
	}
	out := make(notation.Set, 0, len(os)+len(add))
	i := 0
	for _, a := range add {
		j, found := slices.BinarySearchFunc(os[i:], a, notation.CompareAtoms)
		out = append(out, os[i:i+j]...)
		i += j
		if found || len(out) > 0 && notation.CompareAtoms(out[len(out)-1], a) == 0 {
			continue // already there (or repeated in add)
		}
		out = append(out, a)
	}
	return append(out, os[i:]...)
}
