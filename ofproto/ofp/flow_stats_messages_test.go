package ofp

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FlowStatsMessages encodes a reply as SplitMultipart encodes the same
// FlowStatsReply: the same messages, byte for byte, whether the matches
// are given decoded or in wire form.
func TestFlowStatsMessages(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 7, 900, 3000} {
		var es []FlowStats
		for i := range n {
			fields := randMatchFields(r)
			es = append(es, FlowStats{TableID: uint8(i % 3), Priority: uint16(i), Cookie: uint64(i), PacketCount: uint64(i),
				Match: NewMatch(fields...), Instructions: randInstructions(r, fields)})
		}
		var want [][]byte
		for b, err := range SplitMultipart(Version13, 77, &MultipartReply{Body: &FlowStatsReply{Entries: es}}) {
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, b)
		}
		for _, wire := range []bool{false, true} {
			w := NewFlowStatsMessages(77)
			for i := range es {
				e := es[i]
				if wire {
					tlvs, err := e.Match.AppendTLVs([]byte{})
					if err != nil {
						t.Fatal(err)
					}
					e.Match, e.MatchTLVs = Match{}, tlvs
				}
				if err := w.Add(&e); err != nil {
					t.Fatal(err)
				}
			}
			got := w.Messages()
			if len(got) != len(want) {
				t.Fatalf("%d entries (wire %v): %d messages, SplitMultipart %d", n, wire, len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("%d entries (wire %v): message %d differs (%d and %d bytes)", n, wire, i, len(got[i]), len(want[i]))
				}
			}
		}
	}
	// An entry that does not encode is an error and leaves the reply.
	w := NewFlowStatsMessages(1)
	bad := FlowStats{Match: NewMatch(OXM{Class: OXMClassOpenFlowBasic, Field: 200, Value: []byte{1}})}
	if err := w.Add(&bad); err == nil {
		t.Error("an entry with an 8-bit field number encoded")
	}
	if msgs := w.Messages(); len(msgs) != 1 || len(msgs[0]) != multipartLen {
		t.Errorf("after the error: %d messages, %x", len(msgs), msgs)
	}
}
