package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"time"
)

const defaultCmdTimeout = 20 * time.Second

// warmRate is the rate (frames/s) at which flows are first sent before a
// packet-rate measurement: slow enough for a switch that sets flows up in
// userspace.
const warmRate = 25000

// Durations of one run: full (make bench) or short (the smoke test).
type Durations struct {
	Rate      time.Duration // one packet-rate measurement
	ManyFlows int           // the "many flows" scenario's flow count
	Setup     int           // new flows sent in the flow-setup scenario
	SetupRate float64       // their offered rate, flows/s
	TCP       int           // iperf3 seconds
	TCPRounds int           // interleaved TCP rounds (tcp.go)
	TCPBudget time.Duration // no round starts after this, once tcpMinRounds ran (0: none)
	Pings     int
	RR        time.Duration
	FlowMods  int           // control plane: flow-mods loaded and dumped
	Connect   time.Duration // TCP connect timeout (a switch that drops TCP)
}

// Full is `make bench`; Short runs every peer for about a second.
var (
	Full  = Durations{Rate: 2 * time.Second, ManyFlows: 100000, Setup: 120000, SetupRate: 120000, TCP: 4, TCPRounds: 9, TCPBudget: 5 * time.Minute, Pings: 300, RR: 2 * time.Second, FlowMods: 100000, Connect: 3 * time.Second}
	Short = Durations{Rate: 200 * time.Millisecond, ManyFlows: 2000, Setup: 1000, SetupRate: 20000, TCP: 1, TCPRounds: 1, Pings: 20, RR: 200 * time.Millisecond, FlowMods: 1000, Connect: time.Second}
)

// env is what a scenario gets: the topology, the programs, the switch.
type env struct {
	t     *Topo
	p     *progs
	sw    Switch
	d     Durations
	log   io.Writer
	gen   *generator
	pacer *pacer
	cnt   *counter
	// atRSS, when set, is called with the daemon's pid right after the
	// control-plane scenario reads its VmRSS (TestControlPlane logs the
	// resident mappings there).
	atRSS func(pid int)
}

// Measurement keys (rows of the table).
const (
	KeyRate1     = "rate-1"
	KeyRate1k    = "rate-1k"
	KeyRateMany  = "rate-many"
	KeySetup     = "setup"
	KeySetupLoss = "setup-loss"
	KeyTCP1      = "tcp-1"
	KeyTCP4      = "tcp-4"
	KeyPing50    = "ping-p50"
	KeyPing99    = "ping-p99"
	KeyRR        = "rr"
	KeyFlowMods  = "flowmods"
	KeyDump      = "dump"
	KeyRSS       = "rss"
)

// Value is one cell: a figure, or why there is none.
type Value struct {
	V    float64 // NaN when not measured
	Why  string  // when V is NaN: why; otherwise an optional remark
	Unit string
}

func val(v float64, unit string) Value { return Value{V: v, Unit: unit} }
func none(why string) Value            { return Value{V: math.NaN(), Why: why} }

// skip reports whether the switch leaves every one of keys out (Skipper),
// recording why in their cells.
func (e *env) skip(out map[string]Value, keys ...string) bool {
	sk, ok := e.sw.(Skipper)
	if !ok {
		return false
	}
	for _, k := range keys {
		if sk.Skip(k) == "" {
			return false
		}
	}
	for _, k := range keys {
		out[k] = none(sk.Skip(k))
	}
	return true
}

// rates measures the packet rate with 1 and 1,000 flows.
func (e *env) rates(out map[string]Value) {
	e.rateRows(out, KeyRate1, 1, KeyRate1k, 1000)
}

// rateMany measures the packet rate with many flows. It runs after the
// other scenarios: full speed over 100,000 flows floods a switch that
// sets flows up in userspace with misses for as long as its cache lacks
// some, and what follows would measure the aftermath.
func (e *env) rateMany(out map[string]Value) {
	e.rateRows(out, KeyRateMany, e.d.ManyFlows)
}

// rateRows measures key1 with n1 flows, and so on.
func (e *env) rateRows(out map[string]Value, keysAndFlows ...any) {
	for i := 0; i+1 < len(keysAndFlows); i += 2 {
		c := struct {
			key string
			n   int
		}{keysAndFlows[i].(string), keysAndFlows[i+1].(int)}
		v, remark, err := e.rate(c.n)
		if err != nil {
			out[c.key] = none(err.Error())
			continue
		}
		out[c.key] = Value{V: v / 1e6, Unit: "Mpps", Why: remark}
	}
}

