package connmgr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Switch is what the Manager needs of an *ofproto.Switch; the real Switch
// satisfies it. Requests arrive in their OpenFlow 1.3 forms; errors the
// spec names are *ofp.Error.
type Switch interface {
	FeaturesReply() *ofp.FeaturesReply
	FlowMod(fm *ofp.FlowMod) error
	// FlowMod10 and PortMod10 take requests converted from OpenFlow 1.0,
	// which allows what 1.3 refuses (actions on headers the match does
	// not fix; OFPPC_NO_FLOOD).
	FlowMod10(fm *ofp.FlowMod) error
	GroupMod(gm *ofp.GroupMod) error
	MeterMod(mm *ofp.MeterMod) error
	PortMod(pm *ofp.PortMod) error
	PortMod10(pm *ofp.PortMod) error
	TableMod(tm *ofp.TableMod) error
	PacketOut(po *ofp.PacketOut) error
	Multipart(req ofp.MultipartBody) (ofp.MultipartBody, error)
	AddListener(l ofproto.Listener) (remove func())
	SetControllers(configured, connected int)
}

var (
	_ Switch            = (*ofproto.Switch)(nil)
	_ flowStatsMessages = (*ofproto.Switch)(nil)
)

// Config configures a Manager.
type Config struct {
	Bridge string       // bridge name; names the management socket
	Switch Switch       // required; an *ofproto.Switch
	RunDir string       // management socket <RunDir>/<Bridge>.mgmt; "" for none
	Log    *slog.Logger // used as given (callers add the bridge name); nil: discard
}

// Controller is one configured controller (a row of the Controller table).
type Controller struct {
	// Target is tcp:IP[:PORT], unix:PATH (connect out) or ptcp:[PORT][:IP],
	// punix:PATH (listen).
	Target string
	// InactivityProbe is the silence after which an echo request is sent,
	// and after another such interval the connection is dropped; 0 is the
	// default of 5 s, negative disables probes.
	InactivityProbe time.Duration
	// MaxBackoff caps the reconnect interval of an active connection; 0 is
	// the default of 8 s.
	MaxBackoff time.Duration
	// RateLimit is the packet-in rate, per second, above which packet-ins
	// are dropped (and counted), separately for table misses and for
	// controller actions; 0 means no limit (Open vSwitch's default), and
	// values below 100 are raised to 100 as Open vSwitch does.
	RateLimit int
	// BurstLimit is how many packet-ins may go out at once above the rate;
	// 0 is a quarter of RateLimit, and at least 25.
	BurstLimit int
}

// Defaults of Controller's zero fields.
const (
	DefaultInactivityProbe = 5 * time.Second
	DefaultMaxBackoff      = 8 * time.Second
	minRateLimit           = 100
	minBurstLimit          = 25
)

// Status is a controller's state, for the Controller table's is_connected,
// role and status columns.
type Status struct {
	Target    string
	Connected bool
	Role      string // "master", "slave" or "other" (equal), as OVS writes it
	// State is VOID, BACKOFF, CONNECTING, ACTIVE or IDLE (an echo request
	// is out) for an active target, LISTENING or ACTIVE for a passive one.
	State string
	// Seconds since the last connect and disconnect; -1 when it never
	// happened.
	SecSinceConnect, SecSinceDisconnect int
	LastError                           string
	Counters                            Counters
}

// Counters count what a controller (all its sessions together) was sent
// or was not sent.
type Counters struct {
	PacketIns      [3]uint64 // sent, by reason: no_match, action, invalid_ttl
	RateDropped    [3]uint64 // packet-ins dropped by the rate limit, by reason
	QueueDropped   uint64    // asynchronous messages dropped on a full send queue
	FlowRemoveds   uint64
	PortStatuses   uint64
	Connects       uint64 // sessions established
	Disconnects    uint64
	ProbeTimeouts  uint64 // sessions dropped by the inactivity probe
	SlowDisconnect uint64 // sessions dropped because writes stalled
}

// counters is Counters updated from several goroutines.
type counters struct {
	packetIns, rateDropped                               [3]atomic.Uint64
	queueDropped, flowRemoveds, portStatuses             atomic.Uint64
	connects, disconnects, probeTimeouts, slowDisconnect atomic.Uint64
}

