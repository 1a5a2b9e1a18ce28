package vswitchd

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/cli/vsctl"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ovsdb/client/ovstest"
	"github.com/xvs-switch/xvs/vswitchd/api"
)

// testDaemon is a daemon over in-memory datapaths and xvs's own OVSDB
// server, run in-process.
type testDaemon struct {
	t      *testing.T
	db     *ovstest.Server
	runDir string
	cancel context.CancelFunc
	done   chan error
	api    *api.Client
	cfg    Config
	log    syncBuffer

	mu  sync.Mutex
	dps map[string]*dummy.Datapath
}

func startDaemon(t *testing.T) *testDaemon {
	t.Helper()
	return startDaemonOn(t, ovstest.StartXVS(t))
}

// startDaemonOn runs the daemon over in-memory datapaths against db.
func startDaemonOn(t *testing.T, db *ovstest.Server) *testDaemon {
	t.Helper()
	td := newTestDaemonOn(t, db)
	td.cfg.NewDatapath = dummyFactory(td)
	td.start()
	return td
}

// dummyFactory makes in-memory datapaths that the test can reach.
func dummyFactory(td *testDaemon) func(string) (datapath.Datapath, error) {
	return func(br string) (datapath.Datapath, error) {
		d := dummy.New(dummy.Config{Name: DatapathName(br)})
		td.mu.Lock()
		td.dps[br] = d
		td.mu.Unlock()
		return d, nil
	}
}

// newTestDaemon prepares a daemon (not started) with its own database and
// run directory.
func newTestDaemon(t *testing.T) *testDaemon {
	t.Helper()
	return newTestDaemonOn(t, ovstest.StartXVS(t))
}

func newTestDaemonOn(t *testing.T, db *ovstest.Server) *testDaemon {
	t.Helper()
	td := &testDaemon{t: t, db: db, dps: map[string]*dummy.Datapath{}}
	dir, err := os.MkdirTemp("", "xv-d-") // short: unix socket paths
	if err != nil {
		t.Fatal(err)
	}
	td.runDir = dir
	td.cfg = Config{
		DB:              td.db.Remote,
		RunDir:          dir,
		Log:             slog.New(slog.NewTextHandler(&td.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RevalidateEvery: 50 * time.Millisecond,
		StatsEvery:      100 * time.Millisecond,
		StatusEvery:     100 * time.Millisecond,
	}
	t.Cleanup(func() {
		td.stop()
		os.RemoveAll(dir)
		if t.Failed() {
			t.Logf("daemon log:\n%s", td.log.String())
		}
	})
	return td
}

// start runs the daemon and waits for its API socket.
func (td *testDaemon) start() {
	t := td.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	td.cancel = cancel
	td.done = make(chan error, 1)
	cfg := td.cfg
	go func() { td.done <- Run(ctx, cfg) }()
	// The API socket appears once Run listens.
	sock := SocketPath(td.runDir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case err := <-td.done:
			t.Fatalf("Run: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("vswitchd API socket did not appear")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c, err := api.Dial(sock)
	if err != nil {
		t.Fatal(err)
	}
	td.api = c
}

func (td *testDaemon) stop() {
	if td.api != nil {
		td.api.Close()
		td.api = nil
	}
	if td.cancel == nil {
		return
	}
	td.cancel()
	td.cancel = nil
	select {
	case err := <-td.done:
		if err != nil {
			td.t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		td.t.Error("Run did not return after cancel")
	}
}

func (td *testDaemon) dp(br string) *dummy.Datapath {
	td.mu.Lock()
	defer td.mu.Unlock()
	return td.dps[br]
}

// vsctl runs xvs vsctl against the test DB; without --no-wait it returns
// once vswitchd has acknowledged (cur_cfg).
func (td *testDaemon) vsctl(args ...string) string {
	td.t.Helper()
	var out, errb bytes.Buffer
	all := append([]string{"--db=" + td.db.Remote, "--timeout=10"}, args...)
	if code := vsctl.Main(all, strings.NewReader(""), &out, &errb); code != 0 {
		td.t.Fatalf("vsctl %v: exit %d: %s", args, code, errb.String())
	}
	return strings.TrimSpace(out.String())
}

func (td *testDaemon) appctl(cmd string, args ...string) string {
	td.t.Helper()
	out, err := td.api.Appctl(context.Background(), cmd, args, "")
	if err != nil {
		td.t.Fatalf("appctl %s %v: %v", cmd, args, err)
	}
	return out
}

// eventually polls cond until it holds or 10 s pass (status write-back is
// periodic: there is no event to wait for from the outside).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
