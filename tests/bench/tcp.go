package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TCP throughput between two namespaces is bound by the kernel's TCP
// stack, not by the switch (a profile of xvs's run spends under 1% in
// its program), so the switches land within a few per cent of each other
// and a machine's drift over the minutes between one switch's turn and
// the next outweighs their difference. The TCP figures are therefore
// measured apart from the other scenarios, in interleaved rounds: each
// round brings every switch that carries TCP up on a fresh topology in
// turn (one at a time, so that no other switch's daemon runs meanwhile)
// and runs iperf3 once per stream count; the figure is the median of the
// rounds. The order rotates from round to round (rotation).

// tcpStreams are the TCP rows and their iperf3 stream counts.
var tcpStreams = []struct {
	key string
	n   int
}{{KeyTCP1, 1}, {KeyTCP4, 4}}

// tcpProbe runs in a switch's turn with the other scenarios: one short
// one-stream iperf3 run says whether the switch carries TCP at all. One
// that does not gets its reason in both TCP cells and stays out of the
// interleaved rounds (a switch that drops TCP costs a connect timeout per
// attempt).
func (e *env) tcpProbe(out map[string]Value) bool {
	if e.skip(out, KeyTCP1, KeyTCP4) {
		return false
	}
	if _, err := e.iperf(1, 1); err != nil {
		for _, c := range tcpStreams {
			out[c.key] = none(err.Error())
		}
		return false
	}
	return true
}

// tcpSamples are one switch's per-round throughputs (bit/s) by key, and
// the first error that ended its rounds.
type tcpSamples struct {
	bps    map[string][]float64
	err    error
	settle time.Duration // waited for the machine to go idle, over the rounds
}

// tcpRounds runs the interleaved rounds over sws (the switches whose
// probe passed) and stores each one's medians in r.
func tcpRounds(cfg Config, sws []Switch, r *Results) {
	if len(sws) == 0 {
		return
	}
	samples := make(map[string]*tcpSamples, len(sws))
	for _, sw := range sws {
		samples[sw.Name()] = &tcpSamples{bps: map[string][]float64{}}
	}
	rounds := max(cfg.D.TCPRounds, 1)
	start := time.Now()
	for round := range rounds {
		for _, sw := range rotation(sws, round) {
			s := samples[sw.Name()]
			if s.err != nil {
				continue
			}
			if err := tcpTurn(cfg, sw, s); err != nil {
				s.err = err
				fmt.Fprintf(cfg.Log, "bench: tcp round %d, %s: %v\n", round+1, sw.Name(), err)
			}
		}
	}
	var settle time.Duration
	for _, s := range samples {
		settle += s.settle
	}
	fmt.Fprintf(cfg.Log, "  tcp: %d interleaved rounds of %s in %.1f s (%.1f s of it waiting for idle CPUs)\n", rounds, names(sws), time.Since(start).Seconds(), settle.Seconds())
	for _, sw := range sws {
		storeTCP(r.Values[sw.Name()], samples[sw.Name()], rounds)
	}
	for _, c := range tcpStreams {
		if ratios := pairedRatios(samples, c.key); len(ratios) > 0 {
			if r.Paired == nil {
				r.Paired = map[string]float64{}
			}
			r.Paired[c.key] = median(ratios)
		}
	}
	r.Details = append(r.Details, tcpRoundsNote(sws, samples, rounds)...)
}

// rotation is the order of the switches' turns in round (from 0): the
// list rotated by one more place each round, so that over len(sws)
// rounds each switch goes first once (the first turn of a round follows
// the previous round's teardown, not another switch's run).
func rotation(sws []Switch, round int) []Switch {
	n := len(sws)
	out := make([]Switch, 0, n)
	for i := range n {
		out = append(out, sws[(round+i)%n])
	}
	return out
}

// tcpTurn is one switch's turn in a round: a fresh topology, the switch
// started, one iperf3 run per stream count, everything torn down.
func tcpTurn(cfg Config, sw Switch, s *tcpSamples) error {
	t, err := NewTopo(sw.SwitchNS())
	if err != nil {
		return fmt.Errorf("topology: %w", err)
	}
	defer t.Close()
	p, err := loadProgs()
	if err != nil {
		return err
	}
	defer p.Close()
	if err := sw.Start(t, p); err != nil {
		sw.Stop()
		return fmt.Errorf("start: %w", err)
	}
	defer sw.Stop()
	e := &env{t: t, p: p, sw: sw, d: cfg.D, log: cfg.Log}
	if err := e.connected(); err != nil {
		return err
	}
	e.quiesce()
	s.settle += waitIdle(0.9, 15*time.Second)
	for _, c := range tcpStreams {
		bps, err := e.iperf(c.n, cfg.D.TCP)
		if err != nil {
			return fmt.Errorf("iperf3 -P %d: %w", c.n, err)
		}
		s.bps[c.key] = append(s.bps[c.key], bps)
	}
	return nil
}

// waitIdle waits until the machine's CPUs were at least frac idle over a
// quarter of a second, or until max has passed: the teardown of the
// previous turn (namespaces, devices, a daemon's exit) finishes in kernel
// workers after the commands return, and a run that starts during it
// measures that work too. It returns how long it waited.
func waitIdle(frac float64, max time.Duration) time.Duration {
	start := time.Now()
	idle0, total0, err := cpuTimes()
	for err == nil && time.Since(start) < max {
		time.Sleep(250 * time.Millisecond)
		idle1, total1, err1 := cpuTimes()
		if err1 != nil || total1 <= total0 {
			break
		}
		if float64(idle1-idle0) >= frac*float64(total1-total0) {
			break
		}
		idle0, total0 = idle1, total1
	}
	return time.Since(start)
}

