package ofproto

import "github.com/xvs-switch/xvs/ofproto/ofp"

// Listener receives the Switch's asynchronous messages. Calls come from
// the goroutine that caused the event (an upcall handler, a flow-mod, the
// revalidation timer), after the Switch released its lock, so a listener
// may call back into the Switch; it must not block.
type Listener interface {
	PacketIn(ev *PacketInEvent)
	FlowRemoved(fr *ofp.FlowRemoved)
	PortStatus(ps *ofp.PortStatus)
}

// PacketInEvent is one packet for the controllers.
type PacketInEvent struct {
	// Msg has BufferID OFP_NO_BUFFER, Data the whole frame, and Reason,
	// TableID, Cookie and Match (in_port, metadata, tunnel_id) set.
	Msg ofp.PacketIn
	// MaxLen is output:CONTROLLER's max_len (0xffff: the whole frame);
	// connmgr truncates.
	MaxLen uint16
	// Miss marks an implicit table miss (no table-miss flow): Open
	// vSwitch sends these only to OpenFlow 1.0 sessions, cut to their
	// miss_send_len.
	Miss bool
}

// AddListener registers l; the returned function unregisters it.
func (s *Switch) AddListener(l Listener) (remove func()) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	id := s.nextListen
	s.nextListen++
	s.listeners[id] = l
	return func() {
		s.lmu.Lock()
		defer s.lmu.Unlock()
		delete(s.listeners, id)
	}
}

// emitEvent queues a call to every listener, made when s.mu is released
// (Switch.unlock). s.mu is held.
func (s *Switch) emitEvent(call func(Listener)) {
	s.pending = append(s.pending, func() { s.deliver(call) })
}

// deliver calls every listener now; no Switch lock is held.
func (s *Switch) deliver(call func(Listener)) {
	s.lmu.Lock()
	ls := make([]Listener, 0, len(s.listeners))
	for _, l := range s.listeners {
		ls = append(ls, l)
	}
	s.lmu.Unlock()
	for _, l := range ls {
		call(l)
	}
}
