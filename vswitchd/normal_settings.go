package vswitchd

import (
	"slices"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/normal"
)

// Bridge settings of NORMAL: Bridge.flood_vlans (VLANs without MAC
// learning, flooded) and other_config:forward-bpdu (forward frames to
// reserved multicast addresses such as STP's 01:80:c2:00:00:00, which NORMAL
// drops by default), both as ovs-vswitchd.conf.db(5) describes them.

// normalSettings are the last values seen, to act on changes only.
type normalSettings struct {
	floodVLANs  []uint16
	forwardBPDU bool
	seen        bool
}

func (d *daemon) applyNormalSettings(b *bridge, bc *bridgeConfig) {
	var vlans []uint16
	for _, v := range bc.FloodVLANs {
		if v >= 0 && v <= normal.MaxVID {
			vlans = append(vlans, uint16(v))
		}
	}
	slices.Sort(vlans)
	vlans = slices.Compact(vlans)
	// smap_get_bool: "true" is on; anything else, absent included, off.
	bpdu := strings.TrimSpace(bc.OtherConfig["forward-bpdu"]) == "true"

	old := b.normal
	if !old.seen || !slices.Equal(old.floodVLANs, vlans) {
		b.sw.SetFloodVLANs(vlans)
	}
	if !old.seen || old.forwardBPDU != bpdu {
		b.sw.SetForwardBPDU(bpdu)
	}
	b.normal = normalSettings{floodVLANs: vlans, forwardBPDU: bpdu, seen: true}
}
