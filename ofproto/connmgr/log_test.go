package connmgr

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// TestConnectFailureLoggedAtInfo: an unreachable controller is reported
// at info level on each attempt (as Open vSwitch's "connection failed"),
// not hidden at debug level.
func TestConnectFailureLoggedAtInfo(t *testing.T) {
	var logs syncBuffer // interop_test.go
	dir := t.TempDir()
	m, err := New(Config{Bridge: "xc0", Switch: newTestSwitch(t), RunDir: dir,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	rec := recordSleeps(m)
	target := "unix:" + filepath.Join(dir, "absent.sock")
	if err := m.SetControllers([]Controller{{Target: target}}); err != nil {
		t.Fatal(err)
	}
	rec.next(t) // the first attempt failed and the manager backs off
	got := logs.String()
	if !strings.Contains(got, "level=INFO") || !strings.Contains(got, "controller connection failed") || !strings.Contains(got, target) {
		t.Fatalf("no info-level connection failure for %s in:\n%s", target, got)
	}
}
