package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// Schema is a database schema (RFC 7047 §3.2 <database-schema>).
type Schema struct {
	Name    string
	Version string
	Cksum   string
	Tables  map[string]*Table
	// Raw is the schema's JSON text as given; get_schema returns it.
	Raw json.RawMessage
}

// Table is a table schema (RFC 7047 §3.2 <table-schema>).
type Table struct {
	Name    string
	Columns map[string]*Column // user columns; _uuid and _version via Column
	MaxRows int                // 0: no limit
	IsRoot  bool
	Indexes [][]string
}

// Column is a column schema (RFC 7047 §3.2 <column-schema>).
type Column struct {
	Name      string
	Type      ColumnType
	Ephemeral bool
	Mutable   bool
}

// The columns every table has (RFC 7047 §3.2: "_uuid" and "_version").
var (
	UUIDColumn    = &Column{Name: "_uuid", Type: ColumnType{Key: BaseType{Type: UUID}, Min: 1, Max: 1}}
	VersionColumn = &Column{Name: "_version", Type: ColumnType{Key: BaseType{Type: UUID}, Min: 1, Max: 1}}
)

// Column returns the named column, including _uuid and _version, or nil.
func (t *Table) Column(name string) *Column {
	switch name {
	case "_uuid":
		return UUIDColumn
	case "_version":
		return VersionColumn
	}
	return t.Columns[name]
}

