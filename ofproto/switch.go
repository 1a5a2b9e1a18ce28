package ofproto

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/group"
	"github.com/xvs-switch/xvs/ofproto/meter"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Config creates a Switch.
type Config struct {
	Name         string            // bridge name; also the name of the LOCAL port
	DatapathID   uint64            // 0: derived from the bridge name as OVS derives it from the bridge MAC
	Datapath     datapath.Datapath // required; the Switch owns every cache entry in it
	FailMode     FailMode
	MACAgingTime time.Duration    // 0: 300 s
	MACTableSize int              // 0: 8192
	FlowLimit    int              // cache entries kept in the datapath; 0: 200,000
	IdleTimeout  time.Duration    // cache entry idle expiry; 0: 10 s
	Now          func() time.Time // nil: time.Now; tests drive timeouts and aging with a fake clock
	Log          *slog.Logger     // nil: discard
	// RevalidateInterval is how often a timer runs Revalidate; 0: 1 s,
	// negative: never (the caller runs Revalidate itself, as tests do).
	RevalidateInterval time.Duration
}

// Defaults applied by New.
const (
	DefaultMACAgingTime = 300 * time.Second
	DefaultMACTableSize = 8192
	DefaultFlowLimit    = 200000
	DefaultIdleTimeout  = 10 * time.Second
)

// Switch is one bridge's OpenFlow pipeline. All methods are safe for
// concurrent use.
type Switch struct {
	cfg Config
	// instLists shares identical instruction lists between rules.
	instLists instInterner
	// epoch is the time rules' stamps count from.
	epoch time.Time
	log   *slog.Logger
	dp    datapath.Datapath
	now   func() time.Time

	// mu protects everything below. Every change (flow-mod, port,
	// group, ...) and the revalidation it triggers run under mu.Lock.
	// Upcall handlers translate and install under mu.RLock, several at
	// once: a change waits for the handlers in flight and new ones wait
	// for the change, so no entry translated before a change is installed
	// after it (no generation check is needed), and the cache is whole
	// when the change revalidates it.
	//
	// Under mu.RLock, translation only reads the Switch; what handlers
	// write is guarded by cmu (the cache bookkeeping and the counters
	// credited to rules and tables) or has its own lock (the MAC, group
	// and meter tables, pins). cmu is taken only with mu.RLock held;
	// mu.Lock holders own everything and do not take it.
	mu             sync.RWMutex
	cmu            sync.Mutex
	closed         bool
	dpid           uint64 // as configured; 0: derived
	failMode       FailMode
	ctrlConfigured int
	ctrlConnected  int
	tables         [numTables]*table
	ports          map[uint32]*port // by OpenFlow number
	byDP           map[uint32]*port // by datapath number
	groups         *group.Table
	meters         *meter.Table
	normal         *normal.Normal
	macs           *normal.MACTable
	floodVLANs     []uint16 // sorted; SetFloodVLANs
	forwardBPDU    bool     // SetForwardBPDU
	cache          cache
	pins           pinRegistry
	failOpen       *rule    // the hidden NORMAL flow while controllers are unreachable
	defaultFlow    *rule    // the visible priority-0 NORMAL flow ensureDefaultFlow added
	pending        []func() // listener calls queued under mu, made after unlock
	markGen        uint64   // generation of rule.mark (entriesHitting)

	// lmu protects the listeners; it is never held while calling them.
	lmu        sync.Mutex
	listeners  map[int]Listener
	nextListen int

	stop chan struct{} // closed by Close: ends the revalidation timer
	done chan struct{} // closed when the timer goroutine has returned
}

// New creates a Switch over cfg.Datapath. It does not touch the
// datapath's cache: AddPort adopts existing ports, and the first
// revalidation replaces entries left by an earlier process.
func New(cfg Config) (*Switch, error) {
	if cfg.Datapath == nil {
		return nil, errors.New("ofproto: no datapath")
	}
	if cfg.Name == "" {
		return nil, errors.New("ofproto: no bridge name")
	}
	if cfg.MACAgingTime <= 0 {
		cfg.MACAgingTime = DefaultMACAgingTime
	}
	if cfg.MACTableSize <= 0 {
		cfg.MACTableSize = DefaultMACTableSize
	}
	if cfg.FlowLimit <= 0 {
		cfg.FlowLimit = DefaultFlowLimit
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Switch{cfg: cfg, log: cfg.Log, dp: cfg.Datapath, now: cfg.Now,
		dpid: cfg.DatapathID, failMode: cfg.FailMode,
		ports: map[uint32]*port{}, byDP: map[uint32]*port{},
		listeners: map[int]Listener{},
		stop:      make(chan struct{}), done: make(chan struct{}),
	}
	for i := range s.tables {
		s.tables[i] = &table{cls: classifier.New[*rule]()}
	}
	s.cfg.FlowLimit = s.capFlowLimit(cfg.FlowLimit)
	s.epoch = s.now()
	s.groups = group.NewTable(group.WithClock(cfg.Now))
	s.meters = meter.NewTable(cfg.Datapath, meter.WithClock(cfg.Now))
	s.macs = normal.NewMACTable(cfg.MACAgingTime, cfg.MACTableSize, cfg.Now)
	s.normal = normal.New(s.macs)
	s.cache.init()
	s.pins.init()
	s.mu.Lock()
	s.applyFailMode()
	s.unlock()
	go s.timer()
	return s, nil
}

// Close stops the Switch's timers. It never closes or flushes the
// datapath: cached flows keep forwarding across a daemon restart.
func (s *Switch) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	return nil
}

