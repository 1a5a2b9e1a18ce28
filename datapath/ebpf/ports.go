package ebpf

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/vishvananda/netlink"

	"github.com/xvs-switch/xvs/datapath"
)

// AddPort implements datapath.Datapath. A system port attaches to an
// existing netdev; a tap port creates a persistent tap device (a VM opens
// it); an internal port creates a veth pair: the host side carries the
// port's name (the host puts its address there), the datapath attaches to
// the other side, named by internalPeerName.
func (d *Datapath) AddPort(cfg datapath.PortConfig) (datapath.Port, error) {
	if err := d.enter(); err != nil {
		return datapath.Port{}, err
	}
	defer d.leave()
	d.mu.Lock()
	defer d.mu.Unlock()
	if cfg.Name == "" || len(cfg.Name) > 15 {
		return datapath.Port{}, fmt.Errorf("add port: name %q: want 1 to 15 characters", cfg.Name)
	}
	recs, err := d.ports.list()
	if err != nil {
		return datapath.Port{}, err
	}
	used := map[uint32]bool{}
	for _, r := range recs {
		if r.name == cfg.Name || r.number == cfg.Number {
			return datapath.Port{}, fmt.Errorf("add port %s: %w", cfg.Name, datapath.ErrPortExists)
		}
		used[r.number] = true
	}
	if len(recs) >= maxPorts {
		return datapath.Port{}, fmt.Errorf("add port %s: at most %d ports", cfg.Name, maxPorts)
	}
	// The fast path indexes arrays by port number (port_counters).
	if cfg.Number > maxPorts {
		return datapath.Port{}, fmt.Errorf("add port %s: number %d: want 1 to %d", cfg.Name, cfg.Number, maxPorts)
	}
	num := cfg.Number
	for num == 0 {
		for n := uint32(1); ; n++ {
			if !used[n] {
				num = n
				break
			}
		}
	}
	dev, created, err := d.portDevice(cfg)
	if err != nil {
		return datapath.Port{}, err
	}
	r := portRecord{number: num, ifindex: uint32(dev.Attrs().Index), typ: cfg.Type, attach: cfg.Attach, name: cfg.Name}
	kind := dev.Type()
	if r.attach == datapath.AttachDefault {
		// XDP for NICs; TC for veth, tap and internal ports, so that
		// checksum-offloaded TCP and GSO survive forwarding.
		r.attach = datapath.AttachXDP
		if kind == "veth" || kind == "tuntap" || cfg.Type != datapath.PortSystem {
			r.attach = datapath.AttachTC
		}
	}
	// Outputs to a port XDP cannot redirect to are passed to TC. A veth
	// explicitly in XDP mode accepts XDP redirects once its peer runs
	// NAPI (its user chose raw packet rate over offloads).
	if r.attach != datapath.AttachXDP || kind == "tuntap" || cfg.Type != datapath.PortSystem {
		r.flags |= portFlagSKB
	}
	if kind == "veth" && r.attach == datapath.AttachXDP {
		if err := enablePeerNAPI(dev); err != nil {
			d.log.Warn("xdp veth port: outputs to it go through tc", "port", cfg.Name, "err", err)
			r.flags |= portFlagSKB
		}
	}
	if kind == "veth" && r.attach == datapath.AttachTC && dev.Attrs().NetNsID >= 0 {
		// The peer lives in another namespace: bpf_redirect_peer puts
		// packets straight into it, skipping a pass through this end's
		// transmit path (the kernel drops a peer redirect within one
		// namespace, hence the check).
		r.flags |= portFlagPeer
	}
	fail := func(err error) (datapath.Port, error) {
		d.ports.remove(num)
		d.detach(num)
		if created {
			removeDevice(cfg)
		}
		return datapath.Port{}, fmt.Errorf("add port %s: %w", cfg.Name, err)
	}
	// Counts a port of this number left in wide_counters are not the
	// new port's (a process that stopped before removing it).
	if err := d.flows.wide.retire(num); err != nil {
		return fail(err)
	}
	if err := d.ports.add(r); err != nil {
		return fail(err)
	}
	if err := d.attach(r); err != nil {
		return fail(err)
	}
	if err := d.ports.enable(r); err != nil {
		return fail(err)
	}
	return d.portOf(r)
}

