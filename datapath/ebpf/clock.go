package ebpf

import (
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"github.com/xvs-switch/xvs/datapath"
	"golang.org/x/sys/unix"
)

// kernelClock returns the pairing of jiffies with CLOCK_MONOTONIC that
// converts flow_stats.used, made on first use (calibrateClock: once a
// process).
func (d *Datapath) kernelClock() (kernelClock, error) {
	k, err := calibrateClock(d.objs.tc.XvsClock)
	if err != nil {
		return kernelClock{}, fmt.Errorf("datapath: %w", err)
	}
	return k, nil
}

// clockNow reads the clocks, to convert the last-used times of a reading
// of flow counters.
func (d *Datapath) clockNow() (clockNow, error) {
	k, err := d.kernelClock()
	if err != nil {
		return clockNow{}, err
	}
	return k.now(), nil
}

// kernelClock converts flow_stats.used, the kernel's tick count (jiffies)
// of an entry's last packet, to wall time. The kernel advances jiffies by
// its monotonic clock, one tick every TICK_NSEC of CLOCK_MONOTONIC, so one
// pairing of the two (j0 at c0) and the tick's length convert any value
// with no further reading of jiffies, which userspace can only do through
// a program (xvs_clock).
type kernelClock struct {
	j0   uint64 // a jiffies value
	c0   uint64 // CLOCK_MONOTONIC ns when jiffies became j0
	tick uint64 // ns a jiffy
}

// clockNow is one reading of the clocks, to convert many times.
type clockNow struct {
	k    kernelClock
	mono uint64 // CLOCK_MONOTONIC now
	wall time.Time
}

// now reads the clocks; a zero clockNow (every time zero) if it cannot.
func (k kernelClock) now() clockNow {
	if k.tick == 0 {
		return clockNow{}
	}
	m, err := monoNow()
	if err != nil {
		return clockNow{}
	}
	return clockNow{k: k, mono: m, wall: time.Now()}
}

func monoNow() (uint64, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, err
	}
	return uint64(ts.Nano()), nil
}

// toTime converts a jiffies value. A value ahead of the reading (a packet
// counted since) is now.
func (c clockNow) toTime(j uint64) time.Time {
	if c.wall.IsZero() {
		return time.Time{}
	}
	k := c.k
	var at uint64 // CLOCK_MONOTONIC of tick j
	if j >= k.j0 {
		d := j - k.j0
		if d > (c.mono-min(c.mono, k.c0))/k.tick {
			return c.wall // ahead of the reading
		}
		at = k.c0 + d*k.tick
	} else {
		d := k.j0 - j
		if d > k.c0/k.tick {
			return time.Unix(0, 0) // before the clock started: garbage
		}
		at = k.c0 - d*k.tick
	}
	if at >= c.mono {
		return c.wall
	}
	return c.wall.Add(-time.Duration(c.mono - at))
}

// readJiffies runs xvs_clock on a minimal frame and reads the jiffies it
// wrote over the frame's start.
func readJiffies(prog *ebpf.Program) (uint64, error) {
	var in, out [64]byte
	ret, err := prog.Run(&ebpf.RunOptions{Data: in[:], DataOut: out[:]})
	if err != nil {
		return 0, fmt.Errorf("xvs_clock: %w", err)
	}
	if ret != 0 {
		return 0, fmt.Errorf("xvs_clock: verdict %d", ret)
	}
	return binary.NativeEndian.Uint64(out[0:]), nil
}

// hzs are the tick rates Linux builds with (CONFIG_HZ).
var hzs = []uint64{100, 250, 300, 1000}

// tickNsec is the kernel's TICK_NSEC for hz.
func tickNsec(hz uint64) uint64 { return (uint64(time.Second) + hz/2) / hz }

var clockOnce struct {
	sync.Mutex
	k kernelClock
}

// calibrateClock pairs jiffies with CLOCK_MONOTONIC and measures the
// tick, once a process. It reads jiffies in a loop, each reading between
// two readings of CLOCK_MONOTONIC, until they change; the change happened
// between the start of the reading before and the end of the one that
// shows it, and is taken if that window is 100 µs or less (a thread the
// scheduler or the hypervisor paused meanwhile waits for the next change),
// at the window's middle. Then the same at a change 20 ms or more later.
// The tick is the time between over the jiffies between, off by 0.5% at
// most; the TICK_NSEC of a CONFIG_HZ choice within 2% of it is taken (one
// always is, short of a kernel built with another HZ: the measure is kept
// then, after five tries), and the later change is the pairing.
func calibrateClock(prog *ebpf.Program) (kernelClock, error) {
	clockOnce.Lock()
	defer clockOnce.Unlock()
	if clockOnce.k.tick != 0 {
		return clockOnce.k, nil
	}
	type sample struct{ j, before, after uint64 }
	read := func() (sample, error) {
		var r sample
		var err error
		if r.before, err = monoNow(); err != nil {
			return r, err
		}
		if r.j, err = readJiffies(prog); err != nil {
			return r, err
		}
		r.after, err = monoNow()
		return r, err
	}
	const window = 100 * time.Microsecond
	// change returns a change of jiffies to a value above after, at
	// notBefore or later, and its time.
	change := func(after, notBefore uint64) (uint64, uint64, error) {
		prev, err := read()
		if err != nil {
			return 0, 0, err
		}
		start := prev.before
		for {
			r, err := read()
			if err != nil {
				return 0, 0, err
			}
			if r.j != prev.j && r.j > after && r.after-prev.before <= uint64(window) {
				if at := prev.before + (r.after-prev.before)/2; at >= notBefore {
					return r.j, at, nil
				}
			}
			prev = r
			if r.after-start > uint64(time.Second) {
				return 0, 0, fmt.Errorf("xvs_clock: no change of jiffies read within %v in a second (%d)", window, r.j)
			}
		}
	}
	var k kernelClock
	for try := 0; try < 5; try++ {
		j1, m1, err := change(0, 0)
		if err != nil {
			return kernelClock{}, err
		}
		j2, m2, err := change(j1, m1+uint64(20*time.Millisecond))
		if err != nil {
			return kernelClock{}, err
		}
		k = kernelClock{j0: j2, c0: m2, tick: (m2 - m1) / (j2 - j1)}
		snapped := false
		for _, hz := range hzs {
			if want := tickNsec(hz); k.tick > want*98/100 && k.tick < want*102/100 {
				k.tick, snapped = want, true
				break
			}
		}
		if snapped {
			break
		}
	}
	clockOnce.k = k
	return k, nil
}

// stats converts an entry's counters.
func (c clockNow) stats(st *tcportFlowStats) datapath.FlowStats {
	s := datapath.FlowStats{Packets: st.Packets, Bytes: st.Bytes, TCPFlags: uint16(st.TcpFlags)}
	if st.Used != 0 {
		s.Used = c.toTime(st.Used)
	}
	return s
}
