package ofp

// Parsed flow text for OpenFlow 1.0: the OXM match and OpenFlow 1.3
// actions that ParseFlow produces, mapped onto struct ofp_match (spec
// 1.0.0 §5.2.3) and the OpenFlow 1.0 actions (§5.2.4). What OpenFlow 1.0
// cannot say (IPv6, MPLS, metadata, masked Ethernet addresses, groups,
// instructions other than apply-actions) is an error naming it.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Match10 maps an OpenFlow-basic match onto OpenFlow 1.0's.
func ToMatch10(m Match) (Match10, error) {
	out := MatchAll10()
	clear := func(w uint32) { out.Wildcards &^= w }
	for i := range m.Fields {
		o := &m.Fields[i]
		name := o.String()
		if fd, ok := basicField(o.Field); ok && o.IsBasic() {
			name = fd.name
		}
		if !o.IsBasic() {
			return out, fmt.Errorf("%s cannot be matched in OpenFlow 1.0", name)
		}
		masked := o.HasMask && !allOnes(o.Mask)
		noMask := func() error {
			if masked {
				return fmt.Errorf("OpenFlow 1.0 cannot mask %s", name)
			}
			return nil
		}
		switch o.Field {
		case OXMInPortField:
			p, ok := PortNo(o.Uint()).To10()
			if !ok {
				return out, fmt.Errorf("in_port %d does not fit OpenFlow 1.0", o.Uint())
			}
			out.InPort = p
			clear(FW10InPort)
		case OXMEthSrcField, OXMEthDstField:
			if err := noMask(); err != nil {
				return out, err
			}
			if o.Field == OXMEthSrcField {
				copy(out.DLSrc[:], o.Value)
				clear(FW10DLSrc)
			} else {
				copy(out.DLDst[:], o.Value)
				clear(FW10DLDst)
			}
		case OXMEthTypeField:
			out.DLType = uint16(o.Uint())
			clear(FW10DLType)
		case OXMVlanVIDField:
			v := uint16(o.Uint())
			switch {
			case !masked && v == VIDNone:
				out.DLVLAN = VLAN10None
			case !masked && v&VIDPresent != 0:
				out.DLVLAN = v & 0xfff
			case masked && v == VIDPresent && uint16(o.MaskUint()) == VIDPresent:
				// "any VLAN" exists only with a pcp match in 1.0: keep
				// dl_vlan wildcarded and let dl_vlan_pcp say it.
				continue
			default:
				return out, fmt.Errorf("OpenFlow 1.0 cannot match vlan_vid %s", hexMasked(o))
			}
			clear(FW10DLVLAN)
		case OXMVlanPCPField:
			out.DLVLANPCP = uint8(o.Uint())
			clear(FW10DLVLANPCP)
		case OXMIPDSCPField:
			out.NWTos = uint8(o.Uint()) << 2
			clear(FW10NWTos)
		case OXMIPProtoField, OXMARPOpField:
			if o.Uint() > 0xff {
				return out, fmt.Errorf("arp_op %d does not fit OpenFlow 1.0", o.Uint())
			}
			out.NWProto = uint8(o.Uint())
			clear(FW10NWProto)
		case OXMIPv4SrcField, OXMIPv4DstField, OXMARPSPAField, OXMARPTPAField:
			prefix := 32
			if masked {
				mk := binary.BigEndian.Uint32(o.Mask)
				prefix = bits.LeadingZeros32(^mk)
				if prefix < 32 && mk<<prefix != 0 {
					return out, fmt.Errorf("OpenFlow 1.0 can match %s only by prefix", name)
				}
			}
			var a IPv410
			copy(a[:], o.Value)
			if o.Field == OXMIPv4SrcField || o.Field == OXMARPSPAField {
				out.SetNWSrc(a, prefix)
			} else {
				out.SetNWDst(a, prefix)
			}
		case OXMTCPSrcField, OXMUDPSrcField, OXMSCTPSrcField, OXMICMPv4TypeField:
			out.TPSrc = uint16(o.Uint())
			clear(FW10TPSrc)
		case OXMTCPDstField, OXMUDPDstField, OXMSCTPDstField, OXMICMPv4CodeField:
			out.TPDst = uint16(o.Uint())
			clear(FW10TPDst)
		default:
			return out, fmt.Errorf("%s cannot be matched in OpenFlow 1.0", name)
		}
	}
	return out, nil
}

