package vsctl

import (
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// FuzzParseDatum: no value a user types may crash vsctl, and what parses
// prints back to something that parses to the same value.
func FuzzParseDatum(f *testing.F) {
	for _, s := range []string{"[1,2]", "{a=b, c=\"x y\"}", "1-4", `"\u00e9"`, "[", "{a=}", `a\`, "@x", "[]", "{}", "\"", "1-", "-1--2"} {
		f.Add(s)
	}
	types := []*colType{}
	for _, tc := range [][2]string{{"Port", "trunks"}, {"Port", "tag"}, {"Bridge", "other_config"}, {"Bridge", "name"},
		{"Bridge", "controller"}, {"Bridge", "stp_enable"}, {"Interface", "ingress_policing_rate"}, {"Bridge", "fail_mode"}} {
		types = append(types, &schemaForFuzz.Tables[tc[0]].Columns[tc[1]].Type)
	}
	syms := fakeSyms{"@x": notation.UUID("11111111-2222-3333-4444-555555555555")}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ct := range types {
			d, err := parseDatum(s, ct, syms, false)
			if err != nil {
				continue
			}
			printed := d.String(ct)
			d2, err := parseDatum(printed, ct, syms, false)
			if err != nil {
				t.Fatalf("%q parsed, printed as %q, which does not parse: %v", s, printed, err)
			}
			if !d.equal(d2) {
				t.Fatalf("%q -> %q -> %v, want %v", s, printed, d2, d)
			}
		}
	})
}

// FuzzParseArgs: no command line may crash the parser.
func FuzzParseArgs(f *testing.F) {
	f.Add("add-br br0 -- set bridge br0 fail_mode=secure")
	f.Add("--id=@c create Controller target=x -- --if-exists del-br x")
	f.Fuzz(func(t *testing.T, line string) {
		args := splitFields(line)
		parseArgs(args)
	})
}

func splitFields(s string) []string {
	var out []string
	cur := ""
	for _, r := range s {
		if r == ' ' {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		cur += string(r)
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
