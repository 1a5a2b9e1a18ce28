package vsctl

// The add-port fast path: a line that is a single plain `add-port BRIDGE
// PORT` (the command a provisioning script runs thousands of times) is
// sent as one transaction whose size does not depend on how many ports
// the database holds, without reading the schema or any table first.
//
// The general path reads every Port and Interface row to check that the
// name is free, then rewrites Bridge.ports whole under a "wait" carrying
// the old set: both grow with the port count, and so did each add-port's
// time. Here the checks are "wait" operations evaluated by the server
// inside the transaction (RFC 7047 §5.2.6), and the port joins the bridge
// by a "mutate" with the "insert" mutator (§5.2.4, §5.1 <mutator>), which
// the server applies atomically, so concurrent add-ports need no guard on
// the whole set.
//
// When any check fails, the transaction changes nothing and the line runs
// again on the general path, which reads the database and gives
// ovs-vsctl's exact answer (--may-exist of an existing port, "cannot create
// a port named ... because ...", a fake bridge, a missing bridge), or
// succeeds if a concurrent client was the cause. So the fast path only
// ever commits what the general path would have committed for a database
// where the bridge exists as a real bridge and the name is unused.

import (
	"context"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// fastAddPortOps returns the transaction for a fast-path add-port, or nil
// when the line is not one the fast path handles.
func fastAddPortOps(o *options, cmds []*invocation, args []string) []any {
	if o.dryRun || len(cmds) != 1 {
		return nil
	}
	inv := cmds[0]
	if inv.name != "add-port" || len(inv.args) != 2 {
		return nil // settings (COLUMN=VALUE) need the schema
	}
	for opt := range inv.opts {
		if opt != "--may-exist" {
			return nil
		}
	}
	br, port := inv.args[0], inv.args[1]
	nameIs := func(n string) []any { return []any{[]any{"name", "==", n}} }
	// absent: no row of the table has this name. A "wait" with timeout 0
	// fails the transaction at once when its condition does not hold.
	absent := func(table, n string) map[string]any {
		return map[string]any{"op": "wait", "table": table, "timeout": 0, "where": nameIs(n),
			"columns": []string{"name"}, "until": "==", "rows": []any{}}
	}
	ops := []any{
		// The bridge is a real bridge: a Bridge row of that name (Bridge
		// is not a root table, so a row exists only while Open_vSwitch
		// refers to it). A fake bridge has no Bridge row: general path.
		map[string]any{"op": "wait", "table": "Bridge", "timeout": 0, "where": nameIs(br),
			"columns": []string{"name"}, "until": "==", "rows": []any{map[string]any{"name": br}}},
		// checkConflicts: no bridge, port or interface has the name yet
		// (a fake bridge is a Port of its name, so the Port check covers
		// it). With --may-exist an existing port goes to the general
		// path too, which checks it is on this bridge.
		absent("Bridge", port),
		absent("Port", port),
		absent("Interface", port),
		map[string]any{"op": "insert", "table": "Interface", "uuid-name": "xvsiface",
			"row": map[string]any{"name": port}},
		map[string]any{"op": "insert", "table": "Port", "uuid-name": "xvsport",
			"row": map[string]any{"name": port, "interfaces": []any{"named-uuid", "xvsiface"}}},
		map[string]any{"op": "mutate", "table": "Bridge", "where": nameIs(br),
			"mutations": []any{[]any{"ports", "insert", []any{"set", []any{[]any{"named-uuid", "xvsport"}}}}}},
	}
	if !o.noWait {
		// As commit: bump next_cfg and read back the value it got. The
		// bridge exists, so an Open_vSwitch row does.
		ops = append(ops,
			map[string]any{"op": "mutate", "table": "Open_vSwitch", "where": []any{},
				"mutations": []any{[]any{"next_cfg", "+=", 1}}},
			map[string]any{"op": "select", "table": "Open_vSwitch", "where": []any{},
				"columns": []string{"next_cfg"}})
	}
	return append(ops, map[string]any{"op": "comment", "comment": "xvs vsctl: xvs vsctl " + strings.Join(args, " ")})
}

// fastAddPort runs the fast path if the line is one it handles. handled is
// false when the caller must run the general path: the line is not a
// plain add-port, or the transaction failed (a check failed, or a
// concurrent client took the name first), leaving the database as it was.
func fastAddPort(ctx context.Context, c *client.Client, o *options, cmds []*invocation, args []string) (res *result, handled bool, err error) {
	ops := fastAddPortOps(o, cmds, args)
	if ops == nil {
		return nil, false, nil
	}
	res = &result{stage: "while committing the transaction", outputs: []string{""}}
	results, err := c.Transact(ctx, dbName, ops...)
	if err != nil {
		if ctx.Err() != nil {
			return res, true, err // --timeout: say what the run waited for
		}
		// A check failed, or the server refused the transaction (no
		// Open_vSwitch database, say): the general path answers as
		// before, from get_schema on. A broken connection fails there
		// too, with the general path's message.
		return nil, false, nil
	}
	if !o.noWait {
		sel := results[len(results)-2]
		if len(sel.Rows) == 1 {
			var v int64
			if err := notation.Unmarshal(sel.Rows[0]["next_cfg"], &v); err == nil {
				res.stage = waitStage(v)
				if err := waitCurCfg(ctx, c, v); err != nil {
					return res, true, err
				}
			}
		}
	}
	return res, true, nil
}
