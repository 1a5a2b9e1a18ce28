package ofproto

import "slices"

// Bridge settings of the NORMAL action that vswitchd applies from the DB.
// vswitchd may apply the same value again on every DB change; only a real
// change costs a revalidation.

// SetFloodVLANs sets the bridge's flood_vlans: VLANs in which NORMAL
// learns nothing and floods every frame. A change flushes the MAC table,
// as Open vSwitch does, and revalidates every cache entry, since any
// NORMAL translation may now flood where it forwarded or the reverse.
func (s *Switch) SetFloodVLANs(vlans []uint16) {
	vlans = slices.Clone(vlans)
	slices.Sort(vlans)
	vlans = slices.Compact(vlans)
	s.mu.Lock()
	defer s.unlock()
	if slices.Equal(vlans, s.floodVLANs) {
		return
	}
	s.floodVLANs = vlans
	s.macs.SetFloodVLANs(vlans)
	s.revalidateAll()
}

// SetForwardBPDU sets other_config:forward-bpdu: whether NORMAL forwards
// frames to the reserved 802.1D group addresses (01:80:c2:00:00:0x) or
// drops them. Cached entries are revalidated so the change holds for flows
// already in the datapath.
func (s *Switch) SetForwardBPDU(on bool) {
	s.mu.Lock()
	defer s.unlock()
	if on == s.forwardBPDU {
		return
	}
	s.forwardBPDU = on
	s.normal.SetForwardBPDU(on)
	s.revalidateAll()
}
