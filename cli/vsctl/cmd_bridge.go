package vsctl

// Open vSwitch, bridge, port and interface commands of ovs-vsctl(8).
// Fake bridges (add-br BRIDGE PARENT VLAN) are not supported yet: every
// bridge is a real bridge, br-to-vlan prints 0 and br-to-parent the bridge.

import (
	"fmt"
	"sort"
	"strings"
)

func cmdInit(c *cmdCtx) error {
	c.ovs()
	return nil
}

func (c *cmdCtx) bridge(name string, mustExist bool) (*row, error) {
	br := c.cache().bridges[name]
	if br == nil && mustExist {
		return nil, fmt.Errorf("no bridge named %s", name)
	}
	return br, nil
}

// port returns the port with the given name that is on a bridge, and the
// bridge.
func (c *cmdCtx) port(name string) (*row, *row) {
	bc := c.cache()
	p := bc.ports[name]
	return p, bc.portBr[p]
}

// iface returns the interface with the given name that is on a port of a
// bridge, with that port and bridge.
func (c *cmdCtx) iface(name string) (*row, *row, *row) {
	bc := c.cache()
	i := bc.ifaces[name]
	if i == nil {
		return nil, nil, nil
	}
	p := bc.ifacePort[i]
	return i, p, bc.portBr[p]
}

func cmdAddBr(c *cmdCtx) error {
	args := c.inv.args
	name := args[0]
	switch len(args) {
	case 2:
		return fmt.Errorf("'add-br' command takes exactly 1 or 3 arguments")
	case 3:
		return fmt.Errorf("add-br %s %s %s: fake bridges (PARENT VLAN) are not supported by xvs yet", args[0], args[1], args[2])
	}
	if br, _ := c.bridge(name, false); br != nil {
		if c.inv.has("--may-exist") {
			return nil
		}
		return fmt.Errorf("cannot create a bridge named %s because a bridge named %s already exists", name, name)
	}
	if p, br := c.port(name); p != nil {
		return fmt.Errorf("cannot create a bridge named %s because a port named %s already exists on bridge %s", name, name, br.getString("name"))
	}
	if i, _, br := c.iface(name); i != nil {
		return fmt.Errorf("cannot create an interface named %s because an interface named %s already exists on bridge %s", name, name, br.getString("name"))
	}
	iface := c.newRow("Interface", map[string]string{"name": name, "type": "internal"})
	port := c.newRow("Port", map[string]string{"name": name})
	c.addRef(port, "interfaces", iface.uuid)
	br := c.newRow("Bridge", map[string]string{"name": name})
	c.addRef(br, "ports", port.uuid)
	c.addRef(c.ovs(), "bridges", br.uuid)
	bc := c.cache()
	bc.addBridge(br)
	bc.addPort(br, port)
	bc.addIface(port, iface)
	return nil
}

// deletePort removes a port, and its interfaces, from the replica.
func (c *cmdCtx) deletePort(br, p *row) {
	c.delRef(br, "ports", p.uuid)
	bc := c.cache()
	for _, i := range c.refs(p, "interfaces", "Interface") {
		bc.delIface(i)
		c.r.delete(i)
	}
	bc.delPort(p)
	c.r.delete(p)
}

func cmdDelBr(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], !c.inv.has("--if-exists"))
	if br == nil {
		return err
	}
	for _, p := range c.refs(br, "ports", "Port") {
		c.deletePort(br, p)
	}
	c.delRef(c.ovs(), "bridges", br.uuid)
	c.cache().delBridge(br)
	c.r.delete(br)
	return nil
}

func (c *cmdCtx) bridgeNames() []string {
	var names []string
	for _, br := range c.refs(c.ovs(), "bridges", "Bridge") {
		names = append(names, br.getString("name"))
	}
	sort.Strings(names)
	return names
}

func cmdListBr(c *cmdCtx) error {
	if c.inv.has("--fake") {
		return nil // no fake bridges
	}
	for _, n := range c.bridgeNames() {
		c.printf("%s\n", n)
	}
	return nil
}

func cmdBrExists(c *cmdCtx) error {
	if br, _ := c.bridge(c.inv.args[0], false); br == nil {
		c.exit = 2
	}
	return nil
}

func cmdBrToVlan(c *cmdCtx) error {
	if _, err := c.bridge(c.inv.args[0], true); err != nil {
		return err
	}
	c.printf("0\n")
	return nil
}

func cmdBrToParent(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	c.printf("%s\n", br.getString("name"))
	return nil
}

func cmdBrSetExternalID(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	d := br.get("external_ids").clone()
	key := c.inv.args[1]
	if i := d.find(key); i >= 0 {
		d.keys = append(d.keys[:i], d.keys[i+1:]...)
		d.vals = append(d.vals[:i], d.vals[i+1:]...)
	}
	if len(c.inv.args) == 3 {
		d.keys = append(d.keys, key)
		d.vals = append(d.vals, c.inv.args[2])
		d.sort()
	}
	c.r.set(br, "external_ids", d)
	return nil
}

