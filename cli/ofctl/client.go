package ofctl

// The OpenFlow client session of `xvs ofctl`: dial, hello and version
// negotiation (spec 1.3.5 §6.3.1), requests matched to replies by xid,
// multipart reassembly (§7.3.5), echo replies (§6.3.2), and pipelined
// modifications closed by one barrier (§6.2: the switch answers a barrier
// only after it has processed, and reported errors for, every message
// before it).

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xvs-switch/xvs/internal/rundir"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// reply is one whole message from the switch. A multipart (1.3) or stats
// (1.0) reply sent in several messages is joined in m; parts holds each
// message as sent, for printing as ovs-ofctl does.
type reply struct {
	h     ofp.Header
	m     ofp.Message
	parts []reply
}

// client is one OpenFlow session. Requests may be sent from one goroutine
// at a time; a reader goroutine owns the connection's read side.
type client struct {
	nc      net.Conn
	version uint8
	timeout time.Duration

	wmu sync.Mutex // wmu protects bw and xid
	bw  *bufio.Writer
	xid uint32

	mu      sync.Mutex // mu protects the fields below
	waiters map[uint32]chan reply
	// streams take the parts of a multipart reply one by one as they
	// arrive (requestEach), instead of the reply being joined.
	streams map[uint32]func(raw []byte) error
	errs    map[uint32]*ofp.Error // errors for xids nobody waits on
	async   chan reply            // unsolicited messages, when monitoring
	readErr error

	closing chan struct{} // closed by Close: the reader must not block
	done    chan struct{} // closed when the reader stops
}

// resolveTarget turns the SWITCH argument into a network and address:
// "unix:PATH", "tcp:IP[:PORT]" (default port 6653), or a bridge name whose
// management socket is RUNDIR/BRIDGE.mgmt.
func resolveTarget(target, dir string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(target, "unix:"):
		return "unix", strings.TrimPrefix(target, "unix:"), nil
	case strings.HasPrefix(target, "tcp:"):
		a := strings.TrimPrefix(target, "tcp:")
		if _, _, err := net.SplitHostPort(a); err != nil {
			a = net.JoinHostPort(strings.Trim(a, "[]"), "6653")
		}
		return "tcp", a, nil
	case strings.HasPrefix(target, "ssl:"):
		return "", "", fmt.Errorf("%s: ssl connections are not supported", target)
	case target == "" || strings.ContainsAny(target, ":/"):
		if strings.HasPrefix(target, "/") {
			return "unix", target, nil
		}
		return "", "", fmt.Errorf("%q: want unix:PATH, tcp:IP[:PORT] or a bridge name", target)
	}
	if dir == "" {
		dir = rundir.Dir() // XVS_RUNDIR, else /run/xvs: where the switch puts it
	}
	return "unix", filepath.Join(dir, target+".mgmt"), nil
}

