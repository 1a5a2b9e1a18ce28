package vsctl

// The bridge cache: bridges, ports and interfaces by name, and who contains
// whom, as ovs-vsctl's vsctl_context_populate_cache keeps them. The bridge
// commands keep it up to date as they change things; the generic database
// commands (set, remove, destroy, ...) can change anything, so after one
// of them the cache is rebuilt on next use. Without it, each add-port of
// a 10,000-port transaction would scan every port.

type bridgeCache struct {
	bridges   map[string]*row // by name, bridges Open_vSwitch references
	ports     map[string]*row // by name, ports on those bridges
	ifaces    map[string]*row // by name, interfaces on those ports
	portBr    map[*row]*row   // port -> its bridge
	ifacePort map[*row]*row   // interface -> its port
}

func (c *cmdCtx) cache() *bridgeCache {
	if c.r.cache != nil {
		return c.r.cache
	}
	bc := &bridgeCache{
		bridges: map[string]*row{}, ports: map[string]*row{}, ifaces: map[string]*row{},
		portBr: map[*row]*row{}, ifacePort: map[*row]*row{},
	}
	for _, br := range c.refs(c.ovs(), "bridges", "Bridge") {
		if _, dup := bc.bridges[br.getString("name")]; dup {
			continue
		}
		bc.addBridge(br)
		for _, p := range c.refs(br, "ports", "Port") {
			if _, dup := bc.ports[p.getString("name")]; dup {
				continue
			}
			bc.addPort(br, p)
			for _, i := range c.refs(p, "interfaces", "Interface") {
				if _, dup := bc.ifaces[i.getString("name")]; dup {
					continue
				}
				bc.addIface(p, i)
			}
		}
	}
	c.r.cache = bc
	return bc
}

func (bc *bridgeCache) addBridge(br *row) { bc.bridges[br.getString("name")] = br }

func (bc *bridgeCache) addPort(br, p *row) {
	bc.ports[p.getString("name")] = p
	bc.portBr[p] = br
}

func (bc *bridgeCache) addIface(p, i *row) {
	bc.ifaces[i.getString("name")] = i
	bc.ifacePort[i] = p
}

func (bc *bridgeCache) delIface(i *row) {
	delete(bc.ifaces, i.getString("name"))
	delete(bc.ifacePort, i)
}

func (bc *bridgeCache) delPort(p *row) {
	delete(bc.ports, p.getString("name"))
	delete(bc.portBr, p)
}

func (bc *bridgeCache) delBridge(br *row) { delete(bc.bridges, br.getString("name")) }
