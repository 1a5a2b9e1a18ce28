package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
		t.Fatalf("no args: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"nope"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown command "nope"`) {
		t.Fatalf("unknown: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"help"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "ofctl") {
		t.Fatalf("help: exit %d, stdout %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"ofctl", "ofp-print", "0414000800000001"}, nil, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "OFPT_BARRIER_REQUEST (OF1.3) (xid=0x1):") {
		t.Fatalf("ofctl dispatch: exit %d, stdout %q", code, out.String())
	}
}
