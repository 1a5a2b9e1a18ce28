package ofproto

// The datapath side: upcalls are translated, installed and executed.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// HandleUpcall handles one packet the datapath sent up. For a miss it
// translates the packet, installs the exact-match entry (a full cache
// only skips the install) and executes the packet with the same actions;
// for a userspace action it sends the packet-in the action's cookie names;
// for an invalid TTL the datapath found, a packet-in with reason
// OFPR_INVALID_TTL. It is safe from several goroutines, which translate
// and install in parallel (see Switch.mu); packet-ins go to the listeners
// from the calling goroutine before it returns.
func (s *Switch) HandleUpcall(u *datapath.Upcall) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return errors.New("upcall: switch closed")
	}
	// The upcall counts as handled once its bookkeeping is done (at the
	// end of each path below, s.countUpcall): a caller that sees every
	// upcall counted knows no handler is still installing.
	switch u.Reason {
	case datapath.ReasonUserspace:
		pi, ok := s.pinOf(u.Cookie)
		s.countUpcall()
		s.mu.RUnlock()
		if !ok {
			s.log.Warn("userspace upcall with unknown cookie", "cookie", u.Cookie)
			return nil
		}
		s.deliver(s.packetInCall(pi, u.Frame))
		return nil
	case datapath.ReasonInvalidTTL:
		in := uint32(0)
		if p := s.byDP[u.InPort]; p != nil {
			in = p.ofport
		}
		s.countUpcall()
		s.mu.RUnlock()
		s.deliver(s.packetInCall(pinInfo{reason: ofp.PacketInInvalidTTL, inPort: in, cookie: ^uint64(0), maxLen: 0xffff, tunnel: u.Key.TunnelID}, u.Frame))
		return nil
	case datapath.ReasonSlowPath:
		s.cmu.Lock()
		e := s.cache.entries[u.Key]
		var actions []datapath.Action
		if e != nil {
			actions = e.actions
		}
		s.cmu.Unlock()
		if e != nil {
			s.countUpcall()
			s.mu.RUnlock()
			// The datapath counted the packet in the entry already.
			if err := s.dp.Execute(u.Frame, u.InPort, actions); err != nil {
				return fmt.Errorf("upcall: execute: %w", err)
			}
			return nil
		}
	}
	res := s.translateShared(u.Key)
	if res.needLock {
		// NORMAL must learn a new or moved address: that changes what
		// other translations see, so it happens under the write lock
		// with the revalidation of the entries it affects.
		s.mu.RUnlock()
		s.mu.Lock()
		if s.closed {
			s.unlock()
			return errors.New("upcall: switch closed")
		}
		res = s.translate(u.Key, true, nil)
		s.creditDeps(&res.deps, 1, uint64(len(u.Frame)), s.now())
		s.install(u.Key, res)
		s.macChanged(res.changes)
		s.cache.upcalls++
		s.unlock()
	} else {
		// The packet itself is not in any entry's counters: count it here.
		s.cmu.Lock()
		s.creditDeps(&res.deps, 1, uint64(len(u.Frame)), s.now())
		s.cmu.Unlock()
		s.install(u.Key, res)
		s.countUpcall()
		s.mu.RUnlock()
	}
	if len(res.actions) == 0 {
		return nil
	}
	if err := s.dp.Execute(u.Frame, u.InPort, res.actions); err != nil {
		return fmt.Errorf("upcall: execute: %w", err)
	}
	return nil
}

// countUpcall counts a handled upcall; s.mu is read-locked.
func (s *Switch) countUpcall() {
	s.cmu.Lock()
	s.cache.upcalls++
	s.cmu.Unlock()
}

// ServeUpcalls reads Datapath.Upcalls with handlers goroutines (at least
// one) until ctx ends or the channel closes.
func (s *Switch) ServeUpcalls(ctx context.Context, handlers int) {
	handlers = max(handlers, 1)
	ch := s.dp.Upcalls()
	var wg sync.WaitGroup
	for range handlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case u, ok := <-ch:
					if !ok {
						return
					}
					if err := s.HandleUpcall(&u); err != nil {
						s.log.Debug("upcall", "err", err)
					}
				}
			}
		}()
	}
	wg.Wait()
}
