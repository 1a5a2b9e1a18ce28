package vsctl

// Open vSwitch, bridge, port and interface commands of ovs-vsctl(8),
// fake (VLAN) bridges included: see cache.go for how they are modelled.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

func (c *cmdCtx) bridge(name string, mustExist bool) (*vbridge, error) {
	vb := c.cache().bridges[name]
	if vb == nil && mustExist {
		return nil, fmt.Errorf("no bridge named %s", name)
	}
	return vb, nil
}

// port returns the port with the given name that is on a bridge, and the
// bridge it belongs to.
func (c *cmdCtx) port(name string) (*row, *vbridge) {
	bc := c.cache()
	p := bc.ports[name]
	return p, bc.portBr[p]
}

// iface returns the interface with the given name that is on a port of a
// bridge, with that port and bridge.
func (c *cmdCtx) iface(name string) (*row, *row, *vbridge) {
	bc := c.cache()
	i := bc.ifaces[name]
	if i == nil {
		return nil, nil, nil
	}
	p := bc.ifacePort[i]
	return i, p, bc.portBr[p]
}

// atoi converts as C's atoi does: the leading integer, 0 if none.
func atoi(s string) int64 {
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// checkConflicts refuses a name that a bridge, port or interface already
// has (ovs-vsctl's check_conflicts); msg starts the error.
func (c *cmdCtx) checkConflicts(name, msg string) error {
	bc := c.cache()
	if bc.bridges[name] != nil {
		return fmt.Errorf("%s because a bridge named %s already exists", msg, name)
	}
	if p, vb := c.port(name); p != nil {
		return fmt.Errorf("%s because a port named %s already exists on bridge %s", msg, name, vb.name)
	}
	if i, _, vb := c.iface(name); i != nil {
		return fmt.Errorf("%s because an interface named %s already exists on bridge %s", msg, name, vb.name)
	}
	return nil
}

func cmdAddBr(c *cmdCtx) error {
	args := c.inv.args
	name := args[0]
	if len(args) == 2 {
		return fmt.Errorf("'add-br' command takes exactly 1 or 3 arguments")
	}
	var vlan int64
	if len(args) == 3 {
		if vlan = atoi(args[2]); vlan < 0 || vlan > 4095 {
			return fmt.Errorf("add-br: vlan must be between 0 and 4095")
		}
	}
	if vb, _ := c.bridge(name, false); vb != nil && c.inv.has("--may-exist") {
		switch {
		case len(args) == 1 && vb.parent != nil:
			return fmt.Errorf("\"--may-exist add-br %s\" but %s is a VLAN bridge for VLAN %d", name, name, vb.vlan)
		case len(args) == 3 && vb.parent == nil:
			return fmt.Errorf("\"--may-exist add-br %s %s %d\" but %s is not a VLAN bridge", name, args[1], vlan, name)
		case len(args) == 3 && vb.parent.name != args[1]:
			return fmt.Errorf("\"--may-exist add-br %s %s %d\" but %s has the wrong parent %s", name, args[1], vlan, name, vb.parent.name)
		case len(args) == 3 && vb.vlan != vlan:
			return fmt.Errorf("\"--may-exist add-br %s %s %d\" but %s is a VLAN bridge for the wrong VLAN %d", name, args[1], vlan, name, vb.vlan)
		}
		return nil
	}
	if err := c.checkConflicts(name, "cannot create a bridge named "+name); err != nil {
		return err
	}
	var parent *vbridge
	bc := c.cache()
	if len(args) == 3 {
		if parent, _ = c.bridge(args[1], false); parent == nil {
			return fmt.Errorf("parent bridge %s does not exist", args[1])
		}
		if parent.parent != nil {
			return fmt.Errorf("cannot create bridge with fake bridge as parent")
		}
		for _, fb := range bc.bridges {
			if fb.parent == parent && fb.vlan == vlan {
				return fmt.Errorf("bridge %s already has a child VLAN bridge %s on VLAN %d", parent.name, fb.name, vlan)
			}
		}
	}
	iface := c.newRow("Interface", map[string]string{"name": name, "type": "internal"})
	port := c.newRow("Port", map[string]string{"name": name})
	c.addRef(port, "interfaces", iface.uuid)
	if parent == nil {
		br := c.newRow("Bridge", map[string]string{"name": name})
		c.addRef(br, "ports", port.uuid)
		c.addRef(c.ovs(), "bridges", br.uuid)
		vb := &vbridge{name: name, row: br}
		bc.bridges[name] = vb
		bc.addPort(vb, port)
		bc.addIface(port, iface)
		return nil
	}
	// A fake bridge's own port and interface are not ports of any bridge
	// as the commands see them (ovs-vsctl's cache skips them too).
	c.r.set(port, "fake_bridge", datum{keys: []any{true}})
	c.r.set(port, "tag", datum{keys: []any{vlan}})
	c.addRef(parent.row, "ports", port.uuid)
	vb := &vbridge{name: name, row: parent.row, parent: parent, vlan: vlan, port: port}
	// Ports of the parent already tagged with this VLAN now belong to the
	// new fake bridge.
	for _, p := range c.portsOf(parent) {
		if tagOf(p) == vlan {
			bc.portBr[p] = vb
		}
	}
	bc.bridges[name] = vb
	return nil
}

// deletePort removes a port, and its interfaces, from the database.
func (c *cmdCtx) deletePort(p *row) {
	bc := c.cache()
	c.delRef(bc.portBr[p].row, "ports", p.uuid)
	for _, i := range c.refs(p, "interfaces", "Interface") {
		bc.delIface(i)
		c.r.delete(i)
	}
	bc.delPort(p)
	c.r.delete(p)
}

func cmdDelBr(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], !c.inv.has("--if-exists"))
	if vb == nil {
		return err
	}
	bc := c.cache()
	if vb.parent != nil {
		for _, p := range c.portsOf(vb) {
			c.deletePort(p)
		}
		c.delRef(vb.row, "ports", vb.port.uuid)
		c.r.delete(vb.port)
		delete(bc.bridges, vb.name)
		return nil
	}
	for _, p := range c.refs(vb.row, "ports", "Port") {
		if bc.portBr[p] != nil {
			c.deletePort(p)
		} else {
			// Fake bridges' own ports.
			c.delRef(vb.row, "ports", p.uuid)
			c.r.delete(p)
		}
	}
	for name, fb := range bc.bridges {
		if fb == vb || fb.parent == vb {
			delete(bc.bridges, name)
		}
	}
	c.delRef(c.ovs(), "bridges", vb.row.uuid)
	c.r.delete(vb.row)
	return nil
}

