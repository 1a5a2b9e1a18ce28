package ofproto

// The datapath side: upcalls are translated, installed and executed, a
// batch at a time.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// MaxUpcallBatch is the most upcalls a ServeUpcalls handler takes from
// the queue at once: what is already queued, up to this, is translated
// under one read lock, installed with one PutBatch and then executed.
const MaxUpcallBatch = 64

var errSwitchClosed = errors.New("upcall: switch closed")

// HandleUpcall handles one packet the datapath sent up. For a miss it
// translates the packet, installs the exact-match entry (a full cache
// only skips the install) and executes the packet with the same actions;
// for a userspace action it sends the packet-in the action's cookie names;
// for an invalid TTL the datapath found, a packet-in with reason
// OFPR_INVALID_TTL. It is safe from several goroutines, which translate
// and install in parallel (see Switch.mu); packet-ins go to the listeners
// from the calling goroutine before it returns.
func (s *Switch) HandleUpcall(u *datapath.Upcall) error {
	return s.HandleUpcalls(unsafe.Slice(u, 1))
}

// HandleUpcalls handles several upcalls as HandleUpcall would handle
// each in turn, taking the Switch's lock once and installing the new
// entries with one PutBatch. A put that fails (a full cache, a datapath
// error) only skips that entry's install: every packet is still executed
// and counted. The error joins what went wrong with each upcall.
func (s *Switch) HandleUpcalls(us []datapath.Upcall) error {
	b := batchPool.Get().(*upcallBatch)
	defer batchPool.Put(b)
	return s.handleUpcalls(b, us)
}

// upcallBatch holds a handler's buffers, reused from batch to batch.
type upcallBatch struct {
	us   []datapath.Upcall // ServeUpcalls: the upcalls taken from the queue
	work []upcallWork
	puts []datapath.FlowPut
}

var batchPool = sync.Pool{New: func() any { return new(upcallBatch) }}

// upcallWork is what is left to do for one upcall once the locks are
// released: execute the packet, or deliver a packet-in.
type upcallWork struct {
	u       *datapath.Upcall
	miss    bool // translated: res holds the translation
	res     xlateResult
	actions []datapath.Action // to execute (res.actions for a miss)
	pin     bool              // deliver a packet-in with pi
	pi      pinInfo
	entry   *cacheEntry // the pending entry this upcall puts, if any (in order in the batch's puts)
}

// handleUpcalls handles us in order: runs of upcalls that need only the
// read lock are handled together (handleShared); one whose translation
// must learn a MAC address runs under the write lock on its own.
func (s *Switch) handleUpcalls(b *upcallBatch, us []datapath.Upcall) error {
	var errs []error
	for len(us) > 0 {
		n, learn, err := s.handleShared(b, us)
		errs = append(errs, err)
		us = us[n:]
		if learn {
			err := s.handleLearning(&us[0])
			errs = append(errs, err)
			if errors.Is(err, errSwitchClosed) {
				break
			}
			us = us[1:]
		}
	}
	return errors.Join(errs...)
}