// warm sends n flows at warmRate until a pass arrives whole (caches hold
// them all), at most five passes or 12 s; it returns the share of the
// last pass that arrived.
func (e *env) warm(n int) (float64, error) {
	start := time.Now()
	var share float64
	for pass := 0; pass < 5 && time.Since(start) < 12*time.Second; pass++ {
		before, err := e.cnt.read()
		if err != nil {
			return 0, err
		}
		if _, err := e.pacer.send(0, n, uint64(n), warmRate); err != nil {
			return 0, err
		}
		after, _ := e.settle(before)
		share = float64(after-before) / float64(n)
		if share >= 0.99 {
			break
		}
	}
	return share, nil
}

// rate warms the switch up with n flows (so that caches hold them), then
// sends them round-robin at full speed and returns the frames per second
// counted in VM B, with a remark when the warm-up did not succeed. The
// rate is the best of ratePasses passes sharing the scenario's time: the
// machine is shared, and another process's work only ever lowers a pass.
func (e *env) rate(n int) (float64, string, error) {
	if err := e.gen.setFlows(uint64(n), 0); err != nil {
		return 0, "", err
	}
	warm, err := e.warm(n)
	if err != nil {
		return 0, "", err
	}
	remark := ""
	if warm < 0.99 {
		remark = fmt.Sprintf("the switch still lost %.0f%% of the last warm-up pass at %d frames/s: not all %d flows were cached", 100*(1-warm), warmRate, n)
	}
	best := 0.0
	for range ratePasses {
		before, err := e.cnt.read()
		if err != nil {
			return 0, "", err
		}
		start := time.Now()
		if _, err := e.gen.sendFor(e.d.Rate / ratePasses); err != nil {
			return 0, "", err
		}
		after, end := e.settle(before)
		if el := end.Sub(start).Seconds(); after > before && el > 0 {
			best = max(best, float64(after-before)/el)
		}
	}
	if best == 0 {
		return 0, "", errors.New("nothing arrived")
	}
	return best, remark, nil
}

// ratePasses is how many passes a packet rate is the best of.
const ratePasses = 3

// settle waits until the counter stops growing (queues drained) and
// returns its value and when it last grew.
func (e *env) settle(before uint64) (uint64, time.Time) {
	last, lastT := before, time.Now()
	for time.Since(lastT) < 100*time.Millisecond {
		time.Sleep(5 * time.Millisecond) // a counter: no event to wait on
		n, err := e.cnt.read()
		if err != nil {
			break
		}
		if n != last {
			last, lastT = n, time.Now()
		}
	}
	return last, lastT
}

// setup sends a stream of new flows at the offered rate (each frame a new
// 5-tuple) and reports the new flows delivered per second and the share
// lost.
func (e *env) setup(out map[string]Value) {
	remark := ""
	if d, ok := e.sw.(Daemon); ok {
		if err := d.AddFlows(setupFlows(e.d.Setup)...); errors.Is(err, errNoMgmt) {
			remark = "forwarded by NORMAL (no OpenFlow rule could be installed)"
		} else if err != nil {
			out[KeySetup] = none(err.Error())
			return
		}
	}
	lc, hasLost := e.sw.(interface{ UpcallsLost() (uint64, error) })
	var lost0 uint64
	if hasLost {
		var err error
		if lost0, err = lc.UpcallsLost(); err != nil {
			hasLost = false
		}
	}
	before, err := e.cnt.read()
	if err != nil {
		out[KeySetup] = none(err.Error())
		return
	}
	start := time.Now()
	// Start far from the rate scenarios' flows: these must all be new.
	if _, err := e.pacer.send(setupStart, e.d.Setup, 0, e.d.SetupRate); err != nil {
		out[KeySetup] = none(err.Error())
		return
	}
	after, end := e.settle(before)
	got := float64(after - before)
	if hasLost {
		if lost1, err := lc.UpcallsLost(); err == nil {
			remark = strings.TrimPrefix(remark+fmt.Sprintf("; %d upcalls lost (the datapath's lost counter: the upcall queue was full)", lost1-lost0), "; ")
		}
	}
	out[KeySetup] = Value{V: got / end.Sub(start).Seconds(), Unit: "flows/s", Why: remark}
	out[KeySetupLoss] = val(100*(1-got/float64(e.d.Setup)), "%")
}

