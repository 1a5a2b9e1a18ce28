package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
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

// tcpSamples are one switch's throughputs (bit/s) by key and round:
// NaN for a round whose turn failed or did not run.
type tcpSamples struct {
	bps      map[string][]float64
	err      error // the first failure
	failures int
	settle   time.Duration // waited for the machine to go idle, over the rounds
}

func newTCPSamples(rounds int) *tcpSamples {
	s := &tcpSamples{bps: map[string][]float64{}}
	for _, c := range tcpStreams {
		s.bps[c.key] = slices.Repeat([]float64{math.NaN()}, rounds)
	}
	return s
}

// tcpMaxFailures is how many failed turns take a switch out of the
// remaining rounds.
const tcpMaxFailures = 2

// tcpMinRounds is how many rounds run even past the time budget.
const tcpMinRounds = 5

// tcpRounds runs the interleaved rounds over sws (the switches whose
// probe passed) and stores what tcpSummarize makes of them in r.
func tcpRounds(cfg Config, sws []Switch, r *Results) {
	if len(sws) == 0 {
		return
	}
	rounds := max(cfg.D.TCPRounds, 1)
	samples := make(map[string]*tcpSamples, len(sws))
	for _, sw := range sws {
		samples[sw.Name()] = newTCPSamples(rounds)
	}
	start := time.Now()
	ran := 0
	for round := range rounds {
		if cfg.D.TCPBudget > 0 && round >= tcpMinRounds && time.Since(start) > cfg.D.TCPBudget {
			fmt.Fprintf(cfg.Log, "bench: tcp: %d rounds in %.0f s, past the budget of %v: no more rounds\n", round, time.Since(start).Seconds(), cfg.D.TCPBudget)
			break
		}
		for _, sw := range rotation(sws, round) {
			s := samples[sw.Name()]
			if s.failures >= tcpMaxFailures {
				continue
			}
			if err := tcpTurn(cfg, sw, s, round); err != nil {
				s.failures++
				if s.err == nil {
					s.err = err
				}
				fmt.Fprintf(cfg.Log, "bench: tcp round %d, %s: %v\n", round+1, sw.Name(), err)
			}
		}
		ran = round + 1
	}
	var settle time.Duration
	for _, s := range samples {
		settle += s.settle
		for k, xs := range s.bps {
			s.bps[k] = xs[:ran]
		}
	}
	fmt.Fprintf(cfg.Log, "  tcp: %d interleaved rounds of %s in %.1f s (%.1f s of it waiting for idle CPUs)\n", ran, names(sws), time.Since(start).Seconds(), settle.Seconds())
	sum := tcpSummarize(sws, samples)
	for name, cells := range sum.cells {
		for k, v := range cells {
			r.Values[name][k] = v
		}
	}
	if len(sum.paired) > 0 {
		if r.Paired == nil {
			r.Paired = map[string]Paired{}
		}
		for k, p := range sum.paired {
			r.Paired[k] = p
		}
	}
	r.Details = append(r.Details, sum.details...)
}

// rotation is the order of the switches' turns in round (from 0): the
// list rotated by one more place each round, and reversed every other
// round, so that each switch goes first in some round and each follows
// each other one in some round (a turn's start meets the teardown of the
// turn before it).
func rotation(sws []Switch, round int) []Switch {
	n := len(sws)
	out := make([]Switch, 0, n)
	for i := range n {
		out = append(out, sws[(round/2+i)%n])
	}
	if round%2 == 1 {
		slices.Reverse(out)
	}
	return out
}

// tcpTurn is one switch's turn in round: a fresh topology, the switch
// started, one iperf3 run per stream count, everything torn down.
func tcpTurn(cfg Config, sw Switch, s *tcpSamples, round int) error {
	e, down, err := up(cfg, sw)
	if err != nil {
		return err
	}
	defer down()
	e.quiesce()
	s.settle += waitIdle(0.9, 5*time.Second)
	for _, c := range tcpStreams {
		bps, err := e.iperf(c.n, cfg.D.TCP)
		if err != nil {
			return fmt.Errorf("iperf3 -P %d: %w", c.n, err)
		}
		s.bps[c.key][round] = bps
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

// pinned runs args on the cpu-th CPU this process may run on (taskset)
// when it may run on two or more. A one-stream iperf3's client and server
// go to the first and the second: left to the scheduler, the two
// sometimes share a CPU for part of a run and sometimes not, a spread of
// several per cent between runs that has nothing to do with the switch.
func pinned(cpu int, args ...string) []string {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil || set.Count() < 2 {
		return args
	}
	for id, seen := 0, 0; id < len(set)*64; id++ {
		if !set.IsSet(id) {
			continue
		}
		if seen == cpu {
			return append([]string{"taskset", "-c", fmt.Sprint(id)}, args...)
		}
		seen++
	}
	return args
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