// unlock releases mu, then makes the listener calls queued meanwhile:
// listeners may call back into the Switch.
func (s *Switch) unlock() {
	calls := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, c := range calls {
		c()
	}
}

// SetFailMode changes the fail mode (see FailMode and SetControllers).
func (s *Switch) SetFailMode(m FailMode) {
	s.mu.Lock()
	defer s.unlock()
	if s.failMode == m {
		return
	}
	s.failMode = m
	s.applyFailMode()
	s.revalidateAll()
}

// SetDatapathID sets the datapath id reported to controllers; 0 derives
// it from the bridge name.
func (s *Switch) SetDatapathID(id uint64) {
	s.mu.Lock()
	defer s.unlock()
	s.dpid = id
}

// DatapathID returns the datapath id reported to controllers.
func (s *Switch) DatapathID() uint64 {
	s.mu.Lock()
	defer s.unlock()
	return s.datapathID()
}

// datapathID derives the id when none is configured: Open vSwitch uses the
// bridge's MAC address; xvs derives a stable locally administered address
// from the bridge name, the LOCAL port's address. s.mu is held.
func (s *Switch) datapathID() uint64 {
	if s.dpid != 0 {
		return s.dpid
	}
	mac := nameMAC(s.cfg.Name)
	return beUint(mac[:])
}

// SetMACLearning changes the MAC table's aging time and size (0: defaults).
func (s *Switch) SetMACLearning(aging time.Duration, size int) {
	s.mu.Lock()
	defer s.unlock()
	s.macChanged(s.macs.SetLimits(aging, size))
}

// SetFlowLimit changes how many cache entries the Switch keeps in the
// datapath (other_config:flow-limit; 0 or less: DefaultFlowLimit). Upcalls
// install no more entries while the cache is at the limit; entries over a
// lowered limit, the least recently used first, go at the next Revalidate.
func (s *Switch) SetFlowLimit(n int) {
	if n <= 0 {
		n = DefaultFlowLimit
	}
	n = s.capFlowLimit(n)
	s.mu.Lock()
	defer s.unlock()
	s.cfg.FlowLimit = n
}

// capFlowLimit bounds a flow limit by the datapath's own cache size (the
// eBPF datapath's map is sized when it is created): a limit above it
// would let upcalls try installs the datapath refuses, each packet of
// those flows then taking the slow path. A capped limit is logged.
func (s *Switch) capFlowLimit(n int) int {
	st, err := s.dp.Stats()
	if err != nil || st.MaxFlows == 0 || uint64(n) <= st.MaxFlows {
		return n
	}
	s.log.Warn("flow-limit above the datapath's cache size: the cache size applies",
		"flow-limit", n, "cache size", st.MaxFlows)
	return int(st.MaxFlows)
}

// SetIdleTimeout changes how long a cache entry may go unused before
// Revalidate deletes it (other_config:max-idle; 0 or less:
// DefaultIdleTimeout). It applies from the next Revalidate.
func (s *Switch) SetIdleTimeout(d time.Duration) {
	if d <= 0 {
		d = DefaultIdleTimeout
	}
	s.mu.Lock()
	defer s.unlock()
	s.cfg.IdleTimeout = d
}

// SetControllers tells the Switch how many controllers are configured and
// how many are connected now; connmgr calls it on every change. Going from
// no controller to some, or back, flushes the flow tables, as Open vSwitch
// does.
//
// Fail-mode semantics follow Open vSwitch: standalone with no controller
// configured keeps a visible "priority=0 actions=NORMAL" flow in table 0
// (re-added after every flush); standalone with controllers configured but
// none connected adds a hidden NORMAL flow above every priority, removed
// when one reconnects; secure never forwards anything the tables don't say.
func (s *Switch) SetControllers(configured, connected int) {
	s.mu.Lock()
	defer s.unlock()
	if s.ctrlConfigured == configured && s.ctrlConnected == connected {
		return
	}
	had := s.ctrlConfigured > 0
	s.ctrlConfigured, s.ctrlConnected = configured, connected
	if had != (configured > 0) {
		// As Open vSwitch's connmgr_set_controllers: gaining the first
		// or losing the last controller flushes the flow tables (and a
		// standalone bridge left without controllers gets its NORMAL
		// flow back, in applyFailMode).
		s.removeRules(s.rulesWhere(func(*rule) bool { return true }), ofp.FlowRemovedDelete)
	}
	s.applyFailMode()
	// Implicit misses go to OpenFlow 1.0 controllers only while one is
	// connected: every entry may translate differently.
	s.revalidateAll()
}
