package ofp

// JSON forms of the OpenFlow 1.3 list elements. Actions, instructions and
// meter bands are interfaces, so each concrete type names itself with a
// "type" member; OXM values print in hex with the field's name.

import (
	"encoding/hex"
	"encoding/json"
)

// jsonWithType marshals v, a struct, with a leading "type" member.
func jsonWithType(name string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := append([]byte(`{"type":`), '"')
	out = append(append(out, name...), '"')
	if len(b) > 2 {
		out = append(append(out, ','), b[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}

func (a *ActionOutput) MarshalJSON() ([]byte, error) {
	type plain ActionOutput
	return jsonWithType("output", (*plain)(a))
}
func (a *ActionCopyTTLOut) MarshalJSON() ([]byte, error) {
	return jsonWithType("copy_ttl_out", struct{}{})
}
func (a *ActionCopyTTLIn) MarshalJSON() ([]byte, error) {
	return jsonWithType("copy_ttl_in", struct{}{})
}
func (a *ActionSetMPLSTTL) MarshalJSON() ([]byte, error) {
	type plain ActionSetMPLSTTL
	return jsonWithType("set_mpls_ttl", (*plain)(a))
}
func (a *ActionDecMPLSTTL) MarshalJSON() ([]byte, error) {
	return jsonWithType("dec_mpls_ttl", struct{}{})
}
func (a *ActionPushVLAN) MarshalJSON() ([]byte, error) {
	type plain ActionPushVLAN
	return jsonWithType("push_vlan", (*plain)(a))
}
func (a *ActionPopVLAN) MarshalJSON() ([]byte, error) { return jsonWithType("pop_vlan", struct{}{}) }
func (a *ActionPushMPLS) MarshalJSON() ([]byte, error) {
	type plain ActionPushMPLS
	return jsonWithType("push_mpls", (*plain)(a))
}
func (a *ActionPopMPLS) MarshalJSON() ([]byte, error) {
	type plain ActionPopMPLS
	return jsonWithType("pop_mpls", (*plain)(a))
}
func (a *ActionSetQueue) MarshalJSON() ([]byte, error) {
	type plain ActionSetQueue
	return jsonWithType("set_queue", (*plain)(a))
}
func (a *ActionGroup) MarshalJSON() ([]byte, error) {
	type plain ActionGroup
	return jsonWithType("group", (*plain)(a))
}
func (a *ActionSetNwTTL) MarshalJSON() ([]byte, error) {
	type plain ActionSetNwTTL
	return jsonWithType("set_nw_ttl", (*plain)(a))
}
func (a *ActionDecNwTTL) MarshalJSON() ([]byte, error) { return jsonWithType("dec_nw_ttl", struct{}{}) }
func (a *ActionSetField) MarshalJSON() ([]byte, error) {
	type plain ActionSetField
	return jsonWithType("set_field", (*plain)(a))
}
func (a *ActionPushPBB) MarshalJSON() ([]byte, error) {
	type plain ActionPushPBB
	return jsonWithType("push_pbb", (*plain)(a))
}
func (a *ActionPopPBB) MarshalJSON() ([]byte, error) { return jsonWithType("pop_pbb", struct{}{}) }
func (a *ActionExperimenter) MarshalJSON() ([]byte, error) {
	type plain ActionExperimenter
	return jsonWithType("experimenter", (*plain)(a))
}

func (i *InstGotoTable) MarshalJSON() ([]byte, error) {
	type plain InstGotoTable
	return jsonWithType("goto_table", (*plain)(i))
}
func (i *InstWriteMetadata) MarshalJSON() ([]byte, error) {
	type plain InstWriteMetadata
	return jsonWithType("write_metadata", (*plain)(i))
}
func (i *InstWriteActions) MarshalJSON() ([]byte, error) {
	type plain InstWriteActions
	return jsonWithType("write_actions", (*plain)(i))
}
func (i *InstApplyActions) MarshalJSON() ([]byte, error) {
	type plain InstApplyActions
	return jsonWithType("apply_actions", (*plain)(i))
}
func (i *InstClearActions) MarshalJSON() ([]byte, error) {
	return jsonWithType("clear_actions", struct{}{})
}
func (i *InstMeter) MarshalJSON() ([]byte, error) {
	type plain InstMeter
	return jsonWithType("meter", (*plain)(i))
}
func (i *InstExperimenter) MarshalJSON() ([]byte, error) {
	type plain InstExperimenter
	return jsonWithType("experimenter", (*plain)(i))
}

func (m *MeterBandDrop) MarshalJSON() ([]byte, error) {
	type plain MeterBandDrop
	return jsonWithType("drop", (*plain)(m))
}
func (m *MeterBandDSCPRemark) MarshalJSON() ([]byte, error) {
	type plain MeterBandDSCPRemark
	return jsonWithType("dscp_remark", (*plain)(m))
}
func (m *MeterBandExperimenter) MarshalJSON() ([]byte, error) {
	type plain MeterBandExperimenter
	return jsonWithType("experimenter", (*plain)(m))
}

// MarshalJSON prints a TLV with its field's name (OpenFlow-basic class)
// and value and mask in hex.
func (o OXM) MarshalJSON() ([]byte, error) {
	type jsonOXM struct {
		Class        uint16 `json:"class"`
		Field        uint8  `json:"field"`
		Name         string `json:"name,omitempty"`
		HasMask      bool   `json:"has_mask,omitempty"`
		Value        string `json:"value"`
		Mask         string `json:"mask,omitempty"`
		Experimenter uint32 `json:"experimenter,omitempty"`
	}
	j := jsonOXM{Class: o.Class, Field: o.Field, HasMask: o.HasMask, Value: hex.EncodeToString(o.Value),
		Mask: hex.EncodeToString(o.Mask), Experimenter: o.Experimenter}
	if f, ok := basicField(o.Field); ok && o.IsBasic() {
		j.Name = f.name
	}
	return json.Marshal(j)
}
