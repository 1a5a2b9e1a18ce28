package vswitchd

// The appctl commands (ovs-appctl's syntax and, where it has one, its
// output format), served through the API's Appctl method.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/vswitchd/coverage"
)

// command is one appctl command.
type command struct {
	name, args string // args: usage of the arguments, as list-commands prints
	min, max   int
	run        func(d *daemon, ctx context.Context, args []string, asJSON bool) (string, error)
}

var commands []command

func init() {
	commands = []command{
		{"list-commands", "", 0, 0, (*daemon).cmdListCommands},
		{"help", "", 0, 0, (*daemon).cmdListCommands},
		{"version", "", 0, 0, func(*daemon, context.Context, []string, bool) (string, error) { return Version + "\n", nil }},
		{"exit", "", 0, 1, (*daemon).cmdExit},
		{"vlog/list", "", 0, 0, (*daemon).cmdVlogList},
		{"vlog/set", "[SPEC...]", 0, -1, (*daemon).cmdVlogSet},
		{"coverage/show", "", 0, 0, (*daemon).cmdCoverage},
		{"dpif/show", "", 0, 0, (*daemon).cmdDpifShow},
		{"dpif/dump-flows", "BRIDGE", 1, 1, (*daemon).cmdDpifDumpFlows},
		{"bridge/dump-flows", "BRIDGE", 1, 1, (*daemon).cmdBridgeDumpFlows},
		{"fdb/show", "BRIDGE", 1, 1, (*daemon).cmdFdbShow},
		{"fdb/flush", "[BRIDGE]", 0, 1, (*daemon).cmdFdbFlush},
		{"fdb/stats-show", "BRIDGE", 1, 1, (*daemon).cmdFdbStats},
		{"upcall/show", "", 0, 0, (*daemon).cmdUpcallShow},
		{"revalidator/wait", "", 0, 0, (*daemon).cmdRevalidatorWait},
		{"ofproto/trace", "BRIDGE FLOW [PACKET]", 2, 3, (*daemon).cmdTrace},
		{"ofproto/list", "", 0, 0, (*daemon).cmdOfprotoList},
		{"memory/show", "[HEAP-PROFILE-FILE]", 0, 1, (*daemon).cmdMemoryShow},
	}
}

// runCommand finds and runs a command.
func (d *daemon) runCommand(ctx context.Context, name string, args []string, asJSON bool) (string, error) {
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return "", fmt.Errorf("%q is not a valid command (use list-commands to see a list of valid commands)", name)
	}
	c := commands[i]
	if len(args) < c.min || c.max >= 0 && len(args) > c.max {
		return "", fmt.Errorf("%q command takes %s; usage: %s %s", name, argCount(c), name, c.args)
	}
	return c.run(d, ctx, args, asJSON)
}

func argCount(c command) string {
	switch {
	case c.max < 0:
		return fmt.Sprintf("at least %d arguments", c.min)
	case c.min == c.max:
		return fmt.Sprintf("exactly %d arguments", c.min)
	}
	return fmt.Sprintf("%d to %d arguments", c.min, c.max)
}

func toJSON(v any) (string, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}

// bridge returns a bridge by name (d.mu held).
func (d *daemon) bridge(name string) (*bridge, error) {
	b := d.bridges[name]
	if b == nil {
		return nil, fmt.Errorf("no such bridge")
	}
	return b, nil
}

func (d *daemon) sortedBridges() []*bridge {
	out := make([]*bridge, 0, len(d.bridges))
	for _, b := range d.bridges {
		out = append(out, b)
	}
	slices.SortFunc(out, func(x, y *bridge) int { return cmp.Compare(x.name, y.name) })
	return out
}

func (d *daemon) cmdListCommands(_ context.Context, _ []string, _ bool) (string, error) {
	var b strings.Builder
	b.WriteString("The available commands are:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-24s %s\n", c.name, c.args)
	}
	return b.String(), nil
}

func (d *daemon) cmdExit(_ context.Context, _ []string, _ bool) (string, error) {
	d.log.Info("exit requested through appctl")
	// Reply first: the API stops gracefully and lets this call finish.
	go d.exit()
	return "", nil
}

