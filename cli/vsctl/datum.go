package vsctl

// Values as ovs-vsctl reads and prints them (ovs-vsctl(8), "Database
// Values"): atoms bare or in JSON string quotes, sets in [...], maps in
// {k=v, ...}, UUIDs of rows created in the same run as @name.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// datum is a column value in canonical form: keys sorted and unique, vals
// parallel to keys for a map (nil otherwise). Atoms are notation atoms.
type datum struct {
	keys []any
	vals []any
}

// toDatum converts a wire value (atom, Set or Map) to a datum of type t.
func toDatum(v any, t *colType) datum {
	var d datum
	switch x := v.(type) {
	case notation.Set:
		d.keys = append([]any(nil), x...)
	case notation.Map:
		for _, p := range x {
			d.keys = append(d.keys, p.Key)
			d.vals = append(d.vals, p.Value)
		}
	case nil:
	default:
		d.keys = []any{x}
	}
	if t.IsMap() && d.vals == nil {
		d.vals = []any{}
	}
	d.sort()
	return d
}

func (d *datum) sort() {
	if d.vals == nil {
		d.keys = notation.SortSet(notation.Set(d.keys))
		return
	}
	m := make(notation.Map, len(d.keys))
	for i := range d.keys {
		m[i] = notation.Pair{Key: d.keys[i], Value: d.vals[i]}
	}
	m = notation.SortMap(m)
	d.keys, d.vals = d.keys[:0], d.vals[:0]
	for i, p := range m {
		// Later entries win over earlier ones with the same key.
		if i+1 < len(m) && notation.CompareAtoms(p.Key, m[i+1].Key) == 0 {
			continue
		}
		d.keys = append(d.keys, p.Key)
		d.vals = append(d.vals, p.Value)
	}
}

func (d datum) clone() datum {
	c := datum{keys: slices.Clone(d.keys)}
	if d.vals != nil {
		c.vals = slices.Clone(d.vals)
	}
	return c
}

// find returns the index of key in the (sorted) keys, or -1.
func (d datum) find(key any) int {
	i, ok := slices.BinarySearchFunc(d.keys, key, notation.CompareAtoms)
	if !ok {
		return -1
	}
	return i
}

// contains is find for keys in any order.
func contains(keys []any, key any) bool {
	return slices.ContainsFunc(keys, func(k any) bool { return notation.CompareAtoms(k, key) == 0 })
}

func (d datum) equal(e datum) bool {
	if len(d.keys) != len(e.keys) || (d.vals == nil) != (e.vals == nil) {
		return false
	}
	for i := range d.keys {
		if notation.CompareAtoms(d.keys[i], e.keys[i]) != 0 {
			return false
		}
		if d.vals != nil && notation.CompareAtoms(d.vals[i], e.vals[i]) != 0 {
			return false
		}
	}
	return true
}

// wire returns the value in RFC 7047 notation for a transaction, with uuid
// atoms mapped through ref (which turns rows created in this run into
// named-uuids).
func (d datum) wire(t *colType, ref func(any) any) any {
	if t.IsMap() {
		m := make(notation.Map, len(d.keys))
		for i := range d.keys {
			m[i] = notation.Pair{Key: ref(d.keys[i]), Value: ref(d.vals[i])}
		}
		return notation.ValueToJSON(m)
	}
	if len(d.keys) == 1 {
		// A set of one is written as the bare atom (RFC 7047 §5.1 allows
		// it; ovsdb_datum_to_json does it).
		return notation.ValueToJSON(ref(d.keys[0]))
	}
	s := make(notation.Set, len(d.keys))
	for i, k := range d.keys {
		s[i] = ref(k)
	}
	return notation.ValueToJSON(s)
}

// defaultDatum is the value a column has in a new row (RFC 7047 §5.1 "the
// default value of a column").
func defaultDatum(t *colType) datum {
	d := datum{}
	if t.IsMap() {
		d.vals = []any{}
	}
	if t.Min >= 1 {
		d.keys = []any{defaultAtom(&t.Key)}
		if t.IsMap() {
			d.vals = []any{defaultAtom(t.Value)}
		}
	}
	return d
}

func defaultAtom(b *baseType) any {
	switch b.Type {
	case "integer":
		return int64(0)
	case "real":
		return float64(0)
	case "boolean":
		return false
	case "uuid":
		return notation.ZeroUUID
	}
	return ""
}

// String prints the datum as ovs-vsctl does (ovsdb_datum_to_string):
// brackets only for sets that may hold more than one value, or when empty.
func (d datum) String(t *colType) string {
	var b strings.Builder
	brackets := t.Max > 1 || len(d.keys) == 0
	if brackets {
		b.WriteByte(map[bool]byte{true: '{', false: '['}[t.IsMap()])
	}
	for i, k := range d.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(atomString(k))
		if t.IsMap() {
			b.WriteByte('=')
			b.WriteString(atomString(d.vals[i]))
		}
	}
	if brackets {
		b.WriteByte(map[bool]byte{true: '}', false: ']'}[t.IsMap()])
	}
	return b.String()
}

// Bare prints the datum without punctuation, as --bare does: atoms
// unquoted, separated by spaces, maps as k=v.
func (d datum) Bare(t *colType) string {
	var b strings.Builder
	for i, k := range d.keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(atomBare(k))
		if t.IsMap() {
			b.WriteByte('=')
			b.WriteString(atomBare(d.vals[i]))
		}
	}
	return b.String()
}

func atomBare(a any) string {
	switch x := a.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatReal(x)
	case bool:
		return strconv.FormatBool(x)
	case notation.UUID:
		return string(x)
	case notation.NamedUUID:
		return "@" + string(x)
	}
	return fmt.Sprint(a)
}

// formatReal prints a real as ovs-vsctl's "%.*g" with DBL_DIG (15) does.
func formatReal(f float64) string { return strconv.FormatFloat(f, 'g', 15, 64) }

func atomString(a any) string {
	if s, ok := a.(string); ok && stringNeedsQuotes(s) {
		return strconv.Quote(s)
	}
	return atomBare(a)
}

// stringNeedsQuotes says whether ovs-vsctl prints s in quotes: anything but
// an identifier-like word (letters, digits, _, -, . not starting with a
// digit), and words that would read back as another type.
func stringNeedsQuotes(s string) bool {
	if s == "" {
		return true
	}
	c := s[0]
	if !isAlpha(c) && c != '_' {
		return true
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-' && c != '.' {
			return true
		}
	}
	if s == "true" || s == "false" {
		return true
	}
	if _, err := notation.ParseUUID(s); err == nil {
		return true
	}
	return false
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
