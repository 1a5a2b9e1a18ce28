package ebpf

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
)

// meterTable wraps the meters map: one token bucket per band, updated by
// the BPF code under the entry's spin lock.
type meterTable struct {
	m *ebpf.Map
}

func (t *meterTable) set(id uint32, cfg datapath.MeterConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if len(cfg.Bands) > maxBands {
		return fmt.Errorf("meter: %d bands, at most %d", len(cfg.Bands), maxBands)
	}
	var m tcportMeter
	if cfg.PPS {
		m.Flags |= meterPPS
	}
	m.Nbands = uint32(len(cfg.Bands))
	for i, b := range cfg.Bands {
		mb := &m.Bands[i]
		mb.Type = bandDrop
		if b.Type == datapath.BandDSCPRemark {
			mb.Type = bandDSCP
		}
		mb.Prec = uint32(b.PrecLevel)
		mb.Rate = b.Rate
		mb.Burst = b.Burst
		burst := uint64(b.Burst)
		if burst == 0 {
			burst = uint64(b.Rate)
		}
		mb.Tokens = burst * 1_000_000_000 // buckets start full
	}
	// last_ns 0 makes the first packet see a long idle time: full buckets.
	if err := t.m.Update(id, &m, ebpf.UpdateAny|ebpf.UpdateLock); err != nil {
		// UpdateLock needs the value to exist on some kernels: retry plain.
		if err2 := t.m.Update(id, &m, ebpf.UpdateAny); err2 != nil {
			return fmt.Errorf("meters: %w", errors.Join(err, err2))
		}
	}
	return nil
}

func (t *meterTable) delete(id uint32) error {
	if err := t.m.Delete(id); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return datapath.ErrNoSuchMeter
		}
		return fmt.Errorf("meters: %w", err)
	}
	return nil
}

func (t *meterTable) stats(id uint32) (datapath.MeterStats, error) {
	var m tcportMeter
	if err := t.m.LookupWithFlags(id, &m, ebpf.LookupLock); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return datapath.MeterStats{}, datapath.ErrNoSuchMeter
		}
		return datapath.MeterStats{}, fmt.Errorf("meters: %w", err)
	}
	s := datapath.MeterStats{Packets: m.Packets, Bytes: m.Bytes}
	for i := 0; i < int(m.Nbands) && i < maxBands; i++ {
		s.Bands = append(s.Bands, datapath.MeterBandStats{Packets: m.Bands[i].Packets, Bytes: m.Bands[i].Bytes})
	}
	return s, nil
}
