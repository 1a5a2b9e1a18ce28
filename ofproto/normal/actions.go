package normal

import (
	"slices"

	"github.com/xvs-switch/xvs/datapath"
)

// tagState is the frame's outermost VLAN tag as the actions so far left it.
type tagState struct {
	tagged bool
	tpid   uint16
	tci    uint16
}

// Actions turns the decision into datapath actions for a frame whose
// outermost tag is now frameTag (nil: untagged). dpPort maps an OpenFlow
// port to its datapath port; outputs it cannot map are left out. A dropped
// decision gives no actions.
//
// Outputs are grouped by the tag they need so that the frame is edited as
// few times as possible: first the outputs that need the frame as it is,
// then the untagged ones, then each VID in increasing order. Each change of
// group costs one edit (push, pop, or a VID/PCP rewrite of the tag in place,
// which keeps the TPID and DEI). Within a group, outputs keep their order.
func (d Decision) Actions(frameTag *datapath.VLANTag, dpPort func(ofport uint32) (uint32, bool)) []datapath.Action {
	acts, _ := d.ActionsFrom(frameTag, dpPort)
	return acts
}

// ActionsFrom is Actions that also returns the frame's outermost tag after
// the actions (nil: untagged), which a caller translating actions that
// follow NORMAL needs.
func (d Decision) ActionsFrom(frameTag *datapath.VLANTag, dpPort func(ofport uint32) (uint32, bool)) ([]datapath.Action, *datapath.VLANTag) {
	cur := tagState{}
	if frameTag != nil {
		cur = tagState{tagged: true, tpid: frameTag.TPID, tci: frameTag.TCI}
	}
	if d.Drop || len(d.Outputs) == 0 {
		return nil, cur.tag()
	}
	// Group outputs by the tag state they need, keeping first-seen order
	// of ports within a group.
	type group struct {
		want  tagState
		ports []uint32
	}
	var groups []*group
	find := func(w tagState) *group {
		for _, g := range groups {
			if g.want.same(w) {
				return g
			}
		}
		g := &group{want: w}
		groups = append(groups, g)
		return g
	}
	for _, o := range d.Outputs {
		dp, ok := dpPort(o.Port)
		if !ok {
			continue
		}
		g := find(d.want(o))
		g.ports = append(g.ports, dp)
	}
	// Order: the group needing no edit first, then untagged, then by VID.
	rank := func(g *group) int {
		switch {
		case g.want.same(cur):
			return -1
		case !g.want.tagged:
			return 0
		}
		return 1 + int(g.want.tci&0x0fff)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return rank(a) - rank(b) })

	var acts []datapath.Action
	for _, g := range groups {
		acts = cur.editTo(g.want, acts)
		for _, p := range g.ports {
			acts = append(acts, datapath.Output{Port: p})
		}
	}
	return acts, cur.tag()
}

// want is the tag an output needs.
func (d Decision) want(o Out) tagState {
	tpid := d.TPID
	if tpid == 0 {
		tpid = datapath.EthTypeVLAN
	}
	if o.Tag == 0 && !o.PriorityTag {
		return tagState{}
	}
	return tagState{tagged: true, tpid: tpid, tci: datapath.MakeTCI(o.Tag, d.PCP, false)}
}

// same compares what matters for an output: presence, VID and PCP. The
// TPID and DEI of a tag already on the frame are kept.
func (s tagState) same(w tagState) bool {
	if s.tagged != w.tagged {
		return false
	}
	return !s.tagged || s.tci&^0x1000 == w.tci&^0x1000
}

// editTo appends the edits that turn s into w and updates s.
func (s *tagState) editTo(w tagState, acts []datapath.Action) []datapath.Action {
	switch {
	case s.same(w):
		return acts
	case !w.tagged:
		acts = append(acts, datapath.PopVLAN{})
		*s = tagState{}
	case !s.tagged:
		acts = append(acts, datapath.PushVLAN{TPID: w.tpid, TCI: w.tci})
		*s = w
	default:
		old := datapath.VLANTag{TCI: s.tci}
		nw := datapath.VLANTag{TCI: w.tci}
		if old.VID() != nw.VID() {
			acts = append(acts, datapath.SetVLANVID{VID: nw.VID()})
		}
		if old.PCP() != nw.PCP() {
			acts = append(acts, datapath.SetVLANPCP{PCP: nw.PCP()})
		}
		s.tci = s.tci&0x1000 | w.tci&^0x1000
	}
	return acts
}

func (s tagState) tag() *datapath.VLANTag {
	if !s.tagged {
		return nil
	}
	return &datapath.VLANTag{TPID: s.tpid, TCI: s.tci}
}
