package normal

import (
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

// 802.1Q priority tags (IEEE 802.1Q-2018 section 9.6: a VID of 0 means the
// tag carries only priority). Open vSwitch treats a priority-tagged frame as
// untagged for every VLAN decision but keeps its PCP: when the frame leaves
// tagged, the new tag carries that PCP; when it leaves untagged, the PCP is
// lost unless the output port has priority-tags set
// (xvlan_extract/xvlan_put in ofproto-dpif-xlate.c).

// InputTag reads the outermost tag of key: its VID (0 for an untagged or
// priority-tagged frame), its PCP, its TPID (0 when untagged) and whether a
// tag is present at all.
func InputTag(key *datapath.FlowKey) (vid uint16, pcp uint8, tpid uint16, tagged bool) {
	if !key.Fields.Has(datapath.FieldVLAN0) {
		return 0, 0, 0, false
	}
	t := key.VLAN[0]
	return t.VID(), t.PCP(), t.TPID, true
}

// OutputTCI returns the tag a frame leaving with VID vid (0: untagged) and
// priority pcp carries, and whether it carries one: always for a non-zero
// VID; for VID 0 only as a priority tag, when priorityTags allows one and
// pcp is not zero. DEI is never set, as OVS's push does not set it.
func OutputTCI(vid uint16, pcp uint8, priorityTags bool) (tci uint16, tagged bool) {
	if vid == 0 && !(priorityTags && pcp != 0) {
		return 0, false
	}
	return datapath.MakeTCI(vid, pcp, false), true
}

// IsPriorityTagged reports whether key's outermost tag is a priority tag.
func IsPriorityTagged(key *datapath.FlowKey) bool {
	vid, _, _, tagged := InputTag(key)
	return tagged && vid == 0
}

// ParsePriorityTags reads the Port's other_config:priority-tags: "",
// "false" and "never" are off; "true" and "if-nonzero" are on (a priority
// tag when the priority is not zero). "always" (a priority tag even for
// priority 0) is taken as "if-nonzero": Open vSwitch 3.1 sends no tag for
// priority 0 either.
func ParsePriorityTags(s string) (bool, error) {
	switch s {
	case "", "false", "never":
		return false, nil
	case "true", "if-nonzero", "always":
		return true, nil
	}
	return false, fmt.Errorf("priority-tags %q: want never, if-nonzero, always, true or false", s)
}
