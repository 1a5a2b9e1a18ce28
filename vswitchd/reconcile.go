package vswitchd

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/normal"
)

// reconcile brings the running bridges to cfg (d.mu held). It never
// stops at a failure: what cannot be applied is logged and, for ports,
// reported in Interface.error.
func (d *daemon) reconcile(cfg *ovsConfig) {
	want := map[string]*bridgeConfig{}
	for _, bc := range cfg.Bridges {
		if _, dup := want[bc.Name]; dup {
			d.log.Warn("bridge ignored: duplicate name", "bridge", bc.Name)
			continue
		}
		if err := checkBridgeName(bc.Name); err != nil {
			d.log.Error("bridge ignored", "bridge", bc.Name, "err", err)
			continue
		}
		want[bc.Name] = bc
	}
	for name, b := range d.bridges {
		if _, ok := want[name]; !ok {
			b.close(true)
			delete(d.bridges, name)
		}
	}
	type running struct {
		b    *bridge
		bc   *bridgeConfig
		want map[string]wantPort
	}
	var todo []running
	// An interface belongs to one bridge: the first (by bridge name)
	// that lists it.
	owner := map[string]string{}
	for _, bc := range cfg.Bridges {
		if want[bc.Name] != bc {
			continue
		}
		b := d.bridges[bc.Name]
		if b == nil {
			var err error
			b, err = d.newBridge(bc, cfg.OtherConfig)
			if err != nil {
				d.log.Error("cannot create bridge", "bridge", bc.Name, "err", err)
				continue
			}
			d.bridges[bc.Name] = b
			b.pruneDatapathPorts(wantedDatapathPorts(bc))
		}
		b.uuid = bc.UUID
		todo = append(todo, running{b, bc, wantPorts(bc, owner)})
	}
	// Every bridge lets go of its stale ports before any adds, so that an
	// interface moving between bridges is free when its new bridge takes it.
	for _, r := range todo {
		d.removeStalePorts(r.b, r.want)
	}
	for _, r := range todo {
		d.applyBridge(r.b, r.bc, cfg.OtherConfig, r.want)
	}
}

// wantPort is the desired state of one interface.
type wantPort struct {
	pc *portConfig
	ic *ifaceConfig
	// err is set for an interface that cannot be a port.
	err string
}

// wantPorts lists a bridge's interfaces by name, claiming them in owner.
func wantPorts(bc *bridgeConfig, owner map[string]string) map[string]wantPort {
	want := map[string]wantPort{}
	for _, pc := range bc.Ports {
		for i, ic := range pc.Ifaces {
			w := wantPort{pc: pc, ic: ic}
			if o, taken := owner[ic.Name]; taken {
				w.err = fmt.Sprintf("interface %s is already in bridge %s", ic.Name, o)
			} else if i > 0 {
				w.err = fmt.Sprintf("port %s: bonds are not supported yet; only interface %s is used", pc.Name, pc.Ifaces[0].Name)
			}
			if _, dup := want[ic.Name]; dup {
				continue
			}
			want[ic.Name] = w
			if w.err == "" {
				owner[ic.Name] = bc.Name
			}
		}
	}
	return want
}

// removeStalePorts removes the ports that are gone or changed in a way
// that needs a new port (interface row, type, ofport_request).
func (d *daemon) removeStalePorts(b *bridge, want map[string]wantPort) {
	for name, p := range b.ports {
		w, ok := want[name]
		if ok && w.err == "" && w.ic.UUID == p.ifaceUUID && w.ic.Type == p.dbType && w.ic.OFPortRequest == p.request {
			continue
		}
		d.removePort(b, p)
	}
}

// checkBridgeName refuses names that cannot be a netdev (the bridge's
// LOCAL port carries it) or would escape the pin directory.
func checkBridgeName(n string) error {
	switch {
	case n == "" || n == "." || n == "..":
		return fmt.Errorf("name %q is not a valid bridge name", n)
	case len(n) > 15:
		return fmt.Errorf("name %q: longer than a network device name (15)", n)
	case strings.ContainsAny(n, "/ \t\n:"):
		return fmt.Errorf("name %q: contains '/', ':' or white space", n)
	}
	return nil
}

