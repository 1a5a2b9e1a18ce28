package appctl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/vswitchd/api"
)

type fake struct{}

func (fake) Appctl(_ context.Context, cmd string, args []string, format string) (string, error) {
	if cmd == "fdb/show" && len(args) == 1 && args[0] == "nosuch" {
		return "", errors.New("no such bridge")
	}
	return cmd + " " + strings.Join(args, " ") + " format=" + format, nil
}
func (fake) Datapaths() []string                        { return nil }
func (fake) Datapath(string) (datapath.Datapath, error) { return nil, errors.New("none") }

// serve runs the fake daemon on RUNDIR/vswitchd.sock.
func serve(t *testing.T) string {
	dir, err := os.MkdirTemp("", "xv-appctl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XVS_RUNDIR", dir)
	sock := filepath.Join(dir, api.SocketName)
	l, err := api.Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, l, sock, fake{}) }()
	t.Cleanup(func() {
		cancel()
		<-done
		os.RemoveAll(dir)
	})
	return sock
}

func run(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestAppctl(t *testing.T) {
	sock := serve(t)
	out, errs, code := run("fdb/show", "br0")
	if code != 0 || out != "fdb/show br0 format=text\n" {
		t.Fatalf("fdb/show: exit %d, %q, %s", code, out, errs)
	}
	out, _, code = run("-t", sock, "--format", "json", "dpif/show")
	if code != 0 || out != "dpif/show  format=json\n" {
		t.Fatalf("-t PATH --format json: exit %d, %q", code, out)
	}
	_, errs, code = run("fdb/show", "nosuch")
	if code != 2 || !strings.Contains(errs, "no such bridge") {
		t.Fatalf("refused command: exit %d, %s", code, errs)
	}
	_, errs, code = run("-t", filepath.Join(t.TempDir(), "none.sock"), "version")
	if code != 1 || !strings.Contains(errs, "not running") {
		t.Fatalf("no daemon: exit %d, %s", code, errs)
	}
	if _, _, code = run(); code != 2 {
		t.Fatalf("no command: exit %d, want 2", code)
	}
	if _, _, code = run("--format", "yaml", "version"); code != 2 {
		t.Fatalf("bad format: exit %d, want 2", code)
	}
}

func TestSocketOf(t *testing.T) {
	t.Setenv("XVS_RUNDIR", "/r")
	for in, want := range map[string]string{"": "/r/vswitchd.sock", "ovs-vswitchd": "/r/vswitchd.sock",
		"/x/y.sock": "/x/y.sock", "other": "/r/other.sock"} {
		if got := socketOf(in); got != want {
			t.Errorf("socketOf(%q) = %q, want %q", in, got, want)
		}
	}
}
