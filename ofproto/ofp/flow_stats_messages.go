package ofp

// OFPMP_FLOW replies (spec 1.3.5 §7.3.5.2) encoded entry by entry.

import (
	"encoding/binary"
	"fmt"
)

// FlowStatsMessages encodes an OpenFlow 1.3 OFPMP_FLOW reply entry by
// entry into its messages, without a FlowStatsReply: a switch answering a
// dump of every flow writes each flow straight into the messages (no
// slice of 100,000 entries to build, fill and collect). The reply is
// split as SplitMultipart splits one: each message holds the entries
// that fit MaxMessageLen, and all but the last have OFPMPF_REPLY_MORE.
type FlowStatsMessages struct {
	xid     uint32
	msgs    [][]byte
	cur     []byte // the message being filled
	scratch []byte // one entry
}

// NewFlowStatsMessages starts a reply to the request of xid.
func NewFlowStatsMessages(xid uint32) *FlowStatsMessages {
	w := &FlowStatsMessages{xid: xid}
	w.cur = w.start(nil)
	return w
}

// start begins a message in a buffer of its own (a whole message's
// room: the messages are kept until sent), with tail, an entry that did
// not fit the last one.
func (w *FlowStatsMessages) start(tail []byte) []byte {
	b := make([]byte, 0, MaxMessageLen)
	b = Header{Version: Version13, Type: typeMultipartReply, Xid: w.xid}.appendTo(b)
	b = binary.BigEndian.AppendUint16(b, uint16(MPFlow))
	b = binary.BigEndian.AppendUint16(b, 0) // flags, set by finish
	b = appendZeros(b, 4)
	return append(b, tail...)
}

// Add appends one entry (its match as MatchTLVs when set, else Match).
// An entry that cannot be encoded is an error and leaves the reply as it
// was.
func (w *FlowStatsMessages) Add(e *FlowStats) error {
	// The entry is encoded apart first, so that one that does not fit
	// never grows the message's buffer.
	b, err := appendFlowStats(w.scratch[:0], e)
	w.scratch = b[:0]
	if err != nil {
		return fmt.Errorf("flow stats reply: %w", err)
	}
	if len(w.cur)+len(b) <= MaxMessageLen {
		w.cur = append(w.cur, b...)
		return nil
	}
	if len(w.cur) == multipartLen {
		return fmt.Errorf("flow stats reply: an entry of %d bytes does not fit one message", len(b))
	}
	w.msgs = append(w.msgs, w.finish(w.cur, MultipartMore))
	w.cur = w.start(b)
	return nil
}

// finish sets a message's length and flags.
func (w *FlowStatsMessages) finish(b []byte, flags uint16) []byte {
	binary.BigEndian.PutUint16(b[2:4], uint16(len(b)))
	binary.BigEndian.PutUint16(b[10:12], flags)
	return b
}

// Messages ends the reply and returns its messages (one, without
// entries, for an empty reply).
func (w *FlowStatsMessages) Messages() [][]byte {
	last := w.cur
	if cap(last) > 2*len(last) {
		last = append([]byte(nil), last...) // a short reply keeps no spare room
	}
	w.msgs = append(w.msgs, w.finish(last, 0))
	w.cur = nil
	return w.msgs
}