// wantedDatapathPorts names the ports a bridge's datapath may keep, with
// the hook each asks for (AttachDefault: whatever it has).
func wantedDatapathPorts(bc *bridgeConfig) map[string]datapath.AttachMode {
	want := map[string]datapath.AttachMode{}
	for _, pc := range bc.Ports {
		for _, ic := range pc.Ifaces {
			if _, err := portType(ic.Type); err != nil {
				continue
			}
			// A bad value keeps the port's pinned attachment: the port
			// reports the error and is not added.
			mode, _ := attachOption(ic.Attach)
			want[ic.Name] = mode
		}
	}
	return want
}

func (d *daemon) applyBridge(b *bridge, bc *bridgeConfig, global map[string]string, want map[string]wantPort) {
	// Bridge settings.
	oc := bc.OtherConfig
	set := b.settings
	if fm, err := ofproto.ParseFailMode(bc.FailMode); err != nil {
		b.log.Warn("bad fail_mode", "fail_mode", bc.FailMode, "err", err)
	} else {
		set.failMode = fm
	}
	if id, ok := datapathIDOption(oc); ok {
		set.dpid = id
	} else {
		set.dpid = 0
	}
	set.aging = time.Duration(intOption(oc, "mac-aging-time", 0)) * time.Second
	set.size = intOption(oc, "mac-table-size", 0)
	if set.failMode != b.settings.failMode {
		b.sw.SetFailMode(set.failMode)
	}
	if set.dpid != b.settings.dpid {
		b.sw.SetDatapathID(set.dpid)
	}
	if set.aging != b.settings.aging || set.size != b.settings.size {
		b.sw.SetMACLearning(set.aging, set.size)
	}
	// flow-limit and max-idle change at run time, as in Open vSwitch
	// (the revalidator applies them at its next pass).
	set.flowLimit, set.idle = cacheOptions(oc, global)
	if set.flowLimit != b.settings.flowLimit {
		b.sw.SetFlowLimit(set.flowLimit)
	}
	if set.idle != b.settings.idle {
		b.sw.SetIdleTimeout(set.idle)
	}
	b.settings = set
	d.applyNormalSettings(b, bc)

	for _, name := range addOrder(want) {
		w := want[name]
		vlan, vlanErr := vlanConfig(w.pc)
		attach, attachErr := attachOption(w.ic.Attach)
		if vlanErr == nil {
			vlanErr = attachErr
		}
		p := b.ports[name]
		if p == nil {
			p = &port{name: name, portUUID: w.pc.UUID, ifaceUUID: w.ic.UUID, dbType: w.ic.Type, request: w.ic.OFPortRequest,
				hint: w.ic.OFPort, vlan: vlan, attach: attach}
			b.ports[name] = p
			switch {
			case w.err != "":
				p.err = w.err
			case vlanErr != nil:
				p.err = vlanErr.Error()
			default:
				d.addPort(b, p)
			}
			continue
		}
		p.portUUID = w.pc.UUID
		if w.err != "" {
			p.err = w.err
			continue
		}
		if p.ofport == 0 {
			// Failed before: retry (a netdev may have appeared, a VLAN
			// or attach setting may have been fixed).
			p.vlan, p.attach = vlan, attach
			p.err = ""
			if vlanErr != nil {
				p.err = vlanErr.Error()
				continue
			}
			d.addPort(b, p)
			continue
		}
		if vlanErr != nil {
			p.err = vlanErr.Error()
			continue
		}
		if attach != p.attach {
			d.reattachPort(b, p, vlan, attach)
			continue
		}
		if !vlan.Equal(p.vlan) {
			if err := b.sw.SetPortVLAN(p.ofport, vlan); err != nil {
				p.err = err.Error()
				continue
			}
			p.vlan = vlan
		}
		p.err = ""
	}

	// Bridge.protocols restricts the versions of every session of the
	// bridge (controllers, listeners, the management socket), applied
	// before the controllers as Open vSwitch's bridge_configure_remotes().
	if !slices.Equal(bc.Protocols, b.protocols) {
		b.protocols = bc.Protocols
		if err := b.mgr.SetProtocols(allowedVersions(b.log, bc.Protocols)); err != nil {
			b.log.Warn("protocols", "err", err)
		}
	}

	// Controllers.
	var cs []ctrlTarget
	for _, cc := range bc.Controllers {
		cs = append(cs, ctrlTarget{Target: cc.Target,
			InactivityProbe: time.Duration(cc.InactivityProbe) * time.Millisecond,
			MaxBackoff:      time.Duration(cc.MaxBackoff) * time.Millisecond,
			RateLimit:       int(cc.RateLimit), BurstLimit: int(cc.BurstLimit)})
	}
	if !slices.Equal(cs, b.controllers) {
		if err := b.mgr.SetControllers(cs); err != nil {
			b.log.Warn("controllers", "err", err)
		}
		b.controllers = cs
	}

}

