package ofctl

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Main runs `xvs ofctl ARGS` and returns the exit status: 0 on success, 1
// when the switch or a file says no, 2 for bad command-line input. Every
// failure is one line on stderr.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, timeout: 10 * time.Second,
		versions: []uint8{ofp.Version10, ofp.Version13}}
	rest, err := e.parseOptions(args)
	if err != nil {
		fmt.Fprintf(stderr, "xvs ofctl: %v\n", err)
		return 2
	}
	if e.help || len(rest) == 0 {
		usage(stderr)
		if e.help {
			return 0
		}
		return 2
	}
	for _, c := range commands {
		if c.name != rest[0] {
			continue
		}
		if n := len(rest) - 1; n < c.min || (c.max >= 0 && n > c.max) {
			fmt.Fprintf(stderr, "xvs ofctl: %s: wrong number of arguments; usage: %s\n", c.name, c.usage)
			return 2
		}
		if err := c.run(e, rest[1:]); err != nil {
			if st, ok := err.(exitStatus); ok {
				return int(st)
			}
			msg := strings.ReplaceAll(strings.TrimRight(err.Error(), "\n"), "\n", "; ")
			fmt.Fprintf(stderr, "xvs ofctl: %s: %s\n", c.name, msg)
			if _, ok := err.(usageError); ok {
				return 2
			}
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "xvs ofctl: unknown command %q; known: %s\n", rest[0], commandNames())
	return 2
}

// exitStatus ends a command with that status and no message.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is bad input on the command line (exit status 2).
type usageError struct{ error }

func badUsage(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what a command sees of the process and its options.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	json           bool
	help           bool
	versions       []uint8
	rundir         string
	timeout        time.Duration
	timeoutSet     bool // --timeout given: monitor stops after it
	strict         bool
	noStats        bool
	count          int // monitor: stop after this many messages (0: no limit)
}

// parseOptions takes ovs-ofctl's options wherever they stand among the
// arguments (ovs-ofctl uses getopt_long, which permutes) and returns the
// rest. "--" ends the options.
func (e *env) parseOptions(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasVal && strings.HasPrefix(a, "-O") && len(a) > 2 {
			name, val, hasVal = "O", a[2:], true
		}
		value := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "h", "help":
			e.help = true
		case "O", "protocols":
			var v string
			if v, err = value(); err == nil {
				e.versions, err = parseProtocols(v)
			}
		case "format":
			var v string
			if v, err = value(); err == nil {
				if v != "text" && v != "json" {
					err = fmt.Errorf("--format %q: want text or json", v)
				}
				e.json = v == "json"
			}
		case "rundir":
			e.rundir, err = value()
		case "t", "timeout":
			var v string
			if v, err = value(); err == nil {
				e.timeout, err = parseTimeout(v)
				e.timeoutSet = true
			}
		case "count":
			var v string
			if v, err = value(); err == nil {
				e.count, err = strconv.Atoi(v)
				if err != nil || e.count < 0 {
					err = fmt.Errorf("--count %q: want a non-negative number", v)
				}
			}
		case "strict":
			e.strict = true
		case "no-stats":
			e.noStats = true
		case "names", "no-names", "read-only", "sort", "rsort", "readd", "bundle", "color", "no-color":
			// Accepted for ovs-ofctl compatibility; they change nothing here.
		default:
			err = fmt.Errorf("unknown option %s", a)
		}
		if err != nil {
			return nil, err
		}
	}
	return rest, nil
}

func parseTimeout(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--timeout %q: want seconds or a duration", s)
	}
	return d, nil
}

// parseProtocols reads -O: a comma-separated list of OpenFlow10 and
// OpenFlow13 (ovs-ofctl's names).
func parseProtocols(s string) ([]uint8, error) {
	var vs []uint8
	for _, p := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "openflow10", "of10", "openflow10-table_id":
			vs = append(vs, ofp.Version10)
		case "openflow13", "of13":
			vs = append(vs, ofp.Version13)
		default:
			return nil, fmt.Errorf("-O %q: unsupported protocol %q (want OpenFlow10 and/or OpenFlow13)", s, p)
		}
	}
	return vs, nil
}

