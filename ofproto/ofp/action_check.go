package ofp

// Consistency of a flow's set-field actions with its match (spec 1.3.5
// §7.2.5, "Set-Field": the field's prerequisites must hold for packets
// the flow can see, else OFPBAC_MATCH_INCONSISTENT), following the header
// changes that earlier push and pop actions make.

// headerState is what is known of a packet's headers at one point of an
// action list: the values its match (or earlier actions) fix exactly.
type headerState struct {
	exact map[uint8]uint64 // basic field -> exact value, for prerequisite fields
	vlan  bool             // a VLAN tag is present
}

func newHeaderState(m *Match) *headerState {
	st := &headerState{exact: make(map[uint8]uint64, 4)}
	for i := range m.Fields {
		o := &m.Fields[i]
		if !o.IsBasic() {
			continue
		}
		switch o.Field {
		case OXMEthTypeField, OXMIPProtoField, OXMICMPv6TypeField, OXMInPortField:
			if isFullMask(o) {
				st.exact[o.Field] = o.Uint()
			}
		case OXMVlanVIDField:
			st.vlan = o.Uint()&uint64(VIDPresent) != 0 && o.MaskUint()&uint64(VIDPresent) != 0
		}
	}
	return st
}

func (st *headerState) clone() *headerState {
	c := &headerState{exact: make(map[uint8]uint64, len(st.exact)), vlan: st.vlan}
	for k, v := range st.exact {
		c.exact[k] = v
	}
	return c
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
	for p := def.prereq; p != nil; {
		v, ok := st.exact[p.field]
		if !ok {
			return false
		}
		if p.values != nil {
			found := false
			for _, want := range p.values {
				found = found || v == want
			}
			if !found {
				return false
			}
		}
		// The prerequisite has its own (ip_proto needs eth_type).
		p = oxmFields[p.field].prereq
	}
	return true
}

// apply updates st for one action, or reports an inconsistent set-field.
func (st *headerState) apply(a Action) error {
	switch a := a.(type) {
	case *ActionPushVLAN:
		st.vlan = true
	case *ActionPopVLAN:
		st.vlan = false
	case *ActionPushMPLS:
		st.exact = map[uint8]uint64{OXMEthTypeField: uint64(a.EtherType)}
	case *ActionPopMPLS:
		delete(st.exact, OXMIPProtoField)
		delete(st.exact, OXMICMPv6TypeField)
		st.exact[OXMEthTypeField] = uint64(a.EtherType)
	case *ActionSetField:
		if !a.Field.IsBasic() {
			return nil
		}
		if !st.satisfies(a.Field.Field) {
			return errf(ETBadAction, BACMatchInconsistent, "set_field %s: its prerequisites are not in the match", a.Field.String())
		}
		switch a.Field.Field {
		case OXMEthTypeField, OXMIPProtoField, OXMICMPv6TypeField:
			st.exact[a.Field.Field] = a.Field.Uint()
		}
	}
	return nil
}

// CheckActionsConsistency checks that every set-field of a flow's
// instructions writes a field whose prerequisites the match (as changed
// by earlier push/pop actions) guarantees (OFPBAC_MATCH_INCONSISTENT), as
// Open vSwitch also requires. Applied actions are followed in order;
// written actions see the headers as the applied ones left them.
func CheckActionsConsistency(m *Match, is []Instruction) error {
	st := newHeaderState(m)
	var written []Action
	for _, in := range is {
		switch in := in.(type) {
		case *InstApplyActions:
			for _, a := range in.Actions {
				if err := st.apply(a); err != nil {
					return err
				}
			}
		case *InstWriteActions:
			written = in.Actions
		}
	}
	st = st.clone()
	for _, a := range written {
		if err := st.apply(a); err != nil {
			return err
		}
	}
	return nil
}
