package vsctl

// The Open vSwitch commands of ovs-vsctl(8) other than show: init and
// emer-reset.

// cmdInit only makes sure the Open_vSwitch row exists: every run does.
func cmdInit(c *cmdCtx) error {
	c.ovs()
	return nil
}

// cmdEmerReset clears the configuration that could keep the switch from
// forwarding (ovs-vsctl(8) emer-reset): managers, SSL, controllers, fail
// modes, mirrors, NetFlow, sFlow, IPFIX, flood VLANs and other_config
// (except a bridge's hwaddr), then removes rows left unreferenced.
func cmdEmerReset(c *cmdCtx) error {
	ovs := c.ovs()
	for _, col := range []string{"manager_options", "ssl"} {
		c.clearColumn(ovs, col)
	}
	for _, br := range c.r.list(c.table("Bridge")) {
		for _, col := range []string{"controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix", "flood_vlans"} {
			c.clearColumn(br, col)
		}
		oc := br.get("other_config")
		kept := datum{vals: []any{}}
		if i := oc.find("hwaddr"); i >= 0 {
			kept = datum{keys: []any{"hwaddr"}, vals: []any{oc.vals[i]}}
		}
		c.r.set(br, "other_config", kept)
	}
	for _, p := range c.r.list(c.table("Port")) {
		c.clearColumn(p, "other_config")
	}
	for _, i := range c.r.list(c.table("Interface")) {
		c.r.set(i, "ingress_policing_rate", datum{keys: []any{int64(0)}})
		c.r.set(i, "ingress_policing_burst", datum{keys: []any{int64(0)}})
	}
	for _, tn := range []string{"Mirror", "Controller", "Manager", "NetFlow", "sFlow", "IPFIX", "SSL"} {
		if t := c.table(tn); t != nil {
			for _, rw := range c.r.list(t) {
				c.r.delete(rw)
			}
		}
	}
	return nil
}

func (c *cmdCtx) clearColumn(rw *row, col string) {
	if cl := rw.t.Columns[col]; cl != nil {
		c.r.set(rw, col, defaultDatum(&cl.Type))
	}
}
