package packet_test

import (
	"testing"

	dp "github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// The upcall path extracts and executes in Go: these bound its cost per
// packet.

func BenchmarkExtractTCP4(b *testing.B) {
	f := dptest.TCP4(b, 1, 2)
	for b.Loop() {
		packet.Extract(f, 1)
	}
}

func BenchmarkExtractIPv6Ext(b *testing.B) {
	f := dptest.IPv6Ext(b, []byte{0, 60, 44, 17}, false)
	for b.Loop() {
		packet.Extract(f, 1)
	}
}

func BenchmarkExecuteNAT(b *testing.B) {
	f := dptest.TCP4(b, 1, 2)
	acts := []dp.Action{dp.SetIPv4Src{Addr: [4]byte{192, 0, 2, 1}}, dp.SetTPSrc{Port: 4000}, dp.DecTTL{}, dp.Output{Port: 2}}
	env := packet.Env{Output: func(uint32, []byte) {}}
	for b.Loop() {
		packet.Execute(f, acts, env)
	}
}