// addPort adds p to the Switch; on failure p.err says why and p.ofport
// stays 0 (the DB gets ofport -1).
func (d *daemon) addPort(b *bridge, p *port) {
	typ, err := portType(p.dbType)
	if err != nil {
		p.err = err.Error()
		covPortFail.Inc()
		return
	}
	p.noDevice, p.hasLink = false, false
	if typ == datapath.PortSystem && d.cfg.Links != nil {
		ev, err := d.cfg.Links.Lookup(p.name)
		if err != nil {
			if errors.Is(err, ErrNoDevice) {
				p.noDevice = true
				p.err = fmt.Sprintf("could not open network device %s (No such device)", p.name)
			} else {
				p.err = err.Error()
			}
			covPortFail.Inc()
			return
		}
		p.link, p.hasLink = ev, true
	}
	spec := ofproto.PortSpec{Name: p.name, Type: typ, VLAN: p.vlan, Attach: p.attach}
	if p.request > 0 {
		spec.OFPort = uint32(p.request)
	}
	if spec.OFPort == 0 && p.hint > 0 && p.hint < 0xff00 && b.portByOF(uint32(p.hint)) == nil {
		// The number the port had before (a restart): keep it, as Open
		// vSwitch does, so that controllers' flows still fit.
		spec.OFPort = uint32(p.hint)
	}
	info, err := b.sw.AddPort(spec)
	if err != nil && spec.OFPort != 0 && p.request == 0 {
		spec.OFPort = 0
		info, err = b.sw.AddPort(spec)
	}
	if err != nil {
		p.err = err.Error()
		covPortFail.Inc()
		b.log.Warn("cannot add port", "port", p.name, "err", err)
		return
	}
	p.ofport, p.dpPort, p.info, p.err = info.OFPort, info.DPPort, info, ""
	if d.cfg.Links != nil && !p.hasLink {
		// Tap and internal devices exist now that the datapath made them.
		if ev, err := d.cfg.Links.Lookup(p.name); err == nil {
			p.link, p.hasLink = ev, true
		}
	}
	if p.hasLink {
		b.sw.SetPortLink(p.ofport, p.link.LinkUp)
	}
	covPortAdd.Inc()
	b.log.Info("port added", "port", p.name, "ofport", p.ofport, "dp_port", p.dpPort)
}

// reattachPort moves a running port to another hook: the datapath port
// is deleted and added again (a BPF program cannot move between XDP and
// TC in place), under the OpenFlow number it had, so controllers' flows
// still fit. Controllers see port-status DELETE then ADD.
func (d *daemon) reattachPort(b *bridge, p *port, vlan normal.VLANConfig, attach datapath.AttachMode) {
	old := p.ofport
	if err := b.sw.DeletePort(old); err != nil {
		p.err = err.Error()
		b.log.Warn("cannot re-attach port", "port", p.name, "err", err)
		return
	}
	p.ofport, p.dpPort = 0, 0
	p.hint, p.vlan, p.attach = int64(old), vlan, attach
	d.addPort(b, p)
	if p.ofport != 0 {
		b.log.Info("port re-attached", "port", p.name, "attach", attach)
	}
}

// removePort takes p out of the Switch and forgets it.
func (d *daemon) removePort(b *bridge, p *port) {
	if p.ofport != 0 {
		if err := b.sw.DeletePort(p.ofport); err != nil {
			b.log.Warn("cannot delete port", "port", p.name, "err", err)
		} else {
			covPortDel.Inc()
			b.log.Info("port deleted", "port", p.name)
		}
	}
	delete(b.ports, p.name)
}

