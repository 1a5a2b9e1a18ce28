package connmgr

// Asynchronous messages (spec 1.3.5 §6.1.1, §7.4): the Manager is the
// Switch's ofproto.Listener and hands each event to every established
// session whose role and asynchronous configuration (§7.3.10) want it.
// The Switch calls from the goroutine that caused the event, so nothing
// here blocks: messages are encoded and offered to each session's queue,
// and what does not fit is dropped and counted.

import (
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
	"sync/atomic"
)

// Kinds of asynchronous message, indexing the pairs of ofp.AsyncConfig.
const (
	asyncPacketIn = iota
	asyncPortStatus
	asyncFlowRemoved
)

// defaultAsync is a new session's configuration, as Open vSwitch sets it:
// a master or equal controller gets packet-ins for misses and actions
// (not invalid TTL), every port status and every flow removal; a slave
// gets port status only (§6.3.5).
func defaultAsync(v uint8) ofp.AsyncConfig {
	const pin = 1<<ofp.PacketInNoMatch | 1<<ofp.PacketInAction
	const ps = 1<<ofp.PortReasonAdd | 1<<ofp.PortReasonDelete | 1<<ofp.PortReasonModify
	fr := uint32(1<<ofp.FlowRemovedIdleTimeout | 1<<ofp.FlowRemovedHardTimeout | 1<<ofp.FlowRemovedDelete)
	if v >= ofp.Version13 {
		fr |= 1 << ofp.FlowRemovedGroupDelete
	}
	return ofp.AsyncConfig{
		PacketInMask:    [2]uint32{pin, 0},
		PortStatusMask:  [2]uint32{ps, ps},
		FlowRemovedMask: [2]uint32{fr, 0},
	}
}

// wants says whether the session takes an asynchronous message of a kind
// and reason. Service sessions take none until they set a nonzero
// miss_send_len (as Open vSwitch: that is how `ovs-ofctl monitor` asks).
func (s *session) wants(kind int, reason uint8) bool {
	if s.service && s.missSendLen.Load() == 0 {
		return false
	}
	if reason >= 32 {
		return false
	}
	c := s.async.Load()
	i := 0
	if s.role.Load() == ofp.RoleSlave {
		i = 1
	}
	var mask uint32
	switch kind {
	case asyncPacketIn:
		mask = c.PacketInMask[i]
	case asyncPortStatus:
		mask = c.PortStatusMask[i]
	case asyncFlowRemoved:
		mask = c.FlowRemovedMask[i]
	}
	return mask&(1<<reason) != 0
}

// offer queues an asynchronous message without waiting.
//
// sent counts the message as sent before it is queued, and is taken back
// if the queue refuses it: counted after, the count could lag the
// controller's answer to the message (a packet-out of a packet-in), which
// a reader of both would see out of order.
func (s *session) offer(b []byte, sent *atomic.Uint64) bool {
	if sent != nil {
		sent.Add(1)
	}
	if s.out.tryPush(b) {
		return true
	}
	if sent != nil {
		sent.Add(^uint64(0))
	}
	s.c.ctr.queueDropped.Add(1)
	return false
}

// PacketIn implements ofproto.Listener.
func (m *Manager) PacketIn(ev *ofproto.PacketInEvent) {
	for _, s := range *m.sessions.Load() {
		s.packetIn(ev)
	}
}

// FlowRemoved implements ofproto.Listener. OpenFlow 1.3 sends flow
// removals to every controller whose configuration asks (§6.4), not only
// to the one that added the flow.
func (m *Manager) FlowRemoved(fr *ofp.FlowRemoved) {
	for _, s := range *m.sessions.Load() {
		if !s.wants(asyncFlowRemoved, fr.Reason) {
			continue
		}
		var msg ofp.Message = fr
		if s.version == ofp.Version10 {
			fr10, err := ofp.FlowRemovedTo10(fr)
			if err != nil {
				m.log.Debug("flow removed has no 1.0 form", "err", err)
				continue
			}
			msg = fr10
		}
		if b, err := ofp.Marshal(s.version, 0, msg); err == nil {
			s.offer(b, &s.c.ctr.flowRemoveds)
		}
	}
}

// PortStatus implements ofproto.Listener.
func (m *Manager) PortStatus(ps *ofp.PortStatus) {
	for _, s := range *m.sessions.Load() {
		if !s.wants(asyncPortStatus, uint8(ps.Reason)) {
			continue
		}
		var msg ofp.Message = portStatus13(ps)
		if s.version == ofp.Version10 {
			ps10, err := ofp.PortStatusTo10(ps)
			if err != nil {
				m.log.Debug("port status has no 1.0 form", "err", err)
				continue
			}
			msg = ps10
		}
		if b, err := ofp.Marshal(s.version, 0, msg); err == nil {
			s.offer(b, &s.c.ctr.portStatuses)
		}
	}
}

// packetIn sends one packet-in to the session if it wants it. A table
// miss without a table-miss flow (ev.Miss) goes only to OpenFlow 1.0
// sessions, cut to their miss_send_len (1.3 drops such packets, §5.4);
// other packet-ins are cut to the output action's max_len, 0xffff
// (OFPCML_NO_BUFFER) meaning the whole frame. Nothing is buffered on the
// switch: buffer_id is always OFP_NO_BUFFER and total_len the frame's
// length.
func (s *session) packetIn(ev *ofproto.PacketInEvent) {
	if ev.Miss && s.version != ofp.Version10 {
		return
	}
	reason := ev.Msg.Reason
	if !s.wants(asyncPacketIn, reason) {
		return
	}
	if s.limit != nil && !s.limit.allow(ev.Miss || reason == ofp.PacketInNoMatch) {
		if int(reason) < len(s.c.ctr.rateDropped) {
			s.c.ctr.rateDropped[reason].Add(1)
		}
		return
	}
	limit := int(ev.MaxLen)
	if ev.Miss {
		limit = int(s.missSendLen.Load())
	}
	pi := ev.Msg
	pi.BufferID = 0xffffffff
	if pi.TotalLen == 0 {
		pi.TotalLen = uint16(min(len(pi.Data), 0xffff))
	}
	if limit != 0xffff && len(pi.Data) > limit {
		pi.Data = pi.Data[:limit]
	}
	var msg ofp.Message = &pi
	if s.version == ofp.Version10 {
		p10, err := ofp.PacketInTo10(&pi)
		if err != nil {
			s.m.log.Debug("packet-in has no 1.0 form", "err", err)
			return
		}
		msg = p10
	}
	b, err := ofp.Marshal(s.version, 0, msg)
	if err != nil {
		s.m.log.Debug("packet-in does not encode", "err", err)
		return
	}
	var sent *atomic.Uint64
	if int(reason) < len(s.c.ctr.packetIns) {
		sent = &s.c.ctr.packetIns[reason]
	}
	s.offer(b, sent)
}
