package connmgr

import (
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestFlowModTooLongToReport: a flow-mod whose flow stats entry could not
// fit one reply message (65,520 bytes and more) is refused with
// OFPBRC_BAD_LEN; before, it was taken and every dump-flows then failed.
// One 16 bytes shorter still fits and dump-flows reports it.
func TestFlowModTooLongToReport(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	mod := func(outputs int) *ofp.FlowMod {
		acts := make([]ofp.Action, outputs)
		for i := range acts {
			acts[i] = &ofp.ActionOutput{Port: 2}
		}
		return &ofp.FlowMod{Command: ofp.FlowAdd, Priority: uint16(outputs), BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
			Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: acts}}}
	}
	long := mustMarshal(t, ofp.Version13, 90, mod(4091))
	if len(long) != maxFlowModLen+1 {
		t.Fatalf("the long flow-mod is %d bytes, want %d", len(long), maxFlowModLen+1)
	}
	p.write(long)
	p.expectError(90, ofp.ETBadRequest, ofp.BRCBadLen)

	fits := mod(4090)
	p.send(fits)
	if errs := p.barrier(); len(errs) > 0 {
		t.Fatalf("a flow-mod of %d bytes: %v", len(mustMarshal(t, ofp.Version13, 1, fits)), errs[0])
	}
	_, m := p.request(&ofp.MultipartRequest{Body: &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}})
	r, ok := m.(*ofp.MultipartReply)
	if !ok {
		t.Fatalf("dump-flows answered %T %+v", m, m)
	}
	found := false
	if fs, ok := r.Body.(*ofp.FlowStatsReply); ok {
		for _, f := range fs.Entries {
			found = found || f.Priority == 4090
		}
	}
	if !found {
		t.Fatalf("dump-flows lacks the 65,504-byte flow: %+v", r.Body)
	}
}