func (d *daemon) cmdVlogList(_ context.Context, _ []string, asJSON bool) (string, error) {
	mods := d.cfg.Logs.Modules()
	if asJSON {
		return toJSON(mods)
	}
	var b strings.Builder
	b.WriteString("                 console    syslog    file\n")
	b.WriteString("                 -------    ------    ------\n")
	for _, m := range mods {
		fmt.Fprintf(&b, "%-16s %7s %9s %9s\n", m.Name, m.Level, m.Level, m.Level)
	}
	return b.String(), nil
}

func (d *daemon) cmdVlogSet(_ context.Context, args []string, _ bool) (string, error) {
	if len(args) == 0 {
		return "", errors.New("vlog/set needs [MODULE[:DEST]:]LEVEL")
	}
	for _, a := range args {
		if err := d.cfg.Logs.Apply(a); err != nil {
			return "", err
		}
	}
	return "", nil
}

func (d *daemon) cmdCoverage(_ context.Context, _ []string, asJSON bool) (string, error) {
	es := coverage.List(time.Now())
	if asJSON {
		return toJSON(es)
	}
	return coverage.Format(es), nil
}

func (d *daemon) cmdOfprotoList(_ context.Context, _ []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var names []string
	for _, b := range d.sortedBridges() {
		names = append(names, b.name)
	}
	if asJSON {
		return toJSON(names)
	}
	if len(names) == 0 {
		return "", nil
	}
	return strings.Join(names, "\n") + "\n", nil
}

type jsonDPPort struct {
	Name   string `json:"name"`
	OFPort int64  `json:"ofport"`
	DPPort uint32 `json:"dp_port"`
	Type   string `json:"type"`
	Attach string `json:"attach,omitempty"` // the hook in use: xdp or tc
	Error  string `json:"error,omitempty"`
}

type jsonDP struct {
	Bridge   string         `json:"bridge"`
	Datapath string         `json:"datapath"`
	Stats    datapath.Stats `json:"stats"`
	Ports    []jsonDPPort   `json:"ports"`
}

// cmdDpifShow prints, like ovs-appctl dpif/show, each datapath's counters
// and each bridge's ports as "NAME OFPORT/DPPORT: (TYPE)".
func (d *daemon) cmdDpifShow(_ context.Context, _ []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []jsonDP
	for _, b := range d.sortedBridges() {
		st, err := b.dp.Stats()
		if err != nil {
			return "", fmt.Errorf("%s: %w", b.name, err)
		}
		j := jsonDP{Bridge: b.name, Datapath: b.dp.Name(), Stats: st, Ports: []jsonDPPort{}}
		attach := map[uint32]datapath.AttachMode{}
		if dps, err := b.dp.Ports(); err == nil {
			for _, dp := range dps {
				attach[dp.Number] = dp.Attach
			}
		}
		for _, p := range b.portList() {
			typ := p.dbType
			if typ == "" {
				typ = "system"
			}
			jp := jsonDPPort{Name: p.name, OFPort: ofportNumber(p.ofport), DPPort: p.dpPort, Type: typ, Error: p.err}
			if m, ok := attach[p.dpPort]; ok && p.ofport != 0 {
				jp.Attach = m.String()
			}
			j.Ports = append(j.Ports, jp)
		}
		out = append(out, j)
	}
	if asJSON {
		if out == nil {
			out = []jsonDP{}
		}
		return toJSON(out)
	}
	var s strings.Builder
	for _, j := range out {
		fmt.Fprintf(&s, "%s: hit:%d missed:%d lost:%d\n", j.Datapath, j.Stats.Hit, j.Stats.Missed, j.Stats.Lost)
		fmt.Fprintf(&s, "  flows: %d (max %d)\n", j.Stats.Flows, j.Stats.MaxFlows)
		fmt.Fprintf(&s, "  %s:\n", j.Bridge)
		for _, p := range j.Ports {
			if p.OFPort < 0 {
				fmt.Fprintf(&s, "    %s -1/none: (%s: %s)\n", p.Name, p.Type, p.Error)
				continue
			}
			if p.Attach != "" {
				// As ovs-appctl prints a netdev's settings after its type.
				fmt.Fprintf(&s, "    %s %d/%d: (%s: attach=%s)\n", p.Name, p.OFPort, p.DPPort, p.Type, p.Attach)
				continue
			}
			fmt.Fprintf(&s, "    %s %d/%d: (%s)\n", p.Name, p.OFPort, p.DPPort, p.Type)
		}
	}
	return s.String(), nil
}