func (c *counters) snapshot() Counters {
	var s Counters
	for i := range s.PacketIns {
		s.PacketIns[i] = c.packetIns[i].Load()
		s.RateDropped[i] = c.rateDropped[i].Load()
	}
	s.QueueDropped = c.queueDropped.Load()
	s.FlowRemoveds = c.flowRemoveds.Load()
	s.PortStatuses = c.portStatuses.Load()
	s.Connects = c.connects.Load()
	s.Disconnects = c.disconnects.Load()
	s.ProbeTimeouts = c.probeTimeouts.Load()
	s.SlowDisconnect = c.slowDisconnect.Load()
	return s
}

// Manager runs a bridge's OpenFlow sessions.
type Manager struct {
	cfg    Config
	sw     Switch
	log    *slog.Logger
	unlist func() // removes the Manager from the Switch's listeners

	// Tunables; tests shorten them before the first SetControllers.
	sleep        func(ctx context.Context, d time.Duration) error // backoff waits
	now          func() time.Time
	helloTimeout time.Duration
	stallTimeout time.Duration // a write that takes longer drops the session
	maxAsync     int
	maxBytes     int

	sessions atomic.Pointer[[]*session] // established sessions, copy on write
	versions atomic.Pointer[[]uint8]    // allowed versions, ascending; nil: localVersions
	xid      atomic.Uint32              // xids of requests the switch sends (echo)
	panics   atomic.Uint64              // handler panics turned into errors

	mu      sync.Mutex // mu protects the fields below
	ctrls   map[string]*controller
	order   []string // targets in the order SetControllers named them
	mgmt    *controller
	closed  bool
	genID   uint64 // master election generation id (§6.3.5)
	genSeen bool

	graceTimer *time.Timer // re-counts controllers when a fail-open delay ends

	notifyMu    sync.Mutex // serialises SetControllers calls to the Switch
	notified    [2]int     // what the Switch was told last
	notifiedYet bool

	wg sync.WaitGroup // every goroutine the Manager started
}

// New starts a Manager: it registers with the Switch for asynchronous
// events and, when RunDir is set, listens on the management socket.
func New(cfg Config) (*Manager, error) {
	if cfg.Switch == nil {
		return nil, errors.New("connmgr: no switch")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := &Manager{
		cfg: cfg, sw: cfg.Switch, log: cfg.Log,
		sleep: sleepCtx, now: time.Now,
		helloTimeout: 10 * time.Second, stallTimeout: 60 * time.Second,
		maxAsync: defaultMaxAsync, maxBytes: defaultMaxBytes,
		ctrls: map[string]*controller{},
	}
	m.sessions.Store(new([]*session))
	if cfg.RunDir != "" {
		if cfg.Bridge == "" || strings.ContainsAny(cfg.Bridge, "/\x00") || cfg.Bridge == "." || cfg.Bridge == ".." {
			return nil, fmt.Errorf("connmgr: bridge name %q cannot name a management socket", cfg.Bridge)
		}
		if err := os.MkdirAll(cfg.RunDir, 0o755); err != nil {
			return nil, fmt.Errorf("connmgr: %w", err)
		}
		path := filepath.Join(cfg.RunDir, cfg.Bridge+".mgmt")
		c := newController(m, Controller{Target: "punix:" + path, InactivityProbe: -1},
			target{passive: true, network: "unix", addr: path}, true)
		if err := c.listen(); err != nil {
			return nil, fmt.Errorf("connmgr: management socket: %w", err)
		}
		m.mgmt = c
		c.start()
	}
	m.unlist = m.sw.AddListener(m)
	m.notify()
	return m, nil
}

// MgmtSocket returns the path of the management socket, or "".
func (m *Manager) MgmtSocket() string {
	if m.mgmt == nil {
		return ""
	}
	return m.mgmt.t.addr
}

// SetControllers makes the configured controllers cs. Targets that stay
// keep their sessions (their probe, backoff and rate settings are updated
// for the next session); removed ones are disconnected; new ones start. A
// target that does not parse, or a listener that cannot be opened, is
// skipped and reported in the error; the others are still applied, as
// Open vSwitch applies what it can of a configuration.
func (m *Manager) SetControllers(cs []Controller) error {
	var errs []error
	want := map[string]Controller{}
	var order []string
	for _, c := range cs {
		if _, dup := want[c.Target]; dup {
			continue
		}
		want[c.Target] = c
		order = append(order, c.Target)
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return errors.New("connmgr: closed")
	}
	var stop []*controller
	for t, c := range m.ctrls {
		if _, ok := want[t]; !ok {
			stop = append(stop, c)
			delete(m.ctrls, t)
		}
	}
	var start []*controller
	m.order = m.order[:0]
	for _, t := range order {
		cfg := want[t]
		if c, ok := m.ctrls[t]; ok {
			c.cfg = cfg
			m.order = append(m.order, t)
			continue
		}
		tg, err := parseTarget(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c := newController(m, cfg, tg, false)
		if tg.passive {
			if err := c.listen(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", t, err))
				continue
			}
		}
		m.ctrls[t] = c
		m.order = append(m.order, t)
		start = append(start, c)
	}
	for _, c := range start {
		c.start()
	}
	m.mu.Unlock()
	for _, c := range stop {
		c.stop()
	}
	m.notify()
	if len(errs) > 0 {
		return fmt.Errorf("connmgr: %w", errors.Join(errs...))
	}
	return nil
}

// Status returns the state of every configured controller, in the order
// SetControllers named them.
func (m *Manager) Status() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.order))
	now := m.now()
	for _, t := range m.order {
		out = append(out, m.ctrls[t].status(now))
	}
	return out
}

