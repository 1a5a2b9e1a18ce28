package ofp

// Conversions of whole messages between OpenFlow 1.0 (spec 1.0.0 §5.3,
// §5.4) and 1.3 (spec 1.3.5 §7.3, §7.4): controller-to-switch requests
// from 1.0 to 1.3, the switch's answers and asynchronous messages from
// 1.3 to 1.0.

import "encoding/binary"

// ToFlowMod converts a 1.0 flow-mod (spec 1.0.0 §5.3.3, §4.6) to the 1.3
// flow-mod the pipeline applies:
//
//   - table 0; the actions in one apply-actions instruction (none for a
//     deletion, whose actions 1.0 ignores);
//   - priority: an exact-match flow has the highest priority in 1.0
//     (EffectivePriority);
//   - cookie: an add sets it; 1.0 has no cookie mask, so modify and
//     delete select flows of any cookie (cookie_mask 0), as Open vSwitch
//     reads them;
//   - out_port filters deletions (OFPP_NONE: any), out_group is OFPG_ANY;
//   - flags: send_flow_rem and check_overlap carry over; OFPFF_EMERG is
//     refused with OFPFMFC_ALL_TABLES_FULL, as Open vSwitch answers (xvs
//     has no emergency flow cache, which 1.0.1 made optional); undefined
//     bits are ignored, as 1.0 defines no error for them.
//
// 1.0's modify adds the flow when none matches (§4.6); 1.3's does not.
// The result keeps the 1.3 meaning; AddIfNoMatch10 says when a caller
// that wants 1.0's behaviour should follow up with an add.
//
// The result passes Match.Validate and ValidateInstructions. It is not
// held to CheckActionsConsistency: 1.0 lets strip_vlan, mod_nw_* and
// mod_vlan_* apply to flows whose match does not fix those headers (they
// act on packets that have them), and Open vSwitch accepts such flows
// from 1.0 controllers.
func (m *FlowMod10) ToFlowMod() (*FlowMod, error) {
	if m.Command > FC10DeleteStrict {
		return nil, err10(ET10FlowModFailed, FMFC10BadCommand, "flow_mod: command %d", m.Command)
	}
	if m.Flags&FF10Emerg != 0 {
		return nil, err10(ET10FlowModFailed, FMFC10AllTablesFull, "flow_mod: emergency flows are not supported")
	}
	match, err := m.Match.ToMatch()
	if err != nil {
		return nil, err
	}
	fm := &FlowMod{
		Cookie:      m.Cookie,
		TableID:     0,
		Command:     uint8(m.Command),
		IdleTimeout: m.IdleTimeout,
		HardTimeout: m.HardTimeout,
		Priority:    m.EffectivePriority(),
		BufferID:    m.BufferID,
		OutPort:     m.OutPort.To13(),
		OutGroup:    GroupAny,
		Flags:       m.Flags & (FF10SendFlowRem | FF10CheckOverlap),
		Match:       match,
	}
	if m.Command == FC10Delete || m.Command == FC10DeleteStrict {
		return fm, nil
	}
	as, err := ActionsFrom10For(m.Actions, m.Match)
	if err != nil {
		return nil, err
	}
	if len(as) > 0 {
		fm.Instructions = []Instruction{&InstApplyActions{Actions: as}}
	}
	if err := ValidateInstructions(fm.Instructions, 0); err != nil {
		return nil, Error10(err)
	}
	return fm, nil
}

// AddIfNoMatch10 reports whether, under 1.0's rules, the flow-mod adds a
// flow when no existing flow matches it: true for modify and
// modify-strict (spec 1.0.0 §4.6).
func (m *FlowMod10) AddIfNoMatch10() bool {
	return m.Command == FC10Modify || m.Command == FC10ModifyStrict
}

// ToPacketOut converts a 1.0 packet-out (spec 1.0.0 §5.3.6). What the
// actions need to know of the packet (whether it has a VLAN tag, its IP
// protocol for mod_tp_*) is read from the frame it carries. The result
// passes PacketOut.Validate.
func (m *PacketOut10) ToPacketOut() (*PacketOut, error) {
	as, err := ActionsFrom10For(m.Actions, frameMatch10(m.Data))
	if err != nil {
		return nil, err
	}
	po := &PacketOut{BufferID: m.BufferID, InPort: m.InPort.To13(), Actions: as, Data: cloneBytes(m.Data)}
	if err := po.Validate(); err != nil {
		return nil, Error10(err)
	}
	return po, nil
}

