package vsctl

// Values as ovs-vsctl reads and prints them (ovs-vsctl(8), "Database
// Values"): atoms bare or in JSON string quotes, sets in [...], maps in
// {k=v, ...}, UUIDs of rows created in the same run as @name.

import (
	"fmt"
	"math"
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

// formatReal prints a real as C's "%.15g" does.
func formatReal(f float64) string {
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if strings.ContainsAny(s, "e") {
		// Go's 'g' already trims zeros; C prints at least two exponent
		// digits, as Go does.
		return s
	}
	return s
}

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

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isDelim lists the characters that end an unquoted token
// (ovsdb_token_is_delim).
func isDelim(c byte) bool { return strings.IndexByte(":=, []{}!<>", c) >= 0 || isSpace(c) }

// token reads one token from s (ovsdb_token_parse): a run of characters up
// to a delimiter outside double quotes. The quotes stay in the token, for
// parseAtom to decode; a backslash escapes the next character.
func token(s string) (tok, rest string, err error) {
	var b strings.Builder
	inQuotes := false
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return "", "", fmt.Errorf("%s: backslash at end of argument", s)
			}
			if inQuotes {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i+1])
			i += 2
			continue
		case !inQuotes && isDelim(c):
			return b.String(), s[i:], nil
		case c == '"':
			inQuotes = !inQuotes
		}
		b.WriteByte(c)
		i++
	}
	if inQuotes {
		return "", "", fmt.Errorf("%s: quoted string is missing its closing quote", s)
	}
	return b.String(), "", nil
}

// symbols resolves @name to the UUID of a row created in this run.
type symbols interface {
	symbol(name string) (notation.UUID, error)
}

// parseAtom converts one token to an atom of base type b
// (ovsdb_atom_from_string), checking the type's constraints.
func parseAtom(s string, b *baseType, syms symbols) (any, error) {
	var a any
	switch b.Type {
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("\"%s\" is not a valid integer or range", s)
		}
		a = n
	case "real":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("\"%s\" is not a valid real number", s)
		}
		a = f
	case "boolean":
		switch s {
		case "true":
			a = true
		case "false":
			a = false
		default:
			return nil, fmt.Errorf("\"%s\" is not a valid boolean (use \"true\" or \"false\")", s)
		}
	case "string":
		switch {
		case s == "":
			return nil, fmt.Errorf("An empty string is not valid as input; use \"\" to represent the empty string")
		case s[0] == '"':
			if len(s) < 2 || s[len(s)-1] != '"' {
				return nil, fmt.Errorf("%s: missing quote at end of quoted string", s)
			}
			u, err := strconv.Unquote(s)
			if err != nil {
				return nil, fmt.Errorf("%s: error parsing string", s)
			}
			a = u
		default:
			a = s
		}
	case "uuid":
		if strings.HasPrefix(s, "@") && syms != nil {
			u, err := syms.symbol(s)
			if err != nil {
				return nil, err
			}
			a = u
		} else {
			u, err := notation.ParseUUID(s)
			if err != nil {
				return nil, fmt.Errorf("\"%s\" is not a valid UUID", s)
			}
			a = u
		}
	default:
		return nil, fmt.Errorf("unknown atomic type %q", b.Type)
	}
	return a, checkAtom(a, b)
}

// checkAtom enforces enum, integer range and string length constraints
// (RFC 7047 §3.2 <base-type>).
func checkAtom(a any, b *baseType) error {
	if b.Enum != nil {
		for _, e := range b.Enum {
			if notation.CompareAtoms(a, e) == 0 {
				return nil
			}
		}
		allowed := datum{keys: slices.Clone(b.Enum)}
		allowed.sort()
		return fmt.Errorf("constraint violation: %s is not one of the allowed values (%s)", atomString(a), allowed.String(&colType{Key: *b, Max: 2}))
	}
	switch x := a.(type) {
	case int64:
		if b.MinInteger != nil && x < *b.MinInteger || b.MaxInteger != nil && x > *b.MaxInteger {
			lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
			if b.MinInteger != nil {
				lo = *b.MinInteger
			}
			if b.MaxInteger != nil {
				hi = *b.MaxInteger
			}
			return fmt.Errorf("constraint violation: %d is not in the valid range %d to %d (inclusive)", x, lo, hi)
		}
	case string:
		n := int64(len([]rune(x)))
		if b.MinLength != nil && n < *b.MinLength {
			return fmt.Errorf("constraint violation: \"%s\" length %d is less than minimum allowed length %d", x, n, *b.MinLength)
		}
		if b.MaxLength != nil && n > *b.MaxLength {
			return fmt.Errorf("constraint violation: \"%s\" length %d is greater than maximum allowed length %d", x, n, *b.MaxLength)
		}
	}
	return nil
}

