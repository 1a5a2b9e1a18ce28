package dummy

import (
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// SetMeter implements datapath.Datapath.
func (d *Datapath) SetMeter(id uint32, cfg datapath.MeterConfig) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("set meter %d: %w", id, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.meters[id] = packet.NewMeterState(cfg, d.cfg.Now())
	return nil
}

// DeleteMeter implements datapath.Datapath.
func (d *Datapath) DeleteMeter(id uint32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.meters[id] == nil {
		return fmt.Errorf("delete meter %d: %w", id, datapath.ErrNoSuchMeter)
	}
	delete(d.meters, id)
	return nil
}

// MeterStats implements datapath.Datapath.
func (d *Datapath) MeterStats(id uint32) (datapath.MeterStats, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.meters[id]
	if m == nil {
		return datapath.MeterStats{}, fmt.Errorf("meter stats %d: %w", id, datapath.ErrNoSuchMeter)
	}
	return m.Stats(), nil
}
