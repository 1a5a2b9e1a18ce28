package vswitchd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/vswitchd/coverage"
)

var (
	covBridgeCreate  = coverage.New("bridge_create")
	covBridgeDestroy = coverage.New("bridge_destroy")
	covPortAdd       = coverage.New("port_add")
	covPortDel       = coverage.New("port_del")
	covPortFail      = coverage.New("port_add_failed")
	covRevalidate    = coverage.New("revalidate_pass")
	covRevalDeleted  = coverage.New("revalidate_flow_del")
)

// bridge is one running bridge: a datapath, the ofproto.Switch over it, its
// controller sessions, its upcall handlers and its revalidator. Its fields
// are protected by daemon.mu, except where noted.
type bridge struct {
	name string
	uuid string
	log  *slog.Logger
	dp   datapath.Datapath
	sw   *ofproto.Switch
	mgr  ctrlManager

	handlers int             // upcall handler goroutines
	ctx      context.Context // ends when the bridge closes
	cancel   context.CancelFunc
	wg       sync.WaitGroup // upcall handlers and revalidator

	ports       map[string]*port // by interface name
	controllers []ctrlTarget
	protocols   []string // Bridge.protocols last seen
	settings    bridgeSettings

	// reval is the revalidator's state; revalMu protects it.
	revalMu   sync.Mutex
	revalLast ofproto.RevalidateStats
	revalAt   time.Time
	revalErr  error
	revalRuns uint64
	revalFrom time.Time     // start of the last completed pass
	passDone  chan struct{} // closed at the end of each pass, then replaced
	kick      chan struct{} // asks the revalidator for a pass now
}

// bridgeSettings are the settings applied to the Switch, kept to apply only
// changes.
type bridgeSettings struct {
	failMode ofproto.FailMode
	dpid     uint64
	aging    time.Duration
	size     int
	// flowLimit and idle are the cache settings (flow-limit, max-idle;
	// 0: ofproto's defaults).
	flowLimit int
	idle      time.Duration
}

// cacheOptions reads flow-limit and max-idle (ms): the bridge's
// other_config first, then Open_vSwitch's.
func cacheOptions(oc, global map[string]string) (flowLimit int, idle time.Duration) {
	flowLimit = intOption(oc, "flow-limit", intOption(global, "flow-limit", 0))
	idle = time.Duration(intOption(oc, "max-idle", intOption(global, "max-idle", 0))) * time.Millisecond
	return flowLimit, idle
}

// port is one interface of a bridge (xvs has one interface per port; bond
// members beyond the first are refused).
type port struct {
	name      string
	portUUID  string
	ifaceUUID string
	dbType    string
	request   int64 // ofport_request
	hint      int64 // Interface.ofport when the port was first seen
	vlan      normal.VLANConfig
	attach    datapath.AttachMode // other_config:xvs-attach
	ofport    uint32              // 0: not added (err says why)
	dpPort    uint32
	err       string
	noDevice  bool // system port whose netdev is missing: retried when it appears
	link      LinkEvent
	hasLink   bool
	info      ofproto.PortInfo
}

// newBridge opens the bridge's datapath (adopting what an earlier process
// left pinned), creates its Switch and controller manager, and starts its
// upcall handlers and revalidator.
//
// flow-limit and max-idle are Open_vSwitch other_config keys in Open
// vSwitch; a Bridge other_config key of the same name overrides them for
// one bridge. Both are read again at every reconfiguration (applyBridge).
func (d *daemon) newBridge(bc *bridgeConfig, global map[string]string) (*bridge, error) {
	log := d.cfg.Logs.Logger("bridge").With("bridge", bc.Name)
	dp, err := d.cfg.NewDatapath(bc.Name)
	if err != nil {
		return nil, err
	}
	oc := bc.OtherConfig
	flowLimit, idle := cacheOptions(oc, global)
	swCfg := ofproto.Config{
		Name:         bc.Name,
		Datapath:     dp,
		FlowLimit:    flowLimit,
		IdleTimeout:  idle,
		MACAgingTime: time.Duration(intOption(oc, "mac-aging-time", 0)) * time.Second,
		MACTableSize: intOption(oc, "mac-table-size", 0),
		Now:          d.cfg.Now,
		Log:          d.cfg.Logs.Logger("ofproto").With("bridge", bc.Name),
		// The bridge's revalidator runs the passes (RevalidateEvery, or
		// when kicked); the Switch's own timer would add one a second.
		RevalidateInterval: -1,
	}
	if fm, err := ofproto.ParseFailMode(bc.FailMode); err == nil {
		swCfg.FailMode = fm
	}
	if id, ok := datapathIDOption(oc); ok {
		swCfg.DatapathID = id
	}
	sw, err := ofproto.New(swCfg)
	if err != nil {
		dp.Close()
		return nil, err
	}
	mgr, err := newCtrlManager(d, bc.Name, sw)
	if err != nil {
		sw.Close()
		dp.Close()
		return nil, err
	}
	b := &bridge{name: bc.Name, uuid: bc.UUID, log: log, dp: dp, sw: sw, mgr: mgr,
		ports: map[string]*port{}, kick: make(chan struct{}, 1), passDone: make(chan struct{}),
		settings: bridgeSettings{failMode: swCfg.FailMode, dpid: swCfg.DatapathID, aging: swCfg.MACAgingTime, size: swCfg.MACTableSize,
			flowLimit: flowLimit, idle: idle}}
	ctx, cancel := context.WithCancel(context.Background())
	b.ctx, b.cancel = ctx, cancel
	handlers := intOption(global, "n-handler-threads", d.cfg.Handlers)
	if handlers <= 0 {
		handlers = d.cfg.Handlers
	}
	b.handlers = handlers
	b.wg.Add(2)
	go func() { defer b.wg.Done(); sw.ServeUpcalls(ctx, handlers) }()
	go func() { defer b.wg.Done(); b.revalidator(ctx, d.cfg.RevalidateEvery) }()
	covBridgeCreate.Inc()
	log.Info("bridge created", "datapath", dp.Name())
	return b, nil
}

