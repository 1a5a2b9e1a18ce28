package dpctl

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

// fakeDaemon serves datapaths over the vswitchd API, as the daemon does.
type fakeDaemon struct{ dps []*dummy.Datapath }

func (f *fakeDaemon) Appctl(context.Context, string, []string, string) (string, error) {
	return "", errors.New("no commands")
}
func (f *fakeDaemon) Datapaths() []string {
	var out []string
	for _, d := range f.dps {
		out = append(out, d.Name())
	}
	return out
}
func (f *fakeDaemon) Datapath(name string) (datapath.Datapath, error) {
	for _, d := range f.dps {
		if d.Name() == name {
			return d, nil
		}
	}
	return nil, errors.New("no such datapath")
}

// withDaemon serves the given datapaths on XVS_RUNDIR/vswitchd.sock, and
// points Open at nothing so that any fallback shows.
func withDaemon(t *testing.T, names ...string) *fakeDaemon {
	dir, err := os.MkdirTemp("", "xv-dpctl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XVS_RUNDIR", dir)
	f := &fakeDaemon{}
	for _, n := range names {
		d := dummy.New(dummy.Config{Name: n})
		if _, err := d.AddPort(datapath.PortConfig{Name: "xvp1"}); err != nil {
			t.Fatal(err)
		}
		f.dps = append(f.dps, d)
	}
	sock := filepath.Join(dir, api.SocketName)
	l, err := api.Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- api.Serve(ctx, l, sock, f) }()
	saved := Open
	Open = func(string) (datapath.Datapath, error) { return nil, errors.New("pins must not be used") }
	t.Cleanup(func() {
		Open = saved
		cancel()
		<-done
		os.RemoveAll(dir)
	})
	return f
}

func TestThroughVswitchd(t *testing.T) {
	f := withDaemon(t, "xvs@xv0")
	out := mustRun(t, "show")
	if !strings.Contains(out, "xvs@xv0:") || !strings.Contains(out, "port 1: xvp1") {
		t.Fatalf("show through vswitchd:\n%s", out)
	}
	mustRun(t, "add-flow", flow1, "1")
	if _, err := f.dps[0].Get(mustKey(t, flow1)); err != nil {
		t.Fatalf("add-flow through vswitchd did not reach the daemon's datapath: %v", err)
	}
	out = mustRun(t, "dump-flows", "xvs@xv0")
	if !strings.Contains(out, "udp(src=5000,dst=53)") || !strings.Contains(out, "actions:1") {
		t.Fatalf("dump-flows through vswitchd:\n%s", out)
	}
	if _, errs, code := run(t, "add-flow", flow1, "1"); code != 1 || !strings.Contains(errs, "exists") {
		t.Fatalf("second add-flow: exit %d, %s", code, errs)
	}
	mustRun(t, "del-flows")
	if st, _ := f.dps[0].Stats(); st.Flows != 0 {
		t.Fatalf("del-flows left %d flows", st.Flows)
	}
}

func TestThroughVswitchdSeveral(t *testing.T) {
	withDaemon(t, "xvs@xv0", "xvs@xv1")
	if _, errs, code := run(t, "dump-flows"); code != 2 || !strings.Contains(errs, "several datapaths") {
		t.Fatalf("dump-flows without a name among two: exit %d, %s", code, errs)
	}
	out := mustRun(t, "show")
	if !strings.Contains(out, "xvs@xv0:") || !strings.Contains(out, "xvs@xv1:") {
		t.Fatalf("show of every datapath:\n%s", out)
	}
	if _, errs, code := run(t, "dump-flows", "xvs@nope"); code != 1 || !strings.Contains(errs, "no datapath") {
		t.Fatalf("unknown datapath: exit %d, %s", code, errs)
	}
}

func mustKey(t *testing.T, s string) datapath.FlowKey {
	k, err := datapath.ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestPinnedPath(t *testing.T) {
	if got := pinnedPath([]string{"show", "xvs@br0"}); got != "/sys/fs/bpf/xvs/xvs@br0" {
		t.Errorf("named datapath: %s", got)
	}
	if got := pinnedPath([]string{"dump-flows"}); got != DefaultPath {
		t.Errorf("no name: %s", got)
	}
}
