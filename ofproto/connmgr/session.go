package connmgr

// One OpenFlow connection: hello negotiation (spec 1.3.5 §6.3.1), a
// reader that handles messages strictly in order, a writer that drains
// the bounded send queue, and the inactivity probe (echo request after a
// probe interval of silence, disconnect after another, as Open vSwitch's
// rconn does).

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// localVersions are the versions xvs speaks, advertised in its hello
// unless Manager.SetProtocols restricts them.
var localVersions = []uint8{ofp.Version10, ofp.Version13}

// Default miss_send_len (OFP_DEFAULT_MISS_SEND_LEN); service sessions
// start at 0, which keeps asynchronous messages off until they ask.
const defaultMissSendLen = 128

// errProbe ends a session whose peer stayed silent through a probe.
var errProbe = errors.New("inactivity probe timed out")

type session struct {
	m       *Manager
	c       *controller
	conn    net.Conn
	br      *bufio.Reader
	out     *outQueue
	service bool // passive or management: not a controller
	probe   time.Duration
	limit   *pinLimiter // nil: no packet-in rate limit
	peer    string

	version uint8 // set by the handshake, before the session is published

	role        atomic.Uint32 // ofp.Role*
	async       atomic.Pointer[ofp.AsyncConfig]
	missSendLen atomic.Uint32
	lastRx      atomic.Int64 // unix nanoseconds of the last message received
	lastTx      atomic.Int64 // ... and of the end of the last write of replies
	busy        atomic.Int32 // the reader is handling a request, the writer writing replies
	probing     atomic.Bool  // an echo request is out

	ra    ofp.Reassembler       // the reader's
	batch *ofproto.FlowModBatch // the reader's run of flow-mods (batch.go); nil: none

	closeOnce sync.Once
	why       error         // why the session ended; set once, by shut
	wdone     chan struct{} // closed when the writer stops
	done      chan struct{} // closed when the session ends
}

// newSession builds a session for conn; m.mu is held.
func newSession(c *controller, conn net.Conn) *session {
	s := &session{m: c.m, c: c, conn: conn, br: bufio.NewReaderSize(conn, 64<<10),
		out:     newOutQueue(c.m.maxBytes, c.m.maxAsync),
		service: c.t.passive, peer: conn.RemoteAddr().String(),
		wdone: make(chan struct{}), done: make(chan struct{})}
	if s.peer == "" || s.peer == "@" {
		s.peer = c.name
	}
	s.probe = probeInterval(c.cfg)
	if c.cfg.RateLimit > 0 {
		s.limit = newPinLimiter(c.cfg.RateLimit, c.cfg.BurstLimit, c.m.now)
	}
	return s
}

// shut ends the session at once: queued messages are dropped and the
// connection closed, which ends the reader.
func (s *session) shut(why error) {
	s.closeOnce.Do(func() {
		s.why = why
		if why != nil {
			s.m.log.Debug("session closed", "target", s.c.name, "peer", s.peer, "why", why)
		}
		s.out.close()
		s.conn.Close()
	})
}

// run handles the session until it ends. It reports whether the hello
// exchange succeeded and, if so, how long the session was established.
func (s *session) run() (upFor time.Duration, established bool) {
	defer close(s.done)
	v, err := s.handshake()
	if err != nil {
		s.shut(err)
		s.c.sessionDown(s, false, err)
		return 0, false
	}
	s.version = v
	s.role.Store(ofp.RoleEqual)
	cfg := defaultAsync(v)
	s.async.Store(&cfg)
	if !s.service {
		s.missSendLen.Store(defaultMissSendLen)
	}
	s.lastRx.Store(time.Now().UnixNano())
	go s.writeLoop()
	s.c.sessionUp(s)
	began := s.m.now()
	if s.probe > 0 {
		go s.probeLoop()
	}
	err, graceful := s.readLoop()
	if graceful {
		// Send what is queued (the error that ends the session) first;
		// the writer's deadline bounds the wait.
		s.out.end()
		<-s.wdone
	}
	if err == io.EOF {
		err = errors.New("connection closed by peer")
	}
	s.shut(err)
	<-s.wdone
	s.c.sessionDown(s, true, s.why)
	return s.m.now().Sub(began), true
}

// handshake sends our hello and negotiates the version from the peer's.
// On failure the peer gets OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE with a
// text saying why (§7.4.4), in a version it can read.
func (s *session) handshake() (uint8, error) {
	s.conn.SetDeadline(time.Now().Add(s.m.helloTimeout))
	defer s.conn.SetDeadline(time.Time{})
	allowed := s.m.protocols()
	hello, err := helloFor(allowed, s.m.nextXid())
	if err != nil {
		return 0, err
	}
	if _, err := s.conn.Write(hello); err != nil {
		return 0, fmt.Errorf("sending hello: %w", err)
	}
	raw, err := s.readMsg()
	if err != nil {
		if e, ok := err.(*ofp.Error); ok {
			s.helloFailed(ofp.Version13, 0, e.Reason)
			return 0, fmt.Errorf("reading hello: %w", e)
		}
		return 0, fmt.Errorf("reading hello: %w", err)
	}
	h, _ := ofp.DecodeHeader(raw)
	replyVersion := min(max(h.Version, ofp.Version10), ofp.Version13)
	if h.Type != 0 {
		msg := fmt.Sprintf("expected OFPT_HELLO, got message type %d", h.Type)
		s.helloFailed(replyVersion, h.Xid, msg)
		return 0, errors.New(msg)
	}
	_, m, err := ofp.Unmarshal(raw)
	if err != nil {
		s.helloFailed(replyVersion, h.Xid, err.Error())
		return 0, fmt.Errorf("decoding hello: %w", err)
	}
	v, err := ofp.Negotiate(allowed, h.Version, m.(*ofp.Hello))
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*ofp.Error); ok && e.Reason != "" {
			msg = e.Reason
		}
		s.helloFailed(replyVersion, h.Xid, msg)
		return 0, err
	}
	return v, nil
}

