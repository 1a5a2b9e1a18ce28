// Command xvsbench is `make bench`'s side-by-side datapath benchmark: xvs,
// the Linux bridge, bare XDP and TC redirects and Open vSwitch, in one run
// on one machine (package tests/bench). Needs root.
//
//	xvsbench [-short] [-switches xvs,linux-bridge,...] [-xvs bin/xvs] [-steps rate,...]
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/tests/bench"
)

func main() {
	short := flag.Bool("short", false, "run every scenario for about a second (smoke test)")
	only := flag.String("switches", "", "comma-separated switches to measure (default: all)")
	xvsBin := flag.String("xvs", "bin/xvs", "the xvs binary")
	setupRate := flag.Float64("setup-rate", 0, "flow-setup scenario: offered new flows per second (0: default)")
	setupN := flag.Int("setup-flows", 0, "flow-setup scenario: new flows sent (0: default)")
	many := flag.Int("many-flows", 0, "packet-rate scenario: the many-flows count (0: default)")
	steps := flag.String("steps", "", "comma-separated scenarios to run, of "+strings.Join(bench.StepNames, ",")+" (default: all)")
	flag.Parse()
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "xvsbench: needs root (network namespaces, BPF)")
		os.Exit(1)
	}
	all := bench.AllSwitches(*xvsBin)
	var sws []bench.Switch
	for _, s := range all {
		if *only == "" || strings.Contains(","+*only+",", ","+s.Name()+",") {
			sws = append(sws, s)
		}
	}
	if len(sws) == 0 {
		fmt.Fprintf(os.Stderr, "xvsbench: no switch named in %q\n", *only)
		os.Exit(2)
	}
	d := bench.Full
	if *short {
		d = bench.Short
	}
	if *setupRate > 0 {
		d.SetupRate = *setupRate
	}
	if *setupN > 0 {
		d.Setup = *setupN
	}
	if *many > 0 {
		d.ManyFlows = *many
	}
	var stepList []string
	if *steps != "" {
		stepList = strings.Split(*steps, ",")
		for _, s := range stepList {
			if !slices.Contains(bench.StepNames, s) {
				fmt.Fprintf(os.Stderr, "xvsbench: no scenario %q (%s)\n", s, strings.Join(bench.StepNames, ","))
				os.Exit(2)
			}
		}
	}
	start := time.Now()
	r := bench.Run(bench.Config{Switches: sws, D: d, Log: os.Stderr, Steps: stepList})
	fmt.Printf("\nxvs side by side, %s, %s\n\n", start.UTC().Format("2006-01-02 15:04 UTC"), bench.Machine())
	r.WriteTable(os.Stdout)
	fmt.Printf("\n(%.0f s)\n", time.Since(start).Seconds())
}