type command struct {
	name, usage, summary string
	min, max             int // argument counts; max -1: no limit
	run                  func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"show", "show SWITCH", "features, ports and configuration", 1, 1, cmdShow},
		{"dump-desc", "dump-desc SWITCH", "switch description", 1, 1, cmdDumpDesc},
		{"dump-tables", "dump-tables SWITCH", "table statistics", 1, 1, cmdDumpTables},
		{"dump-table-features", "dump-table-features SWITCH", "table features", 1, 1, cmdDumpTableFeatures},
		{"dump-flows", "dump-flows SWITCH [FLOW]", "flows (matching FLOW)", 1, 2, cmdDumpFlows},
		{"dump-aggregate", "dump-aggregate SWITCH [FLOW]", "aggregate statistics of flows", 1, 2, cmdDumpAggregate},
		{"add-flow", "add-flow SWITCH FLOW", "add a flow", 2, 2, cmdAddFlow},
		{"add-flows", "add-flows SWITCH FILE|-", "add flows from a file, one per line", 2, 2, cmdAddFlows},
		{"mod-flows", "mod-flows SWITCH FLOW", "modify the actions of matching flows", 2, 2, cmdModFlows},
		{"del-flows", "del-flows SWITCH [FLOW]", "delete matching flows (all without FLOW)", 1, 2, cmdDelFlows},
		{"replace-flows", "replace-flows SWITCH FILE", "make the flows those of FILE", 2, 2, cmdReplaceFlows},
		{"diff-flows", "diff-flows SOURCE1 SOURCE2", "differences between flows of switches or files", 2, 2, cmdDiffFlows},
		{"dump-ports", "dump-ports SWITCH [PORT]", "port statistics", 1, 2, cmdDumpPorts},
		{"dump-ports-desc", "dump-ports-desc SWITCH [PORT]", "port descriptions", 1, 2, cmdDumpPortsDesc},
		{"mod-port", "mod-port SWITCH PORT ACTION", "ACTION: up|down|receive|no-receive|forward|no-forward|packet-in|no-packet-in", 3, 3, cmdModPort},
		{"add-group", "add-group SWITCH GROUP", "add a group", 2, 2, cmdAddGroup},
		{"mod-group", "mod-group SWITCH GROUP", "modify a group", 2, 2, cmdModGroup},
		{"del-groups", "del-groups SWITCH [GROUP]", "delete groups (all without GROUP)", 1, 2, cmdDelGroups},
		{"dump-groups", "dump-groups SWITCH [GROUP]", "group descriptions", 1, 2, cmdDumpGroups},
		{"dump-group-stats", "dump-group-stats SWITCH [GROUP]", "group statistics", 1, 2, cmdDumpGroupStats},
		{"add-meter", "add-meter SWITCH METER", "add a meter", 2, 2, cmdAddMeter},
		{"mod-meter", "mod-meter SWITCH METER", "modify a meter", 2, 2, cmdModMeter},
		{"del-meters", "del-meters SWITCH [METER]", "delete meters (all without METER)", 1, 2, cmdDelMeters},
		{"dump-meters", "dump-meters SWITCH [METER]", "meter configuration", 1, 2, cmdDumpMeters},
		{"meter-stats", "meter-stats SWITCH [METER]", "meter statistics", 1, 2, cmdMeterStats},
		{"packet-out", "packet-out SWITCH in_port=P,packet=HEX,actions=A", "send a packet (or: SWITCH IN_PORT ACTIONS HEX...)", 2, -1, cmdPacketOut},
		{"monitor", "monitor SWITCH [MISS-LEN]", "print asynchronous messages (--count N, --timeout T)", 1, 2, cmdMonitor},
		{"ofp-print", "ofp-print [HEX]", "decode OpenFlow messages given in hex (or on stdin)", 0, 1, ofpPrint},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: xvs ofctl [OPTIONS] COMMAND [ARG...]")
	fmt.Fprintln(w, "options: -O OpenFlow10,OpenFlow13  --format text|json  --rundir DIR  --timeout SECS  --strict  --no-stats  --count N")
	fmt.Fprintln(w, "SWITCH: unix:PATH, tcp:IP[:PORT], or a bridge name (RUNDIR/BRIDGE.mgmt; RUNDIR from --rundir, $XVS_RUNDIR or /run/xvs)")
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-36s %s\n", c.usage, c.summary)
	}
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}
