package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

// errRemote is what the methods a management connection cannot offer
// return: ports, upcalls, packet execution and meters stay the daemon's.
var errRemote = errors.New("not available through vswitchd's API (the daemon manages it)")

// RemoteDatapath is a datapath.Datapath whose flow and counter methods go
// through the daemon, so that dpctl sees and edits exactly what vswitchd
// runs. Port changes, upcalls, Execute and meters return an error.
type RemoteDatapath struct {
	c    *Client
	name string
	// done is closed by Close; Upcalls returns it as a closed channel.
	up chan datapath.Upcall
}

var _ datapath.Datapath = (*RemoteDatapath)(nil)

// Datapath returns the named datapath of the daemon. It checks that the
// daemon has it.
func (c *Client) Datapath(ctx context.Context, name string) (*RemoteDatapath, error) {
	names, err := c.Datapaths(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == name {
			up := make(chan datapath.Upcall)
			close(up)
			return &RemoteDatapath{c: c, name: name, up: up}, nil
		}
	}
	return nil, fmt.Errorf("vswitchd has no datapath %q (it has %v)", name, names)
}

func (d *RemoteDatapath) call(method string, req, resp any) error {
	if err := d.c.call(context.Background(), method, req, resp); err != nil {
		return fromStatus(err)
	}
	return nil
}

func (d *RemoteDatapath) ref() *DatapathRef { return &DatapathRef{Datapath: d.name} }

// Name implements datapath.Datapath.
func (d *RemoteDatapath) Name() string { return d.name }

// AddPort implements datapath.Datapath; ports are configured through the DB.
func (d *RemoteDatapath) AddPort(datapath.PortConfig) (datapath.Port, error) {
	return datapath.Port{}, fmt.Errorf("add port: %w; use xvs vsctl add-port", errRemote)
}

// DeletePort implements datapath.Datapath; ports are configured through the DB.
func (d *RemoteDatapath) DeletePort(uint32) error {
	return fmt.Errorf("delete port: %w; use xvs vsctl del-port", errRemote)
}

// Ports implements datapath.Datapath.
func (d *RemoteDatapath) Ports() ([]datapath.Port, error) {
	var r PortList
	err := d.call(MethodPorts, d.ref(), &r)
	return r.Ports, err
}

// Put implements datapath.Datapath.
func (d *RemoteDatapath) Put(key datapath.FlowKey, actions []datapath.Action, flags datapath.PutFlags) error {
	return d.call(MethodPutFlow, &FlowPutRequest{Datapath: d.name, Key: key, Actions: datapath.FormatActions(actions), Flags: flags}, &Empty{})
}

// Get implements datapath.Datapath.
func (d *RemoteDatapath) Get(key datapath.FlowKey) (datapath.Flow, error) {
	var r Flow
	if err := d.call(MethodGetFlow, &FlowKeyRequest{Datapath: d.name, Key: key}, &r); err != nil {
		return datapath.Flow{}, err
	}
	return fromFlow(r)
}

// Delete implements datapath.Datapath.
func (d *RemoteDatapath) Delete(key datapath.FlowKey) (datapath.FlowStats, error) {
	var r FlowStatsReply
	err := d.call(MethodDeleteFlow, &FlowKeyRequest{Datapath: d.name, Key: key}, &r)
	return r.Stats, err
}

// Dump implements datapath.Datapath: one call fetches the whole cache,
// handed to fn in batches.
func (d *RemoteDatapath) Dump(batch int, fn func([]datapath.Flow) error) error {
	if batch <= 0 {
		batch = datapath.DefaultDumpBatch
	}
	var r FlowList
	if err := d.call(MethodDumpFlows, d.ref(), &r); err != nil {
		return err
	}
	buf := make([]datapath.Flow, 0, batch)
	for _, wf := range r.Flows {
		f, err := fromFlow(wf)
		if err != nil {
			return err
		}
		buf = append(buf, f)
		if len(buf) == batch {
			if err := fn(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// Flush implements datapath.Datapath.
func (d *RemoteDatapath) Flush() error { return d.call(MethodFlush, d.ref(), &Empty{}) }

// Upcalls implements datapath.Datapath: a closed channel, upcalls are the daemon's.
func (d *RemoteDatapath) Upcalls() <-chan datapath.Upcall { return d.up }

// Execute implements datapath.Datapath; not offered remotely.
func (d *RemoteDatapath) Execute([]byte, uint32, []datapath.Action) error {
	return fmt.Errorf("execute: %w", errRemote)
}

// SetMeter implements datapath.Datapath; meters belong to OpenFlow (xvs ofctl add-meter).
func (d *RemoteDatapath) SetMeter(uint32, datapath.MeterConfig) error {
	return fmt.Errorf("set meter: %w", errRemote)
}

// DeleteMeter implements datapath.Datapath; not offered remotely.
func (d *RemoteDatapath) DeleteMeter(uint32) error { return fmt.Errorf("delete meter: %w", errRemote) }

// MeterStats implements datapath.Datapath; not offered remotely.
func (d *RemoteDatapath) MeterStats(uint32) (datapath.MeterStats, error) {
	return datapath.MeterStats{}, fmt.Errorf("meter stats: %w", errRemote)
}

// Stats implements datapath.Datapath.
func (d *RemoteDatapath) Stats() (datapath.Stats, error) {
	var r DatapathStats
	err := d.call(MethodStats, d.ref(), &r)
	return r.Stats, err
}

// Close implements datapath.Datapath; the connection belongs to the Client.
func (d *RemoteDatapath) Close() error { return nil }

// PutBatch implements datapath.Datapath: Put for each entry in turn.
func (d *RemoteDatapath) PutBatch(puts []datapath.FlowPut) []error { return datapath.PutEach(d, puts) }

// DeleteBatch implements datapath.Datapath: Delete for each entry in turn.
func (d *RemoteDatapath) DeleteBatch(keys []datapath.FlowKey) ([]datapath.FlowStats, []error) {
	return datapath.DeleteEach(d, keys)
}

// DumpStats implements datapath.Datapath from Dump.
func (d *RemoteDatapath) DumpStats(batch int, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	return datapath.DumpStatsOf(d, batch, fn)
}