// MgmtCounters returns what the management socket's sessions were sent.
func (m *Manager) MgmtCounters() Counters {
	if m.mgmt == nil {
		return Counters{}
	}
	return m.mgmt.ctr.snapshot()
}

// Close stops every session and listener and removes the management
// socket. Order: the Switch listener goes first, so that no event arrives
// for a session being torn down; then listeners and connectors, which end
// their sessions; then the wait for every goroutine. It is idempotent.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	ctrls := make([]*controller, 0, len(m.ctrls)+1)
	for _, c := range m.ctrls {
		ctrls = append(ctrls, c)
	}
	if m.mgmt != nil {
		ctrls = append(ctrls, m.mgmt)
	}
	m.ctrls = map[string]*controller{}
	m.order = nil
	if m.graceTimer != nil {
		m.graceTimer.Stop()
	}
	m.mu.Unlock()
	if m.unlist != nil {
		m.unlist()
	}
	for _, c := range ctrls {
		c.stop()
	}
	m.wg.Wait()
	return nil
}

// notify tells the Switch how many controllers are configured and
// connected, when that changed. Service sessions (passive targets, the
// management socket) are not controllers for fail-mode purposes.
//
// A controller that is not connected still counts as connected until it
// has been down (or, never having connected, configured) for three times
// the longest inactivity probe interval: Open vSwitch's fail-open delay,
// so that a controller restart or a slow first connection does not flip
// a standalone bridge into NORMAL forwarding and back. A timer re-counts
// when the first such grace period ends.
func (m *Manager) notify() {
	m.notifyMu.Lock()
	defer m.notifyMu.Unlock()
	now := m.now()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	var delay time.Duration
	for _, c := range m.ctrls {
		if !c.t.passive {
			delay = max(delay, 3*probeInterval(c.cfg))
		}
	}
	configured, connected := 0, 0
	var next time.Duration
	for _, c := range m.ctrls {
		if c.t.passive {
			continue
		}
		configured++
		if c.connected() {
			connected++
			continue
		}
		if left := delay - now.Sub(c.downSince()); left > 0 {
			connected++
			if next == 0 || left < next {
				next = left
			}
		}
	}
	if m.graceTimer != nil {
		m.graceTimer.Stop()
		m.graceTimer = nil
	}
	if next > 0 {
		m.graceTimer = time.AfterFunc(next, m.notify)
	}
	m.mu.Unlock()
	if m.notifiedYet && m.notified == [2]int{configured, connected} {
		return
	}
	m.notified, m.notifiedYet = [2]int{configured, connected}, true
	m.sw.SetControllers(configured, connected)
}

// probeInterval is a controller's inactivity probe interval, 0 when
// probes are off.
func probeInterval(c Controller) time.Duration {
	switch {
	case c.InactivityProbe == 0:
		return DefaultInactivityProbe
	case c.InactivityProbe < 0:
		return 0
	}
	return c.InactivityProbe
}

// Sessions returns a description of every established session.
func (m *Manager) Sessions() []SessionInfo {
	ss := *m.sessions.Load()
	out := make([]SessionInfo, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.info())
	}
	return out
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Map returns the Controller table's status column as Open vSwitch fills
// it: state, sec_since_connect, sec_since_disconnect (each only when
// known) and last_error (only when there is one).
func (s Status) Map() map[string]string {
	out := map[string]string{"state": s.State}
	if s.SecSinceConnect >= 0 {
		out["sec_since_connect"] = strconv.Itoa(s.SecSinceConnect)
	}
	if s.SecSinceDisconnect >= 0 {
		out["sec_since_disconnect"] = strconv.Itoa(s.SecSinceDisconnect)
	}
	if s.LastError != "" {
		out["last_error"] = s.LastError
	}
	return out
}