// helloFailed writes OFPET_HELLO_FAILED (type 0 in every version) with
// text, in wire version v.
func (s *session) helloFailed(v uint8, xid uint32, text string) {
	b, err := ofp.Marshal(ofp.Version13, xid, &ofp.Error{Type: ofp.ETHelloFailed, Code: ofp.HFCIncompatible, Data: []byte(text)})
	if err != nil {
		return
	}
	b[0] = v // the error's layout is the same in every version
	s.conn.Write(b)
}

// readMsg reads one whole message into a buffer of its own (decoded
// messages may keep slices of it). A length field shorter than the header
// is an *ofp.Error: the stream cannot be resynchronised after it.
func (s *session) readMsg() ([]byte, error) {
	hdr, err := s.br.Peek(ofp.HeaderLen)
	if err != nil {
		if err == io.EOF && len(hdr) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(hdr[2:4]))
	if n < ofp.HeaderLen {
		e := ofp.NewError(ofp.ETBadRequest, ofp.BRCBadLen, hdr)
		e.Reason = fmt.Sprintf("length field %d is shorter than the header", n)
		return nil, e
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.br, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}

// readLoop reads and handles messages until the connection fails or a
// message ends the session; graceful says the queue should be sent first.
func (s *session) readLoop() (err error, graceful bool) {
	defer s.endBatch()
	for {
		raw, err := s.readMsg()
		if err != nil {
			var e *ofp.Error
			if errors.As(err, &e) {
				s.sendError(0, e, nil, false)
				return e, true
			}
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return io.EOF, false
			}
			return err, false
		}
		s.lastRx.Store(time.Now().UnixNano())
		s.probing.Store(false)
		s.busy.Add(1)
		s.batchBefore(raw)
		s.handle(raw)
		s.batchAfter()
		s.busy.Add(-1)
	}
}

// writeLoop owns the connection's write side. A batch that cannot be
// written within stallTimeout ends the session: a peer that does not read
// must not hold replies (and the reader behind them) forever.
func (s *session) writeLoop() {
	defer close(s.wdone)
	bw := bufio.NewWriterSize(s.conn, 64<<10)
	var batch []outMsg
	for {
		msgs, ok := s.out.take(batch)
		if !ok {
			return
		}
		s.conn.SetWriteDeadline(time.Now().Add(s.m.stallTimeout))
		replies := false
		for _, m := range msgs {
			replies = replies || m.reply
		}
		if replies {
			// The peer is busy taking replies until they are written;
			// the probe waits for that (the write deadline bounds it).
			s.busy.Add(1)
		}
		var err error
		for _, m := range msgs {
			if _, err = bw.Write(m.b); err != nil {
				break
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		if replies {
			s.lastTx.Store(time.Now().UnixNano())
			s.busy.Add(-1)
		}
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				s.c.ctr.slowDisconnect.Add(1)
				s.m.log.Warn("controller not reading, disconnecting", "target", s.c.name, "peer", s.peer,
					"stalled", s.m.stallTimeout)
			}
			s.shut(fmt.Errorf("send: %w", err))
			return
		}
		s.out.release(msgs)
		clear(msgs)
		batch = msgs
	}
}

// probeLoop sends an echo request after a probe interval without a
// message from the peer (or a reply written to it) and ends the session
// after another.
func (s *session) probeLoop() {
	t := time.NewTimer(s.probe)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-s.wdone:
			return
		case <-t.C:
		}
		// A peer that is taking a long reply (a big flow dump) is alive
		// even while it sends nothing: the probe waits while a request is
		// handled and its replies written (a stalled write ends the
		// session anyway) and counts from when that was done. Asynchronous messages do not
		// count, since a hung controller's kernel takes those for a while.
		idle := time.Since(time.Unix(0, max(s.lastRx.Load(), s.lastTx.Load())))
		if s.busy.Load() > 0 {
			idle = 0
		}
		if idle < s.probe {
			t.Reset(s.probe - idle)
			continue
		}
		if s.probing.Load() && idle >= 2*s.probe {
			s.c.ctr.probeTimeouts.Add(1)
			s.m.log.Info("inactivity probe timed out", "target", s.c.name, "peer", s.peer, "idle", idle)
			s.shut(errProbe)
			return
		}
		if !s.probing.Load() {
			// The peer gets a whole interval to answer.
			s.probing.Store(true)
			if b, err := ofp.Marshal(s.version, s.m.nextXid(), &ofp.EchoRequest{}); err == nil {
				s.out.tryPush(b)
			}
			t.Reset(s.probe)
			continue
		}
		t.Reset(2*s.probe - idle)
	}
}

func (m *Manager) nextXid() uint32 { return m.xid.Add(1) }

// SessionInfo describes an established session.
type SessionInfo struct {
	Target      string // the configured target, or punix:<mgmt socket>
	Peer        string
	Version     string // "OF1.3"
	Role        string
	Service     bool
	MissSendLen uint16
}

func (s *session) info() SessionInfo {
	return SessionInfo{Target: s.c.name, Peer: s.peer, Version: ofp.VersionString(s.version),
		Role: roleName(s.role.Load()), Service: s.service, MissSendLen: uint16(s.missSendLen.Load())}
}
