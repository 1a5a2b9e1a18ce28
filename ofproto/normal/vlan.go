package normal

import (
	"errors"
	"fmt"
	"slices"
)

// VLAN configuration of a port, as ovs-vswitchd.conf.db(5) section "VLAN
// Configuration" of the Port table defines the tag, trunks and vlan_mode
// columns, with Open vSwitch's ofproto-dpif semantics where the manual is
// silent (xbundle_includes_vlan, input_vid_is_valid, xvlan_input_translate
// and xvlan_output_translate in ofproto/ofproto-dpif-xlate.c).

// MaxVID is the largest VLAN ID a tag or trunk may name.
const MaxVID = 4095

// VLANMode is a port's vlan_mode.
type VLANMode uint8

const (
	// ModeDefault is an unset vlan_mode: access when a tag is set, trunk
	// otherwise.
	ModeDefault VLANMode = iota
	// ModeTrunk carries the VLANs in Trunks (all when empty); an untagged
	// frame belongs to VLAN 0 and VLAN 0 leaves untagged.
	ModeTrunk
	// ModeAccess carries only VLAN Tag (0 when unset), untagged both ways;
	// frames tagged with a non-zero VID are dropped.
	ModeAccess
	// ModeNativeTagged is a trunk on which untagged frames belong to the
	// native VLAN Tag; every frame leaves tagged, native ones too.
	ModeNativeTagged
	// ModeNativeUntagged is ModeNativeTagged except that frames of the
	// native VLAN leave untagged.
	ModeNativeUntagged
)

var modeNames = [...]string{
	ModeDefault:        "",
	ModeTrunk:          "trunk",
	ModeAccess:         "access",
	ModeNativeTagged:   "native-tagged",
	ModeNativeUntagged: "native-untagged",
}

// String returns the vlan_mode column value ("" for ModeDefault).
func (m VLANMode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("VLANMode(%d)", uint8(m))
}

// ErrVLANMode is wrapped by ParseVLANMode's errors.
var ErrVLANMode = errors.New("unknown vlan_mode")

// ParseVLANMode parses the vlan_mode column: "", "access", "trunk",
// "native-tagged" or "native-untagged". OVS's "dot1q-tunnel" is not
// supported and is refused like any other unknown value.
func ParseVLANMode(s string) (VLANMode, error) {
	for m, name := range modeNames {
		if s == name {
			return VLANMode(m), nil
		}
	}
	return 0, fmt.Errorf("vlan_mode %q: %w (want access, trunk, native-tagged or native-untagged)", s, ErrVLANMode)
}

// VLANConfig is a port's VLAN configuration. The zero value is a trunk of
// every VLAN, the configuration of a port with no tag, trunks or vlan_mode.
type VLANConfig struct {
	Mode   VLANMode
	Tag    uint16   // access VLAN or native VLAN; 0: none
	Trunks []uint16 // VLANs a trunk or native port carries; empty: all
	// PriorityTags is other_config:priority-tags=true (OVS's "if-nonzero"):
	// a frame leaving untagged whose priority (PCP) is not zero leaves
	// with an 802.1Q priority tag (VID 0) that keeps the PCP.
	PriorityTags bool
}

// Validate reports a configuration Open vSwitch would not accept or could
// not honour: VIDs above 4095, an unknown mode, a native mode without a
// native VLAN. Trunks on an access port and a tag on a trunk port are
// accepted and ignored, as OVS does.
func (c VLANConfig) Validate() error {
	if int(c.Mode) >= len(modeNames) {
		return fmt.Errorf("vlan: %w: %d", ErrVLANMode, c.Mode)
	}
	if c.Tag > MaxVID {
		return fmt.Errorf("vlan: tag %d out of range 0..%d", c.Tag, MaxVID)
	}
	for _, t := range c.Trunks {
		if t > MaxVID {
			return fmt.Errorf("vlan: trunk %d out of range 0..%d", t, MaxVID)
		}
	}
	// A native mode without a tag is valid: its native VLAN is VLAN 0, as
	// Open vSwitch's bundle_set() makes it (untagged frames enter in VLAN
	// 0 whatever Trunks says; the trunked VLANs pass tagged).
	return nil
}