// linkEvent applies a netdev change (d.mu not held). It reports whether a
// reconfiguration is due (a missing netdev appeared).
func (d *daemon) linkEvent(ev LinkEvent) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	retry := false
	for _, b := range d.bridges {
		p := b.ports[ev.Name]
		if p == nil {
			continue
		}
		mine := p.ofport != 0 && (!p.hasLink || p.link.IfIndex == ev.IfIndex)
		switch {
		case ev.Gone && mine:
			// The netdev vanished: the port goes (its datapath
			// attachment went with the device); a system port comes
			// back when a netdev of that name appears, a tap or
			// internal one at the next reconfiguration.
			b.log.Warn("port's network device vanished", "port", p.name)
			if err := b.sw.DeletePort(p.ofport); err != nil {
				b.log.Warn("cannot delete port", "port", p.name, "err", err)
			}
			p.ofport, p.dpPort = 0, 0
			p.noDevice, p.hasLink = true, false
			p.link = LinkEvent{Name: p.name}
			p.err = fmt.Sprintf("could not open network device %s (No such device)", p.name)
		case !ev.Gone && p.ofport == 0 && p.noDevice && (p.dbType == "" || p.dbType == "system"):
			retry = true
		case !ev.Gone && mine:
			if !p.hasLink || ev.LinkUp != p.link.LinkUp {
				b.sw.SetPortLink(p.ofport, ev.LinkUp)
			}
			p.link, p.hasLink = ev, true
		}
	}
	return retry
}

// portType maps Interface.type to a datapath port type.
func portType(t string) (datapath.PortType, error) {
	switch t {
	case "", "system":
		return datapath.PortSystem, nil
	case "tap":
		return datapath.PortTap, nil
	case "internal":
		return datapath.PortInternal, nil
	}
	return 0, fmt.Errorf("type %s not supported yet", t)
}

// vlanConfig reads Port.tag, trunks and vlan_mode.
func vlanConfig(pc *portConfig) (normal.VLANConfig, error) {
	mode, err := normal.ParseVLANMode(pc.VLANMode)
	if err != nil {
		return normal.VLANConfig{}, err
	}
	v := normal.VLANConfig{Mode: mode, Tag: uint16(pc.Tag)}
	for _, t := range pc.Trunks {
		v.Trunks = append(v.Trunks, uint16(t))
	}
	// other_config:priority-tags: Open vSwitch takes any value it does
	// not know as "never" (port_configure() in bridge.c), so a bad value
	// is not the port's error either.
	if pt, err := normal.ParsePriorityTags(pc.OtherConfig["priority-tags"]); err == nil {
		v.PriorityTags = pt
	}
	if err := v.Validate(); err != nil {
		return normal.VLANConfig{}, err
	}
	return v, nil
}

// intOption reads a non-negative integer from other_config; def when
// absent or malformed.
func intOption(oc map[string]string, key string, def int) int {
	s, ok := oc[key]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return def
	}
	return n
}

// datapathIDOption reads other_config:datapath-id: exactly 16 hex digits,
// optionally after "0x" (ovs-vswitchd.conf.db(5)).
func datapathIDOption(oc map[string]string) (uint64, bool) {
	s := strings.TrimPrefix(strings.ToLower(oc["datapath-id"]), "0x")
	if len(s) != 16 {
		return 0, false
	}
	id, err := strconv.ParseUint(s, 16, 64)
	return id, err == nil
}

// addOrder lists the interfaces to add: those with an ofport_request
// first, then those with a number from before, then the rest, each by
// name, so that the numbers asked for are free when their ports come.
func addOrder(want map[string]wantPort) []string {
	rank := func(w wantPort) int {
		switch {
		case w.ic.OFPortRequest > 0:
			return 0
		case w.ic.OFPort > 0:
			return 1
		}
		return 2
	}
	names := sortedKeys(want)
	slices.SortStableFunc(names, func(a, b string) int { return rank(want[a]) - rank(want[b]) })
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
