package vswitchd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/vswitchd/api"
	"github.com/xvs-switch/xvs/vswitchd/coverage"
)

var (
	covReconfigure = coverage.New("bridge_reconfigure")
	covDBUpdate    = coverage.New("ovsdb_update")
	covDBConnect   = coverage.New("ovsdb_connect")
	covWriteback   = coverage.New("ovsdb_writeback")
	covLinkEvent   = coverage.New("netdev_link_event")
	covAppctl      = coverage.New("unixctl_received")
)

// daemon is one running vswitchd.
type daemon struct {
	cfg  Config
	log  *slog.Logger
	exit context.CancelFunc // appctl exit

	// mu protects bridges and everything inside them: the main loop holds
	// it exclusively while it reconciles, appctl commands hold it shared.
	mu      sync.RWMutex
	bridges map[string]*bridge

	// Owned by the main loop.
	db        *client.Client
	applied   int64                   // next_cfg last applied (cur_cfg written)
	curCfgOK  bool                    // cur_cfg written for applied
	lastIface map[string]*ifaceStatus // Interface UUID -> status in the DB
	lastCtrl  map[string]*ctrlStatus  // Controller UUID -> status in the DB
	lastDPID  map[string]string       // Bridge UUID -> datapath_id in the DB
	pruned    bool                    // stale pinned datapaths removed
	wroteInfo bool                    // ovs_version and types written on this connection
}

// Run runs the daemon until ctx ends or `appctl exit`: it serves the API,
// connects to the database (retrying while it is not there), and keeps the
// switch in line with it. On the way out, each bridge's datapath is closed
// but left pinned, so cached flows keep forwarding until the next start.
func Run(ctx context.Context, cfg Config) error {
	cfg.setDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d := &daemon{cfg: cfg, log: cfg.Logs.Logger("vswitchd"), exit: cancel, bridges: map[string]*bridge{},
		lastIface: map[string]*ifaceStatus{}, lastCtrl: map[string]*ctrlStatus{}, lastDPID: map[string]string{}}

	sock := SocketPath(cfg.RunDir)
	l, err := api.Listen(sock)
	if err != nil {
		return err
	}
	apiDone := make(chan error, 1)
	go func() { apiDone <- api.Serve(ctx, l, sock, d) }()
	d.log.Info("listening", "api", sock, "db", cfg.DB)

	var links <-chan LinkEvent
	if cfg.Links != nil {
		if links, err = cfg.Links.Subscribe(ctx); err != nil {
			d.log.Warn("no link state events", "err", err)
		}
	}
	err = d.loop(ctx, links)
	// Teardown order: bridges first (controller sessions, upcall
	// handlers, revalidators, then the switch and its datapath, which
	// stays pinned), then the API (already stopping with ctx), then the DB.
	d.mu.Lock()
	for _, b := range d.bridges {
		b.close(false)
	}
	d.bridges = map[string]*bridge{}
	d.mu.Unlock()
	cancel()
	apiErr := <-apiDone
	if d.db != nil {
		d.db.Close()
	}
	d.log.Info("stopped")
	return errors.Join(err, apiErr)
}

// loop connects to the database and follows it until ctx ends,
// reconnecting after the server goes away.
func (d *daemon) loop(ctx context.Context, links <-chan LinkEvent) error {
	statsT := time.NewTicker(d.cfg.StatsEvery)
	defer statsT.Stop()
	statusT := time.NewTicker(d.cfg.StatusEvery)
	defer statusT.Stop()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		c, err := client.Dial(ctx, d.cfg.DB)
		if err != nil {
			d.log.Debug("database not reachable", "db", d.cfg.DB, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 2*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		covDBConnect.Inc()
		d.db = c
		d.lastIface, d.lastCtrl, d.lastDPID = map[string]*ifaceStatus{}, map[string]*ctrlStatus{}, map[string]string{}
		d.curCfgOK, d.wroteInfo = false, false
		err = d.follow(ctx, c, links, statsT.C, statusT.C)
		c.Close()
		d.db = nil
		if err != nil && ctx.Err() == nil {
			d.log.Warn("database connection lost; reconnecting", "err", err)
		}
	}
	return nil
}

// follow monitors the database on one connection.
func (d *daemon) follow(ctx context.Context, c *client.Client, links <-chan LinkEvent, statsC, statusC <-chan time.Time) error {
	initial, mon, err := c.Monitor(ctx, dbName, monitorRequests())
	if err != nil {
		return fmt.Errorf("monitor: %w", err)
	}
	cache := dbCache{}
	if err := cache.apply(initial); err != nil {
		return err
	}
	cfg := cache.config()
	if d.cfg.pruneStale != nil && !d.pruned {
		// Once per process, on the first full view of the database and
		// before any bridge opens its datapath.
		d.pruned = true
		keep := map[string]bool{}
		for _, bc := range cfg.Bridges {
			keep[bc.Name] = true
		}
		d.cfg.pruneStale(keep)
	}
	d.reconfigure(ctx, cfg)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.Done():
			return c.Err()
		case tu, ok := <-mon.Updates():
			if !ok {
				return errors.New("monitor closed")
			}
			covDBUpdate.Inc()
			if err := cache.apply(tu); err != nil {
				d.log.Error("bad monitor update", "err", err)
				continue
			}
			// Take every update already queued before reconfiguring:
			// one pass for a burst of transactions.
			for more := true; more; {
				select {
				case tu, ok := <-mon.Updates():
					if !ok {
						return errors.New("monitor closed")
					}
					covDBUpdate.Inc()
					cache.apply(tu)
				default:
					more = false
				}
			}
			cfg = cache.config()
			d.reconfigure(ctx, cfg)
		case ev, ok := <-links:
			if !ok {
				links = nil
				continue
			}
			covLinkEvent.Inc()
			if d.linkEvent(ev) {
				d.reconfigure(ctx, cfg)
			} else {
				d.writeBack(ctx, cfg, false)
			}
		case now := <-statsC:
			coverage.Sample(now)
			if !d.curCfgOK {
				// A failed write-back of cur_cfg: reconfigure retries it.
				d.reconfigure(ctx, cfg)
				continue
			}
			d.writeBack(ctx, cfg, true)
		case <-statusC:
			d.writeControllers(ctx, cfg)
		}
	}
}

// reconfigure brings the bridges to cfg, then writes back their status and
// cur_cfg.
func (d *daemon) reconfigure(ctx context.Context, cfg *ovsConfig) {
	covReconfigure.Inc()
	d.mu.Lock()
	d.reconcile(cfg)
	d.mu.Unlock()
	d.writeBack(ctx, cfg, true)
	d.writeControllers(ctx, cfg)
}

// Backend: what the API serves.

// Appctl implements api.Backend.
func (d *daemon) Appctl(ctx context.Context, cmd string, args []string, format string) (string, error) {
	covAppctl.Inc()
	return d.runCommand(ctx, cmd, args, format == "json")
}

// Datapaths implements api.Backend.
func (d *daemon) Datapaths() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []string
	for _, b := range d.bridges {
		out = append(out, b.dp.Name())
	}
	sort.Strings(out)
	return out
}

// Datapath implements api.Backend.
func (d *daemon) Datapath(name string) (datapath.Datapath, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, b := range d.bridges {
		if b.dp.Name() == name {
			return b.dp, nil
		}
	}
	return nil, fmt.Errorf("no datapath %q", name)
}