// ColumnNames returns the user column names in sorted order.
func (t *Table) ColumnNames() []string {
	names := make([]string, 0, len(t.Columns))
	for n := range t.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TableNames returns the table names in sorted order.
func (s *Schema) TableNames() []string {
	names := make([]string, 0, len(s.Tables))
	for n := range s.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

// Parse parses and validates a schema: ids well formed, types consistent,
// references to existing tables, indexes over existing non-ephemeral
// columns.
func Parse(data []byte) (*Schema, error) {
	var raw struct {
		Name    *string                    `json:"name"`
		Version *string                    `json:"version"`
		Cksum   string                     `json:"cksum"`
		Tables  map[string]json.RawMessage `json:"tables"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if raw.Name == nil || !notation.ValidID(*raw.Name) {
		return nil, fmt.Errorf("schema: missing or invalid \"name\"")
	}
	if raw.Version == nil || !versionRE.MatchString(*raw.Version) {
		return nil, fmt.Errorf("schema %s: missing or invalid \"version\" (want x.y.z)", *raw.Name)
	}
	if raw.Tables == nil {
		return nil, fmt.Errorf("schema %s: missing \"tables\"", *raw.Name)
	}
	s := &Schema{Name: *raw.Name, Version: *raw.Version, Cksum: raw.Cksum, Tables: map[string]*Table{},
		Raw: append(json.RawMessage(nil), data...)}
	anyRoot := false
	for name, tj := range raw.Tables {
		if !notation.ValidID(name) || name[0] == '_' {
			return nil, fmt.Errorf("schema %s: invalid table name %q", s.Name, name)
		}
		t, err := parseTable(name, tj)
		if err != nil {
			return nil, fmt.Errorf("schema %s: table %s: %w", s.Name, name, err)
		}
		anyRoot = anyRoot || t.IsRoot
		s.Tables[name] = t
	}
	// RFC 7047 §3.2: a schema where no table says isRoot predates the flag;
	// then every table is a root table.
	if !anyRoot {
		for _, t := range s.Tables {
			t.IsRoot = true
		}
	}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			for _, b := range []*BaseType{&c.Type.Key, c.Type.Value} {
				if b != nil && b.RefTable != "" && s.Tables[b.RefTable] == nil {
					return nil, fmt.Errorf("schema %s: table %s column %s refers to unknown table %s", s.Name, t.Name, c.Name, b.RefTable)
				}
			}
		}
	}
	return s, nil
}

func parseTable(name string, data json.RawMessage) (*Table, error) {
	var raw struct {
		Columns map[string]json.RawMessage `json:"columns"`
		MaxRows *int                       `json:"maxRows"`
		IsRoot  bool                       `json:"isRoot"`
		Indexes [][]string                 `json:"indexes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if len(raw.Columns) == 0 {
		return nil, fmt.Errorf("missing \"columns\"")
	}
	t := &Table{Name: name, Columns: map[string]*Column{}, IsRoot: raw.IsRoot}
	if raw.MaxRows != nil {
		if *raw.MaxRows < 1 {
			return nil, fmt.Errorf("maxRows must be at least 1")
		}
		t.MaxRows = *raw.MaxRows
	}
	for cname, cj := range raw.Columns {
		if !notation.ValidID(cname) || cname[0] == '_' {
			return nil, fmt.Errorf("invalid column name %q", cname)
		}
		c, err := parseColumn(cname, cj)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", cname, err)
		}
		t.Columns[cname] = c
	}
	for _, idx := range raw.Indexes {
		if len(idx) == 0 {
			return nil, fmt.Errorf("empty index")
		}
		for _, cname := range idx {
			c := t.Column(cname)
			if c == nil {
				return nil, fmt.Errorf("index refers to unknown column %s", cname)
			}
			if c.Ephemeral {
				return nil, fmt.Errorf("index refers to ephemeral column %s", cname)
			}
		}
	}
	t.Indexes = raw.Indexes
	return t, nil
}

func parseColumn(name string, data json.RawMessage) (*Column, error) {
	var raw struct {
		Type      json.RawMessage `json:"type"`
		Ephemeral bool            `json:"ephemeral"`
		Mutable   *bool           `json:"mutable"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Type == nil {
		return nil, fmt.Errorf("missing \"type\"")
	}
	typ, err := ParseType(raw.Type)
	if err != nil {
		return nil, err
	}
	c := &Column{Name: name, Type: *typ, Ephemeral: raw.Ephemeral, Mutable: true}
	if raw.Mutable != nil {
		c.Mutable = *raw.Mutable
	}
	return c, nil
}

// ParseType parses a <type>: an atomic type name or an object with "key",
// optional "value", "min" and "max".
func ParseType(data json.RawMessage) (*ColumnType, error) {
	var atomic string
	if isJSONString(data) && json.Unmarshal(data, &atomic) == nil {
		b, err := parseBase(data)
		if err != nil {
			return nil, err
		}
		return &ColumnType{Key: *b, Min: 1, Max: 1}, nil
	}
	var raw struct {
		Key   json.RawMessage `json:"key"`
		Value json.RawMessage `json:"value"`
		Min   *int            `json:"min"`
		Max   json.RawMessage `json:"max"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("invalid type: %w", err)
	}
	if raw.Key == nil {
		return nil, fmt.Errorf("type is missing \"key\"")
	}
	k, err := parseBase(raw.Key)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	t := &ColumnType{Key: *k, Min: 1, Max: 1}
	if raw.Value != nil {
		v, err := parseBase(raw.Value)
		if err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		t.Value = v
	}
	if raw.Min != nil {
		if *raw.Min != 0 && *raw.Min != 1 {
			return nil, fmt.Errorf("min must be 0 or 1")
		}
		t.Min = *raw.Min
	}
	if raw.Max != nil {
		var s string
		var n int
		switch {
		case json.Unmarshal(raw.Max, &s) == nil && s == "unlimited":
			t.Max = Unlimited
		case json.Unmarshal(raw.Max, &n) == nil && n >= 1:
			t.Max = n
		default:
			return nil, fmt.Errorf("max must be a positive integer or \"unlimited\"")
		}
	}
	if t.Min > t.Max {
		return nil, fmt.Errorf("min greater than max")
	}
	return t, nil
}

func parseBase(data json.RawMessage) (*BaseType, error) {
	var name string
	if isJSONString(data) && json.Unmarshal(data, &name) == nil {
		return baseOf(name)
	}
	var raw struct {
		Type       string          `json:"type"`
		Enum       json.RawMessage `json:"enum"`
		MinInteger *int64          `json:"minInteger"`
		MaxInteger *int64          `json:"maxInteger"`
		MinReal    *float64        `json:"minReal"`
		MaxReal    *float64        `json:"maxReal"`
		MinLength  *int64          `json:"minLength"`
		MaxLength  *int64          `json:"maxLength"`
		RefTable   string          `json:"refTable"`
		RefType    string          `json:"refType"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("invalid base type: %w", err)
	}
	b, err := baseOf(raw.Type)
	if err != nil {
		return nil, err
	}
	wrong := func(what string) error { return fmt.Errorf("%s not allowed for type %s", what, b.Type) }
	if (raw.MinInteger != nil || raw.MaxInteger != nil) && b.Type != Integer {
		return nil, wrong("minInteger/maxInteger")
	}
	if (raw.MinReal != nil || raw.MaxReal != nil) && b.Type != Real {
		return nil, wrong("minReal/maxReal")
	}
	if (raw.MinLength != nil || raw.MaxLength != nil) && b.Type != String {
		return nil, wrong("minLength/maxLength")
	}
	if (raw.RefTable != "" || raw.RefType != "") && b.Type != UUID {
		return nil, wrong("refTable/refType")
	}
	b.MinInteger, b.MaxInteger = raw.MinInteger, raw.MaxInteger
	b.MinReal, b.MaxReal = raw.MinReal, raw.MaxReal
	b.MinLength, b.MaxLength = raw.MinLength, raw.MaxLength
	b.RefTable = raw.RefTable
	if b.RefTable != "" {
		switch raw.RefType {
		case "", Strong:
			b.RefType = Strong
		case Weak:
			b.RefType = Weak
		default:
			return nil, fmt.Errorf("refType must be \"strong\" or \"weak\"")
		}
	}
	if raw.Enum != nil {
		var j any
		if err := notation.Unmarshal(raw.Enum, &j); err != nil {
			return nil, fmt.Errorf("enum: %w", err)
		}
		v, err := notation.ValueFromJSON(j)
		if err != nil {
			return nil, fmt.Errorf("enum: %w", err)
		}
		set, ok := v.(notation.Set)
		if !ok {
			set = notation.Set{v}
		}
		plain := &BaseType{Type: b.Type}
		out := make(notation.Set, 0, len(set))
		for _, a := range set {
			c, err := plain.ConvertAtom(a)
			if err != nil {
				return nil, fmt.Errorf("enum: %w", err)
			}
			out = append(out, c)
		}
		b.Enum = notation.SortSet(out)
	}
	return b, nil
}

// isJSONString reports whether a JSON text starts as a string does: a
// column type is then an atomic type name. Testing this first spares a
// failed decode, and its full scan of the text, for every object type
// (schemas are parsed by every vsctl run).
func isJSONString(data []byte) bool {
	for _, b := range data {
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b == '"'
	}
	return false
}

func baseOf(name string) (*BaseType, error) {
	switch t := AtomicType(name); t {
	case Integer, Real, Boolean, String, UUID:
		return &BaseType{Type: t}, nil
	}
	return nil, fmt.Errorf("unknown atomic type %q", name)
}
