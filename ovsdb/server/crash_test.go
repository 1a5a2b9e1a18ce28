package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// TestMain doubles as the crash test's server process: with
// XDB_CRASH_CHILD set, the test binary serves the database named there.
func TestMain(m *testing.M) {
	if spec := os.Getenv("XDB_CRASH_CHILD"); spec != "" {
		os.Exit(crashChild(spec))
	}
	os.Exit(m.Run())
}

func crashChild(spec string) int {
	var cfg struct{ DB, Sock string }
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sch, _ := schema.Parse([]byte(testSchema))
	db, err := engine.Open(cfg.DB, sch, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := New(Config{}, db).Run(context.Background(), []string{"punix:" + cfg.Sock}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func startChild(t *testing.T, dbPath, sock string) *exec.Cmd {
	t.Helper()
	spec, _ := json.Marshal(map[string]string{"DB": dbPath, "Sock": sock})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "XDB_CRASH_CHILD="+string(spec))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return cmd
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("server process did not start listening")
	return nil
}

// TestCrashSafety kills the server with SIGKILL in the middle of a stream
// of transactions: every acknowledged transaction must be there after a
// restart, and the file must open cleanly.
func TestCrashSafety(t *testing.T) {
	dir := shortDir(t)
	dbPath, sock := filepath.Join(dir, "crash.db"), filepath.Join(dir, "db.sock")
	child := startChild(t, dbPath, sock)

	c := dial(t, &testServer{sock: sock})
	acked := map[string]bool{}
	killed := false
	for i := 0; ; i++ {
		name := fmt.Sprintf("r%d", i)
		if i == 40 {
			// Kill while the next request is in flight.
			go func() { time.Sleep(time.Millisecond); child.Process.Signal(syscall.SIGKILL) }()
			killed = true
		}
		c.conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err := c.conn.Write([]byte(`{"id":1,"method":"transact","params":["S",{"op":"insert","table":"Box","row":{"name":"` + name + `","n":` + itoa(i) + `}}]}`))
		if err != nil {
			break
		}
		var m map[string]any
		if err := c.dec.Decode(&m); err != nil {
			break
		}
		if m["error"] != nil {
			t.Fatalf("transaction %d failed: %v", i, m)
		}
		txnOK(t, m["result"])
		acked[name] = true
		if i > 10000 {
			t.Fatal("server never died")
		}
	}
	if !killed || len(acked) < 40 {
		t.Fatalf("only %d transactions acknowledged", len(acked))
	}
	child.Wait()

	startChild(t, dbPath, sock)
	c2 := dial(t, &testServer{sock: sock})
	res := txnOK(t, c2.result("transact", `["S",{"op":"select","table":"Box","where":[],"columns":["name"]}]`))
	have := map[string]bool{}
	for _, r := range res[0].(map[string]any)["rows"].([]any) {
		have[r.(map[string]any)["name"].(string)] = true
	}
	for name := range acked {
		if !have[name] {
			t.Fatalf("acknowledged transaction %s lost in the crash", name)
		}
	}
	// At most the one in flight may have committed unacknowledged.
	if len(have) > len(acked)+1 {
		t.Fatalf("%d rows after restart, %d acknowledged", len(have), len(acked))
	}
	t.Logf("%d acknowledged transactions survived SIGKILL", len(acked))
}
