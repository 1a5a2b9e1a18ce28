package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// session is one JSON-RPC connection.
type session struct {
	srv  *Server
	conn net.Conn
	log  *slog.Logger
	wake chan struct{} // buffered(1): the writer has work
	done chan struct{} // closed by close()

	// mu protects the fields below.
	mu               sync.Mutex
	queue            [][]byte
	backlog          int
	closed           bool
	closeWhenFlushed bool                     // the writer closes the session once queue is empty
	monitors         map[string]*monitor      // by compact JSON of the monitor id
	pending          map[string]chan struct{} // transact waiting on "wait", by request id
	locks            map[string]struct{}      // locks this session owns or waits for
}

func newSession(srv *Server, c net.Conn) *session {
	return &session{srv: srv, conn: c, log: srv.log.With("peer", c.RemoteAddr().String()),
		wake: make(chan struct{}, 1), done: make(chan struct{}),
		monitors: map[string]*monitor{}, pending: map[string]chan struct{}{}, locks: map[string]struct{}{}}
}

// run reads and dispatches requests until the peer goes or the session is
// closed, then tears the session down.
func (s *session) run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.writer() }()
	defer func() {
		s.close()
		wg.Wait()
	}()
	sp := newSplitter(s.conn, s.srv.cfg.MaxMessage)
	for {
		data, err := sp.next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Info("closing session", "err", err)
				// Framing is lost; say why before hanging up.
				s.reply(json.RawMessage("null"), nil, rpcError(notation.ErrSyntax, "%v", err))
				s.flushAndClose()
			}
			return
		}
		m, err := decodeMessage(data)
		if err != nil {
			s.reply(json.RawMessage("null"), nil, rpcError(notation.ErrSyntax, "%v", err))
			continue
		}
		s.dispatch(m)
	}
}

// flushAndClose has the writer close the session once everything queued
// so far is written (bounded by the write timeout), and waits for that.
func (s *session) flushAndClose() {
	s.mu.Lock()
	s.closeWhenFlushed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	<-s.done
}

// close ends the session: monitors unsubscribed, pending waits abandoned,
// locks released (and passed on), connection closed. Idempotent.
func (s *session) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	var cancels []func()
	for _, m := range s.monitors {
		if m.cancel != nil {
			cancels = append(cancels, m.cancel)
		}
	}
	s.monitors = map[string]*monitor{}
	for _, c := range s.pending {
		close(c)
	}
	s.pending = map[string]chan struct{}{}
	locks := s.locks
	s.locks = map[string]struct{}{}
	s.queue, s.backlog = nil, 0
	s.mu.Unlock()
	close(s.done)
	s.conn.Close()
	for _, c := range cancels {
		c()
	}
	for name := range locks {
		if next := s.srv.locks.unlock(s, name); next != nil {
			next.notify("locked", name)
		}
	}
}

// writer sends queued messages in order.
func (s *session) writer() {
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			q := s.queue
			s.queue = nil
			n := s.backlog
			flushed := len(q) == 0 && s.closeWhenFlushed
			s.mu.Unlock()
			if flushed {
				s.close()
				return
			}
			if len(q) == 0 {
				break
			}
			s.conn.SetWriteDeadline(time.Now().Add(s.srv.cfg.WriteTimeout))
			bufs := net.Buffers(q)
			if _, err := bufs.WriteTo(s.conn); err != nil {
				s.log.Info("closing session: write failed", "err", err)
				s.close()
				return
			}
			s.mu.Lock()
			s.backlog -= n
			s.mu.Unlock()
		}
	}
}

// send queues one message without blocking. A peer whose backlog passes
// MaxBacklog is disconnected: it has stopped reading.
func (s *session) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("cannot encode message", "err", err)
		return
	}
	s.sendRaw(b)
}

