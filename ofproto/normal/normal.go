package normal

import (
	"fmt"
	"sync/atomic"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// PortView is what Forward needs to know of one port of the bridge.
type PortView struct {
	Port uint32 // OpenFlow port number
	VLAN VLANConfig
	// CanForward is false when nothing may leave the port: link down,
	// administratively down, or OFPPC_NO_FWD.
	CanForward bool
	// NoFlood is OFPPC_NO_FLOOD: the port gets no flooded frames but
	// still gets frames for addresses learned on it.
	NoFlood bool
}

// Out is one output of a decision.
type Out struct {
	Port uint32 // OpenFlow port
	Tag  uint16 // VID to send the frame tagged with; 0: untagged
	// PriorityTag is set when the frame leaves with VID 0 but a tag that
	// carries its non-zero priority (VLANConfig.OutputTag says when).
	PriorityTag bool
}

// Decision is what NORMAL does with one frame.
type Decision struct {
	Outputs []Out // in the order of the ports given to Forward
	Drop    bool  // nothing is output; Why says why
	// Why is the reason of a drop or the way the outputs were chosen, in
	// the words of OVS's ofproto/trace.
	Why     string
	VLAN    uint16 // the VLAN the frame belongs to
	PCP     uint8  // its priority, from its tag (priority tags included)
	TPID    uint16 // TPID for tags pushed: the input tag's, else 0x8100
	Flooded bool   // unknown unicast, broadcast or multicast destination
	// Dest is the learned port of the destination (0: none known).
	Dest uint32
	// Learned is non-nil when learning the source changed the table
	// (new address or move); Evicted when that evicted another entry.
	Learned, Evicted *Change
	// In is the input port and Src, Dst the frame's addresses, for Explain.
	In       uint32
	Src, Dst [6]byte

	inMode VLANMode // input port's effective mode and tag, for Explain
	inTag  uint16
}

// Reasons a decision gives (Decision.Why), worded as OVS's xlate_normal
// reports them in ofproto/trace.
const (
	WhyNoEthernet = "not an Ethernet frame, dropping"
	WhyNoBundle   = "no input bundle, dropping"
	WhyPartialTag = "partial VLAN tag, dropping"
	WhyBadVLAN    = "disallowed VLAN VID for this input port, dropping"
	WhyReserved   = "packet has reserved destination MAC, dropping"
	WhyLearned    = "forwarding to learned port"
	WhyFlood      = "no learned MAC for destination, flooding"
	WhyInputPort  = "learned port is input port, dropping"
	WhyUnknown    = "learned port is unknown, dropping"
	WhyNoFwd      = "learned port cannot forward, dropping"
	WhyNotInVLAN  = "learned port does not carry the VLAN, dropping"
	WhyNoOutput   = "no port to flood to in the VLAN, dropping"
)

// Normal is the NORMAL action of one bridge: its MAC table and settings.
// It is safe for concurrent use.
type Normal struct {
	macs        *MACTable
	forwardBPDU atomic.Bool
}

// New returns the NORMAL action learning into macs (a new default table
// when nil).
func New(macs *MACTable) *Normal {
	if macs == nil {
		macs = NewMACTable(0, 0, nil)
	}
	return &Normal{macs: macs}
}

// MACs returns the MAC table.
func (n *Normal) MACs() *MACTable { return n.macs }

// SetForwardBPDU is the bridge's other_config:forward-bpdu: when false (the
// default) frames to the reserved 802.1D addresses 01:80:c2:00:00:0x (STP,
// LACP, 802.1X, LLDP) are dropped rather than forwarded.
func (n *Normal) SetForwardBPDU(on bool) { n.forwardBPDU.Store(on) }

// isReserved reports an IEEE 802.1D-2004 Table 7-10 reserved address
// 01:80:C2:00:00:00..0F.
func isReserved(mac [6]byte) bool {
	return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xc2 && mac[3] == 0 && mac[4] == 0 && mac[5] <= 0x0f
}

// fromController reports the input ports that stand for traffic a
// controller sources (packet-out with in_port CONTROLLER or NONE): OVS
// forwards it as if from a trunk of all VLANs and learns nothing from it.
func fromController(in uint32) bool {
	return in == uint32(ofp.PortController) || in == uint32(ofp.PortAny)
}

// Forward is the NORMAL action for a frame (key as it is now, after the
// actions before NORMAL) entering OpenFlow port in. ports lists every port
// of the bridge. It learns the source (a side effect on the MAC table) and
// decides the outputs, as OVS's xlate_normal does: check the input VLAN,
// learn, then forward to the learned port of the destination or flood to
// every other port carrying the VLAN. A frame never goes back out in.
func (n *Normal) Forward(in uint32, key *datapath.FlowKey, ports []PortView) Decision {
	return n.decide(in, key, ports, true)
}

// Decide is Forward without learning: the decision the MAC table gives now,
// leaving it untouched, for ofproto/trace and for revalidating cache
// entries (which re-learn separately, through MACTable.Learn).
func (n *Normal) Decide(in uint32, key *datapath.FlowKey, ports []PortView) Decision {
	return n.decide(in, key, ports, false)
}

// ForwardShared is Forward for a caller that may only refresh the MAC
// table (MACTable.Refresh): when learning the source would change the
// table it returns ok false, having changed nothing, and the caller runs
// Forward under its exclusive lock instead.
func (n *Normal) ForwardShared(in uint32, key *datapath.FlowKey, ports []PortView) (d Decision, ok bool) {
	d = n.decide(in, key, ports, false)
	if d.Why == WhyNoEthernet || d.Why == WhyNoBundle || d.Why == WhyPartialTag || d.Why == WhyBadVLAN || d.Why == WhyReserved {
		return d, true // decided before learning: nothing to learn
	}
	if fromController(in) {
		return d, true
	}
	return d, n.macs.Refresh(d.VLAN, key.EthSrc, in)
}

func (n *Normal) decide(in uint32, key *datapath.FlowKey, ports []PortView, learn bool) Decision {
	d := Decision{In: in, Src: key.EthSrc, Dst: key.EthDst, TPID: datapath.EthTypeVLAN}
	drop := func(why string) Decision {
		d.Drop, d.Why, d.Outputs = true, why, nil
		return d
	}
	if !key.Fields.Has(datapath.FieldEth) {
		return drop(WhyNoEthernet)
	}
	var inCfg VLANConfig // controller-sourced: trunk of all VLANs
	if fromController(in) {
		learn = false
	} else {
		p := findPort(ports, in)
		if p == nil {
			return drop(WhyNoBundle)
		}
		inCfg = p.VLAN
	}
	d.inMode, d.inTag = inCfg.EffectiveMode(), inCfg.Tag
	// A TPID without the 4 bytes of the tag behind it (datapath/packet
	// rule 3 leaves EthType = TPID and no FieldVLAN0).
	if !key.Fields.Has(datapath.FieldVLAN0) && (key.EthType == datapath.EthTypeVLAN || key.EthType == datapath.EthTypeQinQ) {
		return drop(WhyPartialTag)
	}
	vid, pcp, tpid, tagged := InputTag(key)
	if tagged {
		d.TPID = tpid
	}
	d.PCP = pcp
	vlan, ok := inCfg.InputVLAN(vid)
	if !ok {
		d.VLAN = vid
		return drop(WhyBadVLAN)
	}
	d.VLAN = vlan
	if !n.forwardBPDU.Load() && isReserved(key.EthDst) {
		return drop(WhyReserved)
	}
	if learn {
		d.Learned, d.Evicted = n.macs.Learn(vlan, key.EthSrc, in)
	}

	if port, ok := n.macs.Lookup(vlan, key.EthDst); ok {
		d.Dest = port
		p := findPort(ports, port)
		switch {
		case port == in:
			return drop(WhyInputPort)
		case p == nil:
			return drop(WhyUnknown)
		case !p.CanForward:
			return drop(WhyNoFwd)
		}
		out, ok := output(p, vlan, pcp)
		if !ok {
			return drop(WhyNotInVLAN)
		}
		d.Outputs, d.Why = []Out{out}, WhyLearned
		return d
	}
	d.Flooded, d.Why = true, WhyFlood
	for i := range ports {
		p := &ports[i]
		if p.Port == in || !p.CanForward || p.NoFlood {
			continue
		}
		if out, ok := output(p, vlan, pcp); ok {
			d.Outputs = append(d.Outputs, out)
		}
	}
	if len(d.Outputs) == 0 {
		d.Drop, d.Why = true, WhyNoOutput
	}
	return d
}

func findPort(ports []PortView, port uint32) *PortView {
	for i := range ports {
		if ports[i].Port == port {
			return &ports[i]
		}
	}
	return nil
}

// output is the Out for a frame of vlan with priority pcp leaving p.
func output(p *PortView, vlan uint16, pcp uint8) (Out, bool) {
	tci, tagged, ok := p.VLAN.OutputTag(vlan, pcp)
	if !ok {
		return Out{}, false
	}
	vid := tci & 0x0fff
	return Out{Port: p.Port, Tag: vid, PriorityTag: tagged && vid == 0}, true
}

// String is a one-line summary for logs and tests.
func (d Decision) String() string {
	if d.Drop {
		return fmt.Sprintf("vlan %d: %s", d.VLAN, d.Why)
	}
	s := fmt.Sprintf("vlan %d:", d.VLAN)
	for _, o := range d.Outputs {
		switch {
		case o.Tag != 0:
			s += fmt.Sprintf(" %d(tag %d)", o.Port, o.Tag)
		case o.PriorityTag:
			s += fmt.Sprintf(" %d(prio tag)", o.Port)
		default:
			s += fmt.Sprintf(" %d", o.Port)
		}
	}
	return s
}
