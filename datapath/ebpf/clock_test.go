package ebpf

import (
	"slices"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// TestFlowUsedClock: an entry's last-used time, kept by the programs in
// jiffies, reads back as the wall time of the packet, to within the tick
// it came in; the tick is one of the rates Linux builds with; and an older
// jiffies value reads that many ticks earlier.
func TestFlowUsedClock(t *testing.T) {
	d, key, before, after := oneCountedPacket(t)
	k, err := d.kernelClock()
	if err != nil {
		t.Fatal(err)
	}
	tick := k.tick
	if !slices.ContainsFunc(hzs, func(hz uint64) bool { return tickNsec(hz) == tick }) {
		t.Fatalf("calibrated tick %d ns is not 1/HZ for any HZ of %v", tick, hzs)
	}
	f, err := d.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	slack := time.Millisecond
	lo, hi := before.Add(-time.Duration(tick)-slack), after.Add(slack)
	if f.Stats.Used.Before(lo) || f.Stats.Used.After(hi) {
		t.Errorf("used %v, want within [%v, %v] (the packet's tick)", f.Stats.Used, lo, hi)
	}

	now := k.now()
	j, err := readJiffies(d.objs.tc.XvsClock)
	if err != nil {
		t.Fatal(err)
	}
	if now.wall.IsZero() {
		t.Fatalf("clock reading %+v", now)
	}
	// j was read after now: now's own tick is j or one before.
	old := now.toTime(j - 100)
	age := now.wall.Sub(old)
	if age < 99*time.Duration(tick) || age > 101*time.Duration(tick) {
		t.Errorf("100 jiffies ago reads %v ago, want 99 to 101 ticks of %v", age, time.Duration(tick))
	}
	if got := now.toTime(j + 5); !got.Equal(now.wall) {
		t.Errorf("a jiffies value ahead of the reading converts to %v, want the reading's %v", got, now.wall)
	}
}

// TestManageClockLazy: a management handle (dpctl) pairs the clocks only
// when it first converts a last-used time, so that commands that print
// none do not wait for it; the times it converts then are right. It
// empties the process's pairing (clockOnce): it must not run in parallel
// with other tests.
func TestManageClockLazy(t *testing.T) {
	d, key, before, _ := oneCountedPacket(t)

	clockOnce.Lock()
	saved := clockOnce.k
	clockOnce.k = kernelClock{}
	clockOnce.Unlock()
	t.Cleanup(func() {
		clockOnce.Lock()
		if clockOnce.k.tick == 0 {
			clockOnce.k = saved
		}
		clockOnce.Unlock()
	})
	m, err := New(Config{Name: "xbp-test", PinDir: d.pinDir, Manage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Stats(); err != nil {
		t.Fatal(err)
	}
	clockOnce.Lock()
	calibrated := clockOnce.k.tick != 0
	clockOnce.Unlock()
	if calibrated {
		t.Fatal("opening a management handle and reading its counters paired the clocks")
	}
	var used time.Time
	if err := m.Dump(0, func(fs []datapath.Flow) error {
		for _, f := range fs {
			if f.Key == key {
				used = f.Stats.Used
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if used.IsZero() || used.Before(before.Add(-time.Second)) || used.After(time.Now().Add(time.Millisecond)) {
		t.Errorf("dumped last-used %v, want the packet's time (%v)", used, before)
	}
}

// oneCountedPacket is a test datapath with one cached flow, a 64-byte UDP
// frame's, whose frame went through the TC program once, between before
// and after.
func oneCountedPacket(t *testing.T) (d *Datapath, key datapath.FlowKey, before, after time.Time) {
	t.Helper()
	d, prog, frame, key := oneFlow(t, tcHook)
	before = time.Now()
	if ret, _ := run(t, prog, frame); ret != tcHook.redirect {
		t.Fatalf("verdict %d, want a redirect", ret)
	}
	return d, key, before, time.Now()
}
