package ofproto

// The NORMAL action (spec 1.3.5 §4.5: "the traditional non-OpenFlow
// pipeline of the switch") through package normal: MAC learning and VLANs
// as Open vSwitch does them.

import (
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// portViews describes the ports for NORMAL; s.mu is held.
func (s *Switch) portViews() []normal.PortView {
	ps := s.sortedPorts()
	out := make([]normal.PortView, 0, len(ps))
	for _, p := range ps {
		out = append(out, normal.PortView{
			Port:       p.ofport,
			VLAN:       p.vlan,
			CanForward: p.linkUp && p.config&(ofp.PortConfigDown|ofp.PortConfigNoFwd) == 0,
			NoFlood:    p.config&portConfigNoFlood != 0,
		})
	}
	return out
}

// dpPortOf maps an OpenFlow port to its datapath port; s.mu is held.
func (s *Switch) dpPortOf(ofport uint32) (uint32, bool) {
	if p := s.ports[ofport]; p != nil {
		return p.dpPort, true
	}
	return 0, false
}

// normal runs the NORMAL action on the packet as it is now.
func (x *xctx) normal() {
	x.impure = true
	usesNormal(&x.wc)
	views := x.s.portViews()
	var d normal.Decision
	if x.learn && x.shared {
		// An upcall handler under s.mu.RLock: it may refresh the MAC
		// table but not change it.
		var ok bool
		if d, ok = x.s.normal.ForwardShared(x.inPort, &x.key, views); !ok {
			x.needLock = true
		}
	} else if x.learn {
		d = x.s.normal.Forward(x.inPort, &x.key, views)
		for _, c := range []*normal.Change{d.Learned, d.Evicted} {
			if c != nil {
				x.changes = append(x.changes, *c)
			}
		}
	} else {
		d = x.s.normal.Decide(x.inPort, &x.key, views)
	}
	if x.key.Fields.Has(datapath.FieldEth) {
		x.d.dsts = append(x.d.dsts, macDep{vlan: d.VLAN, mac: x.key.EthDst})
		if x.inPort < uint32(ofp.PortMax) {
			x.d.learned = append(x.d.learned, learnDep{vlan: d.VLAN, mac: x.key.EthSrc, port: x.inPort})
		}
	}
	if x.tr != nil {
		for _, l := range d.Explain(x.s.portName) {
			x.note("%s", l)
		}
	}
	var tag *datapath.VLANTag
	if x.key.Fields.Has(datapath.FieldVLAN0) {
		t := x.key.VLAN[0]
		tag = &t
	}
	save := x.key
	for _, a := range d.Actions(tag, x.s.dpPortOf) {
		x.emit(a)
	}
	// NORMAL's tag edits are for its own outputs: the actions after it
	// see the packet as it was (as in Open vSwitch).
	x.out = append(x.out, restoreKey(&x.key, &save)...)
	x.key = save
}

// portName names an OpenFlow port for trace; s.mu is held.
func (s *Switch) portName(ofport uint32) string {
	if p := s.ports[ofport]; p != nil {
		return p.name
	}
	return normal.PortName(ofport)
}

// MACs lists the MAC learning table.
func (s *Switch) MACs() []normal.Entry { return s.macs.Entries() }

// FlushMACs empties the MAC learning table and revalidates the entries
// that forwarded to learned addresses.
func (s *Switch) FlushMACs() {
	s.mu.Lock()
	defer s.unlock()
	s.macChanged(s.macs.Flush())
}

// MACStats returns the MAC learning table's counters.
func (s *Switch) MACStats() normal.Stats { return s.macs.Stats() }
