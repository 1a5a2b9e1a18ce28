package normal

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParseVLANMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want VLANMode
	}{
		{"", ModeDefault}, {"access", ModeAccess}, {"trunk", ModeTrunk},
		{"native-tagged", ModeNativeTagged}, {"native-untagged", ModeNativeUntagged},
	} {
		got, err := ParseVLANMode(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseVLANMode(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
	for _, bad := range []string{"dot1q-tunnel", "Access", "tagged", " trunk"} {
		_, err := ParseVLANMode(bad)
		if !errors.Is(err, ErrVLANMode) || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseVLANMode(%q): err %v, want ErrVLANMode naming the value", bad, err)
		}
	}
}

func TestVLANConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    VLANConfig
		err  string // substring; "" for valid
	}{
		{"zero", VLANConfig{}, ""},
		{"access tag", VLANConfig{Tag: 4095}, ""},
		{"access no tag", VLANConfig{Mode: ModeAccess}, ""},
		{"access with trunks ignored", VLANConfig{Mode: ModeAccess, Tag: 5, Trunks: []uint16{1}}, ""},
		{"trunk with tag ignored", VLANConfig{Mode: ModeTrunk, Tag: 5}, ""},
		{"native", VLANConfig{Mode: ModeNativeTagged, Tag: 5, Trunks: []uint16{0, 7}}, ""},
		{"tag too big", VLANConfig{Tag: 4096}, "tag 4096 out of range"},
		{"trunk too big", VLANConfig{Trunks: []uint16{1, 5000}}, "trunk 5000 out of range"},
		{"native tagged no tag: native VLAN 0", VLANConfig{Mode: ModeNativeTagged}, ""},
		{"native untagged no tag: native VLAN 0", VLANConfig{Mode: ModeNativeUntagged, Trunks: []uint16{3}}, ""},
		{"bad mode", VLANConfig{Mode: 9}, "unknown vlan_mode"},
	} {
		err := tc.c.Validate()
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.err)
		}
	}
}

// Port configurations of the matrix, named as the test rows refer to them.
var matrixPorts = map[string]VLANConfig{
	"access10":        {Tag: 10},
	"access0":         {Mode: ModeAccess},
	"trunk":           {},
	"trunk10,20":      {Trunks: []uint16{10, 20}},
	"trunk0,10":       {Mode: ModeTrunk, Trunks: []uint16{0, 10}, Tag: 99},
	"nt10":            {Mode: ModeNativeTagged, Tag: 10},
	"nu10":            {Mode: ModeNativeUntagged, Tag: 10},
	"nu10 trunks20":   {Mode: ModeNativeUntagged, Tag: 10, Trunks: []uint16{20}},
	"nt10 trunks0,20": {Mode: ModeNativeTagged, Tag: 10, Trunks: []uint16{0, 20}},
}

// TestVLANInputMatrix checks which VLAN a frame entering each kind of port
// belongs to: untagged (VID 0, also a priority tag), or tagged 10, 20, 30.
// -1 is a drop.
func TestVLANInputMatrix(t *testing.T) {
	rows := map[string][4]int{ //  untagged, 10, 20, 30
		"access10":        {10, -1, -1, -1},
		"access0":         {0, -1, -1, -1},
		"trunk":           {0, 10, 20, 30},
		"trunk10,20":      {-1, 10, 20, -1},
		"trunk0,10":       {0, 10, -1, -1},
		"nt10":            {10, 10, 20, 30},
		"nu10":            {10, 10, 20, 30},
		"nu10 trunks20":   {10, 10, 20, -1},
		"nt10 trunks0,20": {10, 10, 20, -1},
	}
	vids := [4]uint16{0, 10, 20, 30}
	for name, want := range rows {
		c := matrixPorts[name]
		for i, vid := range vids {
			vlan, ok := c.InputVLAN(vid)
			got := int(vlan)
			if !ok {
				got = -1
			}
			if got != want[i] {
				t.Errorf("%s: InputVLAN(vid %d) = %d, want %d", name, vid, got, want[i])
			}
		}
	}
	if len(rows) != len(matrixPorts) {
		t.Fatal("matrix rows and ports differ")
	}
}

