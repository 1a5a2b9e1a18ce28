package dummy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xvs-switch/xvs/datapath"
)

// Put implements datapath.Datapath.
func (d *Datapath) Put(key datapath.FlowKey, actions []datapath.Action, flags datapath.PutFlags) error {
	if err := datapath.ValidateActions(actions); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return datapath.ErrClosed
	}
	e := d.flows[key]
	switch {
	case e != nil && flags&datapath.PutCreate != 0:
		return fmt.Errorf("put: %w", datapath.ErrFlowExists)
	case e == nil && flags&datapath.PutModify != 0:
		return fmt.Errorf("put: %w", datapath.ErrNoSuchFlow)
	case e == nil && len(d.flows) >= d.cfg.MaxFlows:
		return fmt.Errorf("put: %w (%d entries)", datapath.ErrTooManyFlows, d.cfg.MaxFlows)
	}
	if e == nil {
		e = &entry{}
		d.flows[key] = e
	} else if flags&datapath.PutResetStats != 0 {
		e.stats = datapath.FlowStats{}
	}
	e.actions = slices.Clone(actions)
	d.setWide(key, flags&datapath.PutPortWide != 0)
	return nil
}

// setWide makes the entry of key port-wide, or exact when it cannot be
// or was not asked to be (PutPortWide); mu is held.
func (d *Datapath) setWide(key datapath.FlowKey, wide bool) {
	wk, has := d.wide[key.InPort]
	if wide {
		_, lone := datapath.PortWideOutput(d.flows[key].actions)
		wide = lone && (!has || wk == key)
	}
	switch {
	case wide:
		d.wide[key.InPort] = key
	case has && wk == key:
		delete(d.wide, key.InPort)
	}
}

// mask is the entry of k's mask; mu is held.
func (d *Datapath) mask(k datapath.FlowKey) datapath.Mask {
	if wk, ok := d.wide[k.InPort]; ok && wk == k {
		return datapath.PortMask()
	}
	return datapath.ExactMask()
}

func (e *entry) flow(k datapath.FlowKey, m datapath.Mask) datapath.Flow {
	return datapath.Flow{
		Key:      k,
		Mask:     m,
		Actions:  slices.Clone(e.actions),
		SlowPath: datapath.HasAction(e.actions, datapath.KindSlowPath),
		Stats:    e.stats,
	}
}

// Get implements datapath.Datapath.
func (d *Datapath) Get(key datapath.FlowKey) (datapath.Flow, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.flows[key]
	if e == nil {
		return datapath.Flow{}, fmt.Errorf("get: %w", datapath.ErrNoSuchFlow)
	}
	return e.flow(key, d.mask(key)), nil
}

// Delete implements datapath.Datapath.
func (d *Datapath) Delete(key datapath.FlowKey) (datapath.FlowStats, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.flows[key]
	if e == nil {
		return datapath.FlowStats{}, fmt.Errorf("delete: %w", datapath.ErrNoSuchFlow)
	}
	d.setWide(key, false)
	delete(d.flows, key)
	return e.stats, nil
}

// Dump implements datapath.Datapath. It snapshots the cache, ordered by
// in_port then text form, and calls fn without holding the lock, so fn may
// call back into the datapath.
func (d *Datapath) Dump(batch int, fn func([]datapath.Flow) error) error {
	if batch <= 0 {
		batch = datapath.DefaultDumpBatch
	}
	d.mu.Lock()
	all := make([]datapath.Flow, 0, len(d.flows))
	for k, e := range d.flows {
		all = append(all, e.flow(k, d.mask(k)))
	}
	d.mu.Unlock()
	slices.SortFunc(all, func(a, b datapath.Flow) int {
		if a.Key.InPort != b.Key.InPort {
			return int(a.Key.InPort) - int(b.Key.InPort)
		}
		return strings.Compare(a.Key.String(), b.Key.String())
	})
	for len(all) > 0 {
		n := min(batch, len(all))
		if err := fn(all[:n:n]); err != nil {
			return err
		}
		all = all[n:]
	}
	return nil
}

// Flush implements datapath.Datapath.
func (d *Datapath) Flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.flows)
	clear(d.wide)
	return nil
}

// PutBatch implements datapath.Datapath: Put for each entry in turn.
func (d *Datapath) PutBatch(puts []datapath.FlowPut) []error { return datapath.PutEach(d, puts) }

// DeleteBatch implements datapath.Datapath: Delete for each entry in turn.
func (d *Datapath) DeleteBatch(keys []datapath.FlowKey) ([]datapath.FlowStats, []error) {
	return datapath.DeleteEach(d, keys)
}

// DumpStats implements datapath.Datapath. It snapshots the keys and
// counters (unordered, unlike Dump: no action list is copied and nothing
// is sorted, so a periodic pass costs little) and calls fn without
// holding the lock.
func (d *Datapath) DumpStats(batch int, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	if batch <= 0 {
		batch = datapath.DefaultDumpBatch
	}
	d.mu.Lock()
	keys := make([]datapath.FlowKey, 0, len(d.flows))
	stats := make([]datapath.FlowStats, 0, len(d.flows))
	for k, e := range d.flows {
		keys = append(keys, k)
		stats = append(stats, e.stats)
	}
	d.mu.Unlock()
	for len(keys) > 0 {
		n := min(batch, len(keys))
		if err := fn(keys[:n:n], stats[:n:n]); err != nil {
			return err
		}
		keys, stats = keys[n:], stats[n:]
	}
	return nil
}
