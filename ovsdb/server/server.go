package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/engine"
)

// Config tunes a Server. Zero values select the defaults.
type Config struct {
	Logger *slog.Logger
	// MaxMessage bounds one incoming JSON-RPC message (default 64 MiB).
	MaxMessage int
	// MaxBacklog bounds the bytes queued for one session; past it the
	// session is closed (default 64 MiB).
	MaxBacklog int
	// WriteTimeout bounds one write to a peer (default 60 s).
	WriteTimeout time.Duration
}

// Server serves databases to JSON-RPC sessions.
type Server struct {
	cfg   Config
	log   *slog.Logger
	dbs   map[string]*engine.DB
	names []string
	locks *lockTable

	// mu protects the fields below.
	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*session]struct{}
	closed    bool
	wg        sync.WaitGroup // one per session and per Serve
}

// New returns a server for the given databases, each served under its
// schema's name.
func New(cfg Config, dbs ...*engine.DB) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 64 << 20
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = 64 << 20
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = time.Minute
	}
	s := &Server{cfg: cfg, log: cfg.Logger, dbs: map[string]*engine.DB{}, locks: newLockTable(),
		listeners: map[net.Listener]struct{}{}, sessions: map[*session]struct{}{}}
	for _, db := range dbs {
		s.dbs[db.Name()] = db
		s.names = append(s.names, db.Name())
	}
	return s
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("server closed")

// Serve accepts sessions on l until l fails or the server is closed.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.startSession(c)
	}
}

func (s *Server) startSession(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return
	}
	ss := newSession(s, c)
	s.sessions[ss] = struct{}{}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ss.run()
		s.mu.Lock()
		delete(s.sessions, ss)
		s.mu.Unlock()
	}()
}

// Run listens on every remote (see Listen) and serves until ctx is done,
// then closes the server.
func (s *Server) Run(ctx context.Context, remotes []string) error {
	var ls []net.Listener
	for _, r := range remotes {
		l, err := Listen(r)
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			return err
		}
		ls = append(ls, l)
	}
	errc := make(chan error, len(ls))
	for _, l := range ls {
		s.log.Info("listening", "remote", l.Addr().Network()+":"+l.Addr().String())
		go func() { errc <- s.Serve(l) }()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	s.Close()
	return err
}

// Close stops the listeners, closes every session and waits for their
// goroutines. It is idempotent. Listeners go first so that no session
// starts while the others are being closed.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	for l := range s.listeners {
		l.Close()
	}
	sessions := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.close()
	}
	s.wg.Wait()
	return nil
}
