package notation

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("unmarshal %s: %v", s, err)
	}
	return v
}

func TestValueRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name, in, out string
		want          any
	}{
		{"integer", `42`, `42`, int64(42)},
		{"negative", `-7`, `-7`, int64(-7)},
		{"real", `1.5`, `1.5`, 1.5},
		{"real stays real", `2.0`, `2.0`, 2.0},
		{"exponent", `1e3`, `1000.0`, 1000.0},
		{"bool", `true`, `true`, true},
		{"string", `"br0"`, `"br0"`, "br0"},
		{"uuid", `["uuid","0A1B2C3D-0000-4000-8000-000000000001"]`, `["uuid","0a1b2c3d-0000-4000-8000-000000000001"]`,
			UUID("0a1b2c3d-0000-4000-8000-000000000001")},
		{"named-uuid", `["named-uuid","row1"]`, `["named-uuid","row1"]`, NamedUUID("row1")},
		{"set", `["set",[1,2]]`, `["set",[1,2]]`, Set{int64(1), int64(2)}},
		{"empty set", `["set",[]]`, `["set",[]]`, Set{}},
		{"map", `["map",[["a","b"]]]`, `["map",[["a","b"]]]`, Map{{"a", "b"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ValueFromJSON(decode(t, tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !Equal(v, tc.want) {
				t.Fatalf("got %#v, want %#v", v, tc.want)
			}
			b, err := json.Marshal(ValueToJSON(v))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.out {
				t.Fatalf("encoded %s, want %s", b, tc.out)
			}
		})
	}
}

func TestValueErrors(t *testing.T) {
	for _, in := range []string{
		`null`, `{}`, `["uuid","nope"]`, `["named-uuid","1abc"]`, `["set",1]`,
		`["set",[["set",[]]]]`, `["map",[[1]]]`, `["map",[1,2]]`, `[1,2,3]`,
		`99999999999999999999`, `1e999`,
	} {
		if v, err := ValueFromJSON(decode(t, in)); err == nil {
			t.Errorf("%s: got %#v, want error", in, v)
		}
	}
}

func TestCompareAndSort(t *testing.T) {
	s := SortSet(Set{"b", "a", "b", "c"})
	if !Equal(s, Set{"a", "b", "c"}) {
		t.Fatalf("SortSet = %v", s)
	}
	if CompareAtoms(false, true) >= 0 || CompareAtoms(int64(2), int64(10)) >= 0 {
		t.Fatal("atom order wrong")
	}
	if Equal(Set{"a"}, Map{{"a", "a"}}) {
		t.Fatal("set equal to map")
	}
}

func TestParseUUID(t *testing.T) {
	if _, err := ParseUUID(string(NewUUID())); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "0a1b2c3d00000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-00000000000g"} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q) accepted", bad)
		}
	}
}

func TestOperationJSON(t *testing.T) {
	in := `{"op":"update","table":"Bridge","where":[["name","==","br0"]],"row":{"stp_enable":true},
		"mutations":[["flood_vlans","insert",["set",[1]]]],"uuid":"0a1b2c3d-0000-4000-8000-000000000001"}`
	var op Operation
	if err := json.Unmarshal([]byte(in), &op); err != nil {
		t.Fatal(err)
	}
	if op.Op != "update" || op.Where[0] != (Condition{"name", "==", "br0"}) || op.Mutations[0].Mutator != "insert" {
		t.Fatalf("decoded %+v", op)
	}
	if op.UUID == nil || *op.UUID != "0a1b2c3d-0000-4000-8000-000000000001" {
		t.Fatalf("uuid %v", op.UUID)
	}
	b, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `["name","==","br0"]`) || !strings.Contains(string(b), `"uuid":"0a1b2c3d`) {
		t.Fatalf("encoded %s", b)
	}
	var bad Condition
	if err := json.Unmarshal([]byte(`["a","=="]`), &bad); err == nil {
		t.Fatal("2-element condition accepted")
	}
}

func TestOperationResultJSON(t *testing.T) {
	u := UUID("0a1b2c3d-0000-4000-8000-000000000001")
	n := 2
	for _, r := range []OperationResult{{UUID: &u}, {Count: &n}, {Rows: []map[string]any{}}, {Error: ErrTimedOut, Details: "x"}} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back OperationResult
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Fatalf("round trip %s -> %s", b, b2)
		}
	}
}

func TestOperationKeepsEmptyMembers(t *testing.T) {
	var op Operation
	if err := json.Unmarshal([]byte(`{"op":"wait","table":"T","where":[],"rows":[],"columns":[],"until":"=="}`), &op); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(op)
	for _, m := range []string{`"where":[]`, `"rows":[]`, `"columns":[]`} {
		if !strings.Contains(string(b), m) {
			t.Fatalf("%s lost %s", b, m)
		}
	}
}
