package connmgr

// One configured target: an active connector that reconnects with
// exponential backoff (as Open vSwitch's rconn), or a passive listener
// whose accepted connections are service sessions.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

type controller struct {
	m      *Manager
	name   string // the target as configured; cfg.Target, but never written again
	t      target
	mgmt   bool // the management socket
	ctr    counters
	ctx    context.Context
	cancel context.CancelFunc
	ln     net.Listener // passive targets

	// Protected by m.mu:
	cfg                         Controller
	created                     time.Time
	state                       string
	connectedAt, disconnectedAt time.Time
	lastError                   string
	all                         map[*session]struct{} // every open connection
	up                          []*session            // established, in order
}

func newController(m *Manager, cfg Controller, t target, mgmt bool) *controller {
	ctx, cancel := context.WithCancel(context.Background())
	state := "VOID"
	if t.passive {
		state = "LISTENING"
	}
	return &controller{m: m, name: cfg.Target, t: t, mgmt: mgmt, ctx: ctx, cancel: cancel, cfg: cfg, created: m.now(),
		state: state, all: map[*session]struct{}{}}
}

// listen opens a passive target's socket.
func (c *controller) listen() error {
	var err error
	if c.t.network == "unix" {
		c.ln, err = listenUnix(c.t.addr, c.mgmt)
	} else {
		c.ln, err = net.Listen("tcp", c.t.addr)
	}
	return err
}

// Addr returns where a passive target listens (ptcp:0 picks a port).
func (c *controller) addr() string {
	if c.ln == nil {
		return ""
	}
	return c.ln.Addr().String()
}

func (c *controller) start() {
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		if c.t.passive {
			c.acceptLoop()
		} else {
			c.connectLoop()
		}
	}()
}

// stop ends the connector or listener and every session it started.
func (c *controller) stop() {
	c.cancel()
	if c.ln != nil {
		c.ln.Close()
		if c.t.network == "unix" {
			os.Remove(c.t.addr)
		}
	}
	c.m.mu.Lock()
	for s := range c.all {
		s.shut(errors.New("controller removed"))
	}
	c.m.mu.Unlock()
}

func (c *controller) setState(s string) {
	c.m.mu.Lock()
	c.state = s
	c.m.mu.Unlock()
}

// connectLoop keeps an active target connected: the first attempt is at
// once; after a failure the next waits 1 s, then twice as long each time up
// to max_backoff. A session that stayed up at least as long as the current
// backoff resets it, so a controller restart is followed by a retry after
// 1 s rather than after the last long wait.
func (c *controller) connectLoop() {
	var backoff time.Duration
	for c.ctx.Err() == nil {
		c.setState("CONNECTING")
		d := net.Dialer{Timeout: max(backoff, time.Second)}
		conn, err := d.DialContext(c.ctx, c.t.network, c.t.addr)
		if err != nil {
			if c.ctx.Err() != nil {
				return
			}
			c.m.mu.Lock()
			c.lastError = err.Error()
			c.m.mu.Unlock()
			// As Open vSwitch's rconn, every failed attempt is told at
			// info level: the backoff (at most 8 s) bounds the rate.
			c.m.log.Info("controller connection failed", "target", c.name, "err", err)
		} else {
			s := c.newSession(conn)
			if s == nil {
				return
			}
			if upFor, ok := s.run(); ok && upFor >= backoff {
				backoff = 0
			}
		}
		if c.ctx.Err() != nil {
			return
		}
		c.m.mu.Lock()
		maxB := c.cfg.MaxBackoff
		c.m.mu.Unlock()
		if maxB <= 0 {
			maxB = DefaultMaxBackoff
		}
		backoff = nextBackoff(backoff, maxB)
		c.setState("BACKOFF")
		if c.m.sleep(c.ctx, backoff) != nil {
			return
		}
	}
}

// nextBackoff returns the wait after one that lasted b.
func nextBackoff(b, limit time.Duration) time.Duration {
	if b <= 0 {
		return min(time.Second, limit)
	}
	return min(2*b, limit)
}

