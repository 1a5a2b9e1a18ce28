package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

func TestOpenVSwitchSchema(t *testing.T) {
	s := OpenVSwitch()
	if s.Name != "Open_vSwitch" || len(s.Tables) < 13 {
		t.Fatalf("schema %s with %d tables", s.Name, len(s.Tables))
	}
	for _, tc := range []struct {
		table, column, ref string
		root               bool
	}{
		{"Open_vSwitch", "bridges", "Bridge", true},
		{"Bridge", "ports", "Port", false},
		{"Port", "interfaces", "Interface", false},
		{"Bridge", "controller", "Controller", false},
		{"Open_vSwitch", "manager_options", "Manager", true},
	} {
		tb := s.Tables[tc.table]
		if tb == nil || tb.IsRoot != tc.root {
			t.Fatalf("table %s missing or wrong root flag", tc.table)
		}
		c := tb.Column(tc.column)
		if c == nil || c.Type.Key.RefTable != tc.ref || c.Type.Key.RefType != Strong {
			t.Fatalf("%s.%s: %+v", tc.table, tc.column, c)
		}
	}
	if s.Tables["Open_vSwitch"].MaxRows != 1 || s.Tables["Bridge"].Indexes[0][0] != "name" {
		t.Fatal("maxRows/indexes lost")
	}
	if s.Tables["Bridge"].Column("name").Mutable {
		t.Fatal("Bridge.name must be immutable")
	}
	if s.Tables["Mirror"].Column("output_port").Type.Key.RefType != Weak {
		t.Fatal("Mirror.output_port must be weak")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no name", `{"version":"1.0.0","tables":{}}`, "name"},
		{"bad version", `{"name":"d","version":"1","tables":{}}`, "version"},
		{"no tables", `{"name":"d","version":"1.0.0"}`, "tables"},
		{"bad atomic", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"c":{"type":"float"}}}}}`, "atomic type"},
		{"unknown ref", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"c":{"type":{"key":{"type":"uuid","refTable":"X"}}}}}}}`, "unknown table"},
		{"bad min", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"c":{"type":{"key":"string","min":2}}}}}}`, "min"},
		{"bad index", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"c":{"type":"string"}},"indexes":[["x"]]}}}`, "index"},
		{"reserved column", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"_c":{"type":"string"}}}}}`, "column name"},
		{"range on string", `{"name":"d","version":"1.0.0","tables":{"T":{"columns":{"c":{"type":{"key":{"type":"string","minInteger":1}}}}}}}`, "not allowed"},
		{"not json", `{`, "schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestIsRootDefault(t *testing.T) {
	s, err := Parse([]byte(`{"name":"d","version":"1.0.0","tables":{"A":{"columns":{"x":{"type":"integer"}}},"B":{"columns":{"y":{"type":"integer"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Tables["A"].IsRoot || !s.Tables["B"].IsRoot {
		t.Fatal("a schema without isRoot anywhere makes every table a root table (RFC 7047 §3.2)")
	}
}

func typ(t *testing.T, s string) *ColumnType {
	t.Helper()
	ct, err := ParseType(json.RawMessage(s))
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func val(t *testing.T, s string) any {
	t.Helper()
	var j any
	if err := notation.Unmarshal([]byte(s), &j); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, typ, in, out, tag string
	}{
		{"scalar int", `"integer"`, `5`, `5`, ""},
		{"int for real", `"real"`, `5`, `5.0`, ""},
		{"real for int", `"integer"`, `5.5`, ``, notation.ErrSyntax},
		{"string for int", `"integer"`, `"5"`, ``, notation.ErrSyntax},
		{"set sorted", `{"key":"string","min":0,"max":"unlimited"}`, `["set",["b","a"]]`, `["set",["a","b"]]`, ""},
		{"duplicate set", `{"key":"string","min":0,"max":"unlimited"}`, `["set",["a","a"]]`, ``, notation.ErrConstraintViolation},
		{"optional empty", `{"key":"string","min":0,"max":1}`, `["set",[]]`, `["set",[]]`, ""},
		{"too many", `{"key":"string","min":0,"max":1}`, `["set",["a","b"]]`, ``, notation.ErrConstraintViolation},
		{"too few", `"string"`, `["set",[]]`, ``, notation.ErrConstraintViolation},
		{"map", `{"key":"string","value":"integer","min":0,"max":"unlimited"}`, `["map",[["b",2],["a",1]]]`, `["map",[["a",1],["b",2]]]`, ""},
		{"map dup key", `{"key":"string","value":"integer","min":0,"max":"unlimited"}`, `["map",[["a",2],["a",1]]]`, ``, notation.ErrConstraintViolation},
		{"set for map", `{"key":"string","value":"integer","min":0,"max":"unlimited"}`, `["set",[]]`, ``, notation.ErrSyntax},
		{"enum ok", `{"key":{"type":"string","enum":["set",["secure","standalone"]]},"min":0,"max":1}`, `"secure"`, `"secure"`, ""},
		{"enum bad", `{"key":{"type":"string","enum":["set",["secure","standalone"]]},"min":0,"max":1}`, `"open"`, ``, notation.ErrConstraintViolation},
		{"int range ok", `{"key":{"type":"integer","minInteger":0,"maxInteger":4095}}`, `4095`, `4095`, ""},
		{"int range bad", `{"key":{"type":"integer","minInteger":0,"maxInteger":4095}}`, `4096`, ``, notation.ErrConstraintViolation},
		{"real range bad", `{"key":{"type":"real","minReal":0.5}}`, `0.25`, ``, notation.ErrConstraintViolation},
		{"length bad", `{"key":{"type":"string","maxLength":3}}`, `"abcd"`, ``, notation.ErrConstraintViolation},
		{"length utf8 ok", `{"key":{"type":"string","maxLength":3}}`, `"äöü"`, `"äöü"`, ""},
		{"uuid", `{"key":"uuid"}`, `["uuid","01234567-89ab-cdef-0123-456789abcdef"]`, `["uuid","01234567-89ab-cdef-0123-456789abcdef"]`, ""},
		{"named-uuid refused", `{"key":"uuid"}`, `["named-uuid","x"]`, ``, notation.ErrSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := typ(t, tc.typ)
			v, err := ct.FromJSON(val(t, tc.in), Options{})
			if tc.tag != "" {
				var e *notation.Error
				if !errors.As(err, &e) || e.Tag != tc.tag {
					t.Fatalf("err = %v, want tag %q", err, tc.tag)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(ct.ToJSON(v))
			if string(b) != tc.out {
				t.Fatalf("got %s, want %s", b, tc.out)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	for _, tc := range []struct{ typ, want string }{
		{`"integer"`, `0`},
		{`"real"`, `0.0`},
		{`"boolean"`, `false`},
		{`"string"`, `""`},
		{`"uuid"`, `["uuid","00000000-0000-0000-0000-000000000000"]`},
		{`{"key":"string","min":0,"max":1}`, `["set",[]]`},
		{`{"key":"string","value":"string","min":0,"max":"unlimited"}`, `["map",[]]`},
		{`{"key":{"type":"string","enum":["set",["b","c"]]}}`, `"b"`},
	} {
		ct := typ(t, tc.typ)
		b, _ := json.Marshal(ct.ToJSON(ct.Default()))
		if string(b) != tc.want {
			t.Errorf("%s: default %s, want %s", tc.typ, b, tc.want)
		}
	}
}
