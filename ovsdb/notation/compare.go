package notation

import (
	"cmp"
	"slices"
)

// kindOrder ranks atom kinds so that atoms of different kinds still have a
// total order (only atoms of one kind meet in a typed column).
func kindOrder(a any) int {
	switch a.(type) {
	case int64:
		return 0
	case float64:
		return 1
	case bool:
		return 2
	case string:
		return 3
	case UUID:
		return 4
	case NamedUUID:
		return 5
	}
	return 6
}

// CompareAtoms orders atoms: by kind, then by value (false < true; strings
// and UUIDs bytewise). It is the order of canonical sets and maps.
func CompareAtoms(a, b any) int {
	ka, kb := kindOrder(a), kindOrder(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return cmp.Compare(x, b.(float64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case string:
		return cmp.Compare(x, b.(string))
	case UUID:
		return cmp.Compare(x, b.(UUID))
	case NamedUUID:
		return cmp.Compare(x, b.(NamedUUID))
	}
	return 0
}

// SortSet sorts s in place into canonical order and removes duplicates.
func SortSet(s Set) Set {
	slices.SortFunc(s, CompareAtoms)
	return slices.CompactFunc(s, func(a, b any) bool { return CompareAtoms(a, b) == 0 })
}

// SortMap sorts m in place by key. Later entries win over earlier ones with
// the same key only if dedup is requested by the caller; SortMap keeps order
// stable so that callers can detect duplicates.
func SortMap(m Map) Map {
	slices.SortStableFunc(m, func(p, q Pair) int { return CompareAtoms(p.Key, q.Key) })
	return m
}

// Equal reports whether two values (atoms, or canonical sets or maps) are
// equal.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case Set:
		y, ok := b.(Set)
		return ok && slices.EqualFunc(x, y, func(p, q any) bool { return CompareAtoms(p, q) == 0 })
	case Map:
		y, ok := b.(Map)
		return ok && slices.EqualFunc(x, y, func(p, q Pair) bool {
			return CompareAtoms(p.Key, q.Key) == 0 && CompareAtoms(p.Value, q.Value) == 0
		})
	}
	if !IsAtom(a) || !IsAtom(b) {
		return false
	}
	return CompareAtoms(a, b) == 0
}
