package vsctl

// Controller, fail-mode and manager commands of ovs-vsctl(8).

import (
	"fmt"
	"sort"
	"strconv"
)

// targets returns the sorted "target" values of the rows col references.
func (c *cmdCtx) targets(rw *row, col, table string) []string {
	var out []string
	for _, r := range c.refs(rw, col, table) {
		out = append(out, r.getString("target"))
	}
	sort.Strings(out)
	return out
}

func cmdGetController(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	for _, t := range c.targets(br, "controller", "Controller") {
		c.printf("%s\n", t)
	}
	return nil
}

// dropRefs deletes the rows a column references and empties the column.
func (c *cmdCtx) dropRefs(rw *row, col, table string) {
	for _, r := range c.refs(rw, col, table) {
		c.r.delete(r)
	}
	c.clearColumn(rw, col)
}

func cmdDelController(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	c.dropRefs(br, "controller", "Controller")
	return nil
}

// newTargets creates one row per target, with inactivity_probe (ms) when
// --inactivity-probe is given.
func (c *cmdCtx) newTargets(table string, targets []string) ([]any, error) {
	var probe *int64
	if v, ok := c.inv.opts["--inactivity-probe"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("--inactivity-probe=%s: not a number of milliseconds", v)
		}
		probe = &n
	}
	var uuids []any
	for _, t := range targets {
		rw := c.newRow(table, map[string]string{"target": t})
		if probe != nil {
			c.r.set(rw, "inactivity_probe", datum{keys: []any{*probe}})
		}
		uuids = append(uuids, rw.uuid)
	}
	return uuids, nil
}

func cmdSetController(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	c.dropRefs(br, "controller", "Controller")
	uuids, err := c.newTargets("Controller", c.inv.args[1:])
	if err != nil {
		return err
	}
	d := datum{keys: uuids}
	d.sort()
	c.r.set(br, "controller", d)
	return nil
}

func cmdGetFailMode(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	if m := br.getString("fail_mode"); m != "" {
		c.printf("%s\n", m)
	}
	return nil
}

func cmdDelFailMode(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	c.clearColumn(br, "fail_mode")
	return nil
}

func cmdSetFailMode(c *cmdCtx) error {
	br, err := c.bridgeRow(c.inv.args[0])
	if err != nil {
		return err
	}
	mode := c.inv.args[1]
	if mode != "standalone" && mode != "secure" {
		return fmt.Errorf("fail-mode must be \"standalone\" or \"secure\"")
	}
	c.setString(br, "fail_mode", mode)
	return nil
}

func cmdGetManager(c *cmdCtx) error {
	for _, t := range c.targets(c.ovs(), "manager_options", "Manager") {
		c.printf("%s\n", t)
	}
	return nil
}

func cmdDelManager(c *cmdCtx) error {
	c.dropRefs(c.ovs(), "manager_options", "Manager")
	return nil
}

func cmdSetManager(c *cmdCtx) error {
	ovs := c.ovs()
	c.dropRefs(ovs, "manager_options", "Manager")
	uuids, err := c.newTargets("Manager", c.inv.args)
	if err != nil {
		return err
	}
	d := datum{keys: uuids}
	d.sort()
	c.r.set(ovs, "manager_options", d)
	return nil
}

// bridgeRow returns the Bridge row that holds a bridge's controllers and
// fail mode: a fake bridge uses its parent's, as in ovs-vsctl.
func (c *cmdCtx) bridgeRow(name string) (*row, error) {
	vb, err := c.bridge(name, true)
	if err != nil {
		return nil, err
	}
	return vb.row, nil
}