// dial connects and negotiates a version among versions.
func dial(target, dir string, versions []uint8, timeout time.Duration) (*client, error) {
	network, addr, err := resolveTarget(target, dir)
	if err != nil {
		return nil, err
	}
	nc, err := net.DialTimeout(network, addr, timeout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	c := &client{nc: nc, timeout: timeout, bw: bufio.NewWriterSize(nc, 64<<10),
		waiters: map[uint32]chan reply{}, errs: map[uint32]*ofp.Error{}, streams: map[uint32]func([]byte) error{},
		closing: make(chan struct{}), done: make(chan struct{})}
	if err := c.hello(versions); err != nil {
		nc.Close()
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	go c.read()
	return c, nil
}

func (c *client) hello(versions []uint8) error {
	var high uint8
	for _, v := range versions {
		high = max(high, v)
	}
	b, err := ofp.Marshal(high, 1, ofp.NewHello(versions...))
	if err != nil {
		return err
	}
	c.xid = 1
	if c.timeout > 0 {
		c.nc.SetDeadline(time.Now().Add(c.timeout))
		defer c.nc.SetDeadline(time.Time{})
	}
	if _, err := c.nc.Write(b); err != nil {
		return err
	}
	raw, err := ofp.ReadMessage(c.nc, nil)
	if err != nil {
		return fmt.Errorf("reading hello: %w", err)
	}
	h, m, err := ofp.Unmarshal(raw)
	if err != nil {
		return fmt.Errorf("decoding hello: %w", err)
	}
	hello, ok := m.(*ofp.Hello)
	if !ok {
		return fmt.Errorf("expected a hello, got %s", ofp.Format(h, m))
	}
	v, err := ofp.Negotiate(versions, h.Version, hello)
	if err != nil {
		return fmt.Errorf("version negotiation failed: %w", err)
	}
	c.version = v
	return nil
}

// Close closes the connection and waits for the reader. Order: closing
// first, so that a reader blocked handing a message to a monitor that no
// longer reads gives up; then the socket, which ends the reader's read.
func (c *client) Close() error {
	close(c.closing)
	err := c.nc.Close()
	<-c.done
	return err
}

// read owns the read side: it answers echo requests, reassembles
// multipart replies and hands each whole message to whoever waits on its
// xid; errors nobody waits on are kept for the next barrier.
func (c *client) read() {
	defer close(c.done)
	var ra ofp.Reassembler
	var ra10 ofp.StatsAssembler10
	parts := map[uint32][]reply{}
	br := bufio.NewReaderSize(c.nc, 64<<10)
	var spare []byte // a streamed part's buffer, which the stream did not keep
	for {
		raw, err := ofp.ReadMessage(br, spare)
		spare = nil
		if err != nil {
			c.fail(err)
			return
		}
		if c.streamPart(raw) {
			spare = raw[:0]
			continue
		}
		h, m, done, err := ra.Add(raw)
		if err != nil {
			c.fail(fmt.Errorf("decoding %s: %w", ofp.Name(h.Version, h.Type), err))
			return
		}
		if isMultipartReply(h) {
			// Each part is a message of its own too.
			ph, pm, perr := ofp.Unmarshal(raw)
			if perr == nil {
				parts[h.Xid] = append(parts[h.Xid], reply{h: ph, m: pm})
			}
		}
		if !done {
			continue
		}
		if part, ok := m.(*ofp.StatsReply10); ok {
			whole, err := ra10.Add(h.Xid, part)
			if err != nil {
				c.fail(fmt.Errorf("joining OFPT_STATS_REPLY parts: %w", err))
				return
			}
			if whole == nil {
				continue
			}
			m = whole
		}
		if req, ok := m.(*ofp.EchoRequest); ok {
			c.wmu.Lock()
			werr := c.writeLocked(h.Xid, &ofp.EchoReply{Data: req.Data})
			if werr == nil {
				werr = c.bw.Flush()
			}
			c.wmu.Unlock()
			if werr != nil {
				c.fail(werr)
				return
			}
			continue
		}
		r := reply{h: h, m: m}
		if p, ok := parts[h.Xid]; ok {
			r.parts = p
			delete(parts, h.Xid)
		}
		c.mu.Lock()
		if w, ok := c.waiters[h.Xid]; ok {
			delete(c.waiters, h.Xid)
			c.mu.Unlock()
			w <- r
			continue
		}
		if e, ok := m.(*ofp.Error); ok {
			c.errs[h.Xid] = e
			c.mu.Unlock()
			continue
		}
		async := c.async
		c.mu.Unlock()
		if async != nil {
			select {
			case async <- r:
			case <-c.closing:
			}
		}
	}
}

// streamPart hands raw to its request's stream when it is a part of a
// multipart reply that requestEach asked for, and reports whether it did.
// The last part (no OFPMPF_REPLY_MORE / OFPSF_REPLY_MORE, both bit 0 of
// the flags after the type, spec 1.3.5 §7.3.5, 1.0 §5.3.5) also answers
// the request, with its header only: the stream had the message.
func (c *client) streamPart(raw []byte) bool {
	h, err := ofp.DecodeHeader(raw)
	if err != nil || !isMultipartReply(h) || len(raw) < 12 {
		return false
	}
	c.mu.Lock()
	fn := c.streams[h.Xid]
	c.mu.Unlock()
	if fn == nil {
		return false
	}
	if err := fn(raw); err != nil {
		c.fail(err)
		return true
	}
	if binary.BigEndian.Uint16(raw[10:12])&1 != 0 {
		return true // more parts follow
	}
	c.mu.Lock()
	delete(c.streams, h.Xid)
	w, ok := c.waiters[h.Xid]
	delete(c.waiters, h.Xid)
	c.mu.Unlock()
	if ok {
		w <- reply{h: h}
	}
	return true
}

// isMultipartReply says whether h is an OFPT_MULTIPART_REPLY (1.3, type
// 19) or an OFPT_STATS_REPLY (1.0, type 17).
func isMultipartReply(h ofp.Header) bool {
	return (h.Version == ofp.Version13 && h.Type == 19) || (h.Version == ofp.Version10 && h.Type == 17)
}

func (c *client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readErr == nil {
		c.readErr = err
	}
	for x, w := range c.waiters {
		close(w)
		delete(c.waiters, x)
	}
	if c.async != nil {
		close(c.async)
		c.async = nil
	}
}

func (c *client) writeLocked(xid uint32, m ofp.Message) error {
	b, err := ofp.Append(c.bw.AvailableBuffer(), c.version, xid, m)
	if err != nil {
		return err
	}
	_, err = c.bw.Write(b)
	return err
}

// send queues m without flushing and returns its xid.
func (c *client) send(m ofp.Message) (uint32, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.xid++
	return c.xid, c.writeLocked(c.xid, m)
}

// sendWait sends m and registers for its reply, returning the channel.
func (c *client) sendWait(m ofp.Message) (uint32, chan reply, error) {
	return c.sendWaitEach(m, nil)
}

// sendWaitEach is sendWait; a multipart reply's parts also go to each
// (when not nil) as they arrive, and the channel gets the last part.
func (c *client) sendWaitEach(m ofp.Message, each func(raw []byte) error) (uint32, chan reply, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.xid++
	ch := make(chan reply, 1)
	c.mu.Lock()
	if c.readErr != nil {
		c.mu.Unlock()
		return 0, nil, c.readErr
	}
	c.waiters[c.xid] = ch
	if each != nil {
		c.streams[c.xid] = each
	}
	c.mu.Unlock()
	if err := c.writeLocked(c.xid, m); err != nil {
		return 0, nil, err
	}
	return c.xid, ch, c.bw.Flush()
}

// wait waits for the reply on ch; an OFPT_ERROR reply is returned as an
// error.
func (c *client) wait(xid uint32, ch chan reply) (reply, error) {
	var timer <-chan time.Time
	if c.timeout > 0 {
		t := time.NewTimer(c.timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case r, ok := <-ch:
		if !ok {
			c.mu.Lock()
			err := c.readErr
			c.mu.Unlock()
			return reply{}, fmt.Errorf("connection closed: %w", err)
		}
		if e, isErr := r.m.(*ofp.Error); isErr {
			return r, &switchError{r.h, e}
		}
		return r, nil
	case <-timer:
		c.mu.Lock()
		delete(c.waiters, xid)
		c.mu.Unlock()
		return reply{}, fmt.Errorf("no reply to xid %#x within %s", xid, c.timeout)
	}
}

// request sends m and waits for its reply.
func (c *client) request(m ofp.Message) (reply, error) {
	xid, ch, err := c.sendWait(m)
	if err != nil {
		return reply{}, err
	}
	return c.wait(xid, ch)
}

// requestEach sends a multipart request and hands each part of the reply
// to each as it arrives (in the reader goroutine), without joining them:
// a dump of 100,000 flows is printed while the switch still sends it, and
// the client holds one part at a time. each gets a part's bytes, which
// it must not keep (the buffer is reused), and decodes them itself; an
// error it returns ends the session's reading. requestEach returns the
// last part's header; an OFPT_ERROR answer is returned as an error, as
// by request.
func (c *client) requestEach(m ofp.Message, each func(raw []byte) error) (reply, error) {
	xid, ch, err := c.sendWaitEach(m, each)
	if err != nil {
		return reply{}, err
	}
	r, err := c.wait(xid, ch)
	c.mu.Lock()
	delete(c.streams, xid)
	c.mu.Unlock()
	return r, err
}

// switchError is an OFPT_ERROR the switch sent, printed as ovs-ofctl does.
type switchError struct {
	h ofp.Header
	e *ofp.Error
}

func (e *switchError) Error() string { return ofp.Format(e.h, e.e) }

// barrier sends a barrier after what was queued and waits for it; it
// returns the errors the switch sent for the queued messages, by xid.
func (c *client) barrier() (map[uint32]*ofp.Error, error) {
	if _, err := c.request(&ofp.BarrierRequest{}); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := c.errs
	c.errs = map[uint32]*ofp.Error{}
	return errs, nil
}

// transact sends msgs pipelined, then one barrier, and returns an error
// naming every message the switch refused.
func (c *client) transact(msgs []ofp.Message) error {
	for _, m := range msgs {
		if _, err := c.send(m); err != nil {
			return err
		}
	}
	errs, err := c.barrier()
	if err != nil {
		return err
	}
	return switchErrors(c.version, errs, nil)
}

// switchErrors joins the OFPT_ERRORs of errs in xid order; label, when
// not nil, names the request of an xid (as "FILE:LINE").
func switchErrors(v uint8, errs map[uint32]*ofp.Error, label func(xid uint32) string) error {
	xids := make([]uint32, 0, len(errs))
	for x := range errs {
		xids = append(xids, x)
	}
	slices.Sort(xids)
	var out []error
	for _, x := range xids {
		var err error = &switchError{ofp.Header{Version: v, Type: 1, Xid: x}, errs[x]}
		if label != nil {
			if l := label(x); l != "" {
				err = fmt.Errorf("%s: %w", l, err)
			}
		}
		out = append(out, err)
	}
	return errors.Join(out...)
}

// startAsync makes unsolicited messages available on the returned channel.
func (c *client) startAsync() <-chan reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.async = make(chan reply, 256)
	return c.async
}
