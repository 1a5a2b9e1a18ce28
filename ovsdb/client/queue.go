package client

import "sync"

// queue is an unbounded FIFO in front of a channel. The reader goroutine
// pushes without ever blocking, so that a consumer that is slow to drain
// its notifications cannot stall the responses of other calls.
type queue[T any] struct {
	out chan T

	mu     sync.Mutex
	cond   *sync.Cond
	items  []T
	closed bool
}

func newQueue[T any]() *queue[T] {
	q := &queue[T]{out: make(chan T)}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

func (q *queue[T]) push(v T) {
	q.mu.Lock()
	if !q.closed {
		q.items = append(q.items, v)
		q.cond.Signal()
	}
	q.mu.Unlock()
}

// close lets the items already queued drain, then closes out.
func (q *queue[T]) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
}

// run is the only sender on out and the one that closes it.
func (q *queue[T]) run() {
	defer close(q.out)
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		v := q.items[0]
		var zero T
		q.items[0] = zero
		q.items = q.items[1:]
		q.mu.Unlock()
		q.out <- v
	}
}