// internalPeerName names the datapath's side of an internal port's veth
// pair: derived from the port name, within the 15-byte limit.
func internalPeerName(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("xvi%08x", h.Sum32())
}

// portDevice finds or creates the netdev of a port; for an internal port it
// returns the side the datapath attaches to.
func (d *Datapath) portDevice(cfg datapath.PortConfig) (netlink.Link, bool, error) {
	switch cfg.Type {
	case datapath.PortSystem:
		l, err := netlink.LinkByName(cfg.Name)
		if err != nil {
			return nil, false, fmt.Errorf("add port %s: %w", cfg.Name, err)
		}
		return l, false, nil
	case datapath.PortTap:
		tap := &netlink.Tuntap{LinkAttrs: netlink.LinkAttrs{Name: cfg.Name}, Mode: netlink.TUNTAP_MODE_TAP,
			Flags: netlink.TUNTAP_NO_PI | netlink.TUNTAP_ONE_QUEUE}
		if err := netlink.LinkAdd(tap); err != nil {
			return nil, false, fmt.Errorf("add port %s: create tap: %w", cfg.Name, err)
		}
		for _, f := range tap.Fds {
			f.Close() // the device is persistent; a VM opens its own queue
		}
		l, err := netlink.LinkByName(cfg.Name)
		if err == nil {
			err = netlink.LinkSetUp(l)
		}
		if err != nil {
			removeDevice(cfg)
			return nil, false, fmt.Errorf("add port %s: %w", cfg.Name, err)
		}
		return l, true, nil
	case datapath.PortInternal:
		peer := internalPeerName(cfg.Name)
		veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: cfg.Name}, PeerName: peer}
		if err := netlink.LinkAdd(veth); err != nil {
			return nil, false, fmt.Errorf("add port %s: create internal device: %w", cfg.Name, err)
		}
		host, err := netlink.LinkByName(cfg.Name)
		if err == nil {
			err = netlink.LinkSetUp(host)
		}
		var l netlink.Link
		if err == nil {
			l, err = netlink.LinkByName(peer)
		}
		if err == nil {
			err = netlink.LinkSetUp(l)
		}
		if err != nil {
			removeDevice(cfg)
			return nil, false, fmt.Errorf("add port %s: %w", cfg.Name, err)
		}
		return l, true, nil
	}
	return nil, false, fmt.Errorf("add port %s: unknown type %v", cfg.Name, cfg.Type)
}

func removeDevice(cfg datapath.PortConfig) {
	if cfg.Type == datapath.PortSystem {
		return
	}
	if l, err := netlink.LinkByName(cfg.Name); err == nil {
		netlink.LinkDel(l)
	}
}

func linkPin(pinDir string, num uint32, hook string) string {
	return filepath.Join(linksDir(pinDir), fmt.Sprintf("port%d-%s", num, hook))
}

// attach attaches the port's programs and pins the links, so they stay
// attached when the process exits. An XDP port gets the TC program too:
// XDP passes it what it cannot run (see pipeline.h).
func (d *Datapath) attach(r portRecord) error {
	idx := int(r.ifindex)
	tc, err := link.AttachTCX(link.TCXOptions{Interface: idx, Program: d.objs.tc.XvsTcIngress, Attach: ebpf.AttachTCXIngress})
	if err != nil {
		return fmt.Errorf("attach tcx: %w", err)
	}
	d.links[r.number] = append(d.links[r.number], tc)
	if err := tc.Pin(linkPin(d.pinDir, r.number, "tc")); err != nil {
		return fmt.Errorf("pin tcx link: %w", err)
	}
	if r.attach != datapath.AttachXDP {
		return nil
	}
	x, err := link.AttachXDP(link.XDPOptions{Interface: idx, Program: d.objs.xdp.XvsXdpIngress, Flags: link.XDPDriverMode})
	if err != nil {
		// No native XDP in the driver: generic XDP still runs the
		// same program, slower.
		x, err = link.AttachXDP(link.XDPOptions{Interface: idx, Program: d.objs.xdp.XvsXdpIngress, Flags: link.XDPGenericMode})
	}
	if err != nil {
		return fmt.Errorf("attach xdp: %w", err)
	}
	d.links[r.number] = append(d.links[r.number], x)
	if err := x.Pin(linkPin(d.pinDir, r.number, "xdp")); err != nil {
		return fmt.Errorf("pin xdp link: %w", err)
	}
	return nil
}

