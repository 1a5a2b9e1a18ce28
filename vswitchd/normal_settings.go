package vswitchd

import (
	"slices"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/normal"
)

// Bridge settings of NORMAL that ofproto.Switch may not expose yet:
// Bridge.flood_vlans (VLANs without MAC learning, flooded) and
// other_config:forward-bpdu (forward frames to reserved multicast
// addresses such as STP's 01:80:c2:00:00:00, which NORMAL drops by
// default), both as ovs-vswitchd.conf.db(5) describes them. vswitchd
// applies them through these interfaces when the Switch has the methods,
// and otherwise logs once per change that they are not applied.
type (
	floodVLANSetter   interface{ SetFloodVLANs(vlans []uint16) }
	forwardBPDUSetter interface{ SetForwardBPDU(on bool) }
)

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
		if s, ok := any(b.sw).(floodVLANSetter); ok {
			s.SetFloodVLANs(vlans)
		} else if len(vlans) > 0 {
			b.log.Warn("Bridge.flood_vlans is not applied: the switch cannot disable learning per VLAN yet", "flood_vlans", vlans)
		}
	}
	if !old.seen || old.forwardBPDU != bpdu {
		if s, ok := any(b.sw).(forwardBPDUSetter); ok {
			s.SetForwardBPDU(bpdu)
		} else if bpdu {
			b.log.Warn("other_config:forward-bpdu is not applied: NORMAL drops reserved multicast frames")
		}
	}
	b.normal = normalSettings{floodVLANs: vlans, forwardBPDU: bpdu, seen: true}
}
