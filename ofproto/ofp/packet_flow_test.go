package ofp

import (
	"strings"
	"testing"
)

// FuzzPacketFlow10: printing the flow of any frame never panics and
// always names the Ethernet addresses.
func FuzzPacketFlow10(f *testing.F) {
	f.Add(mustHex10("ffffffffffff000102030405" + "0800" + "45000028000100004006" + "00000a0000010a000002" + "04d20050000000010000000050020000abcd0000"))
	f.Add(mustHex10("333300000001000102030405" + "86dd" + "6000000000200040" + strings.Repeat("00", 32) +
		"2c000001000000013a00000000000000" + "8700123400000000"))
	f.Add(mustHex10("ffffffffffff000102030405" + "8100" + "0005" + "88a8" + "0006" + "0806" + "0001080006040001"))
	f.Fuzz(func(t *testing.T, frame []byte) {
		s := formatPacket(frame)
		if !strings.Contains(s, "dl_src=") || !strings.Contains(s, "dl_dst=") {
			t.Fatalf("flow %q lacks the Ethernet addresses", s)
		}
	})
}
