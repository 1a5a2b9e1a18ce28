package meter

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Limits.
const (
	// DefaultMaxMeters is the capacity of the eBPF datapath's meters map
	// (max_entries in datapath/bpf/lib/maps.h). A datapath with a method
	// MaxMeters() int sets its own.
	DefaultMaxMeters = 4096
	// MaxBands is the most bands a meter may have: the datapath's limit.
	MaxBands = datapath.MaxMeterBands
	// MaxRate and MaxBurst bound band rates (kbit/s or packets/s) and
	// burst sizes (kbit or packets). The eBPF datapath keeps a bucket in
	// units of 10^-9 kbit (or packet) and refills it by rate times up to
	// 10 s in nanoseconds: with both bounds that sum stays below 2^64.
	MaxRate  = 1_000_000_000
	MaxBurst = 1_000_000_000
)

// Meter is one meter table entry. Its fields never change after Mod
// stored it; callers must not modify it.
type Meter struct {
	ID      uint32
	Flags   uint16          // as the meter-mod sent them
	Bands   []ofp.MeterBand // as the meter-mod sent them
	DPID    uint32          // the datapath meter enforcing it
	Created time.Time

	// base holds the counts of the datapath meter before the last
	// modify, which restarts the datapath's counters.
	base datapath.MeterStats
}

// Table is a switch's meter table. It is safe for concurrent use.
type Table struct {
	dp        datapath.Datapath
	now       func() time.Time
	maxMeters int

	mu     sync.Mutex // protects the fields below; held across datapath calls so that they apply in order
	meters map[uint32]*Meter
	dpIDs  map[uint32]bool // datapath meter ids in use
}

// Option configures a Table.
type Option func(*Table)

// WithMaxMeters sets the number of meters the table accepts; zero or
// negative keeps the datapath's.
func WithMaxMeters(n int) Option {
	return func(t *Table) {
		if n > 0 {
			t.maxMeters = n
		}
	}
}

// WithClock sets the clock for meter durations (tests); nil keeps time.Now.
func WithClock(now func() time.Time) Option {
	return func(t *Table) {
		if now != nil {
			t.now = now
		}
	}
}

// NewTable returns an empty meter table programming dp.
func NewTable(dp datapath.Datapath, opts ...Option) *Table {
	t := &Table{
		dp:        dp,
		now:       time.Now,
		maxMeters: DefaultMaxMeters,
		meters:    make(map[uint32]*Meter),
		dpIDs:     make(map[uint32]bool),
	}
	if m, ok := dp.(interface{ MaxMeters() int }); ok && m.MaxMeters() > 0 {
		t.maxMeters = m.MaxMeters()
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

// Exists reports whether meter id exists.
func (t *Table) Exists(id uint32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.meters[id] != nil
}

// Get returns meter id, or nil.
func (t *Table) Get(id uint32) *Meter {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.meters[id]
}

// DatapathID returns the datapath meter id that enforces OpenFlow meter id:
// the argument of the datapath.Meter action.
func (t *Table) DatapathID(id uint32) (uint32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.meters[id]
	if m == nil {
		return 0, false
	}
	return m.DPID, true
}

// IDs returns every meter id in increasing order.
func (t *Table) IDs() []uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sortedIDs()
}

func (t *Table) sortedIDs() []uint32 {
	ids := make([]uint32, 0, len(t.meters))
	for id := range t.meters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// MaxMeters returns how many meters the table accepts.
func (t *Table) MaxMeters() int { return t.maxMeters }

func mmErr(code uint16, format string, args ...any) *ofp.Error {
	return &ofp.Error{Type: ofp.ETMeterModFailed, Code: code, Reason: fmt.Sprintf(format, args...)}
}

// asOFError returns err as an *ofp.Error, wrapping others as
// OFPMMFC_UNKNOWN.
func asOFError(err error) *ofp.Error {
	var oe *ofp.Error
	if errors.As(err, &oe) {
		return oe
	}
	return mmErr(ofp.MMFCUnknown, "%v", err)
}
