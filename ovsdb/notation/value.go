package notation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Set is an OVSDB set of atoms (RFC 7047 §5.1 <set>). Its JSON form is
// ["set", [atom...]]; a bare atom is also accepted as a set of one.
type Set []any

// Pair is one key/value entry of a Map.
type Pair struct {
	Key, Value any
}

// Map is an OVSDB map (RFC 7047 §5.1 <map>): ["map", [[key, value]...]].
type Map []Pair

// Row is a table row: column name to Value (RFC 7047 §5.1 <row>).
type Row map[string]any

// IsAtom reports whether v is one of the Go types that represent an atom.
func IsAtom(v any) bool {
	switch v.(type) {
	case int64, float64, bool, string, UUID, NamedUUID:
		return true
	}
	return false
}

// AtomKind names the OVSDB atomic type of a: "integer", "real", "boolean",
// "string", "uuid" (also for a NamedUUID) or "" when a is not an atom.
func AtomKind(a any) string {
	switch a.(type) {
	case int64:
		return "integer"
	case float64:
		return "real"
	case bool:
		return "boolean"
	case string:
		return "string"
	case UUID, NamedUUID:
		return "uuid"
	}
	return ""
}

// Unmarshal parses JSON the way the notation expects: numbers stay
// json.Number so that integers and reals remain distinct.
func Unmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	// A second Decode would see EOF; More() false already guarantees only
	// whitespace remains.
	return nil
}

// AtomFromJSON converts a decoded JSON value (as produced by Unmarshal) to an
// atom. It also accepts Go atoms, float64 and int as found in hand-built
// values.
func AtomFromJSON(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return numberAtom(string(x))
	case float64:
		return x, nil
	case int:
		return int64(x), nil
	case int64, bool, string, UUID, NamedUUID:
		return x, nil
	case []any:
		if len(x) == 2 {
			tag, _ := x[0].(string)
			s, ok := x[1].(string)
			switch {
			case tag == "uuid" && ok:
				u, err := ParseUUID(s)
				if err != nil {
					return nil, err
				}
				return u, nil
			case tag == "named-uuid" && ok:
				if !validID(s) {
					return nil, fmt.Errorf("named-uuid %q is not a valid <id>", s)
				}
				return NamedUUID(s), nil
			}
		}
		return nil, fmt.Errorf("expected an atom, got array %s", short(v))
	}
	return nil, fmt.Errorf("expected an atom, got %s", short(v))
}

func numberAtom(s string) (any, error) {
	if !strings.ContainsAny(s, ".eE") {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("integer %s out of range", s)
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("real %s out of range", s)
	}
	return f, nil
}

// ValueFromJSON converts a decoded JSON value to an Atom, Set or Map.
func ValueFromJSON(v any) (any, error) {
	switch x := v.(type) {
	case Set, Map:
		return x, nil
	case []any:
		if len(x) == 2 {
			switch x[0] {
			case "set":
				elems, ok := x[1].([]any)
				if !ok {
					return nil, fmt.Errorf("set must be [\"set\", [atom...]], got %s", short(v))
				}
				s := make(Set, 0, len(elems))
				for _, e := range elems {
					a, err := AtomFromJSON(e)
					if err != nil {
						return nil, fmt.Errorf("set element: %w", err)
					}
					s = append(s, a)
				}
				return s, nil
			case "map":
				pairs, ok := x[1].([]any)
				if !ok {
					return nil, fmt.Errorf("map must be [\"map\", [[key, value]...]], got %s", short(v))
				}
				m := make(Map, 0, len(pairs))
				for _, p := range pairs {
					kv, ok := p.([]any)
					if !ok || len(kv) != 2 {
						return nil, fmt.Errorf("map entry must be [key, value], got %s", short(p))
					}
					k, err := AtomFromJSON(kv[0])
					if err != nil {
						return nil, fmt.Errorf("map key: %w", err)
					}
					val, err := AtomFromJSON(kv[1])
					if err != nil {
						return nil, fmt.Errorf("map value: %w", err)
					}
					m = append(m, Pair{k, val})
				}
				return m, nil
			}
		}
	}
	return AtomFromJSON(v)
}

// AtomToJSON returns the JSON-marshalable form of an atom.
func AtomToJSON(a any) any {
	switch x := a.(type) {
	case UUID:
		return []any{"uuid", string(x)}
	case NamedUUID:
		return []any{"named-uuid", string(x)}
	case float64:
		return realJSON(x)
	}
	return a
}

// realJSON keeps a real recognisably real on the wire: 1.0 must not be sent
// as "1", which a peer would read as an integer.
type realJSON float64

func (r realJSON) MarshalJSON() ([]byte, error) {
	f := float64(r)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("real %v cannot be encoded", f)
	}
	b := strconv.AppendFloat(nil, f, 'g', -1, 64)
	if !bytes.ContainsAny(b, ".eE") {
		b = append(b, ".0"...)
	}
	return b, nil
}

// ValueToJSON returns the JSON-marshalable form of an Atom, Set or Map.
// Sets are always written in the ["set", ...] form; package schema writes
// the shorter forms a column type allows.
func ValueToJSON(v any) any {
	switch x := v.(type) {
	case Set:
		elems := make([]any, len(x))
		for i, a := range x {
			elems[i] = AtomToJSON(a)
		}
		return []any{"set", elems}
	case Map:
		pairs := make([]any, len(x))
		for i, p := range x {
			pairs[i] = []any{AtomToJSON(p.Key), AtomToJSON(p.Value)}
		}
		return []any{"map", pairs}
	}
	return AtomToJSON(v)
}

// RowFromJSON converts a decoded JSON object to a Row.
func RowFromJSON(v any) (Row, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("row must be a JSON object, got %s", short(v))
	}
	r := make(Row, len(obj))
	for k, jv := range obj {
		val, err := ValueFromJSON(jv)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", k, err)
		}
		r[k] = val
	}
	return r, nil
}

// ToJSON returns the JSON-marshalable form of the row.
func (r Row) ToJSON() map[string]any {
	out := make(map[string]any, len(r))
	for k, v := range r {
		out[k] = ValueToJSON(v)
	}
	return out
}

// MarshalJSON encodes the row in RFC 7047 notation.
func (r Row) MarshalJSON() ([]byte, error) { return json.Marshal(r.ToJSON()) }

// UnmarshalJSON decodes a row in RFC 7047 notation.
func (r *Row) UnmarshalJSON(data []byte) error {
	var v any
	if err := Unmarshal(data, &v); err != nil {
		return err
	}
	row, err := RowFromJSON(v)
	if err != nil {
		return err
	}
	*r = row
	return nil
}

// short renders v for an error message, cut to a readable length.
func short(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// Short renders a decoded JSON value for an error message.
func Short(v any) string { return short(v) }
