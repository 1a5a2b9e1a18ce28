package vswitchd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMainArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--help"}, 0, "usage: xvs vswitchd"},
		{[]string{"--log-format", "xml"}, 2, "--log-format"},
		{[]string{"--log-level", "loud"}, 2, "unknown log level"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
	} {
		var errb bytes.Buffer
		if code := Main(tc.args, nil, nil, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("Main(%q) = %d, %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

func TestPidfile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "vswitchd.pid")
	if err := writePidfile(p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if strings.TrimSpace(string(b)) == "" {
		t.Fatal("empty pidfile")
	}
	// A pidfile naming a live process (pid 1) is refused.
	os.WriteFile(p, []byte("1\n"), 0o644)
	if err := writePidfile(p); err == nil || !strings.Contains(err.Error(), "is running") {
		t.Fatalf("pidfile of a live process: %v", err)
	}
}
