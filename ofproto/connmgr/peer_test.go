package connmgr

// A controller-side OpenFlow peer built on the codec, for the tests.

import (
	"bufio"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

const testTimeout = 10 * time.Second

type peer struct {
	t       testing.TB
	conn    net.Conn
	br      *bufio.Reader
	version uint8
	xid     uint32
}

// newPeer wraps conn; the hello exchange is up to the caller.
func newPeer(t testing.TB, conn net.Conn) *peer {
	t.Cleanup(func() { conn.Close() })
	return &peer{t: t, conn: conn, br: bufio.NewReaderSize(conn, 64<<10), xid: 1000}
}

// dialPeer connects to a unix or tcp address and says hello with
// versions.
func dialPeer(t testing.TB, network, addr string, versions ...uint8) *peer {
	t.Helper()
	conn, err := net.DialTimeout(network, addr, testTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	p := newPeer(t, conn)
	p.hello(versions...)
	return p
}

// hello sends a hello with a bitmap of versions and reads the switch's,
// negotiating as the spec says.
func (p *peer) hello(versions ...uint8) {
	p.t.Helper()
	high := uint8(0)
	for _, v := range versions {
		high = max(high, v)
	}
	p.sendRawMsg(high, ofp.NewHello(versions...))
	h, m := p.recv()
	hello, ok := m.(*ofp.Hello)
	if !ok {
		p.t.Fatalf("first message %s, want a hello", ofp.Format(h, m))
	}
	v, err := ofp.Negotiate(versions, h.Version, hello)
	if err != nil {
		p.t.Fatalf("negotiate: %v", err)
	}
	p.version = v
}

func (p *peer) sendRawMsg(v uint8, m ofp.Message) uint32 {
	p.t.Helper()
	p.xid++
	b, err := ofp.Marshal(v, p.xid, m)
	if err != nil {
		p.t.Fatalf("marshal %T: %v", m, err)
	}
	p.write(b)
	return p.xid
}

func (p *peer) write(b []byte) {
	p.t.Helper()
	p.conn.SetWriteDeadline(time.Now().Add(testTimeout))
	if _, err := p.conn.Write(b); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

// send sends m in the session's version and returns its xid.
func (p *peer) send(m ofp.Message) uint32 {
	p.t.Helper()
	return p.sendRawMsg(p.version, m)
}

// recvRaw reads one message's bytes.
func (p *peer) recvRaw() ([]byte, error) {
	p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	return ofp.ReadMessage(p.br, nil)
}

// recv reads and decodes one message, failing the test on error.
func (p *peer) recv() (ofp.Header, ofp.Message) {
	p.t.Helper()
	b, err := p.recvRaw()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	h, m, err := ofp.Unmarshal(b)
	if err != nil {
		p.t.Fatalf("decode %x: %v", b, err)
	}
	return h, m
}

// recvFor reads until a message with xid arrives, skipping echo requests
// (answered) and asynchronous messages.
func (p *peer) recvFor(xid uint32) (ofp.Header, ofp.Message) {
	p.t.Helper()
	for {
		h, m := p.recv()
		if er, ok := m.(*ofp.EchoRequest); ok {
			p.reply(h.Xid, &ofp.EchoReply{Data: er.Data})
			continue
		}
		if h.Xid == xid {
			return h, m
		}
	}
}

func (p *peer) reply(xid uint32, m ofp.Message) {
	p.t.Helper()
	b, err := ofp.Marshal(p.version, xid, m)
	if err != nil {
		p.t.Fatal(err)
	}
	p.write(b)
}

// request sends m and returns the reply to it.
func (p *peer) request(m ofp.Message) (ofp.Header, ofp.Message) {
	p.t.Helper()
	return p.recvFor(p.send(m))
}

// barrier sends a barrier and returns the errors received before its
// reply, failing on anything else that is not asynchronous.
func (p *peer) barrier() []*ofp.Error {
	p.t.Helper()
	xid := p.send(&ofp.BarrierRequest{})
	var errs []*ofp.Error
	for {
		h, m := p.recv()
		switch m := m.(type) {
		case *ofp.BarrierReply:
			if h.Xid != xid {
				p.t.Fatalf("barrier reply xid %#x, want %#x", h.Xid, xid)
			}
			return errs
		case *ofp.Error:
			errs = append(errs, m)
		case *ofp.EchoRequest:
			p.reply(h.Xid, &ofp.EchoReply{Data: m.Data})
		}
	}
}

// expectError reads until the reply to xid and checks it is the error
// typ/code.
func (p *peer) expectError(xid uint32, typ ofp.ErrorType, code uint16) *ofp.Error {
	p.t.Helper()
	h, m := p.recvFor(xid)
	e, ok := m.(*ofp.Error)
	if !ok {
		p.t.Fatalf("reply %s, want error type %d code %d", ofp.Format(h, m), typ, code)
	}
	if e.Type != typ || e.Code != code {
		p.t.Fatalf("error type %d code %d (%s), want type %d code %d", e.Type, e.Code, ofp.Format(h, m), typ, code)
	}
	return e
}

// expectClosed waits for the switch to close the connection, returning
// what it sent before.
func (p *peer) expectClosed() [][]byte {
	p.t.Helper()
	var got [][]byte
	for {
		b, err := p.recvRaw()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				p.t.Fatalf("connection still open after %s", testTimeout)
			}
			return got
		}
		got = append(got, b)
	}
}
