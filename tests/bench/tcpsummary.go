package bench

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Paired is xvs against the Linux bridge on one TCP row, round by round:
// each ratio compares two turns of the same round.
type Paired struct {
	Ratio    float64 // the median of the per-round ratios xvs/linux-bridge
	N        int     // rounds paired: both measured, none set aside
	Ahead    int     // of them, rounds with xvs at or above the bridge
	SetAside int     // rounds left out as disturbed
}

// tcpDisturbedFrac: a round in which some switch reads below this share
// of its own median is set aside as disturbed. The machine is shared; a
// stall of the host (seen in dmesg as "hrtimer: interrupt took N ns")
// drops every switch's figure for as long as it lasts, whichever switch's
// turn it hits, and would skew any ratio that pairs that turn.
const tcpDisturbedFrac = 0.8

// tcpSummary is what the rounds come to: the table's cells, the paired
// ratios that judge the target, and the lines printed under the table.
type tcpSummary struct {
	cells   map[string]map[string]Value // switch -> key -> cell
	paired  map[string]Paired
	details []string
}

// tcpSummarize turns the rounds' figures into cells (the median of each
// switch's undisturbed rounds), the paired ratios and the details.
func tcpSummarize(sws []Switch, samples map[string]*tcpSamples) tcpSummary {
	sum := tcpSummary{cells: map[string]map[string]Value{}, paired: map[string]Paired{}}
	for _, sw := range sws {
		sum.cells[sw.Name()] = map[string]Value{}
	}
	for _, c := range tcpStreams {
		aside := disturbedRounds(sws, samples, c.key)
		for _, sw := range sws {
			sum.cells[sw.Name()][c.key] = tcpCell(samples[sw.Name()], c.key, aside)
		}
		p, ratios := pairRounds(samples, c.key, aside)
		if p.N > 0 {
			sum.paired[c.key] = p
		}
		sum.details = append(sum.details, tcpDetail(sws, samples, c.key, c.n, ratios, aside)...)
	}
	return sum
}

// disturbedRounds lists the rounds (from 0) in which some switch read
// below tcpDisturbedFrac of its own median on key. None when that would
// be every round measured: then there is nothing to compare against.
func disturbedRounds(sws []Switch, samples map[string]*tcpSamples, key string) map[int]bool {
	aside := map[int]bool{}
	rounds := 0
	for _, sw := range sws {
		xs := samples[sw.Name()].bps[key]
		rounds = max(rounds, len(xs))
		m := median(measured(xs, nil))
		for i, x := range xs {
			if !math.IsNaN(x) && x < tcpDisturbedFrac*m {
				aside[i] = true
			}
		}
	}
	if len(aside) >= rounds {
		return map[int]bool{}
	}
	return aside
}

// measured returns the figures of xs that were measured and not set aside.
func measured(xs []float64, aside map[int]bool) []float64 {
	var out []float64
	for i, x := range xs {
		if !math.IsNaN(x) && !aside[i] {
			out = append(out, x)
		}
	}
	return out
}

// tcpCell is one switch's TCP cell: the median of its rounds, in Gbit/s,
// or why there is none. A switch with failed turns keeps the median of
// the rounds it ran, with a remark.
func tcpCell(s *tcpSamples, key string, aside map[int]bool) Value {
	xs := s.bps[key]
	kept := measured(xs, aside)
	if len(kept) == 0 {
		err := s.err
		if err == nil {
			err = errors.New("iperf3 reported no throughput")
		}
		return none(err.Error())
	}
	v := val(median(kept)/1e9, "Gbit/s")
	if failed := len(measured(xs, nil)); failed < len(xs) {
		v.Why = fmt.Sprintf("%d of %d turns measured; the first failure: %v", failed, len(xs), s.err)
	}
	return v
}

// pairRounds pairs xvs with the Linux bridge round by round, on the
// rounds both measured and none set aside, and returns the pairing and
// every round's ratio (NaN where there is none).
func pairRounds(samples map[string]*tcpSamples, key string, aside map[int]bool) (Paired, []float64) {
	var p Paired
	x, b := samples["xvs"], samples["linux-bridge"]
	if x == nil || b == nil {
		return p, nil
	}
	xs, bs := x.bps[key], b.bps[key]
	all := make([]float64, min(len(xs), len(bs)))
	var kept []float64
	for i := range all {
		all[i] = xs[i] / bs[i] // NaN when either is
		if aside[i] || math.IsNaN(all[i]) {
			continue
		}
		kept = append(kept, all[i])
		if all[i] >= 1 {
			p.Ahead++
		}
	}
	p.SetAside = len(aside)
	p.N = len(kept)
	p.Ratio = median(kept)
	return p, all
}

// tcpDetail prints a row's rounds under the table: every switch's figure
// by round ("-" for a failed turn), xvs's ratio to the bridge by round,
// and the rounds set aside: the spread the medians hide.
func tcpDetail(sws []Switch, samples map[string]*tcpSamples, key string, streams int, ratios []float64, aside map[int]bool) []string {
	var parts []string
	rounds := 0
	for _, sw := range sws {
		xs := samples[sw.Name()].bps[key]
		rounds = max(rounds, len(xs))
		if len(measured(xs, nil)) == 0 {
			continue
		}
		parts = append(parts, sw.Name()+" "+figures(xs, func(x float64) string { return fmt.Sprintf("%.1f", x/1e9) }))
	}
	if len(parts) == 0 {
		return nil
	}
	line := fmt.Sprintf("TCP %d stream(s), Gbit/s in %d interleaved rounds: %s", streams, rounds, strings.Join(parts, "; "))
	if len(ratios) > 0 {
		line += "; xvs/linux-bridge by round " + figures(ratios, func(x float64) string { return fmt.Sprintf("%.3f", x) })
	}
	if len(aside) > 0 {
		var r []string
		for i := range rounds {
			if aside[i] {
				r = append(r, fmt.Sprint(i+1))
			}
		}
		line += fmt.Sprintf("; set aside as disturbed (a switch below %.1fx its median): round %s; the cells are the medians of the other rounds", tcpDisturbedFrac, strings.Join(r, ", "))
	} else {
		line += "; the cells are the medians"
	}
	return []string{line}
}

func figures(xs []float64, f func(float64) string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		if math.IsNaN(x) {
			out[i] = "-"
		} else {
			out[i] = f(x)
		}
	}
	return strings.Join(out, " ")
}

func names(sws []Switch) string {
	n := make([]string, len(sws))
	for i, sw := range sws {
		n[i] = sw.Name()
	}
	return strings.Join(n, ", ")
}