// TestVLANOutputMatrix checks how a frame of VLAN 0, 10, 20 or 30 leaves
// each kind of port, with and without a priority: "-" not at all, "u"
// untagged, "p" priority-tagged (VID 0 with the PCP), a number tagged with
// that VID.
func TestVLANOutputMatrix(t *testing.T) {
	type row struct{ pcp0, pcp5 [4]string } // VLAN 0, 10, 20, 30
	rows := map[string]row{
		"access10":        {[4]string{"-", "u", "-", "-"}, [4]string{"-", "u", "-", "-"}},
		"access0":         {[4]string{"u", "-", "-", "-"}, [4]string{"u", "-", "-", "-"}},
		"trunk":           {[4]string{"u", "10", "20", "30"}, [4]string{"p", "10", "20", "30"}},
		"trunk10,20":      {[4]string{"-", "10", "20", "-"}, [4]string{"-", "10", "20", "-"}},
		"trunk0,10":       {[4]string{"u", "10", "-", "-"}, [4]string{"p", "10", "-", "-"}},
		"nt10":            {[4]string{"-", "10", "20", "30"}, [4]string{"-", "10", "20", "30"}},
		"nu10":            {[4]string{"-", "u", "20", "30"}, [4]string{"-", "u", "20", "30"}},
		"nu10 trunks20":   {[4]string{"-", "u", "20", "-"}, [4]string{"-", "u", "20", "-"}},
		"nt10 trunks0,20": {[4]string{"-", "10", "20", "-"}, [4]string{"-", "10", "20", "-"}},
	}
	vlans := [4]uint16{0, 10, 20, 30}
	for name, want := range rows {
		for _, prio := range []bool{false, true} {
			c := matrixPorts[name]
			for i, vlan := range vlans {
				pcp, w := uint8(0), want.pcp0[i]
				if prio {
					pcp, w = 5, want.pcp5[i]
				}
				got := outputString(c, vlan, pcp)
				if got != w {
					t.Errorf("%s: vlan %d pcp %d leaves as %q, want %q", name, vlan, pcp, got, w)
				}
				// OutputVID agrees on whether and with which VID.
				vid, ok := c.OutputVID(vlan)
				if ok != (w != "-") || ok && (vid == 0) != (w == "u" || w == "p") {
					t.Errorf("%s: OutputVID(%d) = %d, %v; disagrees with %q", name, vlan, vid, ok, w)
				}
			}
		}
	}
}

func outputString(c VLANConfig, vlan uint16, pcp uint8) string {
	tci, tagged, ok := c.OutputTag(vlan, pcp)
	switch {
	case !ok:
		return "-"
	case !tagged:
		return "u"
	case tci&0x0fff == 0:
		if tci>>13 != uint16(pcp) {
			return "p with wrong pcp"
		}
		return "p"
	}
	if tci>>13 != uint16(pcp) {
		return "tag with wrong pcp"
	}
	return strconv.Itoa(int(tci & 0x0fff))
}

// With priority-tags, ports that strip the VLAN keep a non-zero priority in
// a priority tag (OVS other_config:priority-tags=if-nonzero).
func TestPriorityTagsOnUntaggedPorts(t *testing.T) {
	for _, c := range []VLANConfig{{Tag: 10}, {Mode: ModeNativeUntagged, Tag: 10}} {
		c.PriorityTags = true
		if got := outputString(c, 10, 5); got != "p" {
			t.Errorf("%v: pcp 5 leaves as %q, want priority tag", c, got)
		}
		if got := outputString(c, 10, 0); got != "u" {
			t.Errorf("%v: pcp 0 leaves as %q, want untagged", c, got)
		}
	}
}

func TestVLANConfigEqual(t *testing.T) {
	a := VLANConfig{Trunks: []uint16{20, 10, 10}}
	b := VLANConfig{Mode: ModeTrunk, Trunks: []uint16{10, 20}, Tag: 7}
	if !a.Equal(b) {
		t.Error("trunks as sets, tag of a trunk ignored: want equal")
	}
	if (VLANConfig{Tag: 10}).Equal(VLANConfig{Tag: 11}) {
		t.Error("access 10 == access 11")
	}
	if !(VLANConfig{Tag: 10, Trunks: []uint16{1}}).Equal(VLANConfig{Mode: ModeAccess, Tag: 10}) {
		t.Error("trunks of an access port are ignored: want equal")
	}
	if (VLANConfig{}).Equal(VLANConfig{Trunks: []uint16{1}}) {
		t.Error("all VLANs == VLAN 1")
	}
}

func TestParsePriorityTags(t *testing.T) {
	for s, want := range map[string]bool{"": false, "false": false, "never": false, "true": true, "if-nonzero": true, "always": true} {
		if got, err := ParsePriorityTags(s); err != nil || got != want {
			t.Errorf("ParsePriorityTags(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParsePriorityTags("yes"); err == nil || !strings.Contains(err.Error(), `"yes"`) {
		t.Errorf("ParsePriorityTags(yes): %v", err)
	}
}

// TestNativeWithoutTag: a native port without a tag has VLAN 0 as its
// native VLAN, as Open vSwitch's bundle_set() makes it: untagged frames
// enter in VLAN 0 though Trunks does not list it, leave untagged, and the
// trunked VLANs pass tagged; others are dropped.
func TestNativeWithoutTag(t *testing.T) {
	for _, m := range []VLANMode{ModeNativeTagged, ModeNativeUntagged} {
		c := VLANConfig{Mode: m, Trunks: []uint16{3}}
		if v, ok := c.InputVLAN(0); !ok || v != 0 {
			t.Errorf("%s: untagged in: VLAN %d ok %v, want VLAN 0", m, v, ok)
		}
		if v, ok := c.InputVLAN(3); !ok || v != 3 {
			t.Errorf("%s: VLAN 3 in: %d %v", m, v, ok)
		}
		if _, ok := c.InputVLAN(4); ok {
			t.Errorf("%s: VLAN 4 (not trunked) accepted", m)
		}
		if tci, tagged, ok := c.OutputTag(0, 0); !ok || tagged {
			t.Errorf("%s: VLAN 0 out: tci %#x tagged %v ok %v, want untagged", m, tci, tagged, ok)
		}
		if tci, tagged, ok := c.OutputTag(3, 0); !ok || !tagged || tci&0x0fff != 3 {
			t.Errorf("%s: VLAN 3 out: tci %#x tagged %v ok %v, want tagged 3", m, tci, tagged, ok)
		}
	}
}
