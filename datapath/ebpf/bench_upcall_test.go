package ebpf

import (
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// The pieces of an upcall's handling, one at a time, on BPF_PROG_RUN
// frames (no devices): what a new flow costs in userspace.

func benchFrames(b testing.TB, n int) [][]byte {
	frames := make([][]byte, n)
	for i := range frames {
		u := &layers.UDP{SrcPort: layers.UDPPort(1024 + i%60000), DstPort: layers.UDPPort(9 + i/60000)}
		frames[i] = build(b, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), u, payload)
	}
	return frames
}

// BenchmarkPutNew: Put of a new entry (one output), flags 0.
func BenchmarkPutNew(b *testing.B) {
	d := newTestDatapath(b)
	fakePorts(b, d)
	frames := benchFrames(b, 1000)
	acts := []datapath.Action{datapath.Output{Port: outPort}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := packet.Extract(frames[i%len(frames)], inPort)
		if i%len(frames) == 0 {
			b.StopTimer()
			d.Flush()
			b.StartTimer()
		}
		if err := d.Put(k, acts, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecute: Execute of a one-output list.
func BenchmarkExecute(b *testing.B) {
	d := newTestDatapath(b)
	fakePorts(b, d)
	frames := benchFrames(b, 1)
	acts := []datapath.Action{datapath.Output{Port: outPort}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Execute(frames[0], inPort, acts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeUpcall: the reader's decoding of one perf sample.
func BenchmarkDecodeUpcall(b *testing.B) {
	f := benchFrames(b, 1)[0]
	raw := make([]byte, metaSize+len(f))
	copy(raw[metaSize:], f)
	m := tcportUpcallMeta{InPort: 1, CapLen: uint32(len(f)), PktLen: uint32(len(f))}
	m.Key = keyToBPFUnchecked(packet.Extract(f, 1))
	enc, _ := binaryAppendMeta(m)
	copy(raw, enc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := decodeUpcall(raw); !ok {
			b.Fatal("decode")
		}
	}
}

func binaryAppendMeta(m tcportUpcallMeta) ([]byte, error) {
	return binary.Append(nil, binary.NativeEndian, &m)
}
