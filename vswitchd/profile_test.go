package vswitchd

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCPUProfileEnv: XVS_CPUPROFILE makes the daemon write CPU profiles
// (gzip-compressed protobuf, as runtime/pprof writes them); unset, none.
func TestCPUProfileEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu")
	t.Setenv("XVS_CPUPROFILE", path)
	stop, err := startCPUProfile()
	if err != nil {
		t.Fatal(err)
	}
	stop()
	b, err := os.ReadFile(path + ".0")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("profile file of %d bytes is not gzip", len(b))
	}
	t.Setenv("XVS_CPUPROFILE", "")
	stop, err = startCPUProfile()
	if err != nil {
		t.Fatal(err)
	}
	stop()
}
