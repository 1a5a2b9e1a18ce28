package ofp

import (
	"bytes"
	"syscall"
	"testing"
	"time"
)

// reportCPU adds cpu-ns/op: the process's CPU time (user and system, GC
// included) per iteration. On a shared machine wall-clock ns/op grows with
// the load of other jobs; CPU time much less so.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkFlowModDecode decodes (and validates) a flow-mod with 5 match
// fields and 3 actions. Target: under 1 µs/op.
func BenchmarkFlowModDecode(b *testing.B) {
	wire := mustMarshal(Version13, 1, newTestFlowMod())
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, _, err := Unmarshal(wire); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPacketInEncode appends a packet-in carrying a 1500-byte frame
// into a reused buffer. Target: 0 allocs/op.
func BenchmarkPacketInEncode(b *testing.B) {
	frame := bytes.Repeat([]byte{0xab}, 1500)
	pin := &PacketIn{BufferID: NoBuffer, TotalLen: 1500, Reason: PacketInNoMatch, Cookie: ^uint64(0),
		Match: NewMatch(OXMInPort(1)), Data: frame}
	buf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], Version13, 1, pin); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPacketInEncodeAllocs keeps the zero-allocation promise of the
// packet-in encoder (and of packet-out, flow-mod and flow-removed) from
// regressing silently.
func TestPacketInEncodeAllocs(t *testing.T) {
	buf := make([]byte, 0, 2048)
	for _, m := range []Message{
		&PacketIn{BufferID: NoBuffer, TotalLen: 1500, Match: NewMatch(OXMInPort(1)), Data: make([]byte, 1500)},
		// The other hot encoders of a switch and a controller.
		&PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{&ActionOutput{Port: 2}}, Data: make([]byte, 1500)},
		newTestFlowMod(),
		&FlowRemoved{Match: NewMatch(OXMInPort(1), OXMEthType(0x0800))},
	} {
		if n := testing.AllocsPerRun(100, func() { buf, _ = Append(buf[:0], Version13, 1, m) }); n != 0 {
			t.Errorf("%T encode: %v allocs/op, want 0", m, n)
		}
	}
}
