// Package ovstest starts the real Open vSwitch ovsdb-server for tests, so
// that xvs's OVSDB client and vsctl can be checked against the reference
// implementation.
package ovstest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// Schema is where Debian's openvswitch-common installs the Open_vSwitch
// schema.
const Schema = "/usr/share/openvswitch/vswitch.ovsschema"

// Server is a running ovsdb-server with a fresh Open_vSwitch database.
type Server struct {
	Dir  string // its temporary directory
	Sock string // the punix: socket path
	DB   string // the database file
	// Remote is "unix:" + Sock, the form --db takes.
	Remote string
}

// Start creates a database from the Open_vSwitch schema and serves it on a
// unix socket until the test ends. The test skips (or fails under
// XVS_STRICT=1) when ovsdb-server or ovsdb-tool is missing.
func Start(t testing.TB) *Server {
	t.Helper()
	server := testenv.RequireCommand(t, "ovsdb-server")
	tool := testenv.RequireCommand(t, "ovsdb-tool")
	if _, err := os.Stat(Schema); err != nil {
		testenv.RequireCommand(t, Schema) // reports the missing schema the same way
	}
	// A short directory under /tmp: socket paths must stay under 108 bytes.
	dir, err := os.MkdirTemp("", "xvc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{Dir: dir, Sock: filepath.Join(dir, "db.sock"), DB: filepath.Join(dir, "conf.db")}
	s.Remote = "unix:" + s.Sock
	if out, err := exec.Command(tool, "create", s.DB, Schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v\n%s", err, out)
	}
	cmd := exec.Command(server, "--remote=punix:"+s.Sock, "--no-chdir",
		"--pidfile="+filepath.Join(dir, "pid"), "--unixctl="+filepath.Join(dir, "ctl"),
		"--log-file="+filepath.Join(dir, "log"), "-vconsole:off", s.DB)
	if err := cmd.Start(); err != nil {
		t.Fatalf("ovsdb-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// The socket appears once ovsdb-server listens; a connect then works.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("unix", s.Sock); err == nil {
			c.Close()
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	t.Fatalf("ovsdb-server did not start listening on %s\n%s", s.Sock, log)
	return nil
}
