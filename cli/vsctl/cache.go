package vsctl

// The bridge cache: bridges (real and fake), ports and interfaces by name,
// and who owns whom, as ovs-vsctl's vsctl_context_populate_cache builds
// them. The bridge commands keep it up to date as they change things; the
// generic database commands (set, remove, destroy, ...) can change
// anything, so after one of them the cache is rebuilt on next use. Without
// it, each add-port of a 10,000-port transaction would scan every port.
//
// A fake bridge (ovs-vsctl(8), "Linux VLAN bridging compatibility") has no
// Bridge row: it is a Port of its parent with fake_bridge=true and a tag,
// and the parent's ports with that tag belong to it.

import "github.com/xvs-switch/xvs/ovsdb/notation"

// vbridge is a bridge as the commands see it.
type vbridge struct {
	name   string
	row    *row     // the Bridge row: its own, or its parent's for a fake bridge
	parent *vbridge // nil for a real bridge
	vlan   int64    // a fake bridge's VLAN; 0 for a real bridge
	port   *row     // a fake bridge's own Port (fake_bridge=true)
}

type bridgeCache struct {
	bridges   map[string]*vbridge // by name
	ports     map[string]*row     // by name, ports on bridges
	ifaces    map[string]*row     // by name, interfaces on those ports
	portBr    map[*row]*vbridge   // port -> the bridge it belongs to
	ifacePort map[*row]*row       // interface -> its port
}

// fakeVLAN says whether a port is a fake bridge's own port, and its VLAN.
func fakeVLAN(p *row) (int64, bool) {
	fb := p.get("fake_bridge")
	tag := p.get("tag")
	if len(fb.keys) != 1 || fb.keys[0] != true || len(tag.keys) != 1 {
		return 0, false
	}
	v, ok := tag.keys[0].(int64)
	return v, ok && v >= 0 && v <= 4095
}

// tagOf returns a port's tag, or -1.
func tagOf(p *row) int64 {
	if d := p.get("tag"); len(d.keys) == 1 {
		if v, ok := d.keys[0].(int64); ok {
			return v
		}
	}
	return -1
}

func (c *cmdCtx) cache() *bridgeCache {
	if c.r.cache != nil {
		return c.r.cache
	}
	bc := &bridgeCache{
		bridges: map[string]*vbridge{}, ports: map[string]*row{}, ifaces: map[string]*row{},
		portBr: map[*row]*vbridge{}, ifacePort: map[*row]*row{},
	}
	c.r.cache = bc // owner() looks fake bridges up in it while it is built
	var reals []*vbridge
	for _, br := range c.refs(c.ovs(), "bridges", "Bridge") {
		name := br.getString("name")
		if bc.bridges[name] != nil {
			continue
		}
		vb := &vbridge{name: name, row: br}
		bc.bridges[name] = vb
		reals = append(reals, vb)
	}
	for _, vb := range reals {
		for _, p := range c.refs(vb.row, "ports", "Port") {
			if vlan, ok := fakeVLAN(p); ok && bc.bridges[p.getString("name")] == nil {
				name := p.getString("name")
				bc.bridges[name] = &vbridge{name: name, row: vb.row, parent: vb, vlan: vlan, port: p}
			}
		}
	}
	for _, vb := range reals {
		for _, p := range c.refs(vb.row, "ports", "Port") {
			if bc.ports[p.getString("name")] != nil {
				continue
			}
			if fb := bc.bridges[p.getString("name")]; fb != nil && fb.port == p {
				continue // a fake bridge's own port is not a port
			}
			bc.addPort(c.owner(vb, tagOf(p)), p)
			for _, i := range c.refs(p, "interfaces", "Interface") {
				if bc.ifaces[i.getString("name")] == nil {
					bc.addIface(p, i)
				}
			}
		}
	}
	return bc
}

// owner returns the bridge a port with the given tag on real bridge vb
// belongs to: the fake bridge of that VLAN, if vb has one.
func (c *cmdCtx) owner(vb *vbridge, tag int64) *vbridge {
	if tag >= 0 {
		for _, fb := range c.r.cache.bridges {
			if fb.parent == vb && fb.vlan == tag {
				return fb
			}
		}
	}
	return vb
}

func (bc *bridgeCache) addPort(vb *vbridge, p *row) {
	bc.ports[p.getString("name")] = p
	bc.portBr[p] = vb
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

// portsOf returns the ports that belong to vb, in the Bridge row's order.
func (c *cmdCtx) portsOf(vb *vbridge) []*row {
	bc := c.cache()
	var out []*row
	for _, k := range vb.row.get("ports").keys {
		u, _ := k.(notation.UUID)
		if p := c.r.lookup(c.table("Port"), u); p != nil && bc.portBr[p] == vb {
			out = append(out, p)
		}
	}
	return out
}
