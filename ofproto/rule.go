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
	// flow-removed echo them back unchanged.
	match ofp.Match
	insts []ofp.Instruction

	// Decoded instructions (spec 1.3.5 §5.9).
	meter    uint32 // 0: none
	apply    []ofp.Action
	clear    bool
	write    []ofp.Action
	hasWrite bool
	mdValue  uint64
	mdMask   uint64 // 0: no write-metadata
	gotoT    int    // -1: none

	created  time.Time
	lastUsed time.Time // for the idle timeout
	packets  uint64
	bytes    uint64

	cr *classifier.Rule[*rule]
	// mark is Switch.markGen when the rule is in the set entriesHitting
	// is looking for.
	mark uint64
}

// installed reports whether the rule is still in its table.
func (r *rule) installed() bool { return r.cr != nil && r.cr.Installed() }

// decodeInstructions fills the decoded fields from r.insts.
func (r *rule) decodeInstructions() {
	r.gotoT = -1
	for _, in := range r.insts {
		switch in := in.(type) {
		case *ofp.InstGotoTable:
			r.gotoT = int(in.TableID)
		case *ofp.InstWriteMetadata:
			r.mdValue, r.mdMask = in.Metadata&in.Mask, in.Mask
		case *ofp.InstWriteActions:
			r.write, r.hasWrite = in.Actions, true
		case *ofp.InstApplyActions:
			r.apply = in.Actions
		case *ofp.InstClearActions:
			r.clear = true
		case *ofp.InstMeter:
			r.meter = in.MeterID
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

// flowStats returns the rule as a flow-stats entry.
func (r *rule) flowStats(now time.Time) ofp.FlowStats {
	d := now.Sub(r.created)
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
		Cookie: r.cookie, PacketCount: pk, ByteCount: by, Match: r.match, Instructions: r.insts,
	}
}

// table is one flow table.
type table struct {
	cls     *classifier.Classifier[*rule]
	lookups uint64 // packets looked up (spec 1.3.5 §7.3.5.4 lookup_count)
	matched uint64 // packets that hit a flow entry
}
