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
	for _, tn := range []string{"Mirror", "Controller", "Manager", "NetFlow", "sFlow", "IPFIX", "SSL", "Flow_Sample_Collector_Set"} {
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

// SSL commands of ovs-vsctl(8): the Open_vSwitch row's one SSL record.

func cmdGetSSL(c *cmdCtx) error {
	ssl := c.refs(c.ovs(), "ssl", "SSL")
	if len(ssl) == 0 {
		return nil
	}
	s := ssl[0]
	boot := s.get("bootstrap_ca_cert")
	c.printf("Private key: %s\n", s.getString("private_key"))
	c.printf("Certificate: %s\n", s.getString("certificate"))
	c.printf("CA Certificate: %s\n", s.getString("ca_cert"))
	c.printf("Bootstrap: %t\n", len(boot.keys) == 1 && boot.keys[0] == true)
	return nil
}

func cmdDelSSL(c *cmdCtx) error {
	c.dropRefs(c.ovs(), "ssl", "SSL")
	return nil
}

func cmdSetSSL(c *cmdCtx) error {
	ovs := c.ovs()
	c.dropRefs(ovs, "ssl", "SSL")
	a := c.inv.args
	s := c.newRow("SSL", map[string]string{"private_key": a[0], "certificate": a[1], "ca_cert": a[2]})
	c.r.set(s, "bootstrap_ca_cert", datum{keys: []any{c.inv.has("--bootstrap")}})
	c.r.set(ovs, "ssl", datum{keys: []any{s.uuid}})
	return nil
}

// cmdComment does nothing: the arguments only go into the transaction's
// comment, for the server's log.
func cmdComment(c *cmdCtx) error { return nil }
