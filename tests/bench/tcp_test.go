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

func TestParseCPUTimes(t *testing.T) {
	idle, total, err := parseCPUTimes("cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\n")
	if err != nil || idle != 820 || total != 990 {
		t.Errorf("parseCPUTimes = %d, %d, %v; want 820 idle of 990", idle, total, err)
	}
	for _, bad := range []string{"", "intr 1 2 3", "cpu 1 2 x 4 5 6"} {
		if _, _, err := parseCPUTimes(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, _, err := cpuTimes(); err != nil {
		t.Errorf("this machine's /proc/stat: %v", err)
	}
}

// The TCP target is judged on the median of the rounds' paired ratios
// when there are rounds, and says so; the medians' ratio is printed too.
func TestTCPTargetPaired(t *testing.T) {
	verdict := func(x, b []float64) string {
		r := NewResults([]string{"xvs", "linux-bridge"})
		samples := map[string]*tcpSamples{
			"xvs":          {bps: map[string][]float64{KeyTCP1: x}},
			"linux-bridge": {bps: map[string][]float64{KeyTCP1: b}},
		}
		for name, s := range samples {
			storeTCP(r.Values[name], s, len(x))
		}
		r.Paired = map[string]float64{KeyTCP1: median(pairedRatios(samples, KeyTCP1))}
		for _, l := range r.Targets() {
			if strings.HasPrefix(l, "TCP 1 stream") {
				return l
			}
		}
		t.Fatalf("no TCP verdict in %q", r.Targets())
		return ""
	}
	// Equal medians, but xvs ahead in two rounds of three: met.
	got := verdict([]float64{20, 22, 21}, []float64{19, 21, 22})
	if !strings.Contains(got, ": met (xvs/linux-bridge 1.048x, the median of the rounds' ratios; the medians' ratio 1.00x)") {
		t.Errorf("verdict %q", got)
	}
	// Behind in two rounds of three: missed.
	got = verdict([]float64{20, 22, 21}, []float64{21, 21, 22})
	if !strings.Contains(got, ": MISSED (xvs/linux-bridge 0.955x") {
		t.Errorf("verdict %q", got)
	}
	if pairedRatios(map[string]*tcpSamples{"xvs": {}}, KeyTCP1) != nil {
		t.Error("paired ratios without a bridge")
	}
}
