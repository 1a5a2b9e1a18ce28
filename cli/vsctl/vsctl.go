package vsctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// Main runs `xvs vsctl ARGS` and returns the exit status: 0 on success, 1
// on any error (one line on stderr), 2 for br-exists of a missing bridge.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, cmds, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "xvs vsctl: %v\n", err)
		return 1
	}
	if o.help {
		usage(stdout)
		return 0
	}
	// A run is short and reads whole tables once: collecting garbage
	// while decoding them cost about a tenth of a run at 1,000 ports. Let
	// the heap grow more between collections for the run's length.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	res, err := run(ctx, o, cmds, args)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(stderr, "xvs vsctl: timeout expired after %v%s\n", o.timeout, waitingFor(res))
		} else {
			fmt.Fprintf(stderr, "xvs vsctl: %v\n", err)
		}
		return 1
	}
	for _, w := range res.warnings {
		fmt.Fprintf(stderr, "xvs vsctl: warning: %s\n", w)
	}
	for _, out := range res.outputs {
		if o.oneline {
			out = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSuffix(out, "\n"), `\`, `\\`), "\n", `\n`) + "\n"
		}
		io.WriteString(stdout, out)
	}
	return res.exit
}

func waitingFor(res *result) string {
	if res == nil || res.stage == "" {
		return ""
	}
	return " " + res.stage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: xvs vsctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...")
	fmt.Fprintln(w, "Configures the switch through its OVSDB database (the syntax of ovs-vsctl).")
	fmt.Fprintln(w, "options: --db=unix:PATH|tcp:IP:PORT (default "+defaultDB()+"), --no-wait, --timeout=SECS,")
	fmt.Fprintln(w, "  -f/--format=table|list|csv|json|html, --data=string|bare|json, --no-headings, --bare, --oneline, --dry-run")
	fmt.Fprintln(w, "commands:")
	for _, c := range commandTable {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
}

// result is what a run produced.
type result struct {
	outputs  []string
	warnings []string
	exit     int
	// stage says what the run was waiting for, for the timeout message.
	stage string
}

func run(ctx context.Context, o *options, cmds []*invocation, args []string) (*result, error) {
	res := &result{stage: "while connecting to " + o.db}
	c, err := dial(ctx, o)
	if err != nil {
		return res, fmt.Errorf("%s: database connection failed (%w)", o.db, unwrapDial(err))
	}
	defer c.Close()
	if fres, handled, err := fastAddPort(ctx, c, o, cmds, args); handled {
		return fres, err
	}
	res.stage = "while reading the schema from " + o.db
	raw, err := c.GetSchema(ctx, dbName)
	if err != nil {
		return res, err
	}
	sch, err := parseSchema(raw)
	if err != nil {
		return res, err
	}

	// wait-until reruns the commands after every change of the database:
	// a monitor started before the first read makes sure no change is
	// missed between a read and the wait.
	var changes *client.Monitor
	for _, inv := range cmds {
		if inv.name == "wait-until" {
			reqs := map[string]client.MonitorRequest{}
			for _, tn := range sch.Names {
				reqs[tn] = client.MonitorRequest{}
			}
			if _, changes, err = c.Monitor(ctx, dbName, reqs); err != nil {
				return res, err
			}
			break
		}
	}
	need := needs(cmds, sch)
	for retries := 0; ; retries++ {
		if retries == 100 {
			return res, fmt.Errorf("gave up after %d attempts: other clients keep changing the database", retries)
		}
		res.stage = "while reading " + o.db
		r, err := load(ctx, c, sch, need)
		if err != nil {
			return res, err
		}
		cx, unsatisfied, err := execute(r, o, cmds)
		if err != nil {
			return res, err
		}
		if unsatisfied {
			res.stage = "waiting for the wait-until condition to hold"
			select {
			case _, ok := <-changes.Updates():
				if !ok {
					return res, c.Err()
				}
				continue
			case <-ctx.Done():
				return res, ctx.Err()
			}
		}
		res, err = commit(ctx, c, o, r, cx, args, res)
		var terr *client.TransactError
		if errors.As(err, &terr) && terr.Op == "wait" && terr.Err == notation.ErrTimedOut {
			// Another client changed what this run read: start over
			// from a fresh read, as ovs-vsctl does.
			res = &result{}
			continue
		}
		return res, err
	}
}

// dial connects to the server; with --retry it keeps trying (a server
// that is starting) until the context ends.
func dial(ctx context.Context, o *options) (*client.Client, error) {
	delay := 10 * time.Millisecond
	for {
		c, err := client.Dial(ctx, o.db)
		if err == nil || !o.retry || ctx.Err() != nil {
			return c, err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		delay = min(2*delay, time.Second)
	}
}

func unwrapDial(err error) error {
	var oe interface{ Unwrap() error }
	for errors.As(err, &oe) {
		next := oe.Unwrap()
		if next == nil {
			break
		}
		err = next
	}
	return err
}

// execute runs every command against the replica.
func execute(r *replica, o *options, cmds []*invocation) ([]*cmdCtx, bool, error) {
	syms := map[string]*symbol{}
	var cx []*cmdCtx
	for _, inv := range cmds {
		c := &cmdCtx{r: r, opts: o, inv: inv, syms: syms}
		c.ovs()
		if err := inv.spec.run(c); err != nil {
			return nil, false, err
		}
		if generic[inv.name] {
			r.cache = nil
		}
		cx = append(cx, c)
		if c.unsatisfied {
			// As ovs-vsctl: the rest of the line runs only once the
			// condition holds.
			return cx, true, nil
		}
	}
	for name, s := range syms {
		if s.referenced && !s.created {
			return nil, false, fmt.Errorf("row id \"%s\" is referenced but never created (e.g. with \"-- --id=%s create ...\")", name, name)
		}
	}
	return cx, false, nil
}

// commit sends the changes as one transaction, then waits for the switch
// to apply them unless --no-wait.
func commit(ctx context.Context, c *client.Client, o *options, r *replica, cx []*cmdCtx, args []string, res *result) (*result, error) {
	for _, x := range cx {
		res.warnings = append(res.warnings, x.warnings...)
		if x.exit != 0 && res.exit == 0 {
			res.exit = x.exit
		}
	}
	res.warnings = append(res.warnings, unreferencedWarnings(r, cx[0].syms)...)
	ops, inserted := r.operations()
	rename := map[string]string{}
	var nextCfg *int64
	if len(ops) > 0 && !o.dryRun {
		ovs := cx[0].ovs()
		wait := !o.noWait
		if wait {
			// ovsdb_idl_txn_increment: bump next_cfg and read back the
			// value this transaction gave it.
			where := []any{[]any{"_uuid", "==", notation.AtomToJSON(r.ref(ovs.uuid))}}
			ops = append(ops,
				map[string]any{"op": "mutate", "table": "Open_vSwitch", "where": where,
					"mutations": []any{[]any{"next_cfg", "+=", 1}}},
				map[string]any{"op": "select", "table": "Open_vSwitch", "where": where,
					"columns": []string{"next_cfg"}})
		}
		ops = append(ops, map[string]any{"op": "comment", "comment": "xvs vsctl: xvs vsctl " + strings.Join(args, " ")})
		res.stage = "while committing the transaction"
		results, err := c.Transact(ctx, dbName, ops...)
		if err != nil {
			return res, err
		}
		// Inserts come first in operations(), in the order of inserted.
		n := 0
		for i, op := range ops {
			if m, ok := op.(map[string]any); ok && m["op"] == "insert" {
				rename[string(inserted[n].uuid)] = results[i].UUIDString()
				n++
			}
		}
		if wait {
			sel := results[len(results)-2]
			if len(sel.Rows) == 1 {
				var v int64
				if err := notation.Unmarshal(sel.Rows[0]["next_cfg"], &v); err == nil {
					nextCfg = &v
				}
			}
		}
	}
	for _, x := range cx {
		out := x.out.String()
		if len(rename) > 0 && out != "" {
			// Outputs name new rows by the UUIDs the replica gave them;
			// print the ones the server chose.
			out = uuidRE.ReplaceAllStringFunc(out, func(u string) string {
				if real, ok := rename[u]; ok {
					return real
				}
				return u
			})
		}
		res.outputs = append(res.outputs, out)
	}
	if nextCfg != nil {
		res.stage = waitStage(*nextCfg)
		if err := waitCurCfg(ctx, c, *nextCfg); err != nil {
			return res, err
		}
	}
	return res, nil
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// unreferencedWarnings: a row created with --id in a table that is not a
// root table disappears at commit unless something references it.
func unreferencedWarnings(r *replica, syms map[string]*symbol) []string {
	var out []string
	for name, s := range syms {
		if !s.created || s.strong {
			continue
		}
		var target *row
		for _, rw := range r.all {
			if rw.uuid == s.uuid && rw.isNew && !rw.deleted {
				target = rw
			}
		}
		if target == nil || target.t.IsRoot {
			continue
		}
		referenced := false
		for _, rw := range r.all {
			if rw.deleted || referenced {
				continue
			}
			for _, d := range rw.cols {
				if contains(d.keys, s.uuid) || contains(d.vals, s.uuid) {
					referenced = true
					break
				}
			}
		}
		if !referenced {
			out = append(out, fmt.Sprintf("row id \"%s\" was created but no reference to it was inserted, so it will not actually appear in the database", name))
		}
	}
	return out
}

// waitStage is the timeout message's stage while waiting for next_cfg.
func waitStage(nextCfg int64) string {
	return fmt.Sprintf("waiting for the switch to apply the change (Open_vSwitch cur_cfg has not reached next_cfg=%d: is xvs vswitchd running? --no-wait does not wait)", nextCfg)
}

// waitCurCfg blocks until Open_vSwitch.cur_cfg >= want, watching a monitor.
func waitCurCfg(ctx context.Context, c *client.Client, want int64) error {
	initial, mon, err := c.Monitor(ctx, dbName, map[string]client.MonitorRequest{
		"Open_vSwitch": {Columns: []string{"cur_cfg"}},
	})
	if err != nil {
		return err
	}
	reached := func(tu client.TableUpdates) bool {
		for _, ru := range tu["Open_vSwitch"] {
			var cur int64
			if ru.New != nil && notation.Unmarshal(ru.New["cur_cfg"], &cur) == nil && cur >= want {
				return true
			}
		}
		return false
	}
	if reached(initial) {
		return nil
	}
	for {
		select {
		case tu, ok := <-mon.Updates():
			if !ok {
				return c.Err()
			}
			if reached(tu) {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