// ToActions10 maps OpenFlow 1.3 actions onto OpenFlow 1.0's. A push_vlan
// directly before a set of vlan_vid or vlan_pcp folds into it: the 1.0
// actions add a tag when there is none.
func ToActions10(as []Action) (Actions10, error) {
	var out Actions10
	for i := 0; i < len(as); i++ {
		switch a := as[i].(type) {
		case *ActionOutput:
			p, ok := a.Port.To10()
			if !ok {
				return nil, fmt.Errorf("output port %s does not fit OpenFlow 1.0", a.Port)
			}
			ml := a.MaxLen
			if a.Port == PortController && ml == ControllerMaxLenNoBuffer {
				ml = 0xffff
			}
			out = append(out, ActionOutput10{Port: p, MaxLen: ml})
		case *ActionPushVLAN:
			next, ok := actionAt(as, i+1).(*ActionSetField)
			if !ok || (next.Field.Field != OXMVlanVIDField && next.Field.Field != OXMVlanPCPField) {
				return nil, fmt.Errorf("push_vlan cannot be encoded in OpenFlow 1.0 (use mod_vlan_vid)")
			}
		case *ActionPopVLAN:
			out = append(out, ActionStripVLAN10{})
		case *ActionSetField:
			a10, err := setField10(&a.Field)
			if err != nil {
				return nil, err
			}
			out = append(out, a10)
		default:
			return nil, fmt.Errorf("%s cannot be encoded in OpenFlow 1.0", as[i].format())
		}
	}
	return out, nil
}

func actionAt(as []Action, i int) Action {
	if i < len(as) {
		return as[i]
	}
	return nil
}

func setField10(o *OXM) (Action10, error) {
	v := o.Uint()
	switch o.Field {
	case OXMVlanVIDField:
		return ActionSetVLANVID10{VLANVID: uint16(v) & 0xfff}, nil
	case OXMVlanPCPField:
		return ActionSetVLANPCP10{VLANPCP: uint8(v)}, nil
	case OXMEthSrcField:
		var m MAC
		copy(m[:], o.Value)
		return ActionSetDLSrc10{Addr: m}, nil
	case OXMEthDstField:
		var m MAC
		copy(m[:], o.Value)
		return ActionSetDLDst10{Addr: m}, nil
	case OXMIPv4SrcField:
		var a IPv410
		copy(a[:], o.Value)
		return ActionSetNWSrc10{Addr: a}, nil
	case OXMIPv4DstField:
		var a IPv410
		copy(a[:], o.Value)
		return ActionSetNWDst10{Addr: a}, nil
	case OXMIPDSCPField:
		return ActionSetNWTos10{NWTos: uint8(v) << 2}, nil
	case OXMTCPSrcField, OXMUDPSrcField:
		return ActionSetTPSrc10{Port: uint16(v)}, nil
	case OXMTCPDstField, OXMUDPDstField:
		return ActionSetTPDst10{Port: uint16(v)}, nil
	}
	return nil, fmt.Errorf("set_field:%s cannot be encoded in OpenFlow 1.0", formatSetFieldValue(o))
}

// FlowMod10 returns the spec as an OpenFlow 1.0 flow-mod. Only
// apply-actions can be said in 1.0; tables other than 0 cannot be named
// (ovs-ofctl needs an extension for that).
func (fs *FlowSpec) FlowMod10() (*FlowMod10, error) {
	match, err := ToMatch10(fs.Match)
	if err != nil {
		return nil, err
	}
	if fs.HasTable && fs.TableID != 0 && fs.TableID != TableAll {
		return nil, fmt.Errorf("table=%d needs OpenFlow 1.3 (OpenFlow 1.0 has no table in a flow-mod)", fs.TableID)
	}
	if fs.CookieMask != 0 && fs.CookieMask != ^uint64(0) {
		return nil, fmt.Errorf("a cookie mask needs OpenFlow 1.3")
	}
	if fs.Flags&^(FlowSendFlowRem|FlowCheckOverlap) != 0 {
		return nil, fmt.Errorf("flags %s need OpenFlow 1.3", formatFlowFlags(fs.Flags&^(FlowSendFlowRem|FlowCheckOverlap)))
	}
	out, ok := fs.OutPort.To10()
	if !ok {
		return nil, fmt.Errorf("out_port %s does not fit OpenFlow 1.0", fs.OutPort)
	}
	fm := &FlowMod10{Match: match, Cookie: fs.Cookie, Command: uint16(fs.Command), IdleTimeout: fs.IdleTimeout,
		HardTimeout: fs.HardTimeout, Priority: fs.Priority, BufferID: fs.BufferID, OutPort: out, Flags: fs.Flags}
	for _, in := range fs.Instructions {
		apply, ok := in.(*InstApplyActions)
		if !ok {
			_, name := instRank(in.Type())
			return nil, fmt.Errorf("instruction %s needs OpenFlow 1.3", name)
		}
		if fm.Actions, err = ToActions10(apply.Actions); err != nil {
			return nil, err
		}
	}
	return fm, nil
}

// FlowStatsRequest10 returns the OpenFlow 1.0 request selecting the
// spec's flows (all tables unless table= was given).
func (fs *FlowSpec) FlowStatsRequest10() (*FlowStatsRequest10, error) {
	match, err := ToMatch10(fs.Match)
	if err != nil {
		return nil, err
	}
	out, ok := fs.OutPort.To10()
	if !ok {
		return nil, fmt.Errorf("out_port %s does not fit OpenFlow 1.0", fs.OutPort)
	}
	r := &FlowStatsRequest10{Match: match, TableID: TableAll10, OutPort: out}
	if fs.HasTable {
		r.TableID = fs.TableID
	}
	return r, nil
}
