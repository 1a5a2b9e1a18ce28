package ofproto

// Packet-ins travel through the datapath: an output to CONTROLLER becomes
// a datapath Userspace action whose cookie names a pinInfo, so a cached
// entry sends packets to the controllers from the fast path, and the
// upcall carries the frame as the actions before it left it.

import (
	"sync"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// pinInfo is everything a packet-in needs besides the frame.
type pinInfo struct {
	reason   uint8
	table    uint8
	miss     bool
	maxLen   uint16
	inPort   uint32
	cookie   uint64
	metadata uint64
	tunnel   uint64
}

// pinRegistry numbers pinInfos for datapath cookies.
// Numbers are never reused, so a cookie in a stale entry cannot name a
// different packet-in.
type pinRegistry struct {
	// mu protects the fields below: upcall handlers allocate and look
	// up cookies concurrently.
	mu       sync.Mutex
	byInfo   map[pinInfo]uint64
	byCookie map[uint64]pinInfo
	next     uint64
}

func (r *pinRegistry) init() {
	r.byInfo = map[pinInfo]uint64{}
	r.byCookie = map[uint64]pinInfo{}
}

// pinCookie returns the cookie of pi, allocating one; s.mu is held
// (read or write).
func (s *Switch) pinCookie(pi pinInfo) uint64 {
	r := &s.pins
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.byInfo[pi]; ok {
		return c
	}
	r.next++
	c := r.next
	r.byInfo[pi] = c
	r.byCookie[c] = pi
	return c
}

// pinOf returns the packet-in a userspace action's cookie names.
func (s *Switch) pinOf(cookie uint64) (pinInfo, bool) {
	s.pins.mu.Lock()
	defer s.pins.mu.Unlock()
	pi, ok := s.pins.byCookie[cookie]
	return pi, ok
}

// packetInCall builds a packet-in (spec 1.3.5 §7.4.1): no buffering, the
// whole frame, and the pipeline fields in the match.
func (s *Switch) packetInCall(pi pinInfo, frame []byte) func(Listener) {
	fields := []ofp.OXM{ofp.OXMInPort(ofp.PortNo(pi.inPort))}
	if pi.metadata != 0 {
		fields = append(fields, ofp.OXMMetadata(pi.metadata, 0))
	}
	if pi.tunnel != 0 {
		fields = append(fields, ofp.OXMTunnelID(pi.tunnel, 0))
	}
	total := len(frame)
	if total > 0xffff {
		total = 0xffff
	}
	ev := &PacketInEvent{
		Msg: ofp.PacketIn{BufferID: ofp.NoBuffer, TotalLen: uint16(total), Reason: pi.reason,
			TableID: pi.table, Cookie: pi.cookie, Match: ofp.NewMatch(fields...), Data: frame},
		MaxLen: pi.maxLen,
		Miss:   pi.miss,
	}
	return func(l Listener) { l.PacketIn(ev) }
}

// gcPins forgets the cookies no cache entry uses once they far outnumber
// the entries (each distinct in_port, metadata and tunnel id of a flow
// to the controller takes one); s.mu is held. A packet already sent up
// with a forgotten cookie is logged and dropped.
func (s *Switch) gcPins() {
	r := &s.pins
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.byCookie) < 4*len(s.cache.entries)+1024 {
		return
	}
	used := map[uint64]bool{}
	for _, e := range s.cache.entries {
		for _, a := range e.actions {
			if u, ok := a.(datapath.Userspace); ok {
				used[u.Cookie] = true
			}
		}
	}
	for c, pi := range r.byCookie {
		if !used[c] {
			delete(r.byCookie, c)
			delete(r.byInfo, pi)
		}
	}
}
