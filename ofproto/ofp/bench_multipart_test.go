package ofp

import "testing"

// BenchmarkFlowStatsReplyDecode decodes a flow-stats reply of 100 entries,
// each with three OXM fields and an apply-actions instruction of one
// output: what a controller does with every dump-flows answer.
func BenchmarkFlowStatsReplyDecode(b *testing.B) {
	wire := mustMarshal(Version13, 1, &MultipartReply{Body: &FlowStatsReply{Entries: testFlowEntries(100)}})
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Unmarshal(wire); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlowStatsReplyEncode is the switch's side of the same reply.
func BenchmarkFlowStatsReplyEncode(b *testing.B) {
	m := &MultipartReply{Body: &FlowStatsReply{Entries: testFlowEntries(100)}}
	buf := make([]byte, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], Version13, 1, m); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