// pruneDatapathPorts removes from a datapath found pinned the ports the
// database no longer has, and those attached at another hook than their
// xvs-attach asks for (changed while no daemon ran); the others are
// adopted by Switch.AddPort.
func (b *bridge) pruneDatapathPorts(want map[string]datapath.AttachMode) {
	ps, err := b.dp.Ports()
	if err != nil {
		return
	}
	for _, p := range ps {
		mode, ok := want[p.Name]
		if !ok || mode != datapath.AttachDefault && mode != p.Attach {
			if err := b.dp.DeletePort(p.Number); err != nil {
				b.log.Warn("stale datapath port not removed", "port", p.Name, "err", err)
			} else {
				b.log.Info("stale datapath port removed", "port", p.Name)
			}
		}
	}
}

// revalidator runs Switch.Revalidate every period, or at once when kicked.
func (b *bridge) revalidator(ctx context.Context, period time.Duration) {
	t := time.NewTimer(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.kick:
		}
		start := time.Now()
		st, err := b.sw.Revalidate()
		t.Reset(revalidateWait(period, time.Since(start)))
		covRevalidate.Inc()
		covRevalDeleted.Add(uint64(st.Deleted))
		b.revalMu.Lock()
		b.revalLast, b.revalAt, b.revalErr, b.revalFrom = st, time.Now(), err, start
		b.revalRuns++
		close(b.passDone)
		b.passDone = make(chan struct{})
		b.revalMu.Unlock()
	}
}

// revalidateWait is how long the revalidator waits, after a pass that
// took took, before its next periodic one: the period, or longer when
// passes are long, so that periodic passes use at most 1/revalidateDuty of
// a CPU, but never more than revalidateStretch periods (stats and idle
// aging must go on). A pass over 120,000 idle cache entries takes ~20 ms:
// every 500 ms that was ~4% of a CPU, taken from the traffic the cache
// carries (TCP between VMs on a 2-CPU host); now they run every second,
// about as often as Open vSwitch's revalidators dump. A caller who needs a
// pass now (revalidator/wait) still gets one at once.
func revalidateWait(period, took time.Duration) time.Duration {
	next := min(max(period, took*revalidateDuty), period*revalidateStretch)
	return max(next-took, 0)
}

const (
	revalidateDuty    = 50 // periodic passes use at most 1/50 of a CPU...
	revalidateStretch = 4  // ...unless that would space them more than 4 periods
)

// waitPass returns once a revalidation pass that started after t0 has
// completed, asking for one at once.
func (b *bridge) waitPass(ctx context.Context, t0 time.Time) error {
	for {
		b.revalMu.Lock()
		done, ch := b.revalFrom.After(t0), b.passDone
		b.revalMu.Unlock()
		if done {
			return nil
		}
		select {
		case b.kick <- struct{}{}:
		default:
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-b.ctx.Done():
			return fmt.Errorf("bridge %s closed", b.name)
		}
	}
}

// close stops the bridge. destroy also removes its datapath (ports, devices
// it created, pinned state): the bridge left the database. Without
// destroy the datapath stays pinned and keeps forwarding cached flows.
func (b *bridge) close(destroy bool) {
	// Order: controller sessions first (nothing new comes in), then the
	// upcall handlers and revalidator, then the Switch (its timers), then
	// the datapath.
	b.mgr.Close()
	b.cancel()
	b.wg.Wait()
	b.sw.Close()
	if destroy {
		type destroyer interface{ Destroy() error }
		if x, ok := b.dp.(destroyer); ok {
			if err := x.Destroy(); err != nil {
				b.log.Warn("datapath destroy", "err", err)
			}
		} else {
			for _, p := range b.portList() {
				if p.dpPort != 0 {
					b.dp.DeletePort(p.dpPort)
				}
			}
			b.dp.Close()
		}
		covBridgeDestroy.Inc()
		b.log.Info("bridge destroyed")
		return
	}
	if err := b.dp.Close(); err != nil && !errors.Is(err, datapath.ErrClosed) {
		b.log.Warn("datapath close", "err", err)
	}
}

// portList returns the ports sorted by name.
func (b *bridge) portList() []*port {
	out := make([]*port, 0, len(b.ports))
	for _, p := range b.ports {
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y *port) int { return cmp.Compare(x.name, y.name) })
	return out
}

// portByOF finds a port by OpenFlow number.
func (b *bridge) portByOF(ofport uint32) *port {
	for _, p := range b.ports {
		if p.ofport == ofport && ofport != 0 {
			return p
		}
	}
	return nil
}
