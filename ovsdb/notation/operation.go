package notation

import (
	"encoding/json"
	"fmt"
)

// Operation is one element of a "transact" request (RFC 7047 §5.2). Only the
// members that Op uses are meaningful; Row, Rows and Mutations values stay in
// JSON form until a schema types them.
type Operation struct {
	Op        string         `json:"op"`
	Table     string         `json:"table,omitempty"`
	Row       map[string]any `json:"row,omitempty"`
	Rows      []any          `json:"rows,omitempty"`
	Where     []Condition    `json:"where,omitempty"`
	Columns   []string       `json:"columns,omitempty"`
	Mutations []Mutation     `json:"mutations,omitempty"`
	UUIDName  string         `json:"uuid-name,omitempty"`
	UUID      *UUID          `json:"-"`
	Timeout   *int64         `json:"timeout,omitempty"`
	Until     string         `json:"until,omitempty"`
	Comment   string         `json:"comment,omitempty"`
	Durable   *bool          `json:"durable,omitempty"`
	Lock      string         `json:"lock,omitempty"`
}

// Condition is a "where" clause element [column, function, value]
// (RFC 7047 §5.1 <condition>). Value is in JSON form.
type Condition struct {
	Column   string
	Function string
	Value    any
}

// Mutation is a "mutations" element [column, mutator, value]
// (RFC 7047 §5.1 <mutation>). Value is in JSON form.
type Mutation struct {
	Column  string
	Mutator string
	Value   any
}

// MarshalJSON writes the three-element array form.
func (c Condition) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{c.Column, c.Function, c.Value})
}

// UnmarshalJSON reads the three-element array form.
func (c *Condition) UnmarshalJSON(data []byte) error {
	col, fn, v, err := triple(data, "condition")
	if err != nil {
		return err
	}
	*c = Condition{col, fn, v}
	return nil
}

// MarshalJSON writes the three-element array form.
func (m Mutation) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{m.Column, m.Mutator, m.Value})
}

// UnmarshalJSON reads the three-element array form.
func (m *Mutation) UnmarshalJSON(data []byte) error {
	col, op, v, err := triple(data, "mutation")
	if err != nil {
		return err
	}
	*m = Mutation{col, op, v}
	return nil
}

func triple(data []byte, what string) (string, string, any, error) {
	var a []any
	if err := Unmarshal(data, &a); err != nil {
		return "", "", nil, fmt.Errorf("%s must be a 3-element array: %w", what, err)
	}
	if len(a) != 3 {
		return "", "", nil, fmt.Errorf("%s must be a 3-element array, got %d elements", what, len(a))
	}
	col, ok1 := a[0].(string)
	fn, ok2 := a[1].(string)
	if !ok1 || !ok2 {
		return "", "", nil, fmt.Errorf("%s must start with two strings, got %s", what, short(a))
	}
	return col, fn, a[2], nil
}

// OperationResult is one element of a "transact" reply (RFC 7047 §5.2):
// "uuid" for insert, "count" for update/mutate/delete, "rows" for select,
// or an error object. Rows stay in JSON form.
type OperationResult struct {
	UUID    *UUID            `json:"-"`
	Count   *int             `json:"count,omitempty"`
	Rows    []map[string]any `json:"rows,omitempty"`
	Error   string           `json:"error,omitempty"`
	Details string           `json:"details,omitempty"`
}

// MarshalJSON writes the result, the uuid in ["uuid", ...] form and an empty
// "rows" list kept (a select that matched nothing still says "rows": []).
func (r OperationResult) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if r.UUID != nil {
		m["uuid"] = AtomToJSON(*r.UUID)
	}
	if r.Count != nil {
		m["count"] = *r.Count
	}
	if r.Rows != nil {
		m["rows"] = r.Rows
	}
	if r.Error != "" {
		m["error"] = r.Error
		if r.Details != "" {
			m["details"] = r.Details
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads a result object.
func (r *OperationResult) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := Unmarshal(data, &m); err != nil {
		return err
	}
	*r = OperationResult{}
	if u, ok := m["uuid"]; ok {
		a, err := AtomFromJSON(u)
		if err != nil {
			return fmt.Errorf("result uuid: %w", err)
		}
		id, ok := a.(UUID)
		if !ok {
			return fmt.Errorf("result uuid: not a uuid")
		}
		r.UUID = &id
	}
	if c, ok := m["count"].(json.Number); ok {
		n, err := c.Int64()
		if err != nil {
			return fmt.Errorf("result count: %w", err)
		}
		k := int(n)
		r.Count = &k
	}
	if rows, ok := m["rows"].([]any); ok {
		r.Rows = make([]map[string]any, 0, len(rows))
		for _, x := range rows {
			o, ok := x.(map[string]any)
			if !ok {
				return fmt.Errorf("result rows: row is not an object")
			}
			r.Rows = append(r.Rows, o)
		}
	}
	r.Error, _ = m["error"].(string)
	r.Details, _ = m["details"].(string)
	return nil
}

// MarshalJSON writes the operation. Members given as empty lists or
// objects ("where": [] selects every row) are kept, not omitted, and
// "uuid" (the OVS extension that lets an insert choose its row UUID) is
// added when set.
func (o Operation) MarshalJSON() ([]byte, error) {
	type plain Operation
	b, err := json.Marshal(plain(o))
	if err != nil {
		return nil, err
	}
	extra := map[string]any{}
	if o.Row != nil && len(o.Row) == 0 {
		extra["row"] = map[string]any{}
	}
	if o.Rows != nil && len(o.Rows) == 0 {
		extra["rows"] = []any{}
	}
	if o.Where != nil && len(o.Where) == 0 {
		extra["where"] = []any{}
	}
	if o.Columns != nil && len(o.Columns) == 0 {
		extra["columns"] = []any{}
	}
	if o.Mutations != nil && len(o.Mutations) == 0 {
		extra["mutations"] = []any{}
	}
	if o.UUID != nil {
		extra["uuid"] = string(*o.UUID)
	}
	if len(extra) == 0 {
		return b, nil
	}
	var m map[string]any
	if err := Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads an operation, numbers kept as json.Number.
func (o *Operation) UnmarshalJSON(data []byte) error {
	type plain Operation
	var p plain
	if err := Unmarshal(data, &p); err != nil {
		return err
	}
	var extra struct {
		UUID *string `json:"uuid"`
	}
	if err := json.Unmarshal(data, &extra); err == nil && extra.UUID != nil {
		u, err := ParseUUID(*extra.UUID)
		if err != nil {
			return fmt.Errorf("insert uuid: %w", err)
		}
		p.UUID = &u
	}
	*o = Operation(p)
	return nil
}