// detach unpins and closes a port's links, which detaches the programs.
func (d *Datapath) detach(num uint32) {
	for _, l := range d.links[num] {
		l.Unpin()
		l.Close()
	}
	delete(d.links, num)
	for _, hook := range []string{"tc", "xdp"} {
		p := linkPin(d.pinDir, num, hook)
		if l, err := link.LoadPinnedLink(p, nil); err == nil {
			l.Unpin()
			l.Close()
		}
		os.Remove(p)
	}
}

// reattach takes over the links pinned by an earlier process and points
// them at this process's programs (identical code, same pinned maps).
func (d *Datapath) reattach() error {
	recs, err := d.ports.list()
	if err != nil {
		return err
	}
	for _, r := range recs {
		// Pins of a build without tx_ports, or a device that came
		// back: the slot is derived from the port's record.
		if err := d.ports.addTx(r); err != nil {
			d.log.Warn("reattach", "port", r.name, "err", err)
		}
		var pi tcportPortInfo
		if err := d.ports.in.Lookup(r.ifindex, &pi); err == nil {
			if err := d.ports.claimSlot(r.ifindex, pi.PortNo); err != nil {
				d.log.Warn("reattach", "port", r.name, "err", err)
			}
		}
		for _, hook := range []string{"tc", "xdp"} {
			l, err := link.LoadPinnedLink(linkPin(d.pinDir, r.number, hook), nil)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				d.log.Warn("reattach", "port", r.name, "hook", hook, "err", err)
				continue
			}
			prog := d.objs.tc.XvsTcIngress
			if hook == "xdp" {
				prog = d.objs.xdp.XvsXdpIngress
			}
			if err := l.Update(prog); err != nil {
				d.log.Warn("reattach: update program", "port", r.name, "hook", hook, "err", err)
			}
			d.links[r.number] = append(d.links[r.number], l)
		}
	}
	return nil
}

// DeletePort implements datapath.Datapath.
func (d *Datapath) DeletePort(number uint32) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	d.mu.Lock()
	defer d.mu.Unlock()
	r, err := d.ports.remove(number)
	if err != nil {
		return err
	}
	d.detach(number)
	// A later port may take the number: it must not inherit this one's
	// port-wide entry (its flows copy stays, for the caller to delete).
	d.flows.endWide(number)
	if err := d.flows.wide.retire(number); err != nil {
		d.log.Warn("delete port: its port-wide counts", "port", number, "err", err)
	}
	removeDevice(datapath.PortConfig{Name: r.name, Type: r.typ})
	return nil
}

// Ports implements datapath.Datapath.
func (d *Datapath) Ports() ([]datapath.Port, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	recs, err := d.ports.list()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b portRecord) int { return cmp.Compare(a.number, b.number) })
	out := make([]datapath.Port, 0, len(recs))
	for _, r := range recs {
		p, err := d.portOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (d *Datapath) portOf(r portRecord) (datapath.Port, error) {
	st, err := d.ports.stats(r.number)
	if err != nil {
		return datapath.Port{}, err
	}
	// Packets a port-wide entry took count only in wide_counters.
	w, err := d.flows.wide.sum(r.number)
	if err != nil {
		return datapath.Port{}, err
	}
	st.RxPackets += w.Packets
	st.RxBytes += w.Bytes
	return datapath.Port{Number: r.number, Name: r.name, Type: r.typ, Attach: r.attach,
		IfIndex: int(r.ifindex), Stats: st}, nil
}
