package client

import (
	"fmt"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// Decode converts a row from the wire into the data notation of package
// notation (RFC 7047 §5.1): each column an atom, a notation.Set or a
// notation.Map, integers kept apart from reals.
func (r Row) Decode() (notation.Row, error) {
	out := make(notation.Row, len(r))
	for col := range r {
		v, err := r.Value(col)
		if err != nil {
			return nil, err
		}
		out[col] = v
	}
	return out, nil
}

// Value decodes one column of the row; a column the row does not have is
// an error.
func (r Row) Value(col string) (any, error) {
	raw, ok := r[col]
	if !ok {
		return nil, fmt.Errorf("row has no column %q", col)
	}
	var j any
	if err := notation.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("column %s: %w", col, err)
	}
	v, err := notation.ValueFromJSON(j)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", col, err)
	}
	return v, nil
}
