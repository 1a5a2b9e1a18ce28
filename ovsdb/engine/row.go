package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// Row is one row: its UUID, its version and the canonical value of every
// user column (see package schema). Rows are immutable once committed; a
// transaction that changes a row makes a new Row.
type Row struct {
	UUID    notation.UUID
	Version notation.UUID
	Cols    map[string]any
}

// clone returns a copy whose column map may be changed; the values are
// shared, as canonical values are never modified in place.
func (r *Row) clone() *Row {
	c := &Row{UUID: r.UUID, Version: r.Version, Cols: make(map[string]any, len(r.Cols))}
	for k, v := range r.Cols {
		c.Cols[k] = v
	}
	return c
}

// Get returns the value of a column, including _uuid and _version.
func (r *Row) Get(col string) any {
	switch col {
	case "_uuid":
		return notation.Set{r.UUID}
	case "_version":
		return notation.Set{r.Version}
	}
	return r.Cols[col]
}

// JSON returns the row as a JSON object of the named columns (all user
// columns plus _uuid and _version when cols is nil).
func (r *Row) JSON(t *schema.Table, cols []string) map[string]any {
	if cols == nil {
		cols = append(t.ColumnNames(), "_uuid", "_version")
	}
	out := make(map[string]any, len(cols))
	for _, c := range cols {
		col := t.Column(c)
		if col == nil {
			continue
		}
		out[c] = col.Type.ToJSON(r.Get(c))
	}
	return out
}

// sameCols reports whether two rows hold equal values in every column.
func sameCols(a, b *Row) bool {
	if len(a.Cols) != len(b.Cols) {
		return false
	}
	for k, v := range a.Cols {
		if !notation.Equal(v, b.Cols[k]) {
			return false
		}
	}
	return true
}

// encodeRow is the storage form of a row: a JSON object with _version and
// every non-ephemeral column (ephemeral columns do not survive a restart,
// RFC 7047 §3.2).
//
// It writes the bytes json.Marshal would write for the row's
// ValueToJSON form (keys sorted, the same escaping), without building that
// form: a commit stores every row it changed whole, and a bridge's ports
// column grows with the bridge, so this runs over thousands of atoms per
// add-port. TestEncodeRowMatchesMarshal holds the two equal.
func encodeRow(t *schema.Table, r *Row) ([]byte, error) {
	names := make([]string, 0, len(t.Columns)+1)
	names = append(names, "_version")
	for name, c := range t.Columns {
		if !c.Ephemeral {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		var err error
		if name == "_version" {
			b, err = appendAtomJSON(b, r.Version)
		} else {
			b, err = appendValueJSON(b, r.Cols[name])
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValueJSON(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case notation.Set:
		b = append(b, `["set",[`...)
		for i, a := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendAtomJSON(b, a); err != nil {
				return nil, err
			}
		}
		return append(b, "]]"...), nil
	case notation.Map:
		b = append(b, `["map",[`...)
		for i, p := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			if b, err = appendAtomJSON(b, p.Key); err != nil {
				return nil, err
			}
			b = append(b, ',')
			if b, err = appendAtomJSON(b, p.Value); err != nil {
				return nil, err
			}
			b = append(b, ']')
		}
		return append(b, "]]"...), nil
	}
	return appendAtomJSON(b, v)
}

func appendAtomJSON(b []byte, a any) ([]byte, error) {
	switch x := a.(type) {
	case string:
		return appendJSONString(b, x), nil
	case notation.UUID:
		b = append(b, `["uuid",`...)
		return append(appendJSONString(b, string(x)), ']'), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	}
	// Reals (and anything unexpected): json.Marshal's own answer.
	e, err := json.Marshal(notation.AtomToJSON(a))
	if err != nil {
		return nil, err
	}
	return append(b, e...), nil
}

// plainJSON marks the bytes json.Marshal copies into a string unchanged.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString quotes s as json.Marshal does: plain printable ASCII
// is copied; anything it would escape (quotes, backslashes, control
// characters, <, >, &, invalid UTF-8, U+2028/9) goes through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			e, _ := json.Marshal(s) // a string always marshals
			return append(b, e...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// decodeRow reads a stored row; columns the schema lacks are dropped and
// missing ones get their defaults, so a file survives compatible schema
// changes.
func decodeRow(t *schema.Table, id notation.UUID, data []byte) (*Row, error) {
	var obj map[string]any
	if err := notation.Unmarshal(data, &obj); err != nil {
		return nil, err
	}
	r := &Row{UUID: id, Version: id, Cols: make(map[string]any, len(t.Columns))}
	if v, ok := obj["_version"]; ok {
		a, err := notation.AtomFromJSON(v)
		if u, isUUID := a.(notation.UUID); err == nil && isUUID {
			r.Version = u
		}
	}
	for name, c := range t.Columns {
		j, ok := obj[name]
		if !ok {
			r.Cols[name] = c.Type.Default()
			continue
		}
		v, err := c.Type.FromJSON(j, schema.Options{})
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		r.Cols[name] = v
	}
	return r, nil
}

// defaultRow returns a row of defaults.
func defaultRow(t *schema.Table, id notation.UUID) *Row {
	r := &Row{UUID: id, Version: notation.NewUUID(), Cols: make(map[string]any, len(t.Columns))}
	for name, c := range t.Columns {
		r.Cols[name] = c.Type.Default()
	}
	return r
}