// parseAtomString parses a whole argument as one atom: the VALUE of
// COLUMN:KEY=VALUE takes the rest of the argument as it is, so that
// other_config:k=a b sets the string "a b", as in ovs-vsctl.
func parseAtomString(s string, b *baseType, syms symbols) (any, error) {
	return parseAtom(s, b, syms)
}

// parseDatum parses a value in ovs-vsctl syntax for type t
// (ovsdb_datum_from_string): "[a, b]" or "a,b" for sets, "{k=v, ...}" or
// "k=v,..." for maps, a single atom for scalars. When loose is set the
// count limits of t are not checked (add and remove take parts of a value).
func parseDatum(s string, t *colType, syms symbols, loose bool) (datum, error) {
	d := datum{}
	if t.IsMap() {
		d.vals = []any{}
	}
	p := strings.TrimLeftFunc(s, func(r rune) bool { return r < 128 && isSpace(byte(r)) })
	var end byte
	open := byte('[')
	if t.IsMap() {
		open = '{'
	}
	switch {
	case p != "" && p[0] == open:
		end = map[byte]byte{'[': ']', '{': '}'}[open]
		p = skipSpaces(p[1:])
	case p == "":
		if t.IsMap() {
			return d, fmt.Errorf("use \"{}\" to specify the empty map")
		}
		return d, fmt.Errorf("use \"[]\" to specify the empty set")
	}
	for p != "" && p[0] != end {
		if isDelim(p[0]) {
			return d, fmt.Errorf("%s: unexpected \"%c\" parsing %s", s, p[0], english(t))
		}
		tok, rest, err := token(p)
		if err != nil {
			return d, err
		}
		if lo, hi, ok := intRange(tok); ok && !t.IsMap() && t.Key.Type == "integer" {
			// ovs-vsctl(8): "a range of integers lo-hi" in a set.
			if hi < lo || hi-lo >= 4096 {
				return d, fmt.Errorf("%s: range end is not greater than start, or the range is larger than 4096", tok)
			}
			for n := lo; n <= hi; n++ {
				if err := checkAtom(n, &t.Key); err != nil {
					return d, err
				}
				d.keys = append(d.keys, n)
			}
			p = skipSpaces(rest)
			if p != "" && p[0] == ',' {
				p = skipSpaces(p[1:])
			}
			continue
		}
		k, err := parseAtom(tok, &t.Key, syms)
		if err != nil {
			return d, err
		}
		p = skipSpaces(rest)
		if t.IsMap() {
			if p == "" || p[0] != '=' {
				return d, fmt.Errorf("%s: missing \"=\" in map", s)
			}
			p = skipSpaces(p[1:])
			tok, rest, err := token(p)
			if err != nil {
				return d, err
			}
			v, err := parseAtom(tok, t.Value, syms)
			if err != nil {
				return d, err
			}
			p = skipSpaces(rest)
			d.vals = append(d.vals, v)
		}
		d.keys = append(d.keys, k)
		if p != "" && p[0] == ',' {
			p = skipSpaces(p[1:])
		}
	}
	if end != 0 {
		if p == "" {
			return d, fmt.Errorf("%s: missing \"%c\" at end of data", s, end)
		}
		if skipSpaces(p[1:]) != "" {
			return d, fmt.Errorf("%s: trailing garbage after \"%c\"", s, end)
		}
	} else if p != "" {
		return d, fmt.Errorf("%s: unexpected \"%c\" parsing %s", s, p[0], english(t))
	}
	n := len(d.keys)
	d.sort()
	if t.IsMap() && len(d.keys) != n {
		return d, fmt.Errorf("%s: map contains duplicate key", s)
	}
	if !loose {
		if len(d.keys) < t.Min {
			return d, fmt.Errorf("%s: %d values are required", s, t.Min)
		}
		if len(d.keys) > t.Max {
			return d, fmt.Errorf("%s: at most %d values are allowed", s, t.Max)
		}
	}
	return d, nil
}

func skipSpaces(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// intRange parses "lo-hi".
func intRange(s string) (lo, hi int64, ok bool) {
	i := strings.IndexByte(s[min(1, len(s)):], '-')
	if i < 0 {
		return 0, 0, false
	}
	i++
	lo, err1 := strconv.ParseInt(s[:i], 10, 64)
	hi, err2 := strconv.ParseInt(s[i+1:], 10, 64)
	return lo, hi, err1 == nil && err2 == nil
}
