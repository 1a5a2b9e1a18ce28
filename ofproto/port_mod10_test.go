package ofproto

import (
	"net"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// portMod10 sends a 1.0 port-mod setting (or clearing) OFPPC_NO_FLOOD on
// port, converted as connmgr converts it.
func (r *rig) portMod10(port uint32, noFlood bool) error {
	r.t.Helper()
	var hw ofp.MAC
	for _, p := range r.sw.Ports() {
		if p.OFPort == port {
			hw = p.HWAddr
		}
	}
	pm10 := &ofp.PortMod10{PortNo: ofp.PortNo10(port), HWAddr: hw, Mask: ofp.PC10NoFlood}
	if noFlood {
		pm10.Config = ofp.PC10NoFlood
	}
	pm, err := pm10.ToPortMod()
	if err != nil {
		r.t.Fatal(err)
	}
	return r.sw.PortMod10(pm)
}

// TestPortMod10NoFlood: 1.0's OFPPC_NO_FLOOD takes the port out of FLOOD
// and of NORMAL's flooding, cached entries included, and back in when
// cleared; the 1.3 PortMod refuses the bit.
func TestPortMod10NoFlood(t *testing.T) {
	bcast := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for _, tc := range []struct {
		name string
		mode FailMode
		flow string
	}{
		{"FLOOD", FailSecure, "actions=FLOOD"},
		{"NORMAL", FailStandalone, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, 3, tc.mode)
			if tc.flow != "" {
				r.add(tc.flow)
			}
			f := udp(t, mac(1), bcast, ip4(1), ip4(9), 1, 2)
			r.send(1, f)
			if got := r.counts(3); !slices.Equal(got, []int{0, 1, 1}) {
				t.Fatalf("before no-flood: %v", got)
			}
			if err := r.portMod10(3, true); err != nil {
				t.Fatal(err)
			}
			r.send(1, f)
			if got := r.counts(3); !slices.Equal(got, []int{0, 1, 0}) {
				t.Fatalf("with no-flood on port 3: %v, want [0 1 0]", got)
			}
			if err := r.portMod10(3, false); err != nil {
				t.Fatal(err)
			}
			r.send(1, f)
			if got := r.counts(3); !slices.Equal(got, []int{0, 1, 1}) {
				t.Fatalf("no-flood cleared: %v", got)
			}
		})
	}

	r := newRig(t, 2, FailSecure)
	pm := &ofp.PortMod{PortNo: 2, HWAddr: r.sw.Ports()[1].HWAddr, Config: ofp.PortConfigNoFlood10, Mask: ofp.PortConfigNoFlood10}
	wantOFError(t, r.sw.PortMod(pm), ofp.ETPortModFailed, ofp.PMFCBadConfig)
}
