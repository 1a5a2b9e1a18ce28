package connmgr

// Flow-mod batching. Messages not separated by a barrier may be applied
// in any order (spec 1.3.5 §6.2; 1.0.0 §5.3.7), so a run of flow-mods the
// reader already holds is applied as one ofproto.FlowModBatch: each
// flow-mod changes the tables (and gets its error) at once, and the cache
// is revalidated once at the end of the run. The run ends before any
// other message is handled (a barrier reply therefore follows the
// revalidation), when no whole message arrives within batchGrace of the
// input buffer running dry, at maxBatch flow-mods, and when the session
// ends. The grace matters: End is one pass over the cache (tens of
// milliseconds with 100,000 entries), and a reader that empties its
// buffer faster than the controller refills the socket would otherwise
// end a batch every 64 KiB.

import (
	"encoding/binary"
	"time"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// maxBatch bounds a batch, so a controller streaming flow-mods without
// pause still sees its entries revalidated regularly.
const maxBatch = 10000

// batchGrace is how long an open batch waits for the next message.
const batchGrace = time.Millisecond

// ofptFlowMod is OFPT_FLOW_MOD's type in OpenFlow 1.0 and 1.3 alike.
const ofptFlowMod = 14

// flowModBatcher is implemented by *ofproto.Switch; a Switch without it
// applies every flow-mod alone.
type flowModBatcher interface {
	BeginFlowMods() *ofproto.FlowModBatch
}

var _ flowModBatcher = (*ofproto.Switch)(nil)

// flowMod applies one flow-mod, in the session's batch when more input
// is already buffered (the reader's goroutine only).
func (s *session) flowMod(fm *ofp.FlowMod) error {
	if b := s.flowModBatch(); b != nil {
		return b.FlowMod(fm)
	}
	return s.m.sw.FlowMod(fm)
}

// flowMod10 is flowMod for a flow-mod converted from OpenFlow 1.0, which
// Switch.FlowMod10 checks with 1.0's lenient action consistency rules.
func (s *session) flowMod10(fm *ofp.FlowMod) error {
	if b := s.flowModBatch(); b != nil {
		return b.FlowMod10(fm)
	}
	return s.m.sw.FlowMod10(fm)
}

// flowModBatch returns the session's batch, starting one when more input
// is already buffered; nil when the flow-mod is to be applied alone.
func (s *session) flowModBatch() *ofproto.FlowModBatch {
	if s.batch == nil && s.moreBuffered() {
		if b, ok := s.m.sw.(flowModBatcher); ok {
			s.batch = b.BeginFlowMods()
		}
	}
	return s.batch
}

// moreBuffered says whether the input buffer holds another whole message.
func (s *session) moreBuffered() bool {
	n := s.br.Buffered()
	if n < ofp.HeaderLen {
		return false
	}
	hdr, err := s.br.Peek(ofp.HeaderLen)
	if err != nil {
		return false
	}
	return n >= int(binary.BigEndian.Uint16(hdr[2:4]))
}

// isFlowMod says whether raw is a flow-mod, which a batch may take.
func isFlowMod(raw []byte) bool { return len(raw) >= ofp.HeaderLen && raw[1] == ofptFlowMod }

// endBatch revalidates what the session's batch changed.
func (s *session) endBatch() {
	if s.batch != nil {
		s.batch.End()
		s.batch = nil
	}
}

// batchBefore ends the batch before raw is handled unless raw may join it.
func (s *session) batchBefore(raw []byte) {
	if s.batch != nil && !isFlowMod(raw) {
		s.endBatch()
	}
}

// batchAfter ends the batch after a message when no whole message is
// buffered or the batch is full.
func (s *session) batchAfter() {
	if s.batch != nil && (s.batch.Len() >= maxBatch || !s.awaitMore()) {
		s.endBatch()
	}
}

// awaitMore says whether a whole message is buffered, waiting up to
// batchGrace for one to arrive. A read error is left for readMsg to meet
// again (the connection keeps failing).
func (s *session) awaitMore() bool {
	if s.moreBuffered() {
		return true
	}
	s.conn.SetReadDeadline(time.Now().Add(batchGrace))
	defer s.conn.SetReadDeadline(time.Time{})
	for {
		n := s.br.Buffered()
		want := ofp.HeaderLen
		if n >= ofp.HeaderLen {
			hdr, _ := s.br.Peek(ofp.HeaderLen)
			want = int(binary.BigEndian.Uint16(hdr[2:4]))
			if n >= want {
				return true
			}
		}
		if _, err := s.br.Peek(min(want, s.br.Size())); err != nil {
			return s.moreBuffered()
		}
	}
}
