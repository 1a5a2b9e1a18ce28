package vswitchd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
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

// TestMainSIGTERM: the daemon as `xvs vswitchd` runs it stops cleanly on
// SIGTERM: exit status 0, API socket and pidfile removed.
func TestMainSIGTERM(t *testing.T) {
	db := ovstest.StartXVS(t)
	dir, err := os.MkdirTemp("", "xv-m-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	pid := filepath.Join(dir, "vswitchd.pid")
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		done <- Main([]string{"--db", db.Remote, "--rundir", dir, "--pin-root", filepath.Join(dir, "pins"), "--pidfile"}, nil, nil, &errb)
	}()
	sock := SocketPath(dir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("Main returned %d early: %s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no API socket")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := os.Stat(pid); err != nil {
		t.Errorf("no pidfile: %v", err)
	}
	// Main's signal.NotifyContext is active while its socket exists.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit status %d after SIGTERM: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Main did not return after SIGTERM")
	}
	for _, f := range []string{sock, pid} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s left after SIGTERM: %v", f, err)
		}
	}
}
