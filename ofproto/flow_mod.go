package ofproto

// OFPT_FLOW_MOD (spec 1.3.5 §6.4 and §7.3.4.1): add, modify,
// modify-strict, delete and delete-strict, with their validation and the
// revalidation of the cache entries each change can affect.

import (
	"time"

	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// noFlowRemoved marks removals that send no flow-removed message.
const noFlowRemoved uint8 = 0xff

// FlowMod applies an OFPT_FLOW_MOD. Errors are *ofp.Error. When it
// returns, every cache entry the change affects is revalidated.
func (s *Switch) FlowMod(fm *ofp.FlowMod) error {
	if err := fm.Validate(); err != nil {
		return err
	}
	return s.flowMod(fm, nil)
}

// FlowMod10 applies a flow-mod that came from an OpenFlow 1.0 session,
// converted by ofp.FlowMod10.ToFlowMod. It validates as FlowMod does but
// without ofp.CheckActionsConsistency: OpenFlow 1.0 lets strip_vlan,
// mod_vlan_*, mod_nw_* and mod_tp_* apply to flows whose match does not
// fix those headers (spec 1.0.0 §5.2.4 defines no MATCH_INCONSISTENT),
// and Open vSwitch accepts such flows from 1.0 controllers; the actions
// act on the packets that have the header and leave the others alone
// (translation and the datapath make them no-ops there).
// 1.0's "modify adds when nothing matches" (ofp.FlowMod10.AddIfNoMatch10)
// stays the caller's.
func (s *Switch) FlowMod10(fm *ofp.FlowMod) error {
	if err := validate10(fm); err != nil {
		return err
	}
	return s.flowMod(fm, nil)
}

// validate10 is FlowMod10's validation.
func validate10(fm *ofp.FlowMod) error {
	// Validate with the instructions out checks command, flags, table and
	// match; the instructions are then checked alone.
	bare := *fm
	bare.Instructions = nil
	if err := bare.Validate(); err != nil {
		return err
	}
	if fm.Command != ofp.FlowDelete && fm.Command != ofp.FlowDeleteStrict {
		if err := ofp.ValidateInstructions(fm.Instructions, fm.TableID); err != nil {
			return err
		}
	}
	return nil
}

// flowMod applies a validated flow-mod. With a batch, the revalidation
// is the batch's End's.
func (s *Switch) flowMod(fm *ofp.FlowMod, b *FlowModBatch) error {
	s.mu.Lock()
	defer s.unlock()
	var err error
	switch fm.Command {
	case ofp.FlowAdd:
		err = s.addFlow(fm, b)
	case ofp.FlowModify, ofp.FlowModifyStrict:
		err = s.modifyFlows(fm, fm.Command == ofp.FlowModifyStrict, b)
	case ofp.FlowDelete, ofp.FlowDeleteStrict:
		err = s.deleteFlows(fm, fm.Command == ofp.FlowDeleteStrict, b)
	}
	if err != nil {
		return err
	}
	if fm.BufferID != ofp.NoBuffer && fm.Command != ofp.FlowDelete && fm.Command != ofp.FlowDeleteStrict {
		// xvs buffers nothing (n_buffers 0); the flow-mod itself took
		// effect, as in Open vSwitch.
		return ofp.NewError(ofp.ETBadRequest, ofp.BRCBufferUnknown, nil)
	}
	return nil
}

// checkFlow validates what ofp cannot know: tables, meters, groups, ports
// and set-field targets that exist in this switch.
func (s *Switch) checkFlow(fm *ofp.FlowMod) error {
	if fm.TableID >= numTables {
		return ofp.NewError(ofp.ETFlowModFailed, ofp.FMFCBadTableID, nil)
	}
	for _, in := range fm.Instructions {
		switch in := in.(type) {
		case *ofp.InstGotoTable:
			if in.TableID >= numTables {
				return ofp.NewError(ofp.ETBadInstruction, ofp.BICBadTableID, nil)
			}
		case *ofp.InstMeter:
			if !s.meters.Exists(in.MeterID) {
				// §7.3.4.4: a flow naming an unknown meter.
				return ofp.NewError(ofp.ETMeterModFailed, ofp.MMFCUnknownMeter, nil)
			}
		case *ofp.InstApplyActions:
			if err := s.checkActions(in.Actions, false); err != nil {
				return err
			}
		case *ofp.InstWriteActions:
			if err := s.checkActions(in.Actions, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkActions validates actions against this switch: output ports,
// groups and set-field targets. OFPP_TABLE is valid only in packet-outs
// (spec 1.3.5 §4.5).
func (s *Switch) checkActions(as []ofp.Action, packetOut bool) error {
	for _, a := range as {
		switch a := a.(type) {
		case *ofp.ActionOutput:
			if !validOutPort(a.Port) || (a.Port == ofp.PortTable && !packetOut) {
				return ofp.NewError(ofp.ETBadAction, ofp.BACBadOutPort, nil)
			}
		case *ofp.ActionGroup:
			if s.groups.Get(a.GroupID) == nil {
				return ofp.NewError(ofp.ETBadAction, ofp.BACBadOutGroup, nil)
			}
		case *ofp.ActionSetField:
			if !a.Field.IsBasic() || !settable[a.Field.Field] {
				return ofp.NewError(ofp.ETBadAction, ofp.BACBadSetType, nil)
			}
		case *ofp.ActionExperimenter:
			return ofp.NewError(ofp.ETBadAction, ofp.BACBadExperimenter, nil)
		}
	}
	return nil
}

// newRule builds the rule of an add. Its match is kept in wire form.
func (s *Switch) newRule(fm *ofp.FlowMod) (*rule, error) {
	m, err := fm.Match.AppendTLVs(make([]byte, 0, fm.Match.TLVLen()))
	if err != nil {
		// Validate refuses what does not encode; this is a backstop.
		return nil, ofp.NewError(ofp.ETBadMatch, ofp.BMCBadLen, nil)
	}
	now := s.now()
	r := &rule{table: fm.TableID, priority: int32(fm.Priority), cookie: fm.Cookie, flags: fm.Flags,
		idle: fm.IdleTimeout, hard: fm.HardTimeout, match: m,
		created: s.stamp(now), lastUsed: s.stamp(now)}
	r.setInstructions(s.instLists.get(fm.Instructions))
	return r, nil
}

func (s *Switch) addFlow(fm *ofp.FlowMod, b *FlowModBatch) error {
	if err := s.checkFlow(fm); err != nil {
		return err
	}
	cm, err := matchKey(&fm.Match)
	if err != nil {
		return err
	}
	t := s.tables[fm.TableID]
	prio := int32(fm.Priority)
	old := t.cls.Find(cm, prio)
	if fm.Flags&ofp.FlowCheckOverlap != 0 && old == nil && t.cls.Overlapping(cm, prio) != nil {
		return ofp.NewError(ofp.ETFlowModFailed, ofp.FMFCOverlap, nil)
	}
	var affected []*cacheEntry
	if b == nil {
		affected = s.entriesMatching(fm.TableID, &cm)
		s.pull(affected)
	}
	r, err := s.newRule(fm)
	if err != nil {
		return err
	}
	if old != nil {
		// §6.4: an identical flow is replaced; its counters carry over
		// unless OFPFF_RESET_COUNTS.
		o := old.Value
		if fm.Flags&ofp.FlowResetCounts == 0 {
			r.packets, r.bytes = o.packets, o.bytes
			if b != nil {
				b.moves = append(b.moves, counterMove{from: o, to: r, packets: o.packets, bytes: o.bytes})
			}
		}
		s.unrefGroups(o)
		if b != nil {
			b.changed = append(b.changed, o)
		}
	}
	s.insertRule(r, cm)
	if b != nil {
		b.addedMatch(fm.TableID, cm)
		return nil
	}
	for _, e := range affected {
		s.retranslate(e)
	}
	return nil
}

// insertRule puts r into its table (replacing an identical rule).
func (s *Switch) insertRule(r *rule, cm classifier.Match) {
	cls := s.tables[r.table].cls
	if old, replaced := cls.Insert(cm, r.priority, r); replaced && old.Value == s.failOpen {
		s.failOpen = nil
	}
	r.cr = cls.Find(cm, r.priority)
	for _, g := range ruleGroups(r) {
		s.groups.Ref(g)
	}
}

// ruleGroups lists the groups a rule's actions name.
func ruleGroups(r *rule) []uint32 {
	var gs []uint32
	for _, a := range r.actions() {
		if g, ok := a.(*ofp.ActionGroup); ok {
			gs = append(gs, g.GroupID)
		}
	}
	return gs
}

func (s *Switch) unrefGroups(r *rule) {
	for _, g := range ruleGroups(r) {
		s.groups.Unref(g)
	}
}

// selectRules returns the visible rules a modify or delete selects
// (spec 1.3.5 §6.4): strict ones by exact match and priority, others by
// covered match; cookie under cookie_mask; out_port and out_group for
// deletes.
func (s *Switch) selectRules(fm *ofp.FlowMod, strict, isDelete bool) ([]*rule, error) {
	cm, err := matchKey(&fm.Match)
	if err != nil {
		return nil, err
	}
	var tables []uint8
	switch {
	case fm.TableID == ofp.TableAll:
		for i := range numTables {
			tables = append(tables, uint8(i))
		}
	case fm.TableID >= numTables:
		return nil, ofp.NewError(ofp.ETFlowModFailed, ofp.FMFCBadTableID, nil)
	default:
		tables = []uint8{fm.TableID}
	}
	var out []*rule
	keep := selectFilter(fm, isDelete)
	for _, t := range tables {
		cls := s.tables[t].cls
		if cls.Len() == 0 {
			continue
		}
		if strict {
			if cr := cls.Find(cm, int32(fm.Priority)); cr != nil && keep(cr.Value) {
				out = append(out, cr.Value)
			}
			continue
		}
		for _, cr := range cls.Covered(cm) {
			if keep(cr.Value) {
				out = append(out, cr.Value)
			}
		}
	}
	return out, nil
}

// selectFilter is what selects a rule besides its match (spec 1.3.5
// §6.4): visible, cookie under cookie_mask, and for deletes (and
// statistics) out_port and out_group.
func selectFilter(fm *ofp.FlowMod, isDelete bool) func(*rule) bool {
	return func(r *rule) bool {
		if r.hidden || (r.cookie^fm.Cookie)&fm.CookieMask != 0 {
			return false
		}
		if isDelete && (!r.outputsTo(fm.OutPort) || !r.usesGroup(fm.OutGroup)) {
			return false
		}
		return true
	}
}

func (s *Switch) modifyFlows(fm *ofp.FlowMod, strict bool, b *FlowModBatch) error {
	if err := s.checkFlow(fm); err != nil {
		return err
	}
	rules, err := s.selectRules(fm, strict, false)
	if err != nil || len(rules) == 0 {
		// §6.4: a modify that matches nothing changes nothing.
		return err
	}
	var affected []*cacheEntry
	if b == nil || fm.Flags&ofp.FlowResetCounts != 0 {
		// A batch credits the rules' entries at its end, but counters
		// reset now must not get the packets forwarded before.
		affected = s.entriesHitting(rules)
		s.pull(affected)
	}
	il := s.instLists.get(fm.Instructions)
	for _, r := range rules {
		s.unrefGroups(r)
		r.setInstructions(il)
		if fm.Flags&ofp.FlowResetCounts != 0 {
			r.packets, r.bytes = 0, 0
		}
		for _, g := range ruleGroups(r) {
			s.groups.Ref(g)
		}
	}
	if b != nil {
		b.changed = append(b.changed, rules...)
		return nil
	}
	for _, e := range affected {
		s.retranslate(e)
	}
	return nil
}

func (s *Switch) deleteFlows(fm *ofp.FlowMod, strict bool, b *FlowModBatch) error {
	rules, err := s.selectRules(fm, strict, true)
	if err != nil {
		return err
	}
	if b != nil {
		s.removeRulesLater(rules, ofp.FlowRemovedDelete, b)
	} else {
		s.removeRules(rules, ofp.FlowRemovedDelete)
	}
	// With no controller, a standalone bridge keeps its NORMAL flow.
	s.ensureDefaultFlow()
	return nil
}

// removeRules removes rules from their tables, sends flow-removed for
// those that asked (reason noFlowRemoved: none) and revalidates the cache
// entries that used them. The entries' counters are credited first, so
// the flow-removed messages count every packet.
func (s *Switch) removeRules(rules []*rule, reason uint8) {
	if len(rules) == 0 {
		return
	}
	affected := s.entriesHitting(rules)
	s.pull(affected)
	now := s.now()
	for _, r := range rules {
		s.unlinkRule(r, reason, now)
	}
	for _, e := range affected {
		s.retranslate(e)
	}
}

// removeRulesLater is removeRules in a batch: the entries that used the
// rules are revalidated by the batch's End. Only the entries of rules
// that send flow-removed are credited now, so the message counts every
// packet forwarded until the removal.
func (s *Switch) removeRulesLater(rules []*rule, reason uint8, b *FlowModBatch) {
	if len(rules) == 0 {
		return
	}
	var notify []*rule
	for _, r := range rules {
		if r.flags&ofp.FlowSendFlowRem != 0 {
			notify = append(notify, r)
		}
	}
	if len(notify) > 0 {
		s.pull(s.entriesHitting(notify))
	}
	now := s.now()
	for _, r := range rules {
		if s.unlinkRule(r, reason, now) {
			b.changed = append(b.changed, r)
		}
	}
}

// unlinkRule takes an installed rule out of its table and its groups and
// sends its flow-removed if it asked for one (reason noFlowRemoved:
// none). It reports whether r was installed.
func (s *Switch) unlinkRule(r *rule, reason uint8, now time.Time) bool {
	if !r.installed() {
		return false
	}
	s.tables[r.table].cls.Remove(r.cr)
	s.unrefGroups(r)
	if r == s.failOpen {
		s.failOpen = nil
	}
	if reason != noFlowRemoved && r.flags&ofp.FlowSendFlowRem != 0 {
		s.flowRemoved(r, reason, now)
	}
	return true
}

// flowRemoved queues OFPT_FLOW_REMOVED for r (spec 1.3.5 §7.4.2).
func (s *Switch) flowRemoved(r *rule, reason uint8, now time.Time) {
	fs, _ := r.flowStats(s.since(now, r.created), nil)
	fr := &ofp.FlowRemoved{Cookie: r.cookie, Priority: uint16(r.priority), Reason: reason, TableID: r.table,
		DurationSec: fs.DurationSec, DurationNsec: fs.DurationNsec, IdleTimeout: r.idle, HardTimeout: r.hard,
		PacketCount: fs.PacketCount, ByteCount: fs.ByteCount, Match: fs.Match}
	s.emitEvent(func(l Listener) { l.FlowRemoved(fr) })
}

// isTableMiss reports whether r is its table's table-miss flow entry
// (spec 1.3.5 §5.4: wildcards all fields, priority 0).
func (r *rule) isTableMiss() bool { return r.priority == 0 && len(r.match) == 0 }

// rulesWhere returns every visible rule for which pred holds.
func (s *Switch) rulesWhere(pred func(*rule) bool) []*rule {
	var out []*rule
	for _, t := range s.tables {
		if t.cls.Len() == 0 {
			continue
		}
		t.cls.Each(func(cr *classifier.Rule[*rule]) bool {
			if !cr.Value.hidden && pred(cr.Value) {
				out = append(out, cr.Value)
			}
			return true
		})
	}
	return out
}

// expireRules removes the rules whose idle or hard timeout passed (spec
// 1.3.5 §5.5); counters must be fresh (pullAll). s.mu is held.
func (s *Switch) expireRules() {
	now := s.now()
	var idle, hard []*rule
	for _, r := range s.rulesWhere(func(r *rule) bool { return r.idle != 0 || r.hard != 0 }) {
		switch {
		case r.hard != 0 && s.since(now, r.created) >= time.Duration(r.hard)*time.Second:
			hard = append(hard, r)
		case r.idle != 0 && s.since(now, r.lastUsed) >= time.Duration(r.idle)*time.Second:
			idle = append(idle, r)
		}
	}
	s.removeRules(hard, ofp.FlowRemovedHardTimeout)
	s.removeRules(idle, ofp.FlowRemovedIdleTimeout)
}