// EffectiveMode resolves ModeDefault: access when Tag is set, else trunk.
func (c VLANConfig) EffectiveMode() VLANMode {
	if c.Mode != ModeDefault {
		return c.Mode
	}
	if c.Tag != 0 {
		return ModeAccess
	}
	return ModeTrunk
}

// trunks reports whether the port's trunk list carries vlan; an empty list
// carries all.
func (c VLANConfig) trunks(vlan uint16) bool {
	return len(c.Trunks) == 0 || slices.Contains(c.Trunks, vlan)
}

// Carries reports whether frames of VLAN vlan may leave (and, tagged with
// it, enter) the port. Native modes always carry the native VLAN and never
// VLAN 0, whatever Trunks says, as OVS forces in bundle_set().
func (c VLANConfig) Carries(vlan uint16) bool {
	switch c.EffectiveMode() {
	case ModeAccess:
		return vlan == c.Tag
	case ModeNativeTagged, ModeNativeUntagged:
		return vlan == c.Tag || (vlan != 0 && c.trunks(vlan))
	default:
		return c.trunks(vlan)
	}
}

// InputVLAN returns the VLAN of a frame entering the port whose outermost
// tag has VID vid (0: untagged or priority-tagged), or ok false when the
// port must drop it: a tagged frame on an access port, a VLAN the port
// does not trunk.
func (c VLANConfig) InputVLAN(vid uint16) (vlan uint16, ok bool) {
	switch c.EffectiveMode() {
	case ModeAccess:
		if vid != 0 {
			return 0, false
		}
		return c.Tag, true
	case ModeNativeTagged, ModeNativeUntagged:
		if vid == 0 {
			return c.Tag, true
		}
	}
	if !c.Carries(vid) {
		return 0, false
	}
	return vid, true
}

// OutputVID returns the VID a frame of VLAN vlan carries when it leaves the
// port (0: untagged), or ok false when the port does not carry vlan.
func (c VLANConfig) OutputVID(vlan uint16) (vid uint16, ok bool) {
	if !c.Carries(vlan) {
		return 0, false
	}
	switch c.EffectiveMode() {
	case ModeAccess:
		return 0, true
	case ModeNativeUntagged:
		if vlan == c.Tag {
			return 0, true
		}
	}
	return vlan, true
}

// OutputTag returns the tag a frame of VLAN vlan and priority pcp carries
// when it leaves the port (tagged false: none), or ok false when the port
// does not carry vlan. It follows what Open vSwitch 3.1 puts on the wire:
// where the port sends the VLAN untagged (access ports, a native-untagged
// port's native VLAN) the priority is dropped, unless the port has
// priority-tags and the priority is not zero, which sends a priority tag
// (VID 0). Where the port sends the VLAN as it is (trunks, native-tagged,
// a native-untagged port's other VLANs) the tag carries the VID and the
// priority, so that VLAN 0 with a non-zero priority leaves a trunk
// priority-tagged, as it came in.
func (c VLANConfig) OutputTag(vlan uint16, pcp uint8) (tci uint16, tagged, ok bool) {
	vid, ok := c.OutputVID(vlan)
	if !ok {
		return 0, false, false
	}
	// untagged: the port strips the VLAN rather than passing it on.
	m := c.EffectiveMode()
	untagged := m == ModeAccess || (m == ModeNativeUntagged && vlan == c.Tag)
	tci, tagged = OutputTCI(vid, pcp, !untagged || c.PriorityTags)
	return tci, tagged, true
}

// Equal reports whether two configurations behave the same (Trunks compared
// as sets).
func (c VLANConfig) Equal(d VLANConfig) bool {
	if c.EffectiveMode() != d.EffectiveMode() || c.PriorityTags != d.PriorityTags {
		return false
	}
	m := c.EffectiveMode()
	if m != ModeTrunk && c.Tag != d.Tag {
		return false
	}
	if m == ModeAccess {
		return true
	}
	a, b := slices.Clone(c.Trunks), slices.Clone(d.Trunks)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// String formats the configuration as ovs-vsctl columns would show it.
func (c VLANConfig) String() string {
	s := "vlan_mode=" + c.EffectiveMode().String()
	if c.Tag != 0 {
		s += fmt.Sprintf(" tag=%d", c.Tag)
	}
	if len(c.Trunks) > 0 {
		s += fmt.Sprintf(" trunks=%v", c.Trunks)
	}
	return s
}
