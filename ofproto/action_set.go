package ofproto

// The action set (spec 1.3.5 §5.10): write-actions merge into it, one
// action per type (one set-field per field), clear-actions empties it, and
// at the end of the pipeline it runs in the order the spec fixes: copy TTL
// inwards, pops, push-MPLS, push-PBB, push-VLAN, copy TTL outwards,
// decrement TTL, sets, QoS, then the group or, without one, the output.

import "github.com/xvs-switch/xvs/ofproto/ofp"

type actionSet struct {
	copyIn, popVLAN, popMPLS, popPBB     ofp.Action
	pushMPLS, pushPBB, pushVLAN, copyOut ofp.Action
	decMPLS, decNw, setMPLSTTL, setNwTTL ofp.Action
	queue, group, output                 ofp.Action
	fields                               [numFields]*ofp.ActionSetField
	nonEmpty                             bool
}

// write merges actions into the set: each replaces the set's action of
// the same type (§5.10).
func (s *actionSet) write(list []ofp.Action) {
	for _, a := range list {
		s.nonEmpty = true
		switch a := a.(type) {
		case *ofp.ActionCopyTTLIn:
			s.copyIn = a
		case *ofp.ActionPopVLAN:
			s.popVLAN = a
		case *ofp.ActionPopMPLS:
			s.popMPLS = a
		case *ofp.ActionPopPBB:
			s.popPBB = a
		case *ofp.ActionPushMPLS:
			s.pushMPLS = a
		case *ofp.ActionPushPBB:
			s.pushPBB = a
		case *ofp.ActionPushVLAN:
			s.pushVLAN = a
		case *ofp.ActionCopyTTLOut:
			s.copyOut = a
		case *ofp.ActionDecMPLSTTL:
			s.decMPLS = a
		case *ofp.ActionDecNwTTL:
			s.decNw = a
		case *ofp.ActionSetMPLSTTL:
			s.setMPLSTTL = a
		case *ofp.ActionSetNwTTL:
			s.setNwTTL = a
		case *ofp.ActionSetQueue:
			s.queue = a
		case *ofp.ActionGroup:
			s.group = a
		case *ofp.ActionOutput:
			s.output = a
		case *ofp.ActionSetField:
			if int(a.Field.Field) < numFields && a.Field.IsBasic() {
				s.fields[a.Field.Field] = a
			}
		}
	}
}

// list returns the set's actions in execution order. With a group action
// the output action is ignored (§5.10).
func (s *actionSet) list() []ofp.Action {
	if !s.nonEmpty {
		return nil
	}
	var out []ofp.Action
	add := func(as ...ofp.Action) {
		for _, a := range as {
			if a != nil {
				out = append(out, a)
			}
		}
	}
	add(s.copyIn, s.popVLAN, s.popMPLS, s.popPBB, s.pushMPLS, s.pushPBB, s.pushVLAN, s.copyOut, s.decMPLS, s.decNw)
	for _, f := range s.fields {
		if f != nil {
			out = append(out, f)
		}
	}
	add(s.setMPLSTTL, s.setNwTTL, s.queue)
	if s.group != nil {
		add(s.group)
	} else {
		add(s.output)
	}
	return out
}

// runActionSet executes the action set at the end of the pipeline.
func (x *xctx) runActionSet() {
	list := x.aset.list()
	if len(list) == 0 {
		return
	}
	x.noteActionSet(list)
	x.actions(list)
}
