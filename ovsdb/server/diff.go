package server

import (
	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// columnDiff is the "modify" value of update2 (ovsdb-server(7)): the new
// value for a column of at most one value; for sets the elements added or
// removed; for maps the pairs removed (old value), added, or changed (new
// value).
func columnDiff(t *schema.ColumnType, old, new any) any {
	if t.Max == 1 {
		return new
	}
	if om, ok := old.(notation.Map); ok {
		nm := new.(notation.Map)
		var out notation.Map
		for _, p := range om {
			if i := keyIndex(nm, p.Key); i < 0 {
				out = append(out, p)
			}
		}
		for _, p := range nm {
			i := keyIndex(om, p.Key)
			if i < 0 || notation.CompareAtoms(om[i].Value, p.Value) != 0 {
				out = append(out, p)
			}
		}
		return notation.SortMap(out)
	}
	os, ns := old.(notation.Set), new.(notation.Set)
	var out notation.Set
	for _, a := range os {
		if !containsAtom(ns, a) {
			out = append(out, a)
		}
	}
	for _, a := range ns {
		if !containsAtom(os, a) {
			out = append(out, a)
		}
	}
	return notation.SortSet(out)
}

func keyIndex(m notation.Map, k any) int {
	for i, p := range m {
		if notation.CompareAtoms(p.Key, k) == 0 {
			return i
		}
	}
	return -1
}

func containsAtom(s notation.Set, a any) bool {
	for _, x := range s {
		if notation.CompareAtoms(x, a) == 0 {
			return true
		}
	}
	return false
}
