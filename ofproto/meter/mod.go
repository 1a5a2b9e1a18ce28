package meter

// OFPT_METER_MOD handling (OpenFlow 1.3.5 §6.6, §7.3.4.4; errors §7.4.4).

import (
	"errors"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Result says what a meter-mod changed.
type Result struct {
	// Changed lists the meters added, modified or deleted. A modify keeps
	// the datapath meter id, so cached entries stay valid; an add or
	// delete changes how flows naming the meter translate.
	Changed []uint32
	// Deleted lists the removed meters. §6.6: "the meter is removed, and
	// all flow entries containing this meter in a Meter instruction are
	// also removed" — ofproto removes those flows.
	Deleted []uint32
}

// Mod applies an OFPT_METER_MOD and programs the datapath. Errors are
// *ofp.Error with the spec's type and code; on error the table and the
// datapath are unchanged.
//
// Meter ids: 1..OFPM_MAX, and the reserved OFPM_SLOWPATH and
// OFPM_CONTROLLER, which Open vSwitch also accepts (ofproto uses the
// controller meter to limit packets sent to controllers). Flags with
// neither OFPMF_KBPS nor OFPMF_PKTPS mean kbit/s, as in Open vSwitch; the
// flags are echoed as sent. A band's burst_size counts only with
// OFPMF_BURST (§7.3.4.4); without it, or when it is 0, the bucket holds
// one second at the band's rate.
func (t *Table) Mod(mm *ofp.MeterMod) error {
	_, err := t.Apply(mm)
	return err
}

// Apply is Mod returning what changed.
func (t *Table) Apply(mm *ofp.MeterMod) (Result, error) {
	if mm == nil {
		return Result{}, mmErr(ofp.MMFCBadCommand, "no meter-mod")
	}
	if err := mm.Validate(); err != nil {
		return Result{}, asOFError(err)
	}
	if mm.Command == ofp.MeterDelete {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.delete(mm.MeterID)
	}
	cfg, err := dpConfig(mm)
	if err != nil {
		return Result{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.meters[mm.MeterID]
	switch mm.Command {
	case ofp.MeterAdd:
		if old != nil {
			return Result{}, mmErr(ofp.MMFCMeterExists, "meter %d exists", mm.MeterID)
		}
		if len(t.meters) >= t.maxMeters {
			return Result{}, mmErr(ofp.MMFCOutOfMeters, "meter table full (%d meters)", t.maxMeters)
		}
	case ofp.MeterModify:
		if old == nil {
			return Result{}, mmErr(ofp.MMFCUnknownMeter, "no meter %d to modify", mm.MeterID)
		}
	}
	m := &Meter{
		ID:      mm.MeterID,
		Flags:   mm.Flags,
		Bands:   cloneBands(mm.Bands),
		Created: t.now(),
	}
	if old != nil {
		m.DPID, m.Created = old.DPID, old.Created
		m.base = t.counts(old)
	} else {
		m.DPID = t.allocDPID()
	}
	if err := t.program(m.DPID, cfg, old != nil && len(old.Bands) > 0); err != nil {
		return Result{}, err
	}
	t.meters[m.ID] = m
	t.dpIDs[m.DPID] = true
	return Result{Changed: []uint32{m.ID}}, nil
}

// program sets the datapath meter, or removes it for a meter without
// bands: the datapath passes packets through a missing meter unchanged,
// which is what a meter without bands does.
func (t *Table) program(dpID uint32, cfg datapath.MeterConfig, existed bool) error {
	if len(cfg.Bands) == 0 {
		if existed {
			if err := t.dp.DeleteMeter(dpID); err != nil && !errors.Is(err, datapath.ErrNoSuchMeter) {
				return mmErr(ofp.MMFCUnknown, "datapath: %v", err)
			}
		}
		return nil
	}
	if err := t.dp.SetMeter(dpID, cfg); err != nil {
		// The eBPF datapath fails this way when its map is full.
		return mmErr(ofp.MMFCOutOfMeters, "datapath: %v", err)
	}
	return nil
}

// allocDPID returns the lowest free datapath meter id from 1.
func (t *Table) allocDPID() uint32 {
	id := uint32(1)
	for t.dpIDs[id] {
		id++
	}
	return id
}

// dpConfig checks the bands of an add or modify and converts them.
func dpConfig(mm *ofp.MeterMod) (datapath.MeterConfig, error) {
	if len(mm.Bands) > MaxBands {
		return datapath.MeterConfig{}, mmErr(ofp.MMFCOutOfBands, "%d bands, at most %d", len(mm.Bands), MaxBands)
	}
	cfg := datapath.MeterConfig{PPS: mm.Flags&ofp.MeterFlagPktps != 0}
	for i, band := range mm.Bands {
		rate, burst := band.RateBurst()
		if rate == 0 {
			return cfg, mmErr(ofp.MMFCBadRate, "band %d: rate 0", i)
		}
		if rate > MaxRate {
			return cfg, mmErr(ofp.MMFCBadRate, "band %d: rate %d above %d", i, rate, MaxRate)
		}
		if mm.Flags&ofp.MeterFlagBurst == 0 {
			burst = 0
		} else if burst > MaxBurst {
			return cfg, mmErr(ofp.MMFCBadBurst, "band %d: burst_size %d above %d", i, burst, MaxBurst)
		}
		b := datapath.MeterBand{Rate: rate, Burst: burst}
		switch band := band.(type) {
		case *ofp.MeterBandDrop:
			b.Type = datapath.BandDrop
		case *ofp.MeterBandDSCPRemark:
			// Any prec_level is accepted: the datapath raises the RFC 2597
			// drop precedence saturating at 3, and 0 leaves it unchanged
			// (ovs-ofctl's default when prec_level is not given).
			b.Type = datapath.BandDSCPRemark
			b.PrecLevel = band.PrecLevel
		default:
			return cfg, mmErr(ofp.MMFCBadBand, "band %d: type %d not supported", i, band.Type())
		}
		cfg.Bands = append(cfg.Bands, b)
	}
	return cfg, nil
}

// delete removes meter id or, for OFPM_ALL, every meter. §6.6: deleting a
// meter that does not exist is not an error and changes nothing.
func (t *Table) delete(id uint32) (Result, error) {
	ids := []uint32{id}
	if id == ofp.MeterAll {
		ids = t.sortedIDs()
	}
	var r Result
	var errs []error
	for _, id := range ids {
		m := t.meters[id]
		if m == nil {
			continue
		}
		if len(m.Bands) > 0 {
			if err := t.dp.DeleteMeter(m.DPID); err != nil && !errors.Is(err, datapath.ErrNoSuchMeter) {
				errs = append(errs, err)
				continue
			}
		}
		delete(t.meters, id)
		delete(t.dpIDs, m.DPID)
		r.Changed = append(r.Changed, id)
		r.Deleted = append(r.Deleted, id)
	}
	if len(errs) > 0 {
		return r, mmErr(ofp.MMFCUnknown, "datapath: %v", errors.Join(errs...))
	}
	return r, nil
}

func cloneBands(bs []ofp.MeterBand) []ofp.MeterBand {
	out := make([]ofp.MeterBand, len(bs))
	for i, b := range bs {
		switch b := b.(type) {
		case *ofp.MeterBandDrop:
			c := *b
			out[i] = &c
		case *ofp.MeterBandDSCPRemark:
			c := *b
			out[i] = &c
		default:
			out[i] = b
		}
	}
	return out
}