func cmdBrGetExternalID(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	d := br.get("external_ids")
	for i, k := range d.keys {
		if len(c.inv.args) == 2 {
			if k == c.inv.args[1] {
				c.printf("%s\n", d.vals[i])
			}
			continue
		}
		c.printf("%s=%s\n", k, d.vals[i])
	}
	return nil
}

func cmdListPorts(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range c.refs(br, "ports", "Port") {
		if n := p.getString("name"); n != br.getString("name") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c.printf("%s\n", n)
	}
	return nil
}

func cmdAddPort(c *cmdCtx) error {
	return c.addPort(c.inv.args[0], c.inv.args[1], []string{c.inv.args[1]}, c.inv.args[2:], false)
}

func cmdAddBond(c *cmdCtx) error {
	args := c.inv.args
	n := 2
	for n < len(args) && !strings.Contains(args[n], "=") {
		n++
	}
	ifaces := args[2:n]
	if len(ifaces) < 2 {
		return fmt.Errorf("add-bond requires at least 2 interfaces, but only %d were specified", len(ifaces))
	}
	settings := append([]string(nil), args[n:]...)
	if m, ok := c.inv.opts["--lacp"]; ok {
		settings = append(settings, "lacp="+m)
	}
	if m, ok := c.inv.opts["--bond-mode"]; ok {
		settings = append(settings, "bond_mode="+m)
	}
	return c.addPort(args[0], args[1], ifaces, settings, c.inv.has("--fake-iface"))
}

func (c *cmdCtx) addPort(brName, portName string, ifaces, settings []string, fakeIface bool) error {
	br, err := c.bridge(brName, true)
	if err != nil {
		return err
	}
	if p, pbr := c.port(portName); p != nil {
		if c.inv.has("--may-exist") {
			if pbr != br {
				return fmt.Errorf("\"--may-exist add-port %s %s\" but %s is actually attached to bridge %s", brName, portName, portName, pbr.getString("name"))
			}
			return nil
		}
		return fmt.Errorf("cannot create a port named %s because a port named %s already exists on bridge %s", portName, portName, pbr.getString("name"))
	}
	for _, name := range ifaces {
		if i, _, ibr := c.iface(name); i != nil {
			return fmt.Errorf("cannot create an interface named %s because an interface named %s already exists on bridge %s", name, name, ibr.getString("name"))
		}
	}
	port := c.newRow("Port", map[string]string{"name": portName})
	var newIfaces []*row
	for _, name := range ifaces {
		i := c.newRow("Interface", map[string]string{"name": name})
		c.addRef(port, "interfaces", i.uuid)
		newIfaces = append(newIfaces, i)
	}
	if fakeIface {
		c.r.set(port, "bond_fake_iface", datum{keys: []any{true}})
	}
	for _, s := range settings {
		if err := c.setColumn(port, s); err != nil {
			return err
		}
	}
	c.addRef(br, "ports", port.uuid)
	// The settings may have changed anything of the port: cache it as
	// the database now has it.
	bc := c.cache()
	bc.addPort(br, port)
	for _, i := range newIfaces {
		bc.addIface(port, i)
	}
	return nil
}

func cmdDelPort(c *cmdCtx) error {
	args := c.inv.args
	name := args[len(args)-1]
	p, br := c.port(name)
	if p == nil && c.inv.has("--with-iface") {
		var i *row
		i, p, br = c.iface(name)
		_ = i
	}
	if p == nil {
		if c.inv.has("--if-exists") {
			return nil
		}
		if c.inv.has("--with-iface") {
			return fmt.Errorf("no port or interface named %s", name)
		}
		return fmt.Errorf("no port named %s", name)
	}
	if len(args) == 2 {
		want, err := c.bridge(args[0], true)
		if err != nil {
			return err
		}
		if want != br {
			return fmt.Errorf("bridge %s does not have a port %s", args[0], name)
		}
	}
	if p.getString("name") == br.getString("name") {
		return fmt.Errorf("cannot delete port %s because it is the local port for bridge %s (deleting this port requires deleting the entire bridge)", name, name)
	}
	c.deletePort(br, p)
	return nil
}

func cmdPortToBr(c *cmdCtx) error {
	p, br := c.port(c.inv.args[0])
	if p == nil {
		return fmt.Errorf("no port named %s", c.inv.args[0])
	}
	c.printf("%s\n", br.getString("name"))
	return nil
}

func cmdListIfaces(c *cmdCtx) error {
	br, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range c.refs(br, "ports", "Port") {
		if p.getString("name") == br.getString("name") {
			continue
		}
		for _, i := range c.refs(p, "interfaces", "Interface") {
			names = append(names, i.getString("name"))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c.printf("%s\n", n)
	}
	return nil
}

func cmdIfaceToBr(c *cmdCtx) error {
	i, _, br := c.iface(c.inv.args[0])
	if i == nil {
		return fmt.Errorf("no interface named %s", c.inv.args[0])
	}
	c.printf("%s\n", br.getString("name"))
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
