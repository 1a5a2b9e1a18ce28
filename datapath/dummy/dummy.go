package dummy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// Config sizes a dummy datapath; zero fields take the defaults.
type Config struct {
	Name        string           // default "dummy"
	MaxFlows    int              // default 200,000 (the eBPF datapath's size in vswitchd)
	UpcallQueue int              // upcalls buffered before Lost counts; default 1024
	TxQueue     int              // frames buffered per port before TxDropped counts; default 1024
	Now         func() time.Time // clock for "used" and meters; default time.Now
}

// Datapath is the in-memory datapath. It implements datapath.Datapath.
type Datapath struct {
	cfg     Config
	upcalls chan datapath.Upcall

	// mu serializes packet processing and protects everything below; the
	// whole pipeline of one packet runs under it, as on one CPU.
	mu     sync.Mutex
	closed bool
	ports  map[uint32]*port
	flows  map[datapath.FlowKey]*entry
	// wide holds each port's port-wide entry (PutPortWide): the key
	// under which flows has it.
	wide   map[uint32]datapath.FlowKey
	meters map[uint32]*packet.MeterState
	stats  datapath.Stats
}

type port struct {
	info datapath.Port // Stats live in info.Stats
	tx   chan []byte
}

type entry struct {
	actions []datapath.Action
	stats   datapath.FlowStats
}

var _ datapath.Datapath = (*Datapath)(nil)

// New returns an empty datapath.
func New(cfg Config) *Datapath {
	if cfg.Name == "" {
		cfg.Name = "dummy"
	}
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = 200000
	}
	if cfg.UpcallQueue <= 0 {
		cfg.UpcallQueue = 1024
	}
	if cfg.TxQueue <= 0 {
		cfg.TxQueue = 1024
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Datapath{
		cfg:     cfg,
		upcalls: make(chan datapath.Upcall, cfg.UpcallQueue),
		ports:   map[uint32]*port{},
		flows:   map[datapath.FlowKey]*entry{},
		wide:    map[uint32]datapath.FlowKey{},
		meters:  map[uint32]*packet.MeterState{},
		stats:   datapath.Stats{MaxFlows: uint64(cfg.MaxFlows)},
	}
}

// Name implements datapath.Datapath.
func (d *Datapath) Name() string { return d.cfg.Name }

// AddPort implements datapath.Datapath.
func (d *Datapath) AddPort(cfg datapath.PortConfig) (datapath.Port, error) {
	if cfg.Name == "" {
		return datapath.Port{}, fmt.Errorf("add port: empty name")
	}
	if cfg.Type > datapath.PortInternal {
		return datapath.Port{}, fmt.Errorf("add port %s: unknown type %d", cfg.Name, cfg.Type)
	}
	if cfg.Attach > datapath.AttachTC {
		return datapath.Port{}, fmt.Errorf("add port %s: unknown attach mode %d", cfg.Name, cfg.Attach)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return datapath.Port{}, datapath.ErrClosed
	}
	for _, p := range d.ports {
		if p.info.Name == cfg.Name {
			return datapath.Port{}, fmt.Errorf("add port %s: %w", cfg.Name, datapath.ErrPortExists)
		}
	}
	no := cfg.Number
	if no == 0 {
		for no = 1; d.ports[no] != nil; no++ {
		}
	} else if d.ports[no] != nil {
		return datapath.Port{}, fmt.Errorf("add port %s: number %d: %w", cfg.Name, no, datapath.ErrPortExists)
	}
	attach := cfg.Attach
	if attach == datapath.AttachDefault {
		attach = datapath.AttachTC
		if cfg.Type == datapath.PortSystem {
			attach = datapath.AttachXDP
		}
	}
	p := &port{
		info: datapath.Port{Number: no, Name: cfg.Name, Type: cfg.Type, Attach: attach},
		tx:   make(chan []byte, d.cfg.TxQueue),
	}
	d.ports[no] = p
	return p.info, nil
}

// DeletePort implements datapath.Datapath.
func (d *Datapath) DeletePort(number uint32) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ports[number] == nil {
		return fmt.Errorf("delete port %d: %w", number, datapath.ErrNoSuchPort)
	}
	delete(d.ports, number)
	delete(d.wide, number)
	return nil
}

