package ofp

import "testing"

// BenchmarkFlowMod10 decodes and encodes a flow-mod with a full match and
// five actions.
func BenchmarkFlowMod10(b *testing.B) {
	wire := mustMarshal(Version10, 1, goldenMsgs10["flow_mod"])
	buf := make([]byte, 0, len(wire))
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		_, m, err := Unmarshal(wire)
		if err != nil {
			b.Fatal(err)
		}
		if buf, err = Append(buf[:0], Version10, 1, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlowStatsReply10 decodes a flow stats reply that fills one
// 64 KiB message.
func BenchmarkFlowStatsReply10(b *testing.B) {
	parts, err := bigFlowReply10(1000).Split(0)
	if err != nil {
		b.Fatal(err)
	}
	wire := mustMarshal(Version10, 1, parts[0])
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Unmarshal(wire); err != nil {
			b.Fatal(err)
		}
	}
}