// frameMatch10 is the exact 1.0 match of what an action list needs to
// know of a frame: its outer VLAN tag, Ethernet type and IP protocol.
func frameMatch10(data []byte) Match10 {
	m := MatchAll10()
	if len(data) < 14 {
		return m
	}
	typ, rest := binary.BigEndian.Uint16(data[12:14]), data[14:]
	m.Wildcards &^= FW10DLVLAN
	m.DLVLAN = VLAN10None
	if (typ == 0x8100 || typ == 0x88a8) && len(rest) >= 4 {
		m.DLVLAN = binary.BigEndian.Uint16(rest[0:2]) & 0x0fff
		typ, rest = binary.BigEndian.Uint16(rest[2:4]), rest[4:]
		for (typ == 0x8100 || typ == 0x88a8) && len(rest) >= 4 {
			typ, rest = binary.BigEndian.Uint16(rest[2:4]), rest[4:]
		}
	}
	m.Wildcards &^= FW10DLType
	m.DLType = typ
	switch {
	case typ == ethTypeIPv4 && len(rest) >= 20 && rest[0]>>4 == 4:
		m.Wildcards &^= FW10NWProto
		m.NWProto = rest[9]
	case typ == ethTypeIPv6 && len(rest) >= 40:
		m.Wildcards &^= FW10NWProto
		m.NWProto = rest[6]
	}
	return m
}

// ToPortMod converts a 1.0 port-mod (spec 1.0.0 §5.3.3). The config bits
// both versions define keep their place; OFPPC_NO_FLOOD (bit 4, dropped
// from 1.3) is kept so the pipeline can honour it, and From10 set so that
// PortMod.Validate accepts it; the STP bits
// (OFPPC_NO_STP, OFPPC_NO_RECV_STP) are dropped, as xvs runs no STP. The
// advertised features move to 1.3's bit positions.
func (m *PortMod10) ToPortMod() (*PortMod, error) {
	if m.PortNo >= Port10Max && m.PortNo != Port10Local {
		return nil, err10(ET10PortModFailed, PMFC10BadPort, "port_mod: port %s", m.PortNo)
	}
	keep := PC10PortDown | PC10NoRecv | PC10NoFlood | PC10NoFwd | PC10NoPacketIn
	return &PortMod{
		PortNo:    m.PortNo.To13(),
		HWAddr:    m.HWAddr,
		Config:    PortConfig(m.Config & keep),
		Mask:      PortConfig(m.Mask & keep),
		Advertise: featuresFrom10(m.Advertise),
		From10:    true,
	}, nil
}

// PortConfigNoFlood10 is OpenFlow 1.0's OFPPC_NO_FLOOD in a 1.3 PortConfig:
// 1.3 dropped the bit, but ports of 1.0 sessions may carry it.
const PortConfigNoFlood10 PortConfig = PortConfig(PC10NoFlood)

// featuresFrom10 moves 1.0 port feature bits to 1.3's: the rates keep
// their bits 0-6; copper, fiber, autoneg, pause and asymmetric pause move
// from bits 7-11 to 11-15.
func featuresFrom10(f uint32) PortFeatures {
	return PortFeatures(f&0x7f | (f>>7&0x1f)<<11)
}

// featuresTo10 is the inverse; 40 Gb/s and faster rates and "other" have
// no 1.0 bit and are dropped.
func featuresTo10(f PortFeatures) uint32 {
	return uint32(f)&0x7f | (uint32(f)>>11&0x1f)<<7
}

// PortTo10 converts a port description (spec 1.3.5 §7.2.1) to 1.0's
// ofp_phy_port (spec 1.0.0 §5.2.1). State keeps the link bit (the STP
// state is "listen", 0: xvs runs no STP; 1.3's blocked and live bits have
// no 1.0 place), config the bits 1.0 defines. A port number above 1.0's
// range is refused.
func PortTo10(p Port) (Port10, error) {
	no, ok := p.PortNo.To10()
	if !ok {
		return Port10{}, err10(ET10BadRequest, BRC10Eperm, "port %s does not fit OpenFlow 1.0's 16 bits", p.PortNo)
	}
	name := p.Name
	if len(name) > portNameLen10 {
		name = name[:portNameLen10]
	}
	return Port10{
		PortNo:     no,
		HWAddr:     p.HWAddr,
		Name:       name,
		Config:     uint32(p.Config) & (1<<7 - 1),
		State:      uint32(p.State & PortStateLinkDown),
		Curr:       featuresTo10(p.Curr),
		Advertised: featuresTo10(p.Advertised),
		Supported:  featuresTo10(p.Supported),
		Peer:       featuresTo10(p.Peer),
	}, nil
}

