package ofp

import (
	"fmt"
	"testing"
)

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

// BenchmarkSplitMultipart is the switch's side of a dump: a reply of many
// flow-stats entries cut into messages of at most 64 KiB (10,000 entries,
// about 18 messages), and one of a few entries that fits one message.
func BenchmarkSplitMultipart(b *testing.B) {
	for _, n := range []int{10, 10000} {
		m := &MultipartReply{Body: &FlowStatsReply{Entries: testFlowEntries(n)}}
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var total int
			for b.Loop() {
				total = 0
				for msg, err := range SplitMultipart(Version13, 1, m) {
					if err != nil {
						b.Fatal(err)
					}
					total += len(msg)
				}
			}
			b.SetBytes(int64(total))
		})
	}
}