// sendRaw is send for a message already encoded as compact JSON.
func (s *session) sendRaw(b []byte) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, b)
	s.backlog += len(b)
	over := s.backlog > s.srv.cfg.MaxBacklog
	s.mu.Unlock()
	if over {
		s.log.Warn("closing session: peer does not read its messages", "backlog_limit", s.srv.cfg.MaxBacklog)
		go s.close()
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *session) reply(id json.RawMessage, result any, rpcErr any) {
	if rpcErr != nil {
		s.send(response{ID: id, Result: nil, Error: rpcErr})
		return
	}
	if list, ok := result.([]any); ok {
		if b, err := encodeResults(id, list); err == nil {
			s.sendRaw(b)
			return
		}
	}
	s.send(response{ID: id, Result: result, Error: nil})
}

// encodeResults encodes a response whose result is a list (a transact's
// results) element by element: json.Marshal of the whole response would
// re-scan each element's MarshalJSON output to compact it, a second pass
// over every row a select returns. Each piece here is already compact.
func encodeResults(id json.RawMessage, list []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	if len(id) == 0 {
		b.WriteString("null")
	} else if err := json.Compact(&b, id); err != nil {
		return nil, err
	}
	b.WriteString(`,"result":[`)
	for i, v := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		var e []byte
		var err error
		// OperationResult's own encoding is json.Marshal's, compact and
		// escaped alike; anything else goes through json.Marshal.
		if r, ok := v.(notation.OperationResult); ok {
			e, err = r.MarshalJSON()
		} else {
			e, err = json.Marshal(v)
		}
		if err != nil {
			return nil, err
		}
		b.Write(e)
	}
	b.WriteString(`],"error":null}`)
	return b.Bytes(), nil
}

func (s *session) notify(method string, params ...any) {
	s.send(notification{ID: nil, Method: method, Params: params})
}

// dispatch handles one message (RFC 7047 §4.1).
func (s *session) dispatch(m *message) {
	if !m.isRequest() {
		if m.isNotification() {
			// Notifications from a client need no answer; "cancel" is one.
			if m.Method == "cancel" {
				s.cancel(m.Params)
			}
		}
		// Responses to requests we never make (echo replies) are ignored.
		return
	}
	p, err := params(m.Params)
	if err != nil {
		s.reply(m.ID, nil, rpcError(notation.ErrSyntax, "%s: params must be an array", m.Method))
		return
	}
	switch m.Method {
	case "echo":
		s.reply(m.ID, p, nil)
	case "list_dbs":
		s.reply(m.ID, s.srv.names, nil)
	case "get_schema":
		db, e := s.db(p, 1)
		if e != nil {
			s.reply(m.ID, nil, e)
			return
		}
		s.reply(m.ID, json.RawMessage(db.Schema().Raw), nil)
	case "transact":
		s.transact(m.ID, p)
	case "cancel":
		s.cancel(m.Params)
	case "monitor":
		s.monitor(m.ID, p, 1)
	case "monitor_cond":
		s.monitor(m.ID, p, 2)
	case "monitor_cond_since":
		s.monitor(m.ID, p, 3)
	case "monitor_cond_change":
		s.monitorCondChange(m.ID, p)
	case "monitor_cancel":
		s.monitorCancel(m.ID, p)
	case "lock", "steal", "unlock":
		s.lockMethod(m.ID, m.Method, p)
	case "set_db_change_aware":
		// Databases here are never removed or converted while served, so
		// there is nothing to tell a change-aware client (OVS extension).
		s.reply(m.ID, map[string]any{}, nil)
	default:
		s.reply(m.ID, nil, errUnknownMethod)
	}
}

// db resolves the database named by the first param; n is the exact
// number of params wanted, or -1 for "at least one".
func (s *session) db(p []json.RawMessage, n int) (*engine.DB, *notation.Error) {
	if len(p) == 0 || (n >= 0 && len(p) != n) {
		return nil, rpcError(notation.ErrSyntax, "wrong number of parameters")
	}
	var name string
	if err := json.Unmarshal(p[0], &name); err != nil {
		return nil, rpcError(notation.ErrSyntax, "database name must be a string")
	}
	db := s.srv.dbs[name]
	if db == nil {
		return nil, rpcError(notation.ErrUnknownDatabase, "%s", name)
	}
	return db, nil
}