func cmdListBr(c *cmdCtx) error {
	real, fake := c.inv.has("--real"), c.inv.has("--fake")
	var names []string
	for name, vb := range c.cache().bridges {
		if vb.parent == nil && fake || vb.parent != nil && real {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, n := range names {
		c.printf("%s\n", n)
	}
	return nil
}

func cmdBrExists(c *cmdCtx) error {
	if vb, _ := c.bridge(c.inv.args[0], false); vb == nil {
		c.exit = 2
	}
	return nil
}

func cmdBrToVlan(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	c.printf("%d\n", vb.vlan)
	return nil
}

func cmdBrToParent(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	if vb.parent != nil {
		vb = vb.parent
	}
	c.printf("%s\n", vb.name)
	return nil
}

// externalIDs says where a bridge's external IDs live: the Bridge row, or
// for a fake bridge its Port with keys prefixed "fake-bridge-".
func externalIDs(vb *vbridge) (*row, string) {
	if vb.parent != nil {
		return vb.port, "fake-bridge-"
	}
	return vb.row, ""
}

func cmdBrSetExternalID(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	rw, prefix := externalIDs(vb)
	d := rw.get("external_ids").clone()
	key := prefix + c.inv.args[1]
	if i := d.find(key); i >= 0 {
		d.keys = append(d.keys[:i], d.keys[i+1:]...)
		d.vals = append(d.vals[:i], d.vals[i+1:]...)
	}
	if len(c.inv.args) == 3 {
		d.keys = append(d.keys, key)
		d.vals = append(d.vals, c.inv.args[2])
		d.sort()
	}
	c.r.set(rw, "external_ids", d)
	return nil
}

func cmdBrGetExternalID(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	rw, prefix := externalIDs(vb)
	d := rw.get("external_ids")
	for i, k := range d.keys {
		ks, _ := k.(string)
		if !strings.HasPrefix(ks, prefix) {
			continue
		}
		ks = ks[len(prefix):]
		if len(c.inv.args) == 2 {
			if ks == c.inv.args[1] {
				c.printf("%s\n", d.vals[i])
			}
			continue
		}
		c.printf("%s=%s\n", ks, d.vals[i])
	}
	return nil
}

func cmdListPorts(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range c.portsOf(vb) {
		if n := p.getString("name"); n != vb.name {
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
	vb, err := c.bridge(brName, true)
	if err != nil {
		return err
	}
	if p, pvb := c.port(portName); p != nil && c.inv.has("--may-exist") {
		if pvb != vb {
			return fmt.Errorf("\"--may-exist add-port %s %s\" but %s is actually attached to bridge %s", brName, portName, portName, pvb.name)
		}
		return nil
	}
	if err := c.checkConflicts(portName, "cannot create a port named "+portName); err != nil {
		return err
	}
	for _, name := range ifaces {
		if err := c.checkConflicts(name, "cannot create an interface named "+name); err != nil {
			return err
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
	if vb.parent != nil {
		c.r.set(port, "tag", datum{keys: []any{vb.vlan}})
	}
	for _, s := range settings {
		if err := c.setColumn(port, s); err != nil {
			return err
		}
	}
	c.addRef(vb.row, "ports", port.uuid)
	bc := c.cache()
	bc.addPort(vb, port)
	for _, i := range newIfaces {
		bc.addIface(port, i)
	}
	return nil
}

func cmdDelPort(c *cmdCtx) error {
	args := c.inv.args
	name := args[len(args)-1]
	p, vb := c.port(name)
	if p == nil && c.inv.has("--with-iface") {
		_, p, vb = c.iface(name)
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
		if want != vb {
			if vb.parent == want {
				return fmt.Errorf("bridge %s does not have a port %s (although its child bridge %s does)", args[0], name, vb.name)
			}
			return fmt.Errorf("bridge %s does not have a port %s", args[0], name)
		}
	}
	if p.getString("name") == vb.name {
		return fmt.Errorf("cannot delete port %s because it is the local port for bridge %s (deleting this port requires deleting the entire bridge)", name, name)
	}
	c.deletePort(p)
	return nil
}

func cmdPortToBr(c *cmdCtx) error {
	p, vb := c.port(c.inv.args[0])
	if p == nil {
		return fmt.Errorf("no port named %s", c.inv.args[0])
	}
	c.printf("%s\n", vb.name)
	return nil
}

func cmdListIfaces(c *cmdCtx) error {
	vb, err := c.bridge(c.inv.args[0], true)
	if err != nil {
		return err
	}
	var names []string
	for _, p := range c.portsOf(vb) {
		if p.getString("name") == vb.name {
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
	i, _, vb := c.iface(c.inv.args[0])
	if i == nil {
		return fmt.Errorf("no interface named %s", c.inv.args[0])
	}
	c.printf("%s\n", vb.name)
	return nil
}
