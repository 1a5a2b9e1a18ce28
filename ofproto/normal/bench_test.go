package normal

import (
	"testing"
	"time"
)

// BenchmarkLearnLookup is the MAC table's share of one upcall: learn the
// source (a refresh, the common case) and look up the destination, in a
// table of 4096 entries.
func BenchmarkLearnLookup(b *testing.B) {
	mt := NewMACTable(time.Hour, 8192, nil)
	const n = 4096
	macs := make([][6]byte, n)
	for i := range macs {
		macs[i] = [6]byte{0x02, 0, 0, 0, byte(i >> 8), byte(i)}
		mt.Learn(uint16(i%8), macs[i], uint32(i%16+1))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % n
		mt.Learn(uint16(j%8), macs[j], uint32(j%16+1))
		if _, ok := mt.Lookup(uint16(j%8), macs[(j+8)%n]); !ok {
			b.Fatal("lookup missed")
		}
	}
}

// BenchmarkForward is a whole NORMAL decision to a learned port on a
// six-port bridge.
func BenchmarkForward(b *testing.B) {
	n := New(NewMACTable(time.Hour, 0, nil))
	ps := bridgePorts()
	n.Forward(2, key(mac(2), bcast, -1, 0), ps)
	k := key(mac(1), mac(2), -1, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if d := n.Forward(1, k, ps); len(d.Outputs) != 1 {
			b.Fatal(d)
		}
	}
}
