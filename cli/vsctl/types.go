package vsctl

// Column types as the schema gives them (RFC 7047 §3.2 <type>), read from
// the server's get_schema answer so that vsctl works with whatever schema
// version the server has.

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

type baseType struct {
	Type     string // integer, real, boolean, string, uuid
	Enum     []any  // allowed atoms, or nil
	RefTable string
	RefType  string // strong or weak
	MinInt   *int64
	MaxInt   *int64
	MinLen   *int64
	MaxLen   *int64
}

type colType struct {
	Key   baseType
	Value *baseType // nil unless a map
	Min   int
	Max   int // math.MaxInt for "unlimited"
}

func (t *colType) isMap() bool    { return t.Value != nil }
func (t *colType) isScalar() bool { return t.Min == 1 && t.Max == 1 }

type column struct {
	Name    string
	Type    colType
	Mutable bool
}

type table struct {
	Name    string
	Columns map[string]*column
	Names   []string // column names, sorted
	IsRoot  bool
	Indexes [][]string
}

type dbSchema struct {
	Name    string
	Version string
	Tables  map[string]*table
	Names   []string // table names, sorted
}

func parseSchema(raw []byte) (*dbSchema, error) {
	var js struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Tables  map[string]struct {
			Columns map[string]struct {
				Type    json.RawMessage `json:"type"`
				Mutable *bool           `json:"mutable"`
			} `json:"columns"`
			IsRoot  bool       `json:"isRoot"`
			Indexes [][]string `json:"indexes"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(raw, &js); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	s := &dbSchema{Name: js.Name, Version: js.Version, Tables: map[string]*table{}}
	for tn, jt := range js.Tables {
		t := &table{Name: tn, Columns: map[string]*column{}, IsRoot: jt.IsRoot, Indexes: jt.Indexes}
		for cn, jc := range jt.Columns {
			ct, err := parseColType(jc.Type)
			if err != nil {
				return nil, fmt.Errorf("schema: table %s column %s: %w", tn, cn, err)
			}
			t.Columns[cn] = &column{Name: cn, Type: ct, Mutable: jc.Mutable == nil || *jc.Mutable}
			t.Names = append(t.Names, cn)
		}
		sort.Strings(t.Names)
		s.Tables[tn] = t
		s.Names = append(s.Names, tn)
	}
	sort.Strings(s.Names)
	return s, nil
}

func parseColType(raw json.RawMessage) (colType, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		b, err := parseBaseType(raw)
		return colType{Key: b, Min: 1, Max: 1}, err
	}
	var jt struct {
		Key   json.RawMessage `json:"key"`
		Value json.RawMessage `json:"value"`
		Min   *int            `json:"min"`
		Max   json.RawMessage `json:"max"`
	}
	if err := json.Unmarshal(raw, &jt); err != nil {
		return colType{}, err
	}
	t := colType{Min: 1, Max: 1}
	var err error
	if t.Key, err = parseBaseType(jt.Key); err != nil {
		return t, err
	}
	if jt.Value != nil {
		v, err := parseBaseType(jt.Value)
		if err != nil {
			return t, err
		}
		t.Value = &v
	}
	if jt.Min != nil {
		t.Min = *jt.Min
	}
	if jt.Max != nil {
		var n int
		if string(jt.Max) == `"unlimited"` {
			t.Max = math.MaxInt
		} else if err := json.Unmarshal(jt.Max, &n); err == nil {
			t.Max = n
		} else {
			return t, fmt.Errorf("bad max %s", jt.Max)
		}
	}
	return t, nil
}

func parseBaseType(raw json.RawMessage) (baseType, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return baseType{Type: name}, nil
	}
	var jb struct {
		Type       string          `json:"type"`
		Enum       json.RawMessage `json:"enum"`
		RefTable   string          `json:"refTable"`
		RefType    string          `json:"refType"`
		MinInteger *int64          `json:"minInteger"`
		MaxInteger *int64          `json:"maxInteger"`
		MinLength  *int64          `json:"minLength"`
		MaxLength  *int64          `json:"maxLength"`
	}
	if err := json.Unmarshal(raw, &jb); err != nil {
		return baseType{}, err
	}
	b := baseType{Type: jb.Type, RefTable: jb.RefTable, RefType: jb.RefType,
		MinInt: jb.MinInteger, MaxInt: jb.MaxInteger, MinLen: jb.MinLength, MaxLen: jb.MaxLength}
	if b.RefTable != "" && b.RefType == "" {
		b.RefType = "strong"
	}
	if jb.Enum != nil {
		var v any
		if err := notation.Unmarshal(jb.Enum, &v); err != nil {
			return b, err
		}
		e, err := notation.ValueFromJSON(v)
		if err != nil {
			return b, err
		}
		switch x := e.(type) {
		case notation.Set:
			b.Enum = x
		default:
			b.Enum = []any{x}
		}
	}
	return b, nil
}

// english describes a type the way ovs-vsctl's error messages do.
func (t *colType) english() string {
	k := t.Key.Type
	if t.isMap() {
		return fmt.Sprintf("map from %s to %s", k, t.Value.Type)
	}
	if t.isScalar() {
		return k
	}
	return "set of " + k + "s"
}

// lookupTable finds a table by name: exact, then case-insensitive, then a
// unique case-insensitive prefix, as ovs-vsctl does.
func (s *dbSchema) lookupTable(name string) (*table, error) {
	if t, ok := s.Tables[name]; ok {
		return t, nil
	}
	var match *table
	for _, tn := range s.Names {
		if strings.EqualFold(tn, name) {
			return s.Tables[tn], nil
		}
	}
	for _, tn := range s.Names {
		if len(name) > 0 && strings.HasPrefix(strings.ToLower(tn), strings.ToLower(name)) {
			if match != nil {
				return nil, fmt.Errorf("multiple table names match \"%s\"", name)
			}
			match = s.Tables[tn]
		}
	}
	if match == nil {
		return nil, fmt.Errorf("unknown table \"%s\"", name)
	}
	return match, nil
}

// lookupColumn finds a column the same way; "_uuid" is a column of every
// table.
func (t *table) lookupColumn(name string) (*column, error) {
	if name == "_uuid" {
		return uuidColumn, nil
	}
	if c, ok := t.Columns[name]; ok {
		return c, nil
	}
	var match *column
	for _, cn := range t.Names {
		if strings.EqualFold(cn, name) {
			return t.Columns[cn], nil
		}
	}
	for _, cn := range t.Names {
		if len(name) > 0 && strings.HasPrefix(strings.ToLower(cn), strings.ToLower(name)) {
			if match != nil {
				return nil, fmt.Errorf("%s contains more than one column whose name matches \"%s\"", t.Name, name)
			}
			match = t.Columns[cn]
		}
	}
	if match == nil {
		return nil, fmt.Errorf("%s does not contain a column whose name matches \"%s\"", t.Name, name)
	}
	return match, nil
}

var uuidColumn = &column{Name: "_uuid", Type: colType{Key: baseType{Type: "uuid"}, Min: 1, Max: 1}}
