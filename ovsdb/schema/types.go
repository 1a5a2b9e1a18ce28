package schema

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// AtomicType is one of the five RFC 7047 §3.2 atomic types.
type AtomicType string

// The atomic types.
const (
	Integer AtomicType = "integer"
	Real    AtomicType = "real"
	Boolean AtomicType = "boolean"
	String  AtomicType = "string"
	UUID    AtomicType = "uuid"
)

// Reference strengths (RFC 7047 §3.2 <base-type> "refType").
const (
	Strong = "strong"
	Weak   = "weak"
)

// Unlimited is the Max of a column type whose "max" is "unlimited".
const Unlimited = math.MaxInt

// BaseType is a key or value type with its constraints (RFC 7047 §3.2
// <base-type>). Unset bounds are nil.
type BaseType struct {
	Type       AtomicType
	Enum       notation.Set // canonical; nil when not an enumeration
	MinInteger *int64
	MaxInteger *int64
	MinReal    *float64
	MaxReal    *float64
	MinLength  *int64
	MaxLength  *int64
	RefTable   string // for uuid: the referenced table, "" for none
	RefType    string // Strong or Weak when RefTable is set
}

// ColumnType is a column's type (RFC 7047 §3.2 <type>): a set of Min..Max
// keys, or a map when Value is not nil.
type ColumnType struct {
	Key   BaseType
	Value *BaseType
	Min   int
	Max   int // Unlimited for "unlimited"
}

// IsMap reports whether the column holds a map.
func (t *ColumnType) IsMap() bool { return t.Value != nil }

// IsScalar reports whether the column holds exactly one atom.
func (t *ColumnType) IsScalar() bool { return t.Value == nil && t.Min == 1 && t.Max == 1 }

// IsOptional reports whether the column holds zero or one atom.
func (t *ColumnType) IsOptional() bool { return t.Value == nil && t.Min == 0 && t.Max == 1 }

// DefaultAtom is the default value of an atomic type (RFC 7047 §5.2.1:
// 0, 0.0, false, "", or the all-zero UUID).
func DefaultAtom(t AtomicType) any {
	switch t {
	case Integer:
		return int64(0)
	case Real:
		return 0.0
	case Boolean:
		return false
	case String:
		return ""
	}
	return notation.ZeroUUID
}

// Default returns the canonical default value of the type: an empty set or
// map when Min is 0, otherwise a set of one default atom. For an
// enumeration, the default atom is the least enumerated value when the
// plain default is not one of them.
func (t *ColumnType) Default() any {
	if t.Value != nil {
		if t.Min == 0 {
			return notation.Map{}
		}
		return notation.Map{{Key: t.Key.defaultAtom(), Value: t.Value.defaultAtom()}}
	}
	if t.Min == 0 {
		return notation.Set{}
	}
	return notation.Set{t.Key.defaultAtom()}
}

func (b *BaseType) defaultAtom() any {
	a := DefaultAtom(b.Type)
	if len(b.Enum) > 0 && b.CheckAtom(a) != nil {
		return b.Enum[0]
	}
	return a
}

// ConvertAtom converts a decoded atom to the base type's Go form (an integer
// written for a real column becomes float64) without checking constraints.
// A NamedUUID passes as a uuid; callers resolve it.
func (b *BaseType) ConvertAtom(a any) (any, error) {
	switch b.Type {
	case Integer:
		if i, ok := a.(int64); ok {
			return i, nil
		}
	case Real:
		switch x := a.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case Boolean:
		if x, ok := a.(bool); ok {
			return x, nil
		}
	case String:
		if x, ok := a.(string); ok {
			return x, nil
		}
	case UUID:
		switch x := a.(type) {
		case notation.UUID, notation.NamedUUID:
			return x, nil
		}
	}
	return nil, notation.Errorf(notation.ErrSyntax, "expected %s, got %s %s", b.Type, kindOf(a), notation.Short(notation.AtomToJSON(a)))
}

func kindOf(a any) string {
	if k := notation.AtomKind(a); k != "" {
		return k
	}
	return "non-atom"
}

// CheckAtom checks an atom of the right Go type against the constraints of
// the base type (RFC 7047 §3.2: enum, minInteger..maxInteger,
// minReal..maxReal, minLength..maxLength). Reference integrity is the
// transaction engine's business.
func (b *BaseType) CheckAtom(a any) error {
	if b.Enum != nil {
		found := false
		for _, e := range b.Enum {
			if notation.CompareAtoms(e, a) == 0 {
				found = true
				break
			}
		}
		if !found {
			return notation.Errorf(notation.ErrConstraintViolation, "%s is not one of the allowed values (%s)",
				notation.Short(notation.AtomToJSON(a)), notation.Short(notation.ValueToJSON(b.Enum)))
		}
		return nil
	}
	switch x := a.(type) {
	case int64:
		if (b.MinInteger != nil && x < *b.MinInteger) || (b.MaxInteger != nil && x > *b.MaxInteger) {
			return notation.Errorf(notation.ErrConstraintViolation, "%d is not in the valid range %s", x, intRange(b))
		}
	case float64:
		if (b.MinReal != nil && x < *b.MinReal) || (b.MaxReal != nil && x > *b.MaxReal) {
			return notation.Errorf(notation.ErrConstraintViolation, "%g is not in the valid range", x)
		}
	case string:
		if b.MinLength != nil || b.MaxLength != nil {
			if !utf8.ValidString(x) {
				return notation.Errorf(notation.ErrConstraintViolation, "%q is not valid UTF-8", x)
			}
			n := int64(utf8.RuneCountInString(x))
			if (b.MinLength != nil && n < *b.MinLength) || (b.MaxLength != nil && n > *b.MaxLength) {
				return notation.Errorf(notation.ErrConstraintViolation, "%q length %d is not in the valid range", x, n)
			}
		}
	}
	return nil
}

