package api_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/vswitchd/api"
)

type backend struct{ dp *dummy.Datapath }

func (b *backend) Appctl(_ context.Context, cmd string, args []string, format string) (string, error) {
	if cmd == "fail" {
		return "", errors.New("it failed")
	}
	return cmd + ":" + strings.Join(args, ",") + ":" + format, nil
}
func (b *backend) Datapaths() []string { return []string{b.dp.Name()} }
func (b *backend) Datapath(name string) (datapath.Datapath, error) {
	if name != b.dp.Name() {
		return nil, errors.New("no such datapath")
	}
	return b.dp, nil
}

func serve(t *testing.T) (*api.Client, *dummy.Datapath, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "xv-api-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, api.SocketName)
	l, err := api.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	dp := dummy.New(dummy.Config{Name: "xvs@xv0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, l, path, &backend{dp}) }()
	c, err := api.Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("socket left behind after stop: %v", err)
		}
	})
	return c, dp, path
}

func TestSocketModeAndSecondListener(t *testing.T) {
	_, _, path := serve(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want a socket with 0600", st.Mode())
	}
	if _, err := api.Listen(path); err == nil || !strings.Contains(err.Error(), "another vswitchd") {
		t.Fatalf("second Listen on a live socket: %v, want 'another vswitchd'", err)
	}
}

func TestDialNoDaemon(t *testing.T) {
	if _, err := api.Dial(filepath.Join(t.TempDir(), "none.sock")); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("Dial of a missing socket: %v", err)
	}
}

func TestAppctl(t *testing.T) {
	c, _, _ := serve(t)
	out, err := c.Appctl(context.Background(), "fdb/show", []string{"br0"}, "json")
	if err != nil || out != "fdb/show:br0:json" {
		t.Fatalf("Appctl = %q, %v", out, err)
	}
	var cerr *api.CommandError
	if _, err := c.Appctl(context.Background(), "fail", nil, ""); !errors.As(err, &cerr) || err.Error() != "it failed" {
		t.Fatalf("failing command: %v, want the backend's message", err)
	}
}

func TestRemoteDatapath(t *testing.T) {
	c, dp, _ := serve(t)
	ctx := context.Background()
	if _, err := c.Datapath(ctx, "xvs@nope"); err == nil {
		t.Fatal("unknown datapath accepted")
	}
	rd, err := c.Datapath(ctx, "xvs@xv0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dp.AddPort(datapath.PortConfig{Name: "p1"}); err != nil {
		t.Fatal(err)
	}
	ports, err := rd.Ports()
	if err != nil || len(ports) != 1 || ports[0].Name != "p1" || ports[0].Number != 1 {
		t.Fatalf("Ports = %+v, %v", ports, err)
	}
	key, err := datapath.ParseKey("in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1,dst=80)")
	if err != nil {
		t.Fatal(err)
	}
	acts := []datapath.Action{datapath.Output{Port: 1}}
	if err := rd.Put(key, acts, datapath.PutCreate); err != nil {
		t.Fatal(err)
	}
	if err := rd.Put(key, acts, datapath.PutCreate); !errors.Is(err, datapath.ErrFlowExists) {
		t.Fatalf("second create: %v, want ErrFlowExists", err)
	}
	// The entry is in the daemon's datapath, key intact.
	f, err := dp.Get(key)
	if err != nil || datapath.FormatActions(f.Actions) != "1" {
		t.Fatalf("daemon side Get = %+v, %v", f, err)
	}
	got, err := rd.Get(key)
	if err != nil || got.Key != key || datapath.FormatActions(got.Actions) != "1" {
		t.Fatalf("remote Get = %+v, %v", got, err)
	}
	var n int
	if err := rd.Dump(0, func(fs []datapath.Flow) error { n += len(fs); return nil }); err != nil || n != 1 {
		t.Fatalf("Dump saw %d flows, %v", n, err)
	}
	// A port-wide entry travels as such.
	if err := rd.Put(key, acts, datapath.PutModify|datapath.PutPortWide); err != nil {
		t.Fatal(err)
	}
	if got, err := rd.Get(key); err != nil || !got.PortWide() {
		t.Fatalf("remote Get of a port-wide entry = %+v, %v", got, err)
	}
	if err := rd.Dump(0, func(fs []datapath.Flow) error {
		if len(fs) != 1 || !fs[0].PortWide() {
			t.Errorf("remote Dump of a port-wide entry: %+v", fs)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st, err := rd.Stats()
	if err != nil || st.Flows != 1 {
		t.Fatalf("Stats = %+v, %v", st, err)
	}
	if _, err := rd.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Delete(key); !errors.Is(err, datapath.ErrNoSuchFlow) {
		t.Fatalf("second delete: %v, want ErrNoSuchFlow", err)
	}
	if err := rd.Execute(nil, 1, nil); err == nil {
		t.Fatal("Execute through the API should be refused")
	}
}
