package datapath

import (
	"errors"
	"fmt"
	"time"
)

// Datapath is the switch's fast path. All methods are safe for concurrent
// use. Counters returned by Stats, Ports, Get and Dump are exact at the time
// of the call: every packet the datapath handled before the call returned
// is counted.
type Datapath interface {
	// Name identifies the datapath instance (for example "xvs@br0").
	Name() string

	// AddPort attaches a port. cfg.Number 0 lets the datapath pick the
	// lowest free number (numbers start at 1). It fails with ErrPortExists
	// when the number or the name is in use.
	AddPort(cfg PortConfig) (Port, error)
	// DeletePort detaches a port; ErrNoSuchPort when absent. Flows that
	// output to it stay in the cache (the caller revalidates them); their
	// output to the missing port drops the packet and counts nothing.
	DeletePort(number uint32) error
	// Ports lists the ports ordered by number, with fresh statistics.
	Ports() ([]Port, error)

	// Put installs the action list for an exact key. With flags 0 it
	// creates the entry or replaces the actions of an existing one, keeping
	// its statistics. Errors: ErrFlowExists (PutCreate), ErrNoSuchFlow
	// (PutModify), ErrTooManyFlows (creating beyond MaxFlows), an
	// *ActionError for an invalid list.
	Put(key FlowKey, actions []Action, flags PutFlags) error
	// Get returns one entry; ErrNoSuchFlow when absent.
	Get(key FlowKey) (Flow, error)
	// Delete removes one entry and returns its final statistics;
	// ErrNoSuchFlow when absent.
	Delete(key FlowKey) (FlowStats, error)
	// Dump calls fn with successive batches of at most batch entries
	// (DefaultDumpBatch when batch <= 0). Entries present for the whole
	// dump are seen exactly once; entries added or removed meanwhile may
	// or may not be. An error from fn stops the dump and is returned.
	Dump(batch int, fn func([]Flow) error) error
	// Flush removes every entry.
	Flush() error
	// PutBatch installs several entries as Put would, one after the
	// other, in fewer system calls where the datapath can; errs[i] is
	// what Put would have returned for puts[i] (nil: installed). It
	// returns one error per put.
	PutBatch(puts []FlowPut) (errs []error)
	// DeleteBatch removes several entries as Delete would; stats[i] and
	// errs[i] are what Delete would have returned for keys[i].
	DeleteBatch(keys []FlowKey) (stats []FlowStats, errs []error)
	// DumpStats is Dump without the actions: fn gets successive batches
	// of keys and their counters (stats[i] for keys[i]), with Dump's
	// guarantees. A periodic pass that only credits counters and ages
	// entries uses it; it costs the datapath much less than Dump.
	DumpStats(batch int, fn func(keys []FlowKey, stats []FlowStats) error) error

	// Upcalls is the stream of packets sent to userspace (misses,
	// userspace actions, slow-path entries, invalid TTLs). The channel is
	// owned by the datapath and closed by Close. The datapath never blocks
	// on it: when the consumer falls behind, packets are dropped and
	// counted in Stats.Lost.
	Upcalls() <-chan Upcall
	// Execute runs an action list on a frame as if it had arrived on
	// inPort, with the same semantics as the fast path (outputs,
	// set-fields with checksum updates, userspace upcalls, meters). Any
	// valid list runs, including those the fast path marks slow; the
	// SlowPath marker itself is ignored. Frames are not cached.
	Execute(frame []byte, inPort uint32, actions []Action) error

	// SetMeter creates or replaces meter id; its buckets start full.
	SetMeter(id uint32, cfg MeterConfig) error
	// DeleteMeter removes a meter; ErrNoSuchMeter when absent. A meter
	// action naming a missing meter passes the packet unchanged.
	DeleteMeter(id uint32) error
	// MeterStats returns the counters of one meter.
	MeterStats(id uint32) (MeterStats, error)

	// Stats returns the datapath-wide counters.
	Stats() (Stats, error)

	// Close releases the datapath's userspace resources and closes the
	// Upcalls channel. It is idempotent. For the eBPF datapath, pinned
	// programs and maps stay so that cached flows keep forwarding.
	Close() error
}

// PutFlags modify Put.
type PutFlags uint8

const (
	// PutCreate fails with ErrFlowExists if the key is cached.
	PutCreate PutFlags = 1 << iota
	// PutModify fails with ErrNoSuchFlow if the key is not cached.
	PutModify
	// PutResetStats zeroes the statistics of a modified entry.
	PutResetStats
	// PutPortWide says the actions hold for every packet that arrives
	// on key.InPort: the translation consulted nothing else of the
	// packet, and the actions are one output. The datapath may then
	// apply the entry to all of them (a port-wide entry, ahead of the
	// exact-match lookup; Flow.Mask is PortMask) instead of to key
	// alone. It is a hint: a datapath that cannot (another port-wide
	// entry of the port, an action list it does not run port-wide)
	// caches the key exactly. A modify without it makes a port-wide
	// entry exact again.
	PutPortWide
)

// FlowPut is one entry of PutBatch: Put's arguments.
type FlowPut struct {
	Key     FlowKey
	Actions []Action
	Flags   PutFlags
}

// DefaultDumpBatch is the batch size Dump uses when asked for <= 0.
const DefaultDumpBatch = 256

// Stats are the datapath-wide counters, as "ovs-dpctl show" prints them.
type Stats struct {
	Hit      uint64 // packets that matched a cached entry
	Missed   uint64 // packets that matched no entry (upcalled or lost)
	Lost     uint64 // packets that should have gone to userspace but did not fit the upcall queue
	SlowPath uint64 // packets that hit an entry marked slow path and were sent up
	Flows    uint64 // entries in the cache now
	MaxFlows uint64 // configured cache size limit
}

// Flow is one cache entry.
type Flow struct {
	Key     FlowKey
	Mask    Mask // ExactMask, or PortMask for a port-wide entry (PutPortWide)
	Actions []Action
	// SlowPath is true when the fast path cannot run Actions and sends
	// every packet of the flow to userspace instead.
	SlowPath bool
	Stats    FlowStats
}

// PortWide says whether f is a port-wide entry (PutPortWide).
func (f *Flow) PortWide() bool { return f.Mask == PortMask() }

// KeyString formats f's key as ovs-dpctl does a flow's match: the whole
// key, or for a port-wide entry only what it matches, the in_port.
func (f *Flow) KeyString() string {
	if f.PortWide() {
		return fmt.Sprintf("in_port(%d)", f.Key.InPort)
	}
	return f.Key.String()
}

// FlowStats are the counters of one entry.
type FlowStats struct {
	Packets  uint64
	Bytes    uint64
	Used     time.Time // zero: never used
	TCPFlags uint16    // OR of the TCP flags of every packet counted
}

// Errors callers branch on.
var (
	ErrNoSuchFlow   = errors.New("no such flow")
	ErrFlowExists   = errors.New("flow exists")
	ErrTooManyFlows = errors.New("flow table full")
	ErrNoSuchPort   = errors.New("no such port")
	ErrPortExists   = errors.New("port exists")
	ErrNoSuchMeter  = errors.New("no such meter")
	ErrClosed       = errors.New("datapath closed")
)