// cpuTimes reads the idle (idle and iowait) and total jiffies of all
// CPUs from /proc/stat.
func cpuTimes() (idle, total uint64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseCPUTimes(string(b))
}

func parseCPUTimes(stat string) (idle, total uint64, err error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: no cpu line: %q", line)
	}
	for i, x := range f[1:min(len(f), 9)] { // user nice system idle iowait irq softirq steal
		v, err := strconv.ParseUint(x, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		total += v
		if i == 3 || i == 4 {
			idle += v
		}
	}
	return idle, total, nil
}

// storeTCP sets a switch's TCP cells: the median of its rounds, or why
// there is none. A switch that failed a later round keeps the median of
// the rounds it ran, with a remark.
func storeTCP(out map[string]Value, s *tcpSamples, rounds int) {
	for _, c := range tcpStreams {
		xs := s.bps[c.key]
		if len(xs) == 0 {
			err := s.err
			if err == nil {
				err = errors.New("iperf3 reported no throughput")
			}
			out[c.key] = none(err.Error())
			continue
		}
		v := val(median(xs)/1e9, "Gbit/s")
		if len(xs) < rounds {
			v.Why = fmt.Sprintf("median of %d of %d rounds; then: %v", len(xs), rounds, s.err)
		}
		out[c.key] = v
	}
}

// tcpRoundsNote prints every round's figures under the table, and for
// xvs the ratio to the Linux bridge round by round: the spread the
// medians hide.
func tcpRoundsNote(sws []Switch, samples map[string]*tcpSamples, rounds int) []string {
	var lines []string
	for _, c := range tcpStreams {
		var parts []string
		for _, sw := range sws {
			xs := samples[sw.Name()].bps[c.key]
			if len(xs) == 0 {
				continue
			}
			f := make([]string, len(xs))
			for i, x := range xs {
				f[i] = fmt.Sprintf("%.1f", x/1e9)
			}
			parts = append(parts, sw.Name()+" "+strings.Join(f, " "))
		}
		if len(parts) == 0 {
			continue
		}
		line := fmt.Sprintf("TCP %d stream(s), Gbit/s in %d interleaved rounds (the cells are medians): %s", c.n, rounds, strings.Join(parts, "; "))
		if ratios := pairedRatios(samples, c.key); len(ratios) > 0 {
			f := make([]string, len(ratios))
			for i, x := range ratios {
				f[i] = fmt.Sprintf("%.3f", x)
			}
			line += "; xvs/linux-bridge by round " + strings.Join(f, " ")
		}
		lines = append(lines, line)
	}
	return lines
}

// pairedRatios are xvs's throughput over the Linux bridge's, round by
// round, for the rounds both completed (a round's two turns are minutes
// closer in time than the medians' runs can be).
func pairedRatios(samples map[string]*tcpSamples, key string) []float64 {
	x, b := samples["xvs"], samples["linux-bridge"]
	if x == nil || b == nil {
		return nil
	}
	n := min(len(x.bps[key]), len(b.bps[key]))
	out := make([]float64, n)
	for i := range n {
		out[i] = x.bps[key][i] / b.bps[key][i]
	}
	return out
}

// median is the middle value of xs (the mean of the two middle ones for
// an even count); NaN for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func names(sws []Switch) string {
	n := make([]string, len(sws))
	for i, sw := range sws {
		n[i] = sw.Name()
	}
	return strings.Join(n, ", ")
}

// pinned runs args on CPU cpu (taskset) when the machine has more CPUs
// than that. A one-stream iperf3's client and server go to CPUs 0 and 1:
// left to the scheduler, the two sometimes share a CPU for part of a run
// and sometimes not, a spread of several per cent between runs that has
// nothing to do with the switch.
func pinned(cpu int, args ...string) []string {
	if runtime.NumCPU() <= cpu || runtime.NumCPU() < 2 {
		return args
	}
	return append([]string{"taskset", "-c", fmt.Sprint(cpu)}, args...)
}

// iperf runs iperf3 from VM A to VM B with streams parallel streams for
// secs seconds and returns the received throughput in bit/s.
func (e *env) iperf(streams, secs int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs+15)*time.Second)
	defer cancel()
	pin := func(cpu int, args ...string) []string {
		if streams > 1 {
			return args // several streams spread over the CPUs
		}
		return pinned(cpu, args...)
	}
	srv := e.t.VMCmd(ctx, 1, pin(1, "iperf3", "-s", "-1", "-B", e.t.IP[1])...)
	if err := srv.Start(); err != nil {
		return 0, err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	// iperf3 has no readiness signal: wait until the port listens.
	for i := 0; ; i++ {
		if o, _ := e.t.VMRun(1, 2*time.Second, "ss", "-Hltn", "sport = :5201"); strings.Contains(o, "5201") {
			break
		}
		if i == 100 {
			return 0, errors.New("iperf3 server did not listen")
		}
		time.Sleep(20 * time.Millisecond)
	}
	o, err := e.t.VMCmd(ctx, 0, pin(0, "iperf3", "-c", e.t.IP[1], "-t", fmt.Sprint(secs), "-P", fmt.Sprint(streams), "-J", "--connect-timeout", fmt.Sprint(e.d.Connect.Milliseconds()))...).Output()
	bps, _, perr := parseIperf(o)
	if perr != nil {
		if err != nil {
			return 0, fmt.Errorf("%v (%v)", perr, err)
		}
		return 0, perr
	}
	return bps, nil
}
