package bench

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}} {
		in := append([]float64(nil), c.xs...)
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
		for i := range in {
			if in[i] != c.xs[i] {
				t.Fatalf("median sorted its input: %v", c.xs)
			}
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing must be NaN")
	}
}

func TestRotation(t *testing.T) {
	sws := []Switch{&xvsSwitch{}, &linuxBridge{}, bareTC{}}
	first := map[string]int{}
	for round := range len(sws) {
		order := rotation(sws, round)
		if len(order) != len(sws) {
			t.Fatalf("round %d: %d turns for %d switches", round, len(order), len(sws))
		}
		seen := map[string]bool{}
		for _, sw := range order {
			seen[sw.Name()] = true
		}
		if len(seen) != len(sws) {
			t.Errorf("round %d leaves a switch out: %v", round, names(order))
		}
		first[order[0].Name()]++
	}
	for _, sw := range sws {
		if first[sw.Name()] != 1 {
			t.Errorf("%s went first %d times in %d rounds", sw.Name(), first[sw.Name()], len(sws))
		}
	}
	if names(rotation(sws, 1)) != "linux-bridge, bare-tc, xvs" {
		t.Errorf("round 1 = %s", names(rotation(sws, 1)))
	}
}

func TestStoreTCP(t *testing.T) {
	out := map[string]Value{}
	storeTCP(out, &tcpSamples{bps: map[string][]float64{
		KeyTCP1: {20e9, 22e9, 21e9},
		KeyTCP4: {40e9, 50e9, 45e9},
	}}, 3)
	if v := out[KeyTCP1]; v.V != 21 || v.Unit != "Gbit/s" || v.Why != "" {
		t.Errorf("tcp-1 = %+v, want the median 21 Gbit/s, no remark", v)
	}
	if v := out[KeyTCP4]; v.V != 45 {
		t.Errorf("tcp-4 = %+v, want 45", v)
	}

	// A switch that failed in round 2 keeps the median of what it ran,
	// with a remark; one that never ran says why.
	out = map[string]Value{}
	fail := errors.New("iperf3 -P 4: unable to connect")
	storeTCP(out, &tcpSamples{bps: map[string][]float64{KeyTCP1: {20e9}}, err: fail}, 3)
	if v := out[KeyTCP1]; v.V != 20 || !strings.Contains(v.Why, "1 of 3 rounds") || !strings.Contains(v.Why, "unable to connect") {
		t.Errorf("tcp-1 after a failure = %+v", v)
	}
	if v := out[KeyTCP4]; !math.IsNaN(v.V) || !strings.Contains(v.Why, "unable to connect") {
		t.Errorf("tcp-4 never measured = %+v", v)
	}
}

func TestTCPRoundsNote(t *testing.T) {
	sws := []Switch{&xvsSwitch{}, &linuxBridge{}}
	samples := map[string]*tcpSamples{
		"xvs":          {bps: map[string][]float64{KeyTCP1: {21e9, 20e9}}},
		"linux-bridge": {bps: map[string][]float64{KeyTCP1: {20e9, 20e9}}},
	}
	lines := tcpRoundsNote(sws, samples, 2)
	if len(lines) != 1 {
		t.Fatalf("want one line (no 4-stream samples), got %q", lines)
	}
	for _, want := range []string{"xvs 21.0 20.0", "linux-bridge 20.0 20.0", "by round 1.050 1.000"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("note %q lacks %q", lines[0], want)
		}
	}
}

func TestPinned(t *testing.T) {
	got := pinned(0, "iperf3", "-s")
	if len(got) == 2 {
		t.Skip("one CPU: nothing to pin")
	}
	if strings.Join(got, " ") != "taskset -c 0 iperf3 -s" {
		t.Errorf("pinned = %q", got)
	}
	if got := pinned(1<<20, "iperf3"); len(got) != 1 {
		t.Errorf("pinning to a CPU the machine lacks: %q", got)
	}
}
