package bench

import (
	"errors"
	"math"
	"slices"
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
	first := map[string]bool{}
	follows := map[[2]string]bool{}
	for round := range 2 * len(sws) {
		order := rotation(sws, round)
		seen := map[string]bool{}
		for i, sw := range order {
			seen[sw.Name()] = true
			if i > 0 {
				follows[[2]string{order[i-1].Name(), sw.Name()}] = true
			}
		}
		if len(order) != len(sws) || len(seen) != len(sws) {
			t.Errorf("round %d is not every switch once: %v", round, names(order))
		}
		first[order[0].Name()] = true
	}
	for _, a := range sws {
		if !first[a.Name()] {
			t.Errorf("%s never goes first", a.Name())
		}
		for _, b := range sws {
			if a != b && !follows[[2]string{a.Name(), b.Name()}] {
				t.Errorf("%s never follows %s", b.Name(), a.Name())
			}
		}
	}
	if got := names(rotation(sws, 1)); got != "bare-tc, linux-bridge, xvs" {
		t.Errorf("round 1 = %s", got)
	}
}

// rounds builds samples from Gbit/s figures by round (NaN: a failed turn).
func rounds(gbps map[string][]float64) map[string]*tcpSamples {
	out := map[string]*tcpSamples{}
	for name, xs := range gbps {
		s := newTCPSamples(len(xs))
		for i, x := range xs {
			s.bps[KeyTCP1][i] = x * 1e9
			s.bps[KeyTCP4][i] = 2 * x * 1e9
		}
		out[name] = s
	}
	return out
}

func TestTCPSummarize(t *testing.T) {
	sws := []Switch{&xvsSwitch{}, &linuxBridge{}, bareTC{}}
	nan := math.NaN()
	samples := rounds(map[string][]float64{
		"xvs":          {21, 22, 21.5, 15, 20},
		"linux-bridge": {20, 21, 22, 21, 20.5},
		"bare-tc":      {22, 22, 22, 22, nan},
	})
	samples["bare-tc"].err = errors.New("iperf3 -P 1: unable to connect")
	sum := tcpSummarize(sws, samples)

	// Round 4 (xvs at 15, below 0.8x its median 21) is set aside for
	// everyone: the cells are the medians of rounds 1-3 and 5.
	if v := sum.cells["xvs"][KeyTCP1]; v.V != 21.25 || v.Why != "" {
		t.Errorf("xvs cell = %+v, want the median 21.25 of 21 22 21.5 20", v)
	}
	if v := sum.cells["linux-bridge"][KeyTCP1]; v.V != 20.75 {
		t.Errorf("bridge cell = %+v, want 20.75", v)
	}
	if v := sum.cells["bare-tc"][KeyTCP1]; v.V != 22 || !strings.Contains(v.Why, "4 of 5 turns") || !strings.Contains(v.Why, "unable to connect") {
		t.Errorf("bare-tc cell = %+v, want 22 with a remark on the failed turn", v)
	}
	p := sum.paired[KeyTCP1]
	if p.N != 4 || p.Ahead != 2 || p.SetAside != 1 {
		t.Errorf("paired = %+v, want 4 rounds, xvs ahead in 2, round 4 set aside", p)
	}
	if want := median([]float64{21.0 / 20, 22.0 / 21, 21.5 / 22, 20 / 20.5}); p.Ratio != want {
		t.Errorf("paired ratio %v, want %v", p.Ratio, want)
	}
	if len(sum.details) != 2 {
		t.Fatalf("details: %q", sum.details)
	}
	for _, want := range []string{"xvs 21.0 22.0 21.5 15.0 20.0", "bare-tc 22.0 22.0 22.0 22.0 -", "by round 1.050 1.048 0.977 0.714 0.976", "set aside as disturbed (a switch below 0.8x its median): round 4", "medians of the other rounds"} {
		if !strings.Contains(sum.details[0], want) {
			t.Errorf("detail %q lacks %q", sum.details[0], want)
		}
	}
}

// Rounds a switch did not measure are not paired, whichever side misses
// them, and a switch that measured nothing says why.
func TestTCPSummarizeGaps(t *testing.T) {
	sws := []Switch{&xvsSwitch{}, &linuxBridge{}}
	nan := math.NaN()
	samples := rounds(map[string][]float64{
		"xvs":          {21, nan, 21, 21},
		"linux-bridge": {20, 20, nan, 22},
	})
	sum := tcpSummarize(sws, samples)
	if p := sum.paired[KeyTCP1]; p.N != 2 || p.Ahead != 1 || p.SetAside != 0 {
		t.Errorf("paired = %+v, want rounds 1 and 4 only", p)
	}
	samples = rounds(map[string][]float64{"xvs": {nan, nan}, "linux-bridge": {20, 20}})
	samples["xvs"].err = errors.New("start: vswitchd exited")
	sum = tcpSummarize(sws, samples)
	if v := sum.cells["xvs"][KeyTCP1]; !math.IsNaN(v.V) || !strings.Contains(v.Why, "vswitchd exited") {
		t.Errorf("xvs cell = %+v", v)
	}
	if _, ok := sum.paired[KeyTCP1]; ok {
		t.Error("a pairing with no round measured by both")
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
		samples := rounds(map[string][]float64{"xvs": x, "linux-bridge": b})
		sum := tcpSummarize([]Switch{&xvsSwitch{}, &linuxBridge{}}, samples)
		for name, cells := range sum.cells {
			for k, v := range cells {
				r.Values[name][k] = v
			}
		}
		r.Paired = sum.paired
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
	if !strings.Contains(got, ": met (xvs/linux-bridge 1.048x, the median of 3 rounds' ratios, xvs ahead in 2; the medians' ratio 1.00x)") {
		t.Errorf("verdict %q", got)
	}
	// Behind in two rounds of three: missed.
	got = verdict([]float64{20, 22, 21}, []float64{21, 21, 22})
	if !strings.Contains(got, ": MISSED (xvs/linux-bridge 0.955x") {
		t.Errorf("verdict %q", got)
	}
	// A disturbed round is set aside and counted in the verdict.
	got = verdict([]float64{20, 22, 21, 21}, []float64{21, 5, 22, 20})
	if !strings.Contains(got, "the median of 3 rounds' ratios, xvs ahead in 1; 1 set aside as disturbed") {
		t.Errorf("verdict %q", got)
	}
	// xvs that was to carry TCP and did not misses the target.
	r := NewResults([]string{"xvs", "linux-bridge"})
	r.Values["xvs"][KeyRate1] = val(1, "")
	r.Values["xvs"][KeyTCP1] = none("iperf3: unable to connect")
	r.Values["linux-bridge"][KeyTCP1] = val(20, "")
	if !slices.Contains(r.Targets(), "TCP 1 stream >= 1.0x Linux bridge: MISSED (xvs: iperf3: unable to connect)") {
		t.Errorf("targets without xvs's TCP: %q", r.Targets())
	}
}
