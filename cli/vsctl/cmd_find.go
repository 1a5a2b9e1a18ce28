package vsctl

// find and wait-until: rows that satisfy COLUMN[:KEY] OP VALUE conditions
// (ovs-vsctl(8): =, !=, <, >, <=, >= and the set relations {=}, {!=}, {<},
// {>}, {<=}, {>=}).

import (
	"fmt"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

func cmdFind(c *cmdCtx) error {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return err
	}
	var conds []*colArg
	for _, arg := range c.inv.args[1:] {
		a, err := parseColArg(t, arg, findOps)
		if err != nil {
			return err
		}
		conds = append(conds, a)
	}
	var rows []*row
	for _, rw := range c.r.list(t) {
		ok, err := c.satisfies(rw, conds)
		if err != nil {
			return err
		}
		if ok {
			rows = append(rows, rw)
		}
	}
	return c.printRows(t, rows)
}

// satisfies evaluates find and wait-until conditions on a row.
func (c *cmdCtx) satisfies(rw *row, conds []*colArg) (bool, error) {
	for _, a := range conds {
		t := &a.col.Type
		have := rw.get(a.col.Name)
		var want datum
		var err error
		if a.hasKey {
			k, err := parseAtom(a.key, &t.Key, c)
			if err != nil {
				return false, err
			}
			v, err := parseAtomString(a.value, t.Value, c)
			if err != nil {
				return false, err
			}
			want = datum{keys: []any{v}}
			if i := have.find(k); i >= 0 {
				have = datum{keys: []any{have.vals[i]}}
			} else {
				have = datum{}
			}
			t = &colType{Key: *t.Value, Min: 0, Max: 1}
		} else {
			if want, err = parseDatum(a.value, t, c, true); err != nil {
				return false, err
			}
			// Fewer values than the column needs may still match
			// (a subset), more never can.
			if len(want.keys) > t.Max {
				return false, fmt.Errorf("%s: %d value(s) specified but the maximum number is %d", a.value, len(want.keys), t.Max)
			}
		}
		if !relop(a.op, have, want, t) {
			return false, nil
		}
	}
	return true, nil
}

func relop(op string, have, want datum, t *colType) bool {
	switch op {
	case "=", "{=}":
		return have.equal(want)
	case "!=", "{!=}":
		return !have.equal(want)
	case "<", ">", "<=", ">=":
		n := compareDatums(have, want)
		return op == "<" && n < 0 || op == ">" && n > 0 || op == "<=" && n <= 0 || op == ">=" && n >= 0
	case "{<}":
		return subset(have, want, t) && !have.equal(want)
	case "{<=}":
		return subset(have, want, t)
	case "{>}":
		return subset(want, have, t) && !have.equal(want)
	case "{>=}":
		return subset(want, have, t)
	case "{in}":
		// Every value of the column is one of VALUE's.
		return subset(have, want, t)
	case "{not-in}":
		// No value of the column is one of VALUE's.
		for _, k := range have.keys {
			if want.find(k) >= 0 {
				return false
			}
		}
		return true
	}
	return false
}

func compareDatums(a, b datum) int {
	for i := 0; i < len(a.keys) && i < len(b.keys); i++ {
		if n := notation.CompareAtoms(a.keys[i], b.keys[i]); n != 0 {
			return n
		}
		if a.vals != nil && b.vals != nil {
			if n := notation.CompareAtoms(a.vals[i], b.vals[i]); n != 0 {
				return n
			}
		}
	}
	return len(a.keys) - len(b.keys)
}

// subset: every element (or key=value pair) of a is in b.
func subset(a, b datum, t *colType) bool {
	for i, k := range a.keys {
		j := b.find(k)
		if j < 0 || t.IsMap() && notation.CompareAtoms(a.vals[i], b.vals[j]) != 0 {
			return false
		}
	}
	return true
}

func cmdWaitUntil(c *cmdCtx) error {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return err
	}
	rw, err := c.getRow(t, c.inv.args[1], false)
	if err != nil {
		return err
	}
	if rw == nil {
		c.unsatisfied = true
		return nil
	}
	var conds []*colArg
	for _, arg := range c.inv.args[2:] {
		a, err := parseColArg(t, arg, findOps)
		if err != nil {
			return err
		}
		conds = append(conds, a)
	}
	ok, err := c.satisfies(rw, conds)
	if err != nil {
		return err
	}
	c.unsatisfied = !ok
	return nil
}
