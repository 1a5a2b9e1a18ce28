package ovsdbserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as `xvs ovsdb-server` for the signal
// test.
func TestMain(m *testing.M) {
	if args := os.Getenv("XDB_SERVER_ARGS"); args != "" {
		var a []string
		json.Unmarshal([]byte(args), &a)
		os.Exit(Main(a, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func shortDir(t *testing.T) string {
	d, err := os.MkdirTemp("/tmp", "xdb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func waitDial(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial(network, addr)
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never listened on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func call(t *testing.T, c net.Conn, req string) map[string]any {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.NewDecoder(c).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRunCreatesDatabaseAndServes(t *testing.T) {
	dir := shortDir(t)
	sock := filepath.Join(dir, "run", "db.sock") // parent dirs are created
	dbfile := filepath.Join(dir, "lib", "conf.db")
	schemaFile := filepath.Join(dir, "s.ovsschema")
	os.WriteFile(schemaFile, []byte(`{"name":"Mini","version":"1.0.0","tables":{"T":{"columns":{"x":{"type":"integer"}}}}}`), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr bytes.Buffer
	go func() {
		done <- Run(ctx, []string{"--remote", "punix:" + sock, "--remote=ptcp:0:127.0.0.1", "--schema", schemaFile, dbfile}, &stderr)
	}()
	c := waitDial(t, "unix", sock)
	defer c.Close()
	if m := call(t, c, `{"id":1,"method":"list_dbs","params":[]}`); m["result"].([]any)[0] != "Mini" {
		t.Fatalf("list_dbs = %v", m)
	}
	if _, err := os.Stat(dbfile); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	cancel()
	select {
	case rc := <-done:
		if rc != 0 {
			t.Fatalf("exit %d: %s", rc, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop when its context ended")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("socket left behind: %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"--remote", "tcp:1.2.3.4:5", "/tmp/xdb-none/x.db"},
		{"a.db", "b.db"},
		{"--no-such-flag"},
		{"--schema", "/nonexistent/xdb.schema", "/tmp/xdb-none/x.db"},
	} {
		var stderr bytes.Buffer
		if rc := Run(context.Background(), args, &stderr); rc == 0 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, rc, stderr.String())
		}
	}
	os.RemoveAll("/tmp/xdb-none")
}

func TestSIGTERMStopsCleanly(t *testing.T) {
	dir := shortDir(t)
	sock, pidfile := filepath.Join(dir, "db.sock"), filepath.Join(dir, "pid")
	args, _ := json.Marshal([]string{"--remote", "punix:" + sock, "--pidfile", pidfile, filepath.Join(dir, "conf.db")})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XDB_SERVER_ARGS="+string(args))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := waitDial(t, "unix", sock)
	// The default schema is the built-in Open_vSwitch one.
	if m := call(t, c, `{"id":1,"method":"list_dbs","params":[]}`); m["result"].([]any)[0] != "Open_vSwitch" {
		t.Fatalf("list_dbs = %v", m)
	}
	c.Close()
	pid, _ := os.ReadFile(pidfile)
	if strings.TrimSpace(string(pid)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pidfile holds %q, process is %d", pid, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	for _, f := range []string{sock, pidfile} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s left behind after SIGTERM", f)
		}
	}
}