// transact runs a transaction (RFC 7047 §4.1.3). A transaction that waits
// on a "wait" operation is retried after each commit on its own goroutine
// until it completes, times out or is cancelled.
func (s *session) transact(id json.RawMessage, p []json.RawMessage) {
	db, e := s.db(p, -1)
	if e != nil {
		s.reply(id, nil, e)
		return
	}
	ops := p[1:]
	opts := engine.Options{HasLock: func(name string) bool { return s.srv.locks.holds(s, name) }}
	changed := db.Changed()
	res, err := db.Transact(ops, opts)
	var wb *engine.WaitBlocked
	if !errors.As(err, &wb) {
		s.reply(id, res, nil)
		return
	}
	cancel := make(chan struct{})
	key := string(id)
	s.mu.Lock()
	if _, dup := s.pending[key]; dup || s.closed {
		s.mu.Unlock()
		s.reply(id, nil, rpcError(notation.ErrSyntax, "duplicate request id"))
		return
	}
	s.pending[key] = cancel
	s.mu.Unlock()
	go func() {
		var timeout <-chan time.Time
		if wb.Timeout >= 0 {
			t := time.NewTimer(wb.Timeout)
			defer t.Stop()
			timeout = t.C
		}
		for {
			select {
			case <-cancel:
				s.reply(id, nil, rpcError(notation.ErrCanceled, "transaction canceled"))
				return
			case <-timeout:
				opts.WaitExpired = true
			case <-changed:
			}
			changed = db.Changed()
			res, err := db.Transact(ops, opts)
			if !errors.As(err, &wb) {
				s.mu.Lock()
				delete(s.pending, key)
				s.mu.Unlock()
				s.reply(id, res, nil)
				return
			}
		}
	}()
}

// cancel aborts a transaction blocked on "wait" (RFC 7047 §4.1.4): params
// hold the id of the transact request.
func (s *session) cancel(raw json.RawMessage) {
	p, err := params(raw)
	if err != nil || len(p) != 1 {
		return
	}
	key := string(compactJSON(p[0]))
	s.mu.Lock()
	c := s.pending[key]
	delete(s.pending, key)
	s.mu.Unlock()
	if c != nil {
		close(c)
	}
}

// lockMethod handles lock, steal and unlock (RFC 7047 §4.1.8-§4.1.10).
func (s *session) lockMethod(id json.RawMessage, method string, p []json.RawMessage) {
	var name string
	if len(p) != 1 || json.Unmarshal(p[0], &name) != nil || !notation.ValidID(name) {
		s.reply(id, nil, rpcError(notation.ErrSyntax, "%s: params must be [lock-id]", method))
		return
	}
	switch method {
	case "lock":
		if s.srv.locks.involved(s, name) {
			s.reply(id, nil, rpcError("duplicate lock", "lock %s already requested by this session", name))
			return
		}
		s.mu.Lock()
		s.locks[name] = struct{}{}
		s.mu.Unlock()
		s.reply(id, map[string]bool{"locked": s.srv.locks.lock(s, name)}, nil)
	case "steal":
		s.mu.Lock()
		s.locks[name] = struct{}{}
		s.mu.Unlock()
		prev := s.srv.locks.steal(s, name)
		s.reply(id, map[string]bool{"locked": true}, nil)
		if prev != nil {
			prev.mu.Lock()
			delete(prev.locks, name)
			prev.mu.Unlock()
			prev.notify("stolen", name)
		}
	case "unlock":
		if !s.srv.locks.involved(s, name) {
			s.reply(id, nil, rpcError("unknown lock", "lock %s not held or requested by this session", name))
			return
		}
		s.mu.Lock()
		delete(s.locks, name)
		s.mu.Unlock()
		next := s.srv.locks.unlock(s, name)
		s.reply(id, map[string]any{}, nil)
		if next != nil {
			next.notify("locked", name)
		}
	}
}