// Ports implements datapath.Datapath.
func (d *Datapath) Ports() ([]datapath.Port, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]datapath.Port, 0, len(d.ports))
	for _, p := range d.ports {
		out = append(out, p.info)
	}
	slices.SortFunc(out, func(a, b datapath.Port) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// Inject processes frame as if it had arrived on port: the cache lookup, then
// the entry's actions or an upcall. It returns once the packet is handled.
func (d *Datapath) Inject(portNo uint32, frame []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return datapath.ErrClosed
	}
	p := d.ports[portNo]
	if p == nil {
		return fmt.Errorf("inject on port %d: %w", portNo, datapath.ErrNoSuchPort)
	}
	p.info.Stats.RxPackets++
	p.info.Stats.RxBytes += uint64(len(frame))
	key := packet.Extract(frame, portNo)
	var e *entry
	if wk, ok := d.wide[portNo]; ok {
		// A port-wide entry takes every packet of its port, its own
		// key's too, and gathers no TCP flags (as the eBPF one).
		e = d.flows[wk]
		key.TCPFlags = 0
	} else {
		e = d.flows[key]
	}
	if e == nil {
		d.stats.Missed++
		d.upcall(datapath.Upcall{Reason: datapath.ReasonMiss, InPort: portNo, Key: key, Frame: slices.Clone(frame)})
		return nil
	}
	d.stats.Hit++
	e.stats.Packets++
	e.stats.Bytes += uint64(len(frame))
	e.stats.Used = d.cfg.Now()
	e.stats.TCPFlags |= key.TCPFlags
	if datapath.HasAction(e.actions, datapath.KindSlowPath) {
		d.stats.SlowPath++
		d.upcall(datapath.Upcall{Reason: datapath.ReasonSlowPath, InPort: portNo, Key: key, Frame: slices.Clone(frame)})
		return nil
	}
	d.execute(frame, portNo, e.actions)
	return nil
}

// Receive returns the next frame the datapath transmitted on a port.
func (d *Datapath) Receive(ctx context.Context, portNo uint32) ([]byte, error) {
	d.mu.Lock()
	p := d.ports[portNo]
	d.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("receive on port %d: %w", portNo, datapath.ErrNoSuchPort)
	}
	// A frame already queued is returned even when ctx has expired by
	// now (a loaded machine): select would pick one of the two at random.
	select {
	case f := <-p.tx:
		return f, nil
	default:
	}
	select {
	case f := <-p.tx:
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// execute runs actions on frame; mu is held.
func (d *Datapath) execute(frame []byte, inPort uint32, actions []datapath.Action) {
	packet.Execute(frame, actions, packet.Env{
		Output: d.transmit,
		Upcall: func(r datapath.UpcallReason, cookie uint64, f []byte) {
			d.upcall(datapath.Upcall{Reason: r, InPort: inPort, Cookie: cookie, Key: packet.Extract(f, inPort), Frame: f})
		},
		Meter: func(id uint32, n int) (datapath.MeterBand, bool) {
			m := d.meters[id]
			if m == nil {
				return datapath.MeterBand{}, false
			}
			return m.Admit(d.cfg.Now(), n)
		},
	})
}

// transmit queues a frame on a port; mu is held. A missing port drops the
// frame uncounted; a full queue counts TxDropped.
func (d *Datapath) transmit(portNo uint32, f []byte) {
	p := d.ports[portNo]
	if p == nil {
		return
	}
	select {
	case p.tx <- f:
		p.info.Stats.TxPackets++
		p.info.Stats.TxBytes += uint64(len(f))
	default:
		p.info.Stats.TxDropped++
	}
}

// upcall queues u without blocking; mu is held.
func (d *Datapath) upcall(u datapath.Upcall) {
	select {
	case d.upcalls <- u:
	default:
		d.stats.Lost++
	}
}

// Upcalls implements datapath.Datapath.
func (d *Datapath) Upcalls() <-chan datapath.Upcall { return d.upcalls }

// Execute implements datapath.Datapath.
func (d *Datapath) Execute(frame []byte, inPort uint32, actions []datapath.Action) error {
	if err := datapath.ValidateActions(actions); err != nil {
		return fmt.Errorf("execute: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return datapath.ErrClosed
	}
	d.execute(frame, inPort, actions)
	return nil
}

// Stats implements datapath.Datapath.
func (d *Datapath) Stats() (datapath.Stats, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.Flows = uint64(len(d.flows))
	return s, nil
}

// Close implements datapath.Datapath. Frames queued on ports stay readable.
func (d *Datapath) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		close(d.upcalls) // the only sender runs under mu, so no send follows
	}
	return nil
}
