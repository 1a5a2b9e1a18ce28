package vsctl

// The command line of ovs-vsctl(8): global options, then commands separated
// by "--", each preceded by its own options.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/internal/rundir"
)

type options struct {
	db       string
	noWait   bool
	timeout  time.Duration // 0: wait forever
	format   string        // table, list, csv, json, html
	data     string        // string, bare, json
	headings bool
	oneline  bool
	dryRun   bool
	retry    bool // keep trying to connect (until --timeout)
	help     bool
}

// invocation is one command of the command line with its options.
type invocation struct {
	spec *cmdSpec
	name string
	args []string
	opts map[string]string // "--if-exists" -> "", "--id" -> "@x"
}

func (inv *invocation) has(opt string) bool { _, ok := inv.opts[opt]; return ok }

// defaultDB is unix:<rundir>/db.sock; XVS_RUNDIR moves the rundir.
func defaultDB() string { return "unix:" + rundir.DBSocket() }

// globalOpts are options that only make sense once, before the first command.
var globalOpts = map[string]bool{
	"--db": true, "--no-wait": false, "--timeout": true, "-t": true, "--format": true, "-f": true,
	"--data": true, "--no-headings": false, "-d": true, "--pretty": false, "--bare": false,
	"--oneline": false, "--dry-run": false, "--help": false, "-h": false, "--retry": false,
	"--no-syslog": false, "-v": false, "--verbose": false,
}

// cmdOpts are options a command may take; whether each takes a value.
var cmdOpts = map[string]bool{
	"--if-exists": false, "--may-exist": false, "--id": true, "--with-iface": false,
	"--all": false, "--fake-iface": false, "--real": false, "--fake": false,
	"--columns": true, "--lacp": true, "--bond-mode": true, "--inactivity-probe": true,
	"--bootstrap": false,
}

// splitOpt splits "--name=value" into its parts.
func splitOpt(arg string) (name, value string, hasValue bool) {
	if i := strings.IndexByte(arg, '='); i >= 0 && strings.HasPrefix(arg, "--") {
		return arg[:i], arg[i+1:], true
	}
	return arg, "", false
}

func parseArgs(args []string) (*options, []*invocation, error) {
	o := &options{db: defaultDB(), format: "list", data: "string", headings: true}
	formatSet := false
	var cmds []*invocation
	pending := map[string]string{}
	i := 0
	// Global options, and options of the first command, come first.
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		name, val, hasVal := splitOpt(args[i])
		i++
		needsVal, isGlobal := globalOpts[name]
		if !isGlobal {
			if _, ok := cmdOpts[name]; ok {
				if err := addCmdOpt(pending, name, val, hasVal); err != nil {
					return nil, nil, err
				}
				continue
			}
			return nil, nil, fmt.Errorf("unrecognized option '%s' (use --help for help)", name)
		}
		if needsVal && !hasVal {
			if i >= len(args) {
				return nil, nil, fmt.Errorf("option '%s' requires an argument", name)
			}
			val = args[i]
			i++
		} else if !needsVal && hasVal {
			return nil, nil, fmt.Errorf("option '%s' doesn't allow an argument", name)
		}
		switch name {
		case "--db":
			o.db = val
		case "--no-wait":
			o.noWait = true
		case "--timeout", "-t":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return nil, nil, fmt.Errorf("value %s on -t or --timeout is invalid", val)
			}
			o.timeout = time.Duration(n) * time.Second
		case "--format", "-f":
			switch val {
			case "table", "list", "csv", "json", "html":
			default:
				return nil, nil, fmt.Errorf("unknown output format \"%s\"", val)
			}
			o.format = val
			formatSet = true
		case "--data", "-d":
			switch val {
			case "string", "bare", "json":
			default:
				return nil, nil, fmt.Errorf("unknown data format \"%s\"", val)
			}
			o.data = val
		case "--no-headings":
			o.headings = false
		case "--bare":
			// ovs-vsctl: --bare is --format=list --data=bare --no-headings.
			o.format, o.data, o.headings = "list", "bare", false
			formatSet = true
		case "--oneline":
			o.oneline = true
		case "--dry-run":
			o.dryRun = true
		case "--retry":
			o.retry = true
		case "--help", "-h":
			o.help = true
		}
	}
	if o.format == "json" && o.data == "string" && formatSet {
		o.data = "json"
	}
	if o.help {
		return o, nil, nil
	}
	// Commands, separated by "--".
	for i <= len(args) {
		for i < len(args) && args[i] == "--" {
			i++
		}
		if i >= len(args) {
			break
		}
		for i < len(args) && strings.HasPrefix(args[i], "--") && args[i] != "--" {
			name, val, hasVal := splitOpt(args[i])
			if _, ok := cmdOpts[name]; !ok {
				return nil, nil, fmt.Errorf("unrecognized option '%s' (use --help for help)", name)
			}
			if err := addCmdOpt(pending, name, val, hasVal); err != nil {
				return nil, nil, err
			}
			i++
		}
		if i >= len(args) {
			return nil, nil, fmt.Errorf("missing command name (use --help for help)")
		}
		inv := &invocation{name: args[i], opts: pending}
		pending = map[string]string{}
		i++
		for i < len(args) && args[i] != "--" {
			inv.args = append(inv.args, args[i])
			i++
		}
		if err := bind(inv); err != nil {
			return nil, nil, err
		}
		cmds = append(cmds, inv)
	}
	if len(cmds) == 0 {
		return nil, nil, fmt.Errorf("missing command name (use --help for help)")
	}
	return o, cmds, nil
}

func addCmdOpt(m map[string]string, name, val string, hasVal bool) error {
	if cmdOpts[name] && !hasVal {
		return fmt.Errorf("option '%s' requires an argument (%s=VALUE)", name, name)
	}
	if !cmdOpts[name] && hasVal {
		return fmt.Errorf("option '%s' doesn't allow an argument", name)
	}
	if _, dup := m[name]; dup {
		return fmt.Errorf("'%s' option specified multiple times", name)
	}
	m[name] = val
	return nil
}

// bind finds the command's spec and checks its arguments and options.
func bind(inv *invocation) error {
	spec := findCommand(inv.name)
	if spec == nil {
		return fmt.Errorf("unknown command '%s'; use --help for help", inv.name)
	}
	inv.spec = spec
	if len(inv.args) < spec.minArgs {
		return fmt.Errorf("'%s' command requires at least %d arguments", inv.name, spec.minArgs)
	}
	if spec.maxArgs >= 0 && len(inv.args) > spec.maxArgs {
		return fmt.Errorf("'%s' command takes at most %d arguments", inv.name, spec.maxArgs)
	}
	allowed := strings.Fields(spec.options)
	for o := range inv.opts {
		if !slices.Contains(allowed, o) {
			return fmt.Errorf("'%s' command has no '%s' option", inv.name, o)
		}
	}
	if id, ok := inv.opts["--id"]; ok {
		if !strings.HasPrefix(id, "@") || len(id) < 2 {
			return fmt.Errorf("row id \"%s\" does not begin with \"@\"", id)
		}
	}
	return nil
}
