package vsctl

// Schema access for vsctl: the types come from package schema (read from
// the server's get_schema answer, so that vsctl works with whatever schema
// version the server has); what is vsctl's own is how the command line
// names tables and columns.

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/schema"
)

type (
	colType  = schema.ColumnType
	baseType = schema.BaseType
	table    = schema.Table
	column   = schema.Column
)

var uuidColumn = schema.UUIDColumn

type dbSchema struct {
	*schema.Schema
	Names []string // table names, sorted
}

func parseSchema(raw []byte) (*dbSchema, error) {
	s, err := schema.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return &dbSchema{Schema: s, Names: s.TableNames()}, nil
}

// isScalar: exactly one value (ovsdb_type_is_scalar, maps included).
func isScalar(t *colType) bool { return t.Min == 1 && t.Max == 1 }

// english describes a type the way ovs-vsctl's error messages do.
func english(t *colType) string {
	k := string(t.Key.Type)
	if t.IsMap() {
		return fmt.Sprintf("map from %s to %s", k, t.Value.Type)
	}
	if isScalar(t) {
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
func lookupColumn(t *table, name string) (*column, error) {
	if name == "_uuid" {
		return uuidColumn, nil
	}
	if c, ok := t.Columns[name]; ok {
		return c, nil
	}
	names := t.ColumnNames()
	for _, cn := range names {
		if strings.EqualFold(cn, name) {
			return t.Columns[cn], nil
		}
	}
	var match *column
	for _, cn := range names {
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