// ofportNumber is the port number as the DB and ovs-appctl show it: -1
// for a failed port, 65534 for LOCAL.
func ofportNumber(n uint32) int64 {
	switch n {
	case 0:
		return -1
	case 0xfffffffe:
		return 65534
	}
	return int64(n)
}

func (d *daemon) cmdDpifDumpFlows(_ context.Context, args []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bridge(args[0])
	if err != nil {
		return "", err
	}
	var flows []datapath.Flow
	if err := b.dp.Dump(0, func(fs []datapath.Flow) error { flows = append(flows, fs...); return nil }); err != nil {
		return "", err
	}
	now := time.Now()
	if asJSON {
		type jf struct {
			Key     string             `json:"key"`
			Actions string             `json:"actions"`
			Stats   datapath.FlowStats `json:"stats"`
		}
		out := []jf{}
		for _, f := range flows {
			out = append(out, jf{f.Key.String(), datapath.FormatActions(f.Actions), f.Stats})
		}
		return toJSON(out)
	}
	lines := make([]string, 0, len(flows))
	for _, f := range flows {
		lines = append(lines, datapath.FormatFlow(f, now))
	}
	slices.Sort(lines)
	return joinLines(lines), nil
}

func (d *daemon) cmdBridgeDumpFlows(_ context.Context, args []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bridge(args[0])
	if err != nil {
		return "", err
	}
	fs := b.sw.DumpFlows(true)
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		lines = append(lines, f.String())
	}
	if asJSON {
		return toJSON(lines)
	}
	return joinLines(lines), nil
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// cmdFdbShow prints the MAC learning table as ovs-appctl fdb/show.
func (d *daemon) cmdFdbShow(_ context.Context, args []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bridge(args[0])
	if err != nil {
		return "", err
	}
	es := b.sw.MACs()
	slices.SortFunc(es, func(x, y normalEntry) int {
		return cmp.Or(cmp.Compare(x.Port, y.Port), cmp.Compare(x.VLAN, y.VLAN), slices.Compare(x.MAC[:], y.MAC[:]))
	})
	if asJSON {
		type je struct {
			Port uint32 `json:"port"`
			VLAN uint16 `json:"vlan"`
			MAC  string `json:"mac"`
			Age  int    `json:"age"`
		}
		out := []je{}
		for _, e := range es {
			out = append(out, je{e.Port, e.VLAN, net.HardwareAddr(e.MAC[:]).String(), int(e.Age / time.Second)})
		}
		return toJSON(out)
	}
	var s strings.Builder
	s.WriteString(" port  VLAN  MAC                Age\n")
	for _, e := range es {
		port := fmt.Sprint(e.Port)
		if e.Port == 0xfffffffe {
			port = "LOCAL"
		}
		fmt.Fprintf(&s, "%5s  %4d  %s  %3d\n", port, e.VLAN, net.HardwareAddr(e.MAC[:]), int(e.Age/time.Second))
	}
	return s.String(), nil
}

func (d *daemon) cmdFdbFlush(_ context.Context, args []string, _ bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if len(args) == 1 {
		b, err := d.bridge(args[0])
		if err != nil {
			return "", err
		}
		b.sw.FlushMACs()
	} else {
		for _, b := range d.bridges {
			b.sw.FlushMACs()
		}
	}
	return "table successfully flushed\n", nil
}

func (d *daemon) cmdFdbStats(_ context.Context, args []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bridge(args[0])
	if err != nil {
		return "", err
	}
	st := b.sw.MACStats()
	if asJSON {
		return toJSON(map[string]any{"bridge": b.name, "current": st.Current, "max": st.Max,
			"learned": st.Learned, "expired": st.Expired, "evicted": st.Evicted, "moved": st.Moved})
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Statistics for bridge \"%s\":\n", b.name)
	fmt.Fprintf(&s, "  Current/maximum MAC entries in the table: %d/%d\n", st.Current, st.Max)
	fmt.Fprintf(&s, "  Total number of learned MAC entries     : %d\n", st.Learned)
	fmt.Fprintf(&s, "  Total number of expired MAC entries     : %d\n", st.Expired)
	fmt.Fprintf(&s, "  Total number of evicted MAC entries     : %d\n", st.Evicted)
	fmt.Fprintf(&s, "  Total number of port moved MAC entries  : %d\n", st.Moved)
	return s.String(), nil
}
