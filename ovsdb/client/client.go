package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
)

// ErrClosed is returned by calls on a client whose connection is closed,
// by the caller or by the peer.
var ErrClosed = errors.New("ovsdb client: connection closed")

// Client is one JSON-RPC session with an OVSDB server. It is safe for
// concurrent use.
type Client struct {
	conn net.Conn

	// wmu serialises writes so that two requests never interleave.
	wmu sync.Mutex
	enc *json.Encoder

	// mu protects the fields below.
	mu       sync.Mutex
	nextID   uint64
	pending  map[uint64]chan *message
	monitors map[string]*Monitor // by JSON text of the monitor id
	locks    map[string]*Lock    // by lock name
	err      error               // why the session ended; nil while open

	done chan struct{} // closed when the reader exits
}

// Dial connects to an OVSDB server. addr is "unix:PATH" or "tcp:HOST:PORT"
// as in ovs-vsctl's --db option; a bare path is taken as a unix socket.
func Dial(ctx context.Context, addr string) (*Client, error) {
	network, address, err := ParseAddress(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("ovsdb client: %w", err)
	}
	return New(conn), nil
}

// ParseAddress turns an OVS-style active remote into a network and address
// for net.Dial.
func ParseAddress(addr string) (network, address string, err error) {
	switch {
	case strings.HasPrefix(addr, "unix:"):
		return "unix", addr[len("unix:"):], nil
	case strings.HasPrefix(addr, "tcp:"):
		hp := addr[len("tcp:"):]
		if _, _, err := net.SplitHostPort(hp); err != nil {
			// OVS lets the port default to 6640 (the IANA OVSDB port).
			hp = net.JoinHostPort(hp, "6640")
		}
		return "tcp", hp, nil
	case strings.HasPrefix(addr, "/"):
		return "unix", addr, nil
	}
	return "", "", fmt.Errorf("ovsdb client: %q: unsupported remote (want unix:PATH or tcp:IP:PORT)", addr)
}

// New starts a session on an established connection.
func New(conn net.Conn) *Client {
	c := &Client{
		conn:     conn,
		enc:      json.NewEncoder(conn),
		pending:  make(map[uint64]chan *message),
		monitors: make(map[string]*Monitor),
		locks:    make(map[string]*Lock),
		done:     make(chan struct{}),
	}
	go c.read()
	return c
}

// Close ends the session. Pending calls fail with ErrClosed, monitor and
// lock channels are closed. It is safe to call more than once.
func (c *Client) Close() error {
	c.fail(ErrClosed)
	err := c.conn.Close()
	<-c.done
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// Done is closed when the session has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the session ended, or nil while it is open.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// fail records the first reason the session ended.
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

// read is the only reader of the connection. On exit it fails every pending
// call and closes every notification channel: it owns them.
func (c *Client) read() {
	defer close(c.done)
	dec := json.NewDecoder(c.conn)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
			break
		}
		if m.Method != "" {
			c.handleRequest(&m)
			continue
		}
		id, err := strconv.ParseUint(string(m.ID), 10, 64)
		if err != nil {
			continue // a response to nothing we sent: ignore it
		}
		c.mu.Lock()
		ch := c.pending[id]
		delete(c.pending, id)
		c.mu.Unlock()
		if ch != nil {
			ch <- &m
		}
	}
	c.conn.Close()
	c.mu.Lock()
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	mons, locks := c.monitors, c.locks
	c.monitors, c.locks = nil, nil
	c.mu.Unlock()
	for _, m := range mons {
		m.q.close()
	}
	for _, l := range locks {
		l.q.close()
	}
}

// handleRequest answers echo (RFC 7047 §4.1.11) and routes notifications.
func (c *Client) handleRequest(m *message) {
	switch m.Method {
	case "echo":
		var params any = []any{}
		if !isNull(m.Params) {
			params = m.Params
		}
		c.write(response{Result: params, Error: nil, ID: m.ID})
	case "update", "update2", "update3":
		c.handleUpdate(m)
	case "locked", "stolen":
		var p []string
		if json.Unmarshal(m.Params, &p) != nil || len(p) != 1 {
			return
		}
		c.mu.Lock()
		l := c.locks[p[0]]
		c.mu.Unlock()
		if l != nil {
			l.q.push(LockEvent{Name: p[0], Locked: m.Method == "locked"})
		}
	}
}

func (c *Client) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.enc.Encode(v); err != nil {
		c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
		c.conn.Close()
		return err
	}
	return nil
}

// Call sends a request and decodes its result into result (which may be
// nil). A JSON-RPC error response becomes an *RPCError.
func (c *Client) Call(ctx context.Context, method string, params []any, result any) error {
	raw, err := c.call(ctx, method, params)
	if err != nil {
		return err
	}
	if result == nil {
		return nil
	}
	// The reader already checked and copied the result: a caller that
	// decodes it itself (vsctl reads whole tables) is spared a second pass.
	if rm, ok := result.(*json.RawMessage); ok {
		*rm = raw
		return nil
	}
	if err := json.Unmarshal(raw, result); err != nil {
		return fmt.Errorf("%s: decoding result: %w", method, err)
	}
	return nil
}

func (c *Client) call(ctx context.Context, method string, params []any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	ch := make(chan *message, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()

	if err := c.write(request{Method: method, Params: params, ID: id}); err != nil {
		c.forget(id)
		return nil, fmt.Errorf("%s: %w", method, ErrClosed)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: %w", method, c.Err())
		}
		if !isNull(m.Error) {
			return nil, &RPCError{Method: method, Raw: m.Error}
		}
		return m.Result, nil
	case <-ctx.Done():
		c.forget(id)
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *Client) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}
