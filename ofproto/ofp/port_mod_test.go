package ofp

import (
	"strings"
	"testing"
)

// TestPortModValidateBits: undefined config and advertise bits are refused
// with their numbers in the text, 1.0's OFPPC_NO_FLOOD only when the
// port-mod came from a 1.0 conversion.
func TestPortModValidateBits(t *testing.T) {
	for _, tc := range []struct {
		name string
		pm   PortMod
		code uint16 // 0xffff: valid
		text string
	}{
		{"down", PortMod{PortNo: 1, Config: PortConfigDown, Mask: PortConfigDown}, 0xffff, ""},
		{"no_flood from 1.3", PortMod{PortNo: 1, Config: PortConfigNoFlood10, Mask: PortConfigNoFlood10},
			PMFCBadConfig, "config 0x10 mask 0x10 use undefined bits"},
		{"no_flood from 1.0", PortMod{PortNo: 1, Config: PortConfigNoFlood10, Mask: PortConfigNoFlood10 | PortConfigDown, From10: true}, 0xffff, ""},
		{"bit 1 from 1.0", PortMod{PortNo: 1, Mask: 2, From10: true}, PMFCBadConfig, "config 0x0 mask 0x2 use undefined bits"},
		{"advertise", PortMod{PortNo: 1, Advertise: 1 << 20}, PMFCBadAdvertise, "advertise 0x100000 uses undefined bits"},
		{"port 0", PortMod{PortNo: 0}, PMFCBadPort, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.pm.Validate()
			if tc.code == 0xffff {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, ETPortModFailed, tc.code)
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q lacks %q", err, tc.text)
			}
		})
	}
}