// latency measures ping round trips and a TCP request/response rate.
func (e *env) latency(out map[string]Value) {
	o, err := e.t.VMRun(0, time.Duration(e.d.Pings)*20*time.Millisecond+10*time.Second,
		"ping", "-c", fmt.Sprint(e.d.Pings), "-i", "0.005", "-W", "1", e.t.IP[1])
	rtts := pingRTTs(o)
	if len(rtts) == 0 {
		out[KeyPing50] = none(fmt.Sprintf("no replies (%v)", err))
		out[KeyPing99] = none("no replies")
	} else {
		out[KeyPing50] = val(1000*percentile(rtts, 50), "µs")
		out[KeyPing99] = val(1000*percentile(rtts, 99), "µs")
	}
	if e.skip(out, KeyRR) {
		return
	}
	n, err := e.requestResponse()
	if err != nil {
		out[KeyRR] = none(err.Error())
		return
	}
	out[KeyRR] = val(n, "trans/s")
}

// requestResponse runs one TCP connection from VM A to VM B exchanging a
// 1-byte request and a 1-byte response for e.d.RR and returns the
// transactions per second.
func (e *env) requestResponse() (float64, error) {
	var ln net.Listener
	if err := inNS(e.t.NS[1], func() error {
		var err error
		ln, err = net.Listen("tcp", net.JoinHostPort(e.t.IP[1], "0"))
		return err
	}); err != nil {
		return 0, err
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 1)
		for {
			if _, err := io.ReadFull(c, b); err != nil {
				return
			}
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	}()
	var c net.Conn
	if err := inNS(e.t.NS[0], func() error {
		var err error
		c, err = net.DialTimeout("tcp", ln.Addr().String(), e.d.Connect)
		return err
	}); err != nil {
		return 0, err
	}
	defer c.Close()
	b := make([]byte, 1)
	n := 0
	start := time.Now()
	c.SetDeadline(start.Add(e.d.RR + 5*time.Second))
	for time.Since(start) < e.d.RR {
		if _, err := c.Write(b); err != nil {
			return 0, err
		}
		if _, err := io.ReadFull(c, b); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// controlPlane loads FlowMods flows into a daemon's table, dumps them and
// reads the daemon's resident memory with them in.
func (e *env) controlPlane(out map[string]Value) {
	d, ok := e.sw.(Daemon)
	if !ok || e.skip(out, KeyFlowMods, KeyDump, KeyRSS) {
		return
	}
	f, err := os.CreateTemp("", "xbflows")
	if err != nil {
		out[KeyFlowMods] = none(err.Error())
		return
	}
	defer os.Remove(f.Name())
	writeFlows(f, e.d.FlowMods)
	f.Close()
	start := time.Now()
	if err := d.AddFlowsFile(f.Name()); err != nil {
		out[KeyFlowMods] = none(err.Error())
		return
	}
	out[KeyFlowMods] = val(time.Since(start).Seconds(), "s")
	start = time.Now()
	n, err := d.DumpFlows()
	switch {
	case err != nil:
		out[KeyDump] = none(err.Error())
	case n < e.d.FlowMods:
		out[KeyDump] = none(fmt.Sprintf("dump listed %d flows, want %d", n, e.d.FlowMods))
	default:
		out[KeyDump] = val(time.Since(start).Seconds(), "s")
	}
	if kb, err := rssKB(d.PID()); err != nil {
		out[KeyRSS] = none(err.Error())
	} else {
		out[KeyRSS] = val(float64(kb)/1024, "MiB")
	}
	if e.atRSS != nil {
		e.atRSS(d.PID())
	}
	if err := d.DelFlows(); err != nil {
		fmt.Fprintf(e.log, "  %s: del-flows: %v\n", e.sw.Name(), err)
	}
}

// writeFlows writes n distinct flows (as tests/bench/ofctl_bench.sh): a
// /32 destination and a TCP port each, high table numbers out of the way
// of the forwarding rules.
func writeFlows(w io.Writer, n int) {
	for i := range n {
		fmt.Fprintf(w, "priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d\n",
			i%1000+100, (i/65536)%256, (i/256)%256, i%256, i%60000+1, i%4000+1, i%2+1)
	}
}

// rssKB reads VmRSS of pid.
func rssKB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kb int
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// quiesce waits until VM A's pings through the switch come back within
// 5 ms again (a switch's queues drained after a scenario that overloaded
// it), at most 20 s, and returns how long it waited.
func (e *env) quiesce() time.Duration {
	start := time.Now()
	for time.Since(start) < 20*time.Second {
		o, err := e.t.VMRun(0, 3*time.Second, "ping", "-c", "1", "-W", "1", e.t.IP[1])
		if rtts := pingRTTs(o); err == nil && len(rtts) == 1 && rtts[0] < 5 {
			break
		}
	}
	return time.Since(start)
}
