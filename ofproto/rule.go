package ofproto

import (
	"time"

	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// numTables is how many flow tables xvs has: 0..253, as Open vSwitch
// reports n_tables 254 (its table 254 is internal).
const numTables = 254

// hiddenPriority is above every OpenFlow priority (16 bits): the fail-open
// flow of standalone mode wins over anything a controller installs.
const hiddenPriority int32 = 0xf0f0f0

// rule is one flow entry (spec 1.3.5 §5.2).
type rule struct {
	table    uint8
	priority int32
	cookie   uint64
	flags    uint16
	idle     uint16 // seconds, 0: none
	hard     uint16
	hidden   bool // fail-open flow: not dumped to controllers

	// match and insts are kept as the flow-mod sent them: flow stats and
	// flow-removed echo them back unchanged. The match is kept in wire
	// form (its OXM TLVs: ~32 bytes where the decoded ofp.Match took ~290
	// and nine pointers, half of a rule's memory and most of what the
	// collector scans) and decoded when reported (flowStats). The
	// instructions, decoded once, are shared by every rule with the same
	// ones (instLists).
	match []byte
	*instList

	created  stamp
	lastUsed stamp // for the idle timeout
	packets  uint64
	bytes    uint64

	cr *classifier.Rule[*rule]
	// mark is Switch.markGen when the rule is in the set entriesHitting
	// is looking for.
	mark uint64
}

// installed reports whether the rule is still in its table.
func (r *rule) installed() bool { return r.cr != nil && r.cr.Installed() }

// setInstructions gives the rule the (interned, decoded) instructions il.
func (r *rule) setInstructions(il *instList) { r.instList = il }

// decode fills the decoded fields from l.insts.
func (l *instList) decode() {
	l.gotoT = -1
	for _, in := range l.insts {
		switch in := in.(type) {
		case *ofp.InstGotoTable:
			l.gotoT = int(in.TableID)
		case *ofp.InstWriteMetadata:
			l.mdValue, l.mdMask = in.Metadata&in.Mask, in.Mask
		case *ofp.InstWriteActions:
			l.write, l.hasWrite = in.Actions, true
		case *ofp.InstApplyActions:
			l.apply = in.Actions
		case *ofp.InstClearActions:
			l.clear = true
		case *ofp.InstMeter:
			l.meter = in.MeterID
		}
	}
}

// actions lists every action of the rule (apply then write), for out_port
// and out_group filters and dependency checks.
func (r *rule) actions() []ofp.Action {
	out := make([]ofp.Action, 0, len(r.apply)+len(r.write))
	out = append(out, r.apply...)
	return append(out, r.write...)
}

// outputsTo reports whether the rule has an output to port (spec 1.3.5
// §7.3.4.2: out_port filters on output actions, OFPP_ANY matching all).
func (r *rule) outputsTo(port ofp.PortNo) bool {
	if port == ofp.PortAny {
		return true
	}
	for _, a := range r.actions() {
		if o, ok := a.(*ofp.ActionOutput); ok && o.Port == port {
			return true
		}
	}
	return false
}

// usesGroup reports whether the rule has a group action for g (OFPG_ANY
// matching all).
func (r *rule) usesGroup(g uint32) bool {
	if g == ofp.GroupAny {
		return true
	}
	for _, a := range r.actions() {
		if ga, ok := a.(*ofp.ActionGroup); ok && ga.GroupID == g {
			return true
		}
	}
	return false
}

// decodedMatch returns the rule's match decoded, its fields appended to
// slab (ofp.DecodeMatchTLVs), and the slab.
func (r *rule) decodedMatch(slab []ofp.OXM) (ofp.Match, []ofp.OXM) {
	// r.match was written by AppendTLVs, whose framing always decodes.
	m, slab, _ := ofp.DecodeMatchTLVs(slab, r.match)
	return m, slab
}

// flowStats returns the rule as a flow-stats entry, its match's fields
// appended to slab (decodedMatch), and the slab. d is how long the rule
// has existed (Switch.since of r.created).
func (r *rule) flowStats(d time.Duration, slab []ofp.OXM) (ofp.FlowStats, []ofp.OXM) {
	fs := r.statsEntry(d)
	fs.Match, slab = r.decodedMatch(slab)
	return fs, slab
}

// flowStatsTLVs is flowStats with the match left in wire form
// (ofp.FlowStats.MatchTLVs, shared with the rule: read only).
func (r *rule) flowStatsTLVs(d time.Duration) ofp.FlowStats {
	fs := r.statsEntry(d)
	fs.MatchTLVs = r.match
	if fs.MatchTLVs == nil {
		fs.MatchTLVs = []byte{} // no fields, still the wire form
	}
	return fs
}

// statsEntry is the rule's flow-stats entry without its match.
func (r *rule) statsEntry(d time.Duration) ofp.FlowStats {
	if d < 0 {
		d = 0
	}
	pk, by := r.packets, r.bytes
	if r.flags&ofp.FlowNoPktCounts != 0 {
		pk = ^uint64(0)
	}
	if r.flags&ofp.FlowNoBytCounts != 0 {
		by = ^uint64(0)
	}
	return ofp.FlowStats{
		TableID: r.table, DurationSec: uint32(d / time.Second), DurationNsec: uint32(d % time.Second),
		Priority: uint16(r.priority), IdleTimeout: r.idle, HardTimeout: r.hard, Flags: r.flags,
		Cookie: r.cookie, PacketCount: pk, ByteCount: by, Instructions: r.insts,
	}
}

// table is one flow table.
type table struct {
	cls     *classifier.Classifier[*rule]
	lookups uint64 // packets looked up (spec 1.3.5 §7.3.5.4 lookup_count)
	matched uint64 // packets that hit a flow entry
}

// FlowCount returns the number of flows in all tables (the hidden
// fail-open flow included), for memory/show.
func (s *Switch) FlowCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, t := range s.tables {
		if t != nil {
			n += t.cls.Len()
		}
	}
	return n
}

// stamp is a point in time as nanoseconds since the Switch's epoch: 8
// bytes in a rule where a time.Time takes 24, and, since the epoch keeps
// the monotonic clock reading, differences are as monotonic as Sub's.
type stamp int64

// stamp returns t as a stamp.
func (s *Switch) stamp(t time.Time) stamp { return stamp(t.Sub(s.epoch)) }

// since returns how long before now st is.
func (s *Switch) since(now time.Time, st stamp) time.Duration {
	return now.Sub(s.epoch) - time.Duration(st)
}
