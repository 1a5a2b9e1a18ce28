package client

// Locks of RFC 7047 §4.1.8-4.1.10.

import (
	"context"
	"fmt"
)

// LockEvent is a "locked" (Locked true) or "stolen" (Locked false)
// notification.
type LockEvent struct {
	Name   string
	Locked bool
}

// Lock is a lock this session asked for. Events delivers the server's later
// "locked" and "stolen" notifications; it is closed by Unlock or when the
// session ends.
type Lock struct {
	c    *Client
	name string
	// Acquired says whether the lock was granted at once.
	Acquired bool
	q        *queue[LockEvent]
}

// Events returns the channel of lock notifications.
func (l *Lock) Events() <-chan LockEvent { return l.q.out }

// Lock asks for the named lock (§4.1.8). If it is held by another session,
// Acquired is false and a "locked" event follows when it is granted.
func (c *Client) Lock(ctx context.Context, name string) (*Lock, error) {
	return c.lock(ctx, "lock", name)
}

// Steal takes the named lock from its holder (§4.1.9).
func (c *Client) Steal(ctx context.Context, name string) (*Lock, error) {
	return c.lock(ctx, "steal", name)
}

func (c *Client) lock(ctx context.Context, method, name string) (*Lock, error) {
	l := &Lock{c: c, name: name, q: newQueue[LockEvent]()}
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	if _, dup := c.locks[name]; dup {
		c.mu.Unlock()
		return nil, fmt.Errorf("%s: lock %q already requested by this session", method, name)
	}
	c.locks[name] = l
	c.mu.Unlock()
	var res struct {
		Locked bool `json:"locked"`
	}
	if err := c.Call(ctx, method, []any{name}, &res); err != nil {
		c.dropLock(name)
		return nil, err
	}
	l.Acquired = res.Locked
	return l, nil
}

func (c *Client) dropLock(name string) {
	c.mu.Lock()
	l := c.locks[name]
	delete(c.locks, name)
	c.mu.Unlock()
	if l != nil {
		l.q.close()
	}
}

// Unlock releases the lock, or withdraws the request for it (§4.1.10).
func (l *Lock) Unlock(ctx context.Context) error {
	err := l.c.Call(ctx, "unlock", []any{l.name}, nil)
	l.c.dropLock(l.name)
	return err
}