// PortStatusTo10 converts a port-status message (same reasons in both
// versions).
func PortStatusTo10(m *PortStatus) (*PortStatus10, error) {
	p, err := PortTo10(m.Desc)
	if err != nil {
		return nil, err
	}
	return &PortStatus10{Reason: uint8(m.Reason), Desc: p}, nil
}

// Features10Actions is the 1.0 actions bitmap xvs announces: every action
// of spec 1.0.0 §5.2.4 but vendor ones.
const Features10Actions uint32 = 1<<(AT10Enqueue+1) - 1

// FeaturesReplyTo10 converts a features reply and the switch's ports
// (1.0 lists them in the reply, §5.3.1). Capabilities keep the bits both
// versions define; 1.3's GROUP_STATS (bit 3, STP in 1.0) and
// PORT_BLOCKED are dropped, and OFPC_ARP_MATCH_IP is set: nw_src/nw_dst
// match ARP addresses. The actions bitmap is Features10Actions.
func FeaturesReplyTo10(m *FeaturesReply, ports []Port) (*FeaturesReply10, error) {
	caps := m.Capabilities & (CapFlowStats | CapTableStats | CapPortStats | CapIPReasm | CapQueueStats)
	out := &FeaturesReply10{
		DatapathID:   m.DatapathID,
		NBuffers:     m.NBuffers,
		NTables:      m.NTables,
		Capabilities: caps | Cap10ARPMatchIP,
		Actions:      Features10Actions,
	}
	for _, p := range ports {
		p10, err := PortTo10(p)
		if err != nil {
			return nil, err
		}
		out.Ports = append(out.Ports, p10)
	}
	return out, nil
}

// PacketInTo10 converts a packet-in (spec 1.3.5 §7.4.1) to 1.0's (spec
// 1.0.0 §5.4.1): in_port comes from the match (OFPP_NONE when it has
// none); table id, cookie and the other pipeline fields have no 1.0
// place. 1.0 knows two reasons, no-match and action; an invalid-TTL
// packet-in is refused (Open vSwitch does not send those to 1.0
// sessions by default either).
func PacketInTo10(m *PacketIn) (*PacketIn10, error) {
	if m.Reason > PacketInAction {
		return nil, err10(ET10BadRequest, BRC10BadType, "packet_in: reason %d has no OpenFlow 1.0 form", m.Reason)
	}
	in := Port10None
	if p, ok := m.Match.InPort(); ok {
		q, fits := p.To10()
		if !fits {
			return nil, err10(ET10BadRequest, BRC10Eperm, "packet_in: in_port %s does not fit OpenFlow 1.0's 16 bits", p)
		}
		in = q
	}
	return &PacketIn10{BufferID: m.BufferID, TotalLen: m.TotalLen, InPort: in, Reason: m.Reason, Data: m.Data}, nil
}

// FlowRemovedTo10 converts a flow-removed message (spec 1.3.5 §7.4.2) to
// 1.0's (spec 1.0.0 §5.4.2): the match as MatchTo10 gives it; a flow
// removed with its group (OFPRR_GROUP_DELETE) was deleted, which is 1.0's
// OFPRR_DELETE; the hard timeout and table id have no 1.0 place.
func FlowRemovedTo10(m *FlowRemoved) (*FlowRemoved10, error) {
	match, err := MatchTo10(m.Match)
	if err != nil {
		return nil, err
	}
	reason := m.Reason
	if reason == FlowRemovedGroupDelete {
		reason = RR10Delete
	}
	if reason > RR10Delete {
		return nil, err10(ET10BadRequest, BRC10BadType, "flow_removed: reason %d has no OpenFlow 1.0 form", m.Reason)
	}
	return &FlowRemoved10{
		Match:        match,
		Cookie:       m.Cookie,
		Priority:     m.Priority,
		Reason:       reason,
		DurationSec:  m.DurationSec,
		DurationNsec: m.DurationNsec,
		IdleTimeout:  m.IdleTimeout,
		PacketCount:  m.PacketCount,
		ByteCount:    m.ByteCount,
	}, nil
}
