package bench

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Config is one harness run.
type Config struct {
	Switches []Switch
	D        Durations
	Log      io.Writer // progress lines
	// Steps names the scenarios to run (StepNames); empty: all of them.
	// A partial run is for measuring one thing back to back; its table
	// leaves the other rows empty.
	Steps []string
}

// StepNames are the scenarios of a run, in order, as Config.Steps names them.
var StepNames = []string{"controlplane", "rate", "setup", "tcp", "latency", "many"}

// Run measures every switch in turn, each on a fresh topology, and
// returns the results. A switch that cannot start gets a note and empty
// cells; the run goes on.
func Run(cfg Config) *Results {
	names := make([]string, len(cfg.Switches))
	for i, s := range cfg.Switches {
		names[i] = s.Name()
	}
	r := NewResults(names)
	var tcp []Switch // the switches that carry TCP, measured in tcpRounds
	for _, sw := range cfg.Switches {
		start := time.Now()
		fmt.Fprintf(cfg.Log, "bench: %s ...\n", sw.Name())
		tcpOK, err := runSwitch(cfg, sw, r.Values[sw.Name()])
		if tcpOK {
			tcp = append(tcp, sw)
		}
		if err != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: %s", sw.Name(), oneLine(err.Error(), 300)))
			fmt.Fprintf(cfg.Log, "bench: %s: %v\n", sw.Name(), err)
		}
		if rm, ok := sw.(Remarker); ok && rm.Remark() != "" {
			r.Notes = append(r.Notes, rm.Remark())
		}
		fmt.Fprintf(cfg.Log, "bench: %s done in %.1f s\n", sw.Name(), time.Since(start).Seconds())
	}
	tcpRounds(cfg, tcp, r)
	return r
}

// runSwitch runs the scenarios on one switch and reports whether its TCP
// probe passed (the TCP figures themselves come from tcpRounds).
func runSwitch(cfg Config, sw Switch, out map[string]Value) (tcpOK bool, err error) {
	e, down, err := up(cfg, sw)
	if err != nil {
		return false, err
	}
	defer down()
	t, p := e.t, e.p
	if e.gen, err = p.newGenerator(t); err != nil {
		return tcpOK, err
	}
	if e.pacer, err = newPacer(t); err != nil {
		return tcpOK, err
	}
	defer e.pacer.Close()
	if e.cnt, err = p.startCounter(t); err != nil {
		return tcpOK, err
	}
	step := func(name string, fn func(map[string]Value)) {
		if !cfg.runs(name) {
			return
		}
		q := e.quiesce()
		s := time.Now()
		fn(out)
		fmt.Fprintf(cfg.Log, "  %s %s: %.1f s (after %.1f s settling)\n", sw.Name(), name, time.Since(s).Seconds(), q.Seconds())
	}
	// The control plane first: each daemon then holds its 100,000
	// OpenFlow flows with an empty cache (the datapath scenarios leave
	// up to 100,000 cache entries behind, which xvs keeps state for and
	// revalidates on every flow-mod until they expire).
	step("controlplane", e.controlPlane)
	step("rate", e.rates)
	step("setup", e.setup)
	e.cnt.stop()
	step("tcp", func(out map[string]Value) { tcpOK = e.tcpProbe(out) })
	step("latency", e.latency)
	if e.cnt, err = p.startCounter(t); err != nil {
		return tcpOK, err
	}
	step("many", e.rateMany)
	e.cnt.stop()
	return tcpOK, nil
}

// up brings sw up on a fresh topology of its own and waits until VM A
// reaches VM B through it. down stops the switch and removes the
// topology; on an error everything is already undone.
func up(cfg Config, sw Switch) (e *env, down func(), err error) {
	t, err := NewTopo(sw.SwitchNS())
	if err != nil {
		return nil, nil, fmt.Errorf("topology: %w", err)
	}
	p, err := loadProgs()
	if err != nil {
		t.Close()
		return nil, nil, err
	}
	down = func() { sw.Stop(); p.Close(); t.Close() }
	if err := sw.Start(t, p); err != nil {
		down()
		return nil, nil, fmt.Errorf("start: %w", err)
	}
	e = &env{t: t, p: p, sw: sw, d: cfg.D, log: cfg.Log}
	if err := e.connected(); err != nil {
		down()
		return nil, nil, err
	}
	return e, down, nil
}

// runs reports whether the step named name is to run.
func (cfg Config) runs(name string) bool {
	if len(cfg.Steps) == 0 {
		return true
	}
	for _, s := range cfg.Steps {
		if s == name {
			return true
		}
	}
	return false
}

// connected waits until VM A pings VM B through the switch (a switch
// daemon may take a moment to set its ports up).
func (e *env) connected() error {
	var last string
	for i := 0; i < 20; i++ {
		o, err := e.t.VMRun(0, 5*time.Second, "ping", "-c", "1", "-W", "1", e.t.IP[1])
		if err == nil {
			return nil
		}
		last = o
	}
	return fmt.Errorf("VM A cannot ping VM B through %s: %s", e.sw.Name(), oneLine(last, 200))
}

// AllSwitches lists every switch the harness knows, xvs first.
func AllSwitches(xvsBin string) []Switch {
	return []Switch{
		&xvsSwitch{bin: xvsBin}, &xvsSwitch{bin: xvsBin, attach: "xdp"},
		&linuxBridge{}, bareXDP{}, bareTC{},
		&ovs{portType: "system"}, &ovs{portType: "afxdp"},
	}
}

// Machine describes the machine for the report: CPUs, model, kernel.
func Machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	var u unix.Utsname
	unix.Uname(&u)
	load, _ := os.ReadFile("/proc/loadavg")
	return fmt.Sprintf("%d CPUs (%s), Linux %s, load average %s", runtime.NumCPU(), model,
		unix.ByteSliceToString(u.Release[:]), strings.Join(strings.Fields(string(load))[:3], " "))
}
