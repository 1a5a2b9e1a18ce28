package vsctl

import (
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// colOf returns the type of a column of the embedded Open_vSwitch schema.
func colOf(t *testing.T, table, col string) *colType {
	t.Helper()
	c := schema.OpenVSwitch().Tables[table].Columns[col]
	if c == nil {
		t.Fatalf("no column %s.%s", table, col)
	}
	return &c.Type
}

type fakeSyms map[string]notation.UUID

func (f fakeSyms) symbol(name string) (notation.UUID, error) {
	if u, ok := f[name]; ok {
		return u, nil
	}
	return "", &notation.Error{Tag: "x", Details: "no symbol " + name}
}

func TestParseDatum(t *testing.T) {
	syms := fakeSyms{"@c": "11111111-2222-3333-4444-555555555555"}
	for _, tc := range []struct {
		table, col, in, want string // want: the datum printed as ovs-vsctl does
	}{
		{"Bridge", "fail_mode", "secure", "secure"},
		{"Bridge", "fail_mode", "[]", "[]"},
		{"Bridge", "name", `"br 0"`, `"br 0"`},
		{"Bridge", "stp_enable", "true", "true"},
		{"Port", "tag", "10", "10"},
		{"Port", "trunks", "[3, 1,2]", "[1, 2, 3]"},
		{"Port", "trunks", "1 2 2", "[1, 2]"},
		{"Port", "trunks", "1-3,7", "[1, 2, 3, 7]"},
		{"Port", "trunks", "[]", "[]"},
		{"Bridge", "other_config", "{a=b, c=\"x y\"}", `{a=b, c="x y"}`},
		{"Bridge", "other_config", "a=b,c=d", "{a=b, c=d}"},
		{"Bridge", "other_config", "{}", "{}"},
		{"Bridge", "controller", "[@c]", "[11111111-2222-3333-4444-555555555555]"},
		{"Controller", "target", `"tcp:1.2.3.4:6653"`, `"tcp:1.2.3.4:6653"`},
		{"Interface", "ingress_policing_rate", "100", "100"},
	} {
		ct := colOf(t, tc.table, tc.col)
		d, err := parseDatum(tc.in, ct, syms, false)
		if err != nil {
			t.Errorf("%s.%s %q: %v", tc.table, tc.col, tc.in, err)
			continue
		}
		if got := d.String(ct); got != tc.want {
			t.Errorf("%s.%s %q = %s, want %s", tc.table, tc.col, tc.in, got, tc.want)
		}
	}
}

func TestParseDatumErrors(t *testing.T) {
	for _, tc := range []struct {
		table, col, in, want string // want: a substring of the error
	}{
		{"Bridge", "stp_enable", "maybe", `"maybe" is not a valid boolean`},
		{"Port", "tag", "x", `"x" is not a valid integer`},
		{"Port", "tag", "5000", "not in the valid range 0 to 4095"},
		{"Port", "tag", "1,2", "at most 1 values are allowed"},
		{"Bridge", "fail_mode", "bad", "not one of the allowed values ([secure, standalone])"},
		{"Controller", "target", "tcp:1.2.3.4", `unexpected ":" parsing string`},
		{"Bridge", "other_config", "{a}", `missing "=" in map`},
		{"Bridge", "other_config", "{a=b", `missing "}" at end of data`},
		{"Bridge", "other_config", "{a=b} x", "trailing garbage"},
		{"Bridge", "other_config", "", `use "{}" to specify the empty map`},
		{"Port", "trunks", "", `use "[]" to specify the empty set`},
		{"Bridge", "name", `"abc`, "quoted string extends past end of argument"},
		{"Bridge", "controller", "[not-a-uuid]", "is not a valid UUID"},
		{"Bridge", "controller", "[@nosuch]", "no symbol @nosuch"},
	} {
		ct := colOf(t, tc.table, tc.col)
		_, err := parseDatum(tc.in, ct, fakeSyms{}, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s.%s %q: error %v, want one containing %q", tc.table, tc.col, tc.in, err, tc.want)
		}
	}
}

func TestAtomQuoting(t *testing.T) {
	for s, quoted := range map[string]bool{
		"br0": false, "eth0.10": false, "a-b_c": false, "": true, "0br": true,
		"true": true, "false": true, "x y": true, "tcp:1.2.3.4": true,
		"01234567-89ab-cdef-0123-456789abcdef": true, "_x": false,
	} {
		if got := stringNeedsQuotes(s); got != quoted {
			t.Errorf("stringNeedsQuotes(%q) = %v, want %v", s, got, quoted)
		}
	}
}

func TestDatumPrint(t *testing.T) {
	trunks := colOf(t, "Port", "trunks")
	tag := colOf(t, "Port", "tag")
	oc := colOf(t, "Bridge", "other_config")
	for _, tc := range []struct {
		d           datum
		ct          *colType
		str, bare   string
		wireIsAtom  bool
		wantWireLen int
	}{
		{datum{}, tag, "[]", "", false, 0},
		{datum{keys: []any{int64(7)}}, tag, "7", "7", true, 0},
		{datum{keys: []any{int64(1), int64(2)}}, trunks, "[1, 2]", "1 2", false, 2},
		{datum{keys: []any{int64(1)}}, trunks, "[1]", "1", true, 0},
		{datum{keys: []any{"a", "k"}, vals: []any{"x y", "v"}}, oc, `{a="x y", k=v}`, "a=x y k=v", false, 2},
	} {
		if got := tc.d.String(tc.ct); got != tc.str {
			t.Errorf("String = %s, want %s", got, tc.str)
		}
		if got := tc.d.Bare(tc.ct); got != tc.bare {
			t.Errorf("Bare = %q, want %q", got, tc.bare)
		}
		w := tc.d.wire(tc.ct, func(a any) any { return a })
		if _, isArr := w.([]any); isArr == tc.wireIsAtom && tc.wireIsAtom {
			t.Errorf("wire %v: want a bare atom", w)
		}
	}
}

func TestToken(t *testing.T) {
	for _, tc := range []struct{ in, tok, rest string }{
		{"abc=def", "abc", "=def"},
		{`"a:b"=c`, `"a:b"`, "=c"},
		{`a\:b:c`, "a:b", ":c"},
		{"x y", "x", " y"},
		{"", "", ""},
	} {
		tok, rest, err := token(tc.in)
		if err != nil || tok != tc.tok || rest != tc.rest {
			t.Errorf("token(%q) = %q, %q, %v; want %q, %q", tc.in, tok, rest, err, tc.tok, tc.rest)
		}
	}
}

func schemaJSON() []byte { return schema.OpenVSwitchJSON() }

var schemaForFuzz = schema.OpenVSwitch()
