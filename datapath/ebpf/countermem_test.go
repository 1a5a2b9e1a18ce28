package ebpf

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// flow_counters is mapped a chunk at a time: what the process maps (and
// holds resident) follows the slots used, and a slot reads and writes the
// same counters through the mapping as through the map.
func TestCounterMemChunks(t *testing.T) {
	testenv.RequireRoot(t)
	const n = 200000
	m, err := ebpf.NewMap(&ebpf.MapSpec{Name: "xcm_counters", Type: ebpf.Array, KeySize: 4, ValueSize: uint32(statsSize),
		MaxEntries: n, Flags: unix.BPF_F_MMAPABLE})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, err := mapCounters(m.FD(), n)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if c.chunks() != 0 || residentKB(t, c) != 0 {
		t.Fatalf("mapped %d chunks, %d kB resident before any slot is used", c.chunks(), residentKB(t, c))
	}
	// Slots at both ends, and the last slot of the first chunk.
	for _, s := range []uint32{0, counterChunk/uint32(statsSize) - 1, n - 1} {
		if err := m.Update(s, tcportFlowStats{Packets: uint64(s) + 1, Bytes: 7}, ebpf.UpdateAny); err != nil {
			t.Fatal(err)
		}
		p, err := c.slot(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := atomic.LoadUint64(&p.Packets); got != uint64(s)+1 {
			t.Fatalf("slot %d: %d packets through the mapping, want %d", s, got, s+1)
		}
		atomic.StoreUint64(&p.Bytes, 99)
		var v tcportFlowStats
		if err := m.Lookup(s, &v); err != nil || v.Bytes != 99 {
			t.Fatalf("slot %d: the map reads %+v (%v) after a store through the mapping", s, v, err)
		}
	}
	if got := c.chunks(); got != 2 {
		t.Errorf("%d chunks mapped for slots in two, want 2", got)
	}
	if kb := residentKB(t, c); kb > 2*counterChunk/1024 || kb < counterChunk/1024 {
		t.Errorf("%d kB resident for two chunks of %d kB", kb, counterChunk/1024)
	}
	if _, err := c.slot(n); err == nil {
		t.Error("slot past the end mapped")
	}
}

// residentKB sums the Rss of /proc/self/smaps over c's range.
func residentKB(t *testing.T, c *counterMem) int {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := uintptr(c.base), uintptr(c.base)+c.size
	in, kb := false, 0
	for _, l := range strings.Split(string(b), "\n") {
		var a, z uintptr
		if _, err := fmt.Sscanf(l, "%x-%x ", &a, &z); err == nil && strings.Contains(l, " ") && !strings.HasSuffix(strings.Fields(l)[0], ":") {
			in = a >= lo && z <= hi
			continue
		}
		var v int
		if in && strings.HasPrefix(l, "Rss:") {
			fmt.Sscanf(strings.TrimPrefix(l, "Rss:"), "%d", &v)
			kb += v
		}
	}
	return kb
}
