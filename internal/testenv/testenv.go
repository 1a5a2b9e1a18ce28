// Package testenv gates tests on what the machine offers: root, commands,
// kernel features. A gated test skips with a message that says what is
// missing; when XVS_STRICT=1 (set by `make check`, which installs every
// dependency first) a missing requirement fails the test instead, so that
// nothing is skipped silently in CI.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Strict reports whether missing requirements fail tests instead of skipping
// them.
func Strict() bool { return os.Getenv("XVS_STRICT") == "1" }

func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Strict() {
		t.Fatalf("XVS_STRICT=1: "+format, args...)
	}
	t.Skipf(format, args...)
}

// RequireRoot skips the test unless it runs as root. Root is needed for
// network namespaces, veth devices and BPF.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, "needs root (network namespaces, BPF); run as root or via `make check`")
	}
}

// RequireCommand returns the path of the named program or skips the test
// when it is not installed.
func RequireCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "needs %s (installed by `make deps`): %v", name, err)
	}
	return p
}
