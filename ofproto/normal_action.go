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
	views := x.s.portViews()
	var d normal.Decision
	if x.learn {
		d = x.s.normal.Forward(x.inPort, &x.key, views)
		for _, c := range []*normal.Change{d.Learned, d.Evicted} {
			if c != nil {
				x.changes = append(x.changes, *c)
			}
		}
	} else {
		d = x.s.decideNoLearn(x.inPort, &x.key, views)
	}
	if x.key.Fields.Has(datapath.FieldEth) {
		x.d.dsts = append(x.d.dsts, macDep{vlan: d.VLAN, mac: x.key.EthDst})
		if x.inPort < uint32(ofp.PortMax) {
			x.d.learned = append(x.d.learned, learnDep{vlan: d.VLAN, mac: x.key.EthSrc, port: x.inPort})
		}
	}
	x.note("NORMAL: %s", d.Why)
	var tag *datapath.VLANTag
	if x.key.Fields.Has(datapath.FieldVLAN0) {
		t := x.key.VLAN[0]
		tag = &t
	}
	for _, a := range d.Actions(tag, x.s.dpPortOf) {
		x.emit(a)
	}
}

// decideNoLearn is NORMAL's decision without learning the source, for
// revalidation and trace, which must not change the MAC table: the same
// steps as normal.Normal.Forward (input VLAN, reserved destinations,
// learned destination or flood) minus the learning.
func (s *Switch) decideNoLearn(in uint32, key *datapath.FlowKey, ports []normal.PortView) normal.Decision {
	d := normal.Decision{In: in, Src: key.EthSrc, Dst: key.EthDst, TPID: datapath.EthTypeVLAN}
	drop := func(why string) normal.Decision {
		d.Drop, d.Why, d.Outputs = true, why, nil
		return d
	}
	if !key.Fields.Has(datapath.FieldEth) {
		return drop(normal.WhyNoEthernet)
	}
	var inCfg normal.VLANConfig
	if in != uint32(ofp.PortController) && in != uint32(ofp.PortAny) {
		p := findView(ports, in)
		if p == nil {
			return drop(normal.WhyNoBundle)
		}
		inCfg = p.VLAN
	}
	if !key.Fields.Has(datapath.FieldVLAN0) && (key.EthType == datapath.EthTypeVLAN || key.EthType == datapath.EthTypeQinQ) {
		return drop(normal.WhyPartialTag)
	}
	vid, pcp, tpid, tagged := normal.InputTag(key)
	if tagged {
		d.TPID = tpid
	}
	d.PCP = pcp
	vlan, ok := inCfg.InputVLAN(vid)
	if !ok {
		d.VLAN = vid
		return drop(normal.WhyBadVLAN)
	}
	d.VLAN = vlan
	if m := key.EthDst; m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xc2 && m[3] == 0 && m[4] == 0 && m[5] <= 0x0f {
		return drop(normal.WhyReserved)
	}
	out := func(p *normal.PortView) (normal.Out, bool) {
		v, ok := p.VLAN.OutputVID(vlan)
		if !ok {
			return normal.Out{}, false
		}
		_, tagged := normal.OutputTCI(v, pcp, p.VLAN.PriorityTags)
		return normal.Out{Port: p.Port, Tag: v, PriorityTag: v == 0 && tagged}, true
	}
	if port, ok := s.macs.Lookup(vlan, key.EthDst); ok {
		d.Dest = port
		p := findView(ports, port)
		switch {
		case port == in:
			return drop(normal.WhyInputPort)
		case p == nil:
			return drop(normal.WhyUnknown)
		case !p.CanForward:
			return drop(normal.WhyNoFwd)
		}
		o, ok := out(p)
		if !ok {
			return drop(normal.WhyNotInVLAN)
		}
		d.Outputs, d.Why = []normal.Out{o}, normal.WhyLearned
		return d
	}
	d.Flooded, d.Why = true, normal.WhyFlood
	for i := range ports {
		p := &ports[i]
		if p.Port == in || !p.CanForward || p.NoFlood {
			continue
		}
		if o, ok := out(p); ok {
			d.Outputs = append(d.Outputs, o)
		}
	}
	if len(d.Outputs) == 0 {
		d.Drop, d.Why = true, normal.WhyNoOutput
	}
	return d
}

func findView(ports []normal.PortView, port uint32) *normal.PortView {
	for i := range ports {
		if ports[i].Port == port {
			return &ports[i]
		}
	}
	return nil
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
