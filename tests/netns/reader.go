package netns

import (
	"context"
	"sync"
	"time"
)

// Reader delivers the frames a Sock receives on a channel, so a receive
// can wait on a context.
type Reader struct {
	s      *Sock
	frames chan []byte
	once   sync.Once
	done   chan struct{}
}

// NewReader starts reading s; Close stops it and closes s.
func NewReader(s *Sock) *Reader {
	r := &Reader{s: s, frames: make(chan []byte, 1024), done: make(chan struct{})}
	go func() {
		for {
			select {
			case <-r.done:
				return
			default:
			}
			f, err := s.Recv(100*time.Millisecond, nil)
			if err != nil {
				continue
			}
			select {
			case r.frames <- f:
			default: // a test that does not read loses frames, not the reader
			}
		}
	}()
	return r
}

// Next returns the next frame or ctx's error.
func (r *Reader) Next(ctx context.Context) ([]byte, error) {
	select {
	case f := <-r.frames:
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops the reader and closes the socket.
func (r *Reader) Close() {
	r.once.Do(func() {
		close(r.done)
		time.Sleep(150 * time.Millisecond) // let the last Recv time out before the fd closes
		r.s.Close()
	})
}

// Send transmits a frame on the reader's socket.
func (r *Reader) Send(frame []byte) error { return r.s.Send(frame) }