// handleShared handles the longest prefix of us that needs only the read
// lock: it translates each upcall, credits its packet, creates the
// pending cache entries under one cmu hold, installs them with one
// PutBatch, counts the upcalls and, with the locks released, executes
// the packets and delivers the packet-ins in order. It returns how many
// upcalls it handled and whether the next one must learn (NORMAL saw a
// new or moved source: learning and the revalidation it needs happen
// under the write lock).
func (s *Switch) handleShared(b *upcallBatch, us []datapath.Upcall) (int, bool, error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return len(us), false, errSwitchClosed
	}
	w := b.work[:0]
	n, learn := 0, false
	for ; n < len(us); n++ {
		u := &us[n]
		switch u.Reason {
		case datapath.ReasonUserspace:
			pi, ok := s.pinOf(u.Cookie)
			if !ok {
				s.log.Warn("userspace upcall with unknown cookie", "cookie", u.Cookie)
			}
			w = append(w, upcallWork{u: u, pin: ok, pi: pi})
			continue
		case datapath.ReasonInvalidTTL:
			in := uint32(0)
			if p := s.byDP[u.InPort]; p != nil {
				in = p.ofport
			}
			w = append(w, upcallWork{u: u, pin: true,
				pi: pinInfo{reason: ofp.PacketInInvalidTTL, inPort: in, cookie: ^uint64(0), maxLen: 0xffff, tunnel: u.Key.TunnelID}})
			continue
		case datapath.ReasonSlowPath:
			s.cmu.Lock()
			e := s.cache.entries[u.Key]
			var actions []datapath.Action
			if e != nil {
				actions = e.actions
			}
			s.cmu.Unlock()
			if e != nil {
				// The datapath counted the packet in the entry already.
				w = append(w, upcallWork{u: u, actions: actions})
				continue
			}
		}
		res := s.translateShared(u.Key)
		if res.needLock {
			learn = true
			break
		}
		w = append(w, upcallWork{u: u, miss: true, res: res, actions: res.actions})
	}

	// The packets themselves are in no entry's counters: count them
	// here, and create the pending entries, under one cmu hold.
	puts := b.puts[:0]
	var slow []int // misses whose key the cache holds already (install's slow path)
	s.cmu.Lock()
	now := s.now()
	for i := range w {
		x := &w[i]
		if !x.miss {
			continue
		}
		s.creditDeps(&x.res.deps, 1, uint64(len(x.u.Frame)), now)
		e, old := s.installPrepare(x.u.Key, x.res, datapath.FlowStats{}, now)
		switch {
		case e != nil:
			x.entry = e
			puts = append(puts, datapath.FlowPut{Key: x.u.Key, Actions: x.res.actions, Flags: wideFlag(x.res.portWide)})
		case old:
			slow = append(slow, i)
		}
	}
	s.cmu.Unlock()
	for _, i := range slow {
		s.install(w[i].u.Key, w[i].res)
	}
	var putErrs []error
	if len(puts) > 0 {
		putErrs = s.dp.PutBatch(puts)
	}
	// An upcall counts as handled once its bookkeeping is done (in the
	// same cmu hold): a caller that sees every upcall counted knows no
	// handler is still installing.
	s.cmu.Lock()
	j := 0
	for i := range w {
		if x := &w[i]; x.entry != nil {
			s.installDone(x.entry, putErrs[j])
			j++
		}
	}
	s.cache.upcalls += uint64(len(w))
	if len(w) > 0 {
		s.cache.batches++
	}
	s.cmu.Unlock()
	s.mu.RUnlock()

	clear(puts) // the action lists are the entries'; do not keep them
	b.puts = puts[:0]
	var errs []error
	for i := range w {
		x := &w[i]
		switch {
		case x.pin:
			s.deliver(s.packetInCall(x.pi, x.u.Frame))
		case len(x.actions) > 0:
			if err := s.dp.Execute(x.u.Frame, x.u.InPort, x.actions); err != nil {
				errs = append(errs, fmt.Errorf("upcall: execute: %w", err))
			}
		}
	}
	clear(w)
	b.work = w[:0]
	return n, learn, errors.Join(errs...)
}

// handleLearning handles a miss whose translation learns a new or moved
// MAC address: under the write lock, so that learning and the
// revalidation it needs are atomic.
func (s *Switch) handleLearning(u *datapath.Upcall) error {
	s.mu.Lock()
	if s.closed {
		s.unlock()
		return errSwitchClosed
	}
	res := s.translate(u.Key, true, nil)
	s.creditDeps(&res.deps, 1, uint64(len(u.Frame)), s.now())
	s.install(u.Key, res)
	s.macChanged(res.changes)
	s.cache.upcalls++
	s.cache.batches++ // a run of one, under the write lock
	s.unlock()
	if len(res.actions) == 0 {
		return nil
	}
	if err := s.dp.Execute(u.Frame, u.InPort, res.actions); err != nil {
		return fmt.Errorf("upcall: execute: %w", err)
	}
	return nil
}

// ServeUpcalls reads Datapath.Upcalls with handlers goroutines (at least
// one) until ctx ends or the channel closes. Each handler takes what is
// queued, up to MaxUpcallBatch upcalls, and handles them as one batch
// (HandleUpcalls).
func (s *Switch) ServeUpcalls(ctx context.Context, handlers int) {
	handlers = max(handlers, 1)
	ch := s.dp.Upcalls()
	var wg sync.WaitGroup
	for range handlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &upcallBatch{us: make([]datapath.Upcall, 0, MaxUpcallBatch)}
			for {
				select {
				case <-ctx.Done():
					return
				case u, ok := <-ch:
					if !ok {
						return
					}
					b.us = append(b.us[:0], u)
				}
				closed := false
			drain:
				for len(b.us) < MaxUpcallBatch {
					select {
					case u, ok := <-ch:
						if !ok {
							closed = true
							break drain
						}
						b.us = append(b.us, u)
					default:
						break drain
					}
				}
				if err := s.handleUpcalls(b, b.us); err != nil {
					s.log.Debug("upcall", "err", err)
				}
				clear(b.us) // do not keep the frames
				if closed {
					return
				}
			}
		}()
	}
	wg.Wait()
}
