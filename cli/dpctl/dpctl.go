package dpctl

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// DefaultPath is where the eBPF datapath of the default bridge pins its
// maps (bpffs root /sys/fs/bpf/xvs, datapath name "xvs").
const DefaultPath = "/sys/fs/bpf/xvs/xvs"

// Open opens the datapath pinned at path. It is wired to the eBPF
// datapath's opener by the xvs binary; until then no datapath can be found.
var Open = func(path string) (datapath.Datapath, error) {
	return nil, fmt.Errorf("no datapath found at %s", path)
}

// errUsage marks errors in the command line (exit status 2).
var errUsage = errors.New("usage")

// Main runs `xvs dpctl ARGS` and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xvs dpctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	path := fs.String("datapath", DefaultPath, "pin directory of the datapath (read directly, not through vswitchd)")
	socket := fs.String("socket", "", "vswitchd's API socket (default RUNDIR/vswitchd.sock)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: xvs dpctl [--format text|json] [--socket PATH | --datapath PATH] COMMAND [DP] [ARG...]")
		fmt.Fprintln(stderr, "  through a running vswitchd's API (DP: xvs@BRIDGE), else the pinned maps at --datapath")
		fmt.Fprintln(stderr, "commands:")
		for _, c := range commands {
			fmt.Fprintf(stderr, "  %-32s %s\n", c.usage, c.summary)
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "xvs dpctl: --format %q: want text or json\n", *format)
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	c := lookup(rest[0])
	if c == nil {
		fmt.Fprintf(stderr, "xvs dpctl: unknown command %q; known: %s\n", rest[0], commandNames())
		return 2
	}
	explicitPath := false
	fs.Visit(func(f *flag.Flag) { explicitPath = explicitPath || f.Name == "datapath" })
	if !explicitPath {
		if client, names, err := dialVswitchd(*socket); err == nil {
			defer client.Close()
			return exitStatus(runRemote(client, names, rest, stdout, *format == "json"), c.name, stderr)
		} else if *socket != "" {
			fmt.Fprintf(stderr, "xvs dpctl: %v\n", err)
			return 1
		}
	}
	if !explicitPath {
		*path = pinnedPath(rest)
	}
	dp, err := Open(*path)
	if err != nil {
		fmt.Fprintf(stderr, "xvs dpctl: %v\n", err)
		return 1
	}
	defer dp.Close()
	return exitStatus(Run(dp, rest, stdout, *format == "json"), c.name, stderr)
}

// exitStatus prints err as dpctl does and returns the exit status.
func exitStatus(err error, name string, stderr io.Writer) int {
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "xvs dpctl: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "xvs dpctl: %s: %v\n", name, err)
		return 1
	}
	return 0
}

// Run runs one command (args[0]) with its arguments against dp.
func Run(dp datapath.Datapath, args []string, w io.Writer, json bool) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	c := lookup(args[0])
	if c == nil {
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	rest := args[1:]
	// Like ovs-dpctl, every command takes an optional datapath name first
	// ("xvs@br0"); it must name the datapath opened. Flows and actions
	// always hold a parenthesis or start with a digit, names do not.
	if len(rest) > 0 && isDPName(rest[0]) {
		if rest[0] != dp.Name() {
			return fmt.Errorf("no datapath named %q (this is %s)", rest[0], dp.Name())
		}
		rest = rest[1:]
	}
	if n := len(rest); n < c.minArgs || n > c.maxArgs {
		return fmt.Errorf("%w: %s", errUsage, c.usage)
	}
	e := &env{dp: dp, w: w, json: json, now: time.Now()}
	return c.run(e, rest)
}

// env is what a command sees.
type env struct {
	dp   datapath.Datapath
	w    io.Writer
	json bool
	now  time.Time
}

type command struct {
	name, usage, summary string
	minArgs, maxArgs     int
	run                  func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"show", "show", "datapath counters and ports", 0, 0, show},
		{"dump-flows", "dump-flows", "print every cached flow", 0, 0, dumpFlows},
		{"add-flow", "add-flow FLOW ACTIONS", "add a flow (fails if it exists)", 1, 2, addFlow},
		{"mod-flow", "mod-flow [--clear] FLOW ACTIONS", "change a flow's actions (--clear zeroes its stats)", 1, 3, modFlow},
		{"del-flow", "del-flow FLOW", "delete one flow and print its final stats", 1, 1, delFlow},
		{"del-flows", "del-flows", "delete every flow", 0, 0, delFlows},
		{"dump-ports", "dump-ports", "print per-port counters", 0, 0, dumpPorts},
	}
}

func isDPName(s string) bool {
	return s != "" && s != "drop" && !strings.HasPrefix(s, "-") && !strings.ContainsAny(s, "(),=") && (s[0] < '0' || s[0] > '9')
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}
