package vsctl

// Reading values in ovs-vsctl's syntax (ovs-vsctl(8), "Database Values";
// ovsdb_token_parse, ovsdb_atom_from_string, ovsdb_datum_from_string):
// tokens, atoms with their constraints, sets, maps, integer ranges.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

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
		return "", "", fmt.Errorf("%s: quoted string extends past end of argument", s)
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
