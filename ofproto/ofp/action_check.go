package ofp

// Consistency of a flow's actions with its match (spec 1.3.5 §7.4.4,
// OFPBAC_MATCH_INCONSISTENT: "action can't apply for this match, or
// Set-Field missing prerequisite"), following the header changes that
// earlier push and pop actions make: a set-field needs its field's
// prerequisites, pop_vlan a tag, pop_mpls and the MPLS TTL actions an
// MPLS packet, the IP TTL actions an IP one.

// headerState is what is known of a packet's headers at one point of an
// action list: the prerequisite fields (in_port, eth_type, ip_proto,
// icmpv6_type) that its match or earlier actions fix exactly, and whether
// a VLAN tag is present. A value type: copying it forks the state.
type headerState struct {
	val  [4]uint64
	has  [4]bool
	vlan bool
}

// prereqSlot maps a prerequisite field to its index in headerState.
func prereqSlot(f uint8) (int, bool) {
	switch f {
	case OXMInPortField:
		return 0, true
	case OXMEthTypeField:
		return 1, true
	case OXMIPProtoField:
		return 2, true
	case OXMICMPv6TypeField:
		return 3, true
	}
	return 0, false
}

func (st *headerState) set(f uint8, v uint64) {
	if i, ok := prereqSlot(f); ok {
		st.val[i], st.has[i] = v, true
	}
}

func (st *headerState) unset(f uint8) {
	if i, ok := prereqSlot(f); ok {
		st.has[i] = false
	}
}

func newHeaderState(m *Match) headerState {
	var st headerState
	for i := range m.Fields {
		o := &m.Fields[i]
		if !o.IsBasic() {
			continue
		}
		if o.Field == OXMVlanVIDField {
			st.vlan = o.Uint()&uint64(VIDPresent) != 0 && o.MaskUint()&uint64(VIDPresent) != 0
		} else if o.IsExact() {
			st.set(o.Field, o.Uint())
		}
	}
	return st
}

// satisfies reports whether field f's prerequisites hold in st.
func (st *headerState) satisfies(f uint8) bool {
	if f == OXMVlanVIDField || f == OXMVlanPCPField {
		return st.vlan
	}
	def, ok := basicField(f)
	if !ok {
		return false
	}
	return st.holds(def.prereq)
}

// holds reports whether a prerequisite, its further ones (next) and the
// prerequisites of the fields it names (ip_proto needs eth_type) hold.
func (st *headerState) holds(p *prereq) bool {
	for ; p != nil; p = p.next {
		i, _ := prereqSlot(p.field)
		if !st.has[i] {
			return false
		}
		if p.values != nil {
			found := false
			for _, want := range p.values {
				found = found || st.val[i] == want
			}
			if !found {
				return false
			}
		}
		if !st.holds(oxmFields[p.field].prereq) {
			return false
		}
	}
	return true
}

// ethIs reports whether the Ethernet type is known to be one of types.
func (st *headerState) ethIs(types ...uint64) bool {
	i, _ := prereqSlot(OXMEthTypeField)
	if !st.has[i] {
		return false
	}
	for _, t := range types {
		if st.val[i] == t {
			return true
		}
	}
	return false
}

// apply updates st for one action, or reports an action that cannot
// apply to the flow's packets.
//
// In a write-actions list (written true) only set-fields are checked: the
// action set runs at the end of the pipeline, on a packet that later
// tables may have changed, so a pop or TTL action there can be right
// whatever this flow's match says (Open vSwitch also lets them pass).
func (st *headerState) apply(a Action, written bool) error {
	inconsistent := func(what string) error {
		if written {
			return nil
		}
		return errf(ETBadAction, BACMatchInconsistent, "%s: the flow's packets do not have that header", what)
	}
	switch a := a.(type) {
	case *ActionPushVLAN:
		st.vlan = true
	case *ActionPopVLAN:
		if !st.vlan {
			if err := inconsistent("pop_vlan"); err != nil {
				return err
			}
		}
		st.vlan = false
	case *ActionSetMPLSTTL, *ActionDecMPLSTTL:
		if !st.ethIs(0x8847, 0x8848) {
			return inconsistent("mpls ttl action")
		}
	case *ActionSetNwTTL, *ActionDecNwTTL:
		if !st.ethIs(0x0800, 0x86dd) {
			return inconsistent("ip ttl action")
		}
	case *ActionPushMPLS:
		st.unset(OXMIPProtoField)
		st.unset(OXMICMPv6TypeField)
		st.set(OXMEthTypeField, uint64(a.EtherType))
	case *ActionPopMPLS:
		if !st.ethIs(0x8847, 0x8848) {
			if err := inconsistent("pop_mpls"); err != nil {
				return err
			}
		}
		st.unset(OXMIPProtoField)
		st.unset(OXMICMPv6TypeField)
		st.set(OXMEthTypeField, uint64(a.EtherType))
	case *ActionSetField:
		if !a.Field.IsBasic() {
			return nil
		}
		if !st.satisfies(a.Field.Field) {
			return errf(ETBadAction, BACMatchInconsistent, "set_field %s: its prerequisites are not in the match", a.Field.String())
		}
		st.set(a.Field.Field, a.Field.Uint())
	}
	return nil
}

// CheckActionsConsistency checks that every action of a flow's
// instructions applies to the packets its match (as changed by earlier
// push/pop actions) admits, as described at the top of this file
// (OFPBAC_MATCH_INCONSISTENT); Open vSwitch requires the same. Applied actions are followed in order;
// written actions see the headers as the applied ones left them.
func CheckActionsConsistency(m *Match, is []Instruction) error {
	st := newHeaderState(m)
	var written []Action
	for _, in := range is {
		switch in := in.(type) {
		case *InstApplyActions:
			for _, a := range in.Actions {
				if err := st.apply(a, false); err != nil {
					return err
				}
			}
		case *InstWriteActions:
			written = in.Actions
		}
	}
	for _, a := range written {
		if err := st.apply(a, true); err != nil {
			return err
		}
	}
	return nil
}
