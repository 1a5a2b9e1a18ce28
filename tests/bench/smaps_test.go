package bench

import (
	"os"
	"strings"
	"testing"
)

// residentMappings reads this process's smaps: a total, and the n largest
// mappings, the test binary's own text among them.
func TestResidentMappings(t *testing.T) {
	s, err := residentMappings(os.Getpid(), 10)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if !strings.HasPrefix(s, "resident ") || strings.HasPrefix(s, "resident 0 kB") || !strings.Contains(s, exe) {
		t.Fatalf("residentMappings:\n%s", s)
	}
	if got := strings.Count(s, "\n"); got != 11 {
		t.Errorf("%d lines, want a total and 10 mappings:\n%s", got, s)
	}
	if _, err := residentMappings(-1, 1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
