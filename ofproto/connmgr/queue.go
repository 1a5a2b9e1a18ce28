package connmgr

// The per-session send queue. Replies wait for room (that only slows the
// session's own reader); asynchronous messages never wait: the Switch calls
// its listeners synchronously, so a slow controller must not stall packet
// processing or other sessions. What does not fit is dropped and counted.

import (
	"sync"
)

// Queue bounds. maxAsync follows Open vSwitch's default
// controller_queue_size (100 messages); maxBytes bounds what replies may
// pile up before the reader waits for the writer.
const (
	defaultMaxAsync = 100
	defaultMaxBytes = 4 << 20
)

type outMsg struct {
	b     []byte
	async bool // an asynchronous message or the probe's echo request
	reply bool // an answer to the peer's request
}

// outQueue is a bounded FIFO of encoded messages with one consumer (the
// session's writer).
type outQueue struct {
	maxBytes, maxAsync int

	mu     sync.Mutex // mu protects the fields below
	cond   sync.Cond  // signalled on every push, take and close
	msgs   []outMsg
	bytes  int
	async  int
	closed bool // nothing more is sent
	ending bool // what is queued is sent, then the writer stops
}

func newOutQueue(maxBytes, maxAsync int) *outQueue {
	q := &outQueue{maxBytes: maxBytes, maxAsync: maxAsync}
	q.cond.L = &q.mu
	return q
}

// push queues a reply, waiting while the queue holds more than maxBytes.
// It reports false once the queue is closed.
func (q *outQueue) push(b []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.bytes > q.maxBytes && !q.closed && !q.ending {
		q.cond.Wait()
	}
	if q.closed || q.ending {
		return false
	}
	q.msgs = append(q.msgs, outMsg{b: b, reply: true})
	q.bytes += len(b)
	q.cond.Broadcast()
	return true
}

// tryPush queues an asynchronous message unless the queue already holds
// maxAsync of them or more than maxBytes; it never waits.
func (q *outQueue) tryPush(b []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.ending || q.async >= q.maxAsync || q.bytes > q.maxBytes {
		return false
	}
	q.msgs = append(q.msgs, outMsg{b: b, async: true})
	q.bytes += len(b)
	q.async++
	q.cond.Broadcast()
	return true
}

// take waits for messages and returns all that are queued; ok is false
// when the queue is closed, or ended and empty. The messages stay counted
// against the bounds until release, so that a stalled write keeps the
// queue full.
func (q *outQueue) take(into []outMsg) (msgs []outMsg, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.msgs) == 0 && !q.closed && !q.ending {
		q.cond.Wait()
	}
	if q.closed || len(q.msgs) == 0 {
		return nil, false
	}
	msgs = append(into[:0], q.msgs...)
	clear(q.msgs)
	q.msgs = q.msgs[:0]
	return msgs, true
}

// release uncounts messages that take returned and the writer sent.
func (q *outQueue) release(msgs []outMsg) {
	n, a := 0, 0
	for _, m := range msgs {
		n += len(m.b)
		if m.async {
			a++
		}
	}
	q.mu.Lock()
	q.bytes -= n
	q.async -= a
	q.cond.Broadcast()
	q.mu.Unlock()
}

// end lets the writer send what is queued and then stop; later pushes
// fail. A session ends this way after an error it must report before
// hanging up.
func (q *outQueue) end() {
	q.mu.Lock()
	q.ending = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// close wakes every waiter and drops what is queued; later pushes fail.
func (q *outQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.msgs = nil
	q.cond.Broadcast()
	q.mu.Unlock()
}
