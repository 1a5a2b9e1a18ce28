package ofctl

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runOfctl(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestOfpPrint(t *testing.T) {
	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		want    string // substring of stdout
		wantErr string // substring of stderr
	}{
		{"hello arg", "", []string{"ofp-print", "04 00 00 10 00 00 00 01 00 01 00 08 00 00 00 12"}, 0,
			"OFPT_HELLO (OF1.3) (xid=0x1):\n version bitmap: 0x01, 0x04\n", ""},
		{"stdin, two messages", "0x04140008 00000002\n01 02 00 08 00 00 00 03\n", []string{"ofp-print"}, 0,
			"OFPT_BARRIER_REQUEST (OF1.3) (xid=0x2):\nOFPT_ECHO_REQUEST (xid=0x3): 0 bytes of payload\n", ""},
		{"bad hex", "", []string{"ofp-print", "zz"}, 1, "", "bad hex"},
		{"bad type", "", []string{"ofp-print", "04fe000800000001"}, 1, "", "OFPBRC_BAD_TYPE"},
		{"empty", "", []string{"ofp-print", ""}, 1, "", "no bytes"},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "unknown command"},
		{"bad format", "", []string{"--format", "xml", "ofp-print", "00"}, 2, "", "--format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runOfctl(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) || !strings.Contains(errs, tt.wantErr) {
				t.Fatalf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.want, errs, tt.wantErr)
			}
		})
	}
}

func TestOfpPrintJSON(t *testing.T) {
	code, out, errs := runOfctl(t, "", "--format", "json", "ofp-print", "0402000c0000000761626364")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Version, Type string
		Xid           uint32
		Body          struct{ Data []byte }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if v.Version != "OF1.3" || v.Type != "OFPT_ECHO_REQUEST" || v.Xid != 7 || string(v.Body.Data) != "abcd" {
		t.Fatalf("decoded %+v", v)
	}
}
