package ebpf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestStalePinReplaced: a pin directory from a build whose port_counters
// was a per-CPU hash (before the array by port number) still loads: the
// stale pin is replaced, and the datapath counts into the new map.
func TestStalePinReplaced(t *testing.T) {
	testenv.RequireRoot(t)
	pins := testPinDir(t)
	if err := os.MkdirAll(mapsDir(pins), 0o700); err != nil {
		t.Fatal(err)
	}
	old, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.PerCPUHash, KeySize: 4, ValueSize: 48, MaxEntries: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Pin(filepath.Join(mapsDir(pins), "port_counters")); err != nil {
		t.Fatal(err)
	}
	old.Close()
	d, err := New(Config{Name: "xbp-stale", PinDir: pins, MaxFlows: 1024})
	if err != nil {
		t.Fatalf("New over a stale pin: %v", err)
	}
	defer d.Close()
	if typ := d.objs.tc.PortCounters.Type(); typ != ebpf.PerCPUArray {
		t.Fatalf("port_counters is a %v, want a per-CPU array", typ)
	}
	m, err := ebpf.LoadPinnedMap(filepath.Join(mapsDir(pins), "port_counters"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Type() != ebpf.PerCPUArray {
		t.Errorf("the pin is a %v, want the new per-CPU array", m.Type())
	}
}
