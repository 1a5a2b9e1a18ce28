package meter

// Meter multipart replies: OFPMP_METER (§7.3.5.12), OFPMP_METER_CONFIG
// (§7.3.5.13) and OFPMP_METER_FEATURES (§7.3.5.14).

import (
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// selected returns the meters a request for id names: for OFPM_ALL every
// meter but the virtual OFPM_SLOWPATH and OFPM_CONTROLLER ones, which Open
// vSwitch leaves out of its replies too (they are reported when asked for
// by id); else the one, or OFPMMFC_UNKNOWN_METER as Open vSwitch answers.
func (t *Table) selected(id uint32) ([]*Meter, error) {
	if id == ofp.MeterAll {
		ms := make([]*Meter, 0, len(t.meters))
		for _, id := range t.sortedIDs() {
			if id <= ofp.MeterMax {
				ms = append(ms, t.meters[id])
			}
		}
		return ms, nil
	}
	m := t.meters[id]
	if m == nil {
		return nil, mmErr(ofp.MMFCUnknownMeter, "no meter %d", id)
	}
	return []*Meter{m}, nil
}

// Config answers an OFPMP_METER_CONFIG request for id or OFPM_ALL: flags
// and bands exactly as set.
func (t *Table) Config(id uint32) (*ofp.MeterConfigReply, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ms, err := t.selected(id)
	if err != nil {
		return nil, err
	}
	r := &ofp.MeterConfigReply{Entries: make([]ofp.MeterConfig, 0, len(ms))}
	for _, m := range ms {
		r.Entries = append(r.Entries, ofp.MeterConfig{Flags: m.Flags, MeterID: m.ID, Bands: cloneBands(m.Bands)})
	}
	return r, nil
}

// counts returns m's counters: those the datapath meter has now plus those
// it had before the last modify. Band counters restart when the number of
// bands changes.
func (t *Table) counts(m *Meter) datapath.MeterStats {
	s := datapath.MeterStats{Packets: m.base.Packets, Bytes: m.base.Bytes}
	s.Bands = make([]datapath.MeterBandStats, len(m.Bands))
	if len(m.base.Bands) == len(m.Bands) {
		copy(s.Bands, m.base.Bands)
	}
	if len(m.Bands) == 0 {
		return s
	}
	cur, err := t.dp.MeterStats(m.DPID)
	if err != nil {
		// Only a datapath that lost the meter (ErrNoSuchMeter) or failed
		// gets here; the counts before that stay.
		return s
	}
	s.Packets += cur.Packets
	s.Bytes += cur.Bytes
	for i := range s.Bands {
		if i < len(cur.Bands) {
			s.Bands[i].Packets += cur.Bands[i].Packets
			s.Bands[i].Bytes += cur.Bands[i].Bytes
		}
	}
	return s
}

// Stats answers an OFPMP_METER request for id or OFPM_ALL. flowCount, if
// not nil, gives the number of flows that use a meter (ofproto knows its
// flows).
func (t *Table) Stats(id uint32, flowCount func(uint32) int) (*ofp.MeterStatsReply, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ms, err := t.selected(id)
	if err != nil {
		return nil, err
	}
	now := t.now()
	r := &ofp.MeterStatsReply{Entries: make([]ofp.MeterStats, 0, len(ms))}
	for _, m := range ms {
		c := t.counts(m)
		sec, nsec := duration(now.Sub(m.Created))
		e := ofp.MeterStats{
			MeterID:       m.ID,
			PacketInCount: c.Packets,
			ByteInCount:   c.Bytes,
			DurationSec:   sec,
			DurationNsec:  nsec,
			Bands:         make([]ofp.MeterBandStats, len(c.Bands)),
		}
		if flowCount != nil {
			e.FlowCount = uint32(flowCount(m.ID))
		}
		for i, b := range c.Bands {
			e.Bands[i] = ofp.MeterBandStats{PacketBandCount: b.Packets, ByteBandCount: b.Bytes}
		}
		r.Entries = append(r.Entries, e)
	}
	return r, nil
}

func duration(d time.Duration) (sec, nsec uint32) {
	if d < 0 {
		d = 0
	}
	return uint32(d / time.Second), uint32(d % time.Second)
}

// Features answers an OFPMP_METER_FEATURES request: the table's meter
// limit, drop and dscp_remark bands, kbps, pktps, burst and stats, the
// datapath's band limit, and no color-aware meters.
func (t *Table) Features() *ofp.MeterFeatures {
	return &ofp.MeterFeatures{
		MaxMeter:     uint32(t.maxMeters),
		BandTypes:    1<<uint(ofp.MBTDrop) | 1<<uint(ofp.MBTDSCPRemark),
		Capabilities: uint32(ofp.MeterFlagKbps | ofp.MeterFlagPktps | ofp.MeterFlagBurst | ofp.MeterFlagStats),
		MaxBands:     MaxBands,
		MaxColor:     0,
	}
}