func intRange(b *BaseType) string {
	lo, hi := "-inf", "+inf"
	if b.MinInteger != nil {
		lo = fmt.Sprint(*b.MinInteger)
	}
	if b.MaxInteger != nil {
		hi = fmt.Sprint(*b.MaxInteger)
	}
	return lo + " to " + hi
}

// Options controls Normalize.
type Options struct {
	// AllowNamed lets uuid atoms be NamedUUIDs (inside a transaction).
	AllowNamed bool
	// SkipSize skips the Min..Max cardinality check (mutate checks size
	// only after all mutations of the column).
	SkipSize bool
}

// Normalize converts a decoded Value (atom, Set or Map) to the canonical
// value of the type: atoms converted and checked, sorted, duplicates
// rejected, cardinality checked. Errors are *notation.Error.
func (t *ColumnType) Normalize(v any, o Options) (any, error) {
	if t.Value != nil {
		m, ok := v.(notation.Map)
		if !ok {
			return nil, notation.Errorf(notation.ErrSyntax, "expected a map, got %s", notation.Short(notation.ValueToJSON(v)))
		}
		out := make(notation.Map, len(m))
		for i, p := range m {
			k, err := t.Key.normAtom(p.Key, o)
			if err != nil {
				return nil, err
			}
			val, err := t.Value.normAtom(p.Value, o)
			if err != nil {
				return nil, err
			}
			out[i] = notation.Pair{Key: k, Value: val}
		}
		notation.SortMap(out)
		for i := 1; i < len(out); i++ {
			if notation.CompareAtoms(out[i-1].Key, out[i].Key) == 0 {
				return nil, notation.Errorf(notation.ErrConstraintViolation, "map contains duplicate key %s", notation.Short(notation.AtomToJSON(out[i].Key)))
			}
		}
		if !o.SkipSize {
			if err := t.CheckSize(len(out)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	var in notation.Set
	switch x := v.(type) {
	case notation.Set:
		in = x
	case notation.Map:
		return nil, notation.Errorf(notation.ErrSyntax, "expected a set or atom, got a map")
	default:
		in = notation.Set{x}
	}
	out := make(notation.Set, len(in))
	for i, a := range in {
		n, err := t.Key.normAtom(a, o)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	n := len(out)
	out = notation.SortSet(out)
	if len(out) != n {
		return nil, notation.Errorf(notation.ErrConstraintViolation, "set contains duplicate values")
	}
	if !o.SkipSize {
		if err := t.CheckSize(len(out)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *BaseType) normAtom(a any, o Options) (any, error) {
	c, err := b.ConvertAtom(a)
	if err != nil {
		return nil, err
	}
	if _, named := c.(notation.NamedUUID); named {
		if !o.AllowNamed {
			return nil, notation.Errorf(notation.ErrSyntax, "named-uuid %s not allowed here", c)
		}
		return c, nil
	}
	if err := b.CheckAtom(c); err != nil {
		return nil, err
	}
	return c, nil
}

// CheckSize checks a set's or map's number of elements against Min..Max.
func (t *ColumnType) CheckSize(n int) error {
	if n < t.Min || n > t.Max {
		max := "unlimited"
		if t.Max != Unlimited {
			max = fmt.Sprint(t.Max)
		}
		return notation.Errorf(notation.ErrConstraintViolation, "%d values where %d to %s are allowed", n, t.Min, max)
	}
	return nil
}

// FromJSON decodes a JSON value (from notation.Unmarshal) and normalizes it.
func (t *ColumnType) FromJSON(j any, o Options) (any, error) {
	v, err := notation.ValueFromJSON(j)
	if err != nil {
		return nil, notation.Errorf(notation.ErrSyntax, "%v", err)
	}
	return t.Normalize(v, o)
}

// ToJSON returns the JSON form of a canonical value as OVSDB servers write
// it: a map as ["map", ...], a set of one as the bare atom, any other set as
// ["set", ...].
func (t *ColumnType) ToJSON(v any) any {
	if s, ok := v.(notation.Set); ok && len(s) == 1 && t.Value == nil {
		return notation.AtomToJSON(s[0])
	}
	return notation.ValueToJSON(v)
}

// RefTables lists the tables this type refers to with the given strength
// (key first, then value); empty when it holds no references.
func (t *ColumnType) RefTables(refType string) []string {
	var out []string
	if t.Key.RefTable != "" && t.Key.RefType == refType {
		out = append(out, t.Key.RefTable)
	}
	if t.Value != nil && t.Value.RefTable != "" && t.Value.RefType == refType {
		out = append(out, t.Value.RefTable)
	}
	return out
}
