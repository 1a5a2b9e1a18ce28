package ovstest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/schema"
	"github.com/xvs-switch/xvs/ovsdb/server"
)

// StartXVS serves a fresh Open_vSwitch database with xvs's own OVSDB
// server (in-process) on a unix socket until the test ends, so that the
// same tests can run against both servers.
func StartXVS(t testing.TB) *Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "xvc-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, Sock: filepath.Join(dir, "db.sock"), DB: filepath.Join(dir, "conf.db")}
	s.Remote = "unix:" + s.Sock
	db, err := engine.Open(s.DB, schema.OpenVSwitch(), nil)
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.New(server.Config{}, db).Run(ctx, []string{"punix:" + s.Sock}) }()
	// Teardown: stop the server (closing its sessions), then the database
	// it writes to, then remove the files.
	t.Cleanup(func() {
		cancel()
		<-done
		db.Close()
		os.RemoveAll(dir)
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("unix", s.Sock); err == nil {
			c.Close()
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("xvs ovsdb server stopped: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("xvs ovsdb server did not listen on %s", s.Sock)
	return nil
}
