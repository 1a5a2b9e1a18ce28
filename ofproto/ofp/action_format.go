package ofp

// Text of actions as `ovs-ofctl ofp-print` prints OpenFlow 1.3 ones.

import (
	"fmt"
	"strconv"
)

// formatActions prints an action list ("output:2,set_field:5->vlan_vid");
// an empty list is "drop".
func formatActions(as []Action) string { return string(appendActionsText(nil, as)) }

// actionAppender is implemented by the actions dump-flows prints most,
// which append their text instead of returning a string.
type actionAppender interface {
	appendText(b []byte) []byte
}

func appendActionsText(b []byte, as []Action) []byte {
	if len(as) == 0 {
		return append(b, "drop"...)
	}
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		if t, ok := a.(actionAppender); ok {
			b = t.appendText(b)
		} else {
			b = append(b, a.format()...)
		}
	}
	return b
}

// format prints an output port: reserved ports by name.
func (a *ActionOutput) format() string { return string(a.appendText(nil)) }

func (a *ActionOutput) appendText(b []byte) []byte {
	switch {
	case a.Port == PortController:
		return strconv.AppendUint(append(b, "CONTROLLER:"...), uint64(a.MaxLen), 10)
	case a.Port >= PortInPort:
		return a.Port.appendText(b)
	}
	return a.Port.appendText(append(b, "output:"...))
}

func (*ActionCopyTTLOut) format() string   { return "copy_ttl_out" }
func (*ActionCopyTTLIn) format() string    { return "copy_ttl_in" }
func (a *ActionSetMPLSTTL) format() string { return fmt.Sprintf("set_mpls_ttl(%d)", a.TTL) }
func (*ActionDecMPLSTTL) format() string   { return "dec_mpls_ttl" }

func (*ActionPopVLAN) format() string { return "pop_vlan" }

func (a *ActionSetQueue) format() string { return fmt.Sprintf("set_queue:%d", a.QueueID) }
func (a *ActionGroup) format() string    { return fmt.Sprintf("group:%d", a.GroupID) }
func (a *ActionSetNwTTL) format() string { return fmt.Sprintf("mod_nw_ttl:%d", a.TTL) }
func (*ActionDecNwTTL) format() string   { return "dec_ttl" }

func (*ActionPopPBB) format() string { return "pop_pbb" }
func (a *ActionExperimenter) format() string {
	return fmt.Sprintf("experimenter(%#x,%x)", a.Experimenter, a.Data)
}

func (a *ActionSetField) format() string { return string(a.appendText(nil)) }

func (a *ActionSetField) appendText(b []byte) []byte {
	return appendSetFieldValue(append(b, "set_field:"...), &a.Field)
}

func (a *ActionPushVLAN) format() string { return string(a.appendText(nil)) }
func (a *ActionPushVLAN) appendText(b []byte) []byte {
	return appendHexWidth(append(b, "push_vlan:"...), uint64(a.EtherType), 4)
}

func (a *ActionPushMPLS) format() string { return string(a.appendText(nil)) }
func (a *ActionPushMPLS) appendText(b []byte) []byte {
	return appendHexWidth(append(b, "push_mpls:"...), uint64(a.EtherType), 4)
}

func (a *ActionPopMPLS) format() string { return string(a.appendText(nil)) }
func (a *ActionPopMPLS) appendText(b []byte) []byte {
	return appendHexWidth(append(b, "pop_mpls:"...), uint64(a.EtherType), 4)
}

func (a *ActionPushPBB) format() string { return string(a.appendText(nil)) }
func (a *ActionPushPBB) appendText(b []byte) []byte {
	return appendHexWidth(append(b, "push_pbb:"...), uint64(a.EtherType), 4)
}
