package ofp

// Text of actions as `ovs-ofctl ofp-print` prints OpenFlow 1.3 ones.

import (
	"fmt"
	"strings"
)

// formatActions prints an action list ("output:2,set_field:5->vlan_vid");
// an empty list is "drop".
func formatActions(as []Action) string {
	if len(as) == 0 {
		return "drop"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.format()
	}
	return strings.Join(s, ",")
}

// formatOutputPort prints an output port: reserved ports by name.
func (a *ActionOutput) format() string {
	switch {
	case a.Port == PortController:
		return fmt.Sprintf("CONTROLLER:%d", a.MaxLen)
	case a.Port >= PortInPort:
		return a.Port.String()
	}
	return "output:" + a.Port.String()
}

func (*ActionCopyTTLOut) format() string   { return "copy_ttl_out" }
func (*ActionCopyTTLIn) format() string    { return "copy_ttl_in" }
func (a *ActionSetMPLSTTL) format() string { return fmt.Sprintf("set_mpls_ttl(%d)", a.TTL) }
func (*ActionDecMPLSTTL) format() string   { return "dec_mpls_ttl" }
func (a *ActionPushVLAN) format() string   { return fmt.Sprintf("push_vlan:0x%04x", a.EtherType) }
func (*ActionPopVLAN) format() string      { return "pop_vlan" }
func (a *ActionPushMPLS) format() string   { return fmt.Sprintf("push_mpls:0x%04x", a.EtherType) }
func (a *ActionPopMPLS) format() string    { return fmt.Sprintf("pop_mpls:0x%04x", a.EtherType) }
func (a *ActionSetQueue) format() string   { return fmt.Sprintf("set_queue:%d", a.QueueID) }
func (a *ActionGroup) format() string      { return fmt.Sprintf("group:%d", a.GroupID) }
func (a *ActionSetNwTTL) format() string   { return fmt.Sprintf("mod_nw_ttl:%d", a.TTL) }
func (*ActionDecNwTTL) format() string     { return "dec_ttl" }
func (a *ActionPushPBB) format() string    { return fmt.Sprintf("push_pbb:0x%04x", a.EtherType) }
func (*ActionPopPBB) format() string       { return "pop_pbb" }
func (a *ActionExperimenter) format() string {
	return fmt.Sprintf("experimenter(%#x,%x)", a.Experimenter, a.Data)
}

func (a *ActionSetField) format() string {
	return "set_field:" + formatSetFieldValue(&a.Field)
}
