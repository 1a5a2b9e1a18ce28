package vswitchd

import (
	"strings"

	"github.com/xvs-switch/xvs/ofproto/normal"
)

// Bridge settings of NORMAL: Bridge.flood_vlans (VLANs without MAC
// learning, flooded) and other_config:forward-bpdu (forward frames to
// reserved multicast addresses such as STP's 01:80:c2:00:00:00, which NORMAL
// drops by default), both as ovs-vswitchd.conf.db(5) describes them.

// applyNormalSettings hands both settings to the Switch on every
// reconciliation; the Switch acts only on a change.
func (d *daemon) applyNormalSettings(b *bridge, bc *bridgeConfig) {
	var vlans []uint16
	for _, v := range bc.FloodVLANs {
		if v >= 0 && v <= normal.MaxVID {
			vlans = append(vlans, uint16(v))
		}
	}
	// smap_get_bool: "true" is on; anything else, absent included, off.
	bpdu := strings.TrimSpace(bc.OtherConfig["forward-bpdu"]) == "true"
	b.sw.SetFloodVLANs(vlans)
	b.sw.SetForwardBPDU(bpdu)
}