func (c *controller) acceptLoop() {
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			if c.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			c.m.log.Warn("accept failed", "target", c.name, "err", err)
			if c.m.sleep(c.ctx, 100*time.Millisecond) != nil {
				return
			}
			continue
		}
		s := c.newSession(conn)
		if s == nil {
			return
		}
		c.m.wg.Add(1)
		go func() {
			defer c.m.wg.Done()
			s.run()
		}()
	}
}

// newSession registers a connection, or closes it and returns nil when
// the controller is being stopped.
func (c *controller) newSession(conn net.Conn) *session {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	if c.ctx.Err() != nil {
		conn.Close()
		return nil
	}
	s := newSession(c, conn)
	c.all[s] = struct{}{}
	return s
}

// sessionUp records an established session and publishes it.
func (c *controller) sessionUp(s *session) {
	m := c.m
	m.mu.Lock()
	c.up = append(c.up, s)
	c.connectedAt = m.now()
	c.state = "ACTIVE"
	old := *m.sessions.Load()
	next := append(append(make([]*session, 0, len(old)+1), old...), s)
	m.sessions.Store(&next)
	m.mu.Unlock()
	c.ctr.connects.Add(1)
	if c.mgmt {
		m.log.Debug("management session", "peer", s.peer, "version", ofp.VersionString(s.version))
	} else {
		m.log.Info("controller connected", "target", c.name, "peer", s.peer, "version", ofp.VersionString(s.version))
	}
	m.notify()
}

// sessionDown forgets a session, established or not.
func (c *controller) sessionDown(s *session, established bool, why error) {
	m := c.m
	m.mu.Lock()
	delete(c.all, s)
	if established {
		for i, o := range c.up {
			if o == s {
				c.up = append(c.up[:i:i], c.up[i+1:]...)
				break
			}
		}
		c.disconnectedAt = m.now()
		old := *m.sessions.Load()
		next := make([]*session, 0, len(old))
		for _, o := range old {
			if o != s {
				next = append(next, o)
			}
		}
		m.sessions.Store(&next)
	}
	if why != nil {
		c.lastError = why.Error()
	}
	if c.t.passive && len(c.up) == 0 {
		c.state = "LISTENING"
	}
	m.mu.Unlock()
	if established {
		c.ctr.disconnects.Add(1)
		if !c.mgmt {
			m.log.Info("controller disconnected", "target", c.name, "peer", s.peer, "why", why)
		}
		m.notify()
	} else if why != nil && !c.mgmt {
		m.log.Info("controller connection failed before the hello", "target", c.name, "peer", s.peer, "why", why)
	} else if why != nil {
		m.log.Debug("connection failed before the hello", "target", c.name, "peer", s.peer, "why", why)
	}
}

// downSince is when the target was last connected, or configured if it
// never was; m.mu is held.
func (c *controller) downSince() time.Time {
	if c.disconnectedAt.After(c.created) {
		return c.disconnectedAt
	}
	return c.created
}

// connected reports whether the target has an established session; m.mu
// is held.
func (c *controller) connected() bool { return len(c.up) > 0 }

// status is the Status of the target; m.mu is held.
func (c *controller) status(now time.Time) Status {
	st := Status{Target: c.name, Connected: c.connected(), State: c.state, Role: "other",
		SecSinceConnect: -1, SecSinceDisconnect: -1, LastError: c.lastError, Counters: c.ctr.snapshot()}
	if len(c.up) > 0 {
		s := c.up[0]
		st.Role = roleName(s.role.Load())
		if s.probing.Load() {
			st.State = "IDLE"
		}
	}
	if !c.connectedAt.IsZero() {
		st.SecSinceConnect = int(now.Sub(c.connectedAt) / time.Second)
	}
	if !c.disconnectedAt.IsZero() {
		st.SecSinceDisconnect = int(now.Sub(c.disconnectedAt) / time.Second)
	}
	return st
}

// listenUnix listens on a unix socket path, replacing a stale socket file
// but refusing one that a live process answers on. A private socket
// (mode 0600) is bound in a fresh 0700 directory, chmod-ed there and
// renamed into place, so that it is never reachable with wider
// permissions.
func listenUnix(path string, private bool) (net.Listener, error) {
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("%s: already in use", path)
	}
	if !private {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(path)
		}
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			return nil, err
		}
		ln.SetUnlinkOnClose(false)
		return ln, nil
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}
