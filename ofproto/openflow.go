package ofproto

// The OpenFlow modification messages besides flow-mods (spec 1.3.5 §7.3.4)
// and packet-out (§7.3.7).

import (
	"fmt"

	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// GroupMod applies an OFPT_GROUP_MOD (spec 1.3.5 §6.5, §7.3.4.2). Deleting
// a group removes the flows that name it (flow-removed reason
// OFPRR_GROUP_DELETE); every cache entry that went through a changed group
// is revalidated before it returns.
func (s *Switch) GroupMod(gm *ofp.GroupMod) error {
	if err := gm.Validate(); err != nil {
		return err
	}
	for i := range gm.Buckets {
		for _, a := range gm.Buckets[i].Actions {
			if sf, ok := a.(*ofp.ActionSetField); ok && (!sf.Field.IsBasic() || !settable[sf.Field.Field]) {
				return ofp.NewError(ofp.ETBadAction, ofp.BACBadSetType, nil)
			}
		}
	}
	s.mu.Lock()
	defer s.unlock()
	// Credit the traffic so far to the groups and buckets as they are.
	s.pull(s.selectEntries(func(e *cacheEntry) bool { return len(e.deps.groups) > 0 }))
	res, err := s.groups.Apply(gm, validOutPort)
	if err != nil {
		return err
	}
	if len(res.Deleted) > 0 {
		del := map[uint32]bool{}
		for _, g := range res.Deleted {
			del[g] = true
		}
		s.removeRules(s.rulesWhere(func(r *rule) bool {
			for _, g := range ruleGroups(r) {
				if del[g] {
					return true
				}
			}
			return false
		}), ofp.FlowRemovedGroupDelete)
	}
	s.revalidate(s.entriesWithGroups(res.Changed))
	return nil
}

// MeterMod applies an OFPT_METER_MOD (spec 1.3.5 §6.6, §7.3.4.4).
// Deleting a meter removes the flows that use it; OpenFlow 1.3 has no
// flow-removed reason for that (1.4's OFPRR_METER_DELETE), so they report
// OFPRR_DELETE, as Open vSwitch does for 1.3 sessions.
func (s *Switch) MeterMod(mm *ofp.MeterMod) error {
	if err := mm.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.unlock()
	res, err := s.meters.Apply(mm)
	if err != nil {
		return err
	}
	if len(res.Deleted) > 0 {
		del := map[uint32]bool{}
		for _, m := range res.Deleted {
			del[m] = true
		}
		s.removeRules(s.rulesWhere(func(r *rule) bool { return r.meter != 0 && del[r.meter] }), ofp.FlowRemovedDelete)
	}
	s.revalidate(s.entriesWithMeters(res.Changed))
	return nil
}

// PortMod applies an OFPT_PORT_MOD (spec 1.3.5 §7.3.3): the config bits
// under the mask change, a port-status MODIFY tells the controllers, and
// every cache entry is revalidated.
func (s *Switch) PortMod(pm *ofp.PortMod) error {
	if err := pm.Validate(); err != nil {
		return err
	}
	return s.portMod(pm)
}

// PortMod10 applies a port-mod that came from an OpenFlow 1.0 session,
// converted by ofp.PortMod10.ToPortMod. Besides the 1.3 bits it applies
// ofp.PortConfigNoFlood10 (1.0's OFPPC_NO_FLOOD, spec 1.0.0 §5.2.1): FLOOD
// and NORMAL's flooding leave the port out. PortMod refuses that bit
// (OFPPMFC_BAD_CONFIG), since 1.3 does not define it.
func (s *Switch) PortMod10(pm *ofp.PortMod) error {
	bare := *pm
	bare.Config &^= ofp.PortConfigNoFlood10
	bare.Mask &^= ofp.PortConfigNoFlood10
	if err := bare.Validate(); err != nil {
		return err
	}
	return s.portMod(pm)
}

// portMod applies a validated port-mod.
func (s *Switch) portMod(pm *ofp.PortMod) error {
	s.mu.Lock()
	defer s.unlock()
	p := s.ports[uint32(pm.PortNo)]
	if p == nil {
		return ofp.NewError(ofp.ETPortModFailed, ofp.PMFCBadPort, nil)
	}
	if pm.HWAddr != ofp.MAC(p.hw) {
		return ofp.NewError(ofp.ETPortModFailed, ofp.PMFCBadHWAddr, nil)
	}
	mask := pm.Mask & (ofp.PortConfigAll | portConfigNoFlood)
	cfg := p.config&^mask | pm.Config&mask
	if cfg == p.config {
		return nil
	}
	p.config = cfg
	s.portStatus(ofp.PortReasonModify, p)
	s.revalidateAll()
	return nil
}

// TableMod applies an OFPT_TABLE_MOD (spec 1.3.5 §7.3.3). OpenFlow 1.3
// deprecated every table config bit (the table-miss behaviour is a flow
// entry now), so only the table id is checked.
func (s *Switch) TableMod(tm *ofp.TableMod) error {
	if err := tm.Validate(); err != nil {
		return err
	}
	if tm.TableID != ofp.TableAll && tm.TableID >= numTables {
		return ofp.NewError(ofp.ETTableModFailed, ofp.TMFCBadTable, nil)
	}
	return nil
}

// PacketOut executes an OFPT_PACKET_OUT (spec 1.3.5 §7.3.7): its actions
// run on its frame as if it arrived on in_port; an output to OFPP_TABLE
// sends the frame through the flow tables. xvs buffers nothing, so a
// buffer id gets OFPBRC_BUFFER_UNKNOWN.
func (s *Switch) PacketOut(po *ofp.PacketOut) error {
	if err := po.Validate(); err != nil {
		return err
	}
	if po.BufferID != ofp.NoBuffer {
		return ofp.NewError(ofp.ETBadRequest, ofp.BRCBufferUnknown, nil)
	}
	s.mu.Lock()
	defer s.unlock()
	in := uint32(po.InPort)
	var dpIn uint32
	if p := s.ports[in]; p != nil {
		dpIn = p.dpPort
	} else if po.InPort < ofp.PortMax {
		return ofp.NewError(ofp.ETBadRequest, ofp.BRCBadPort, nil)
	}
	if err := s.checkActions(po.Actions, true); err != nil {
		return err
	}
	key := packet.Extract(po.Data, dpIn)
	x := s.newXlate(key, in, true, nil)
	x.pktOut = true
	x.actions(po.Actions)
	res := x.result()
	s.creditDeps(&res.deps, 1, uint64(len(po.Data)), s.now())
	s.macChanged(res.changes)
	if len(res.actions) == 0 {
		return nil
	}
	if err := s.dp.Execute(po.Data, dpIn, res.actions); err != nil {
		return fmt.Errorf("packet-out: %w", err)
	}
	return nil
}
