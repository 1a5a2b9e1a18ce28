package ebpf

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/xvs-switch/xvs/datapath/packet"
)

// TestCompleteChecksum turns a valid frame's TCP/UDP checksum into the
// partial form an offloading stack sends and checks that it is completed
// back to the original; a valid frame is left alone.
func TestCompleteChecksum(t *testing.T) {
	frames := testFrames(t)
	for _, c := range []struct {
		name string
		l4   int // offset of the checksum
		ipv6 bool
	}{
		{"ipv4-tcp", 14 + 20 + 16, false},
		{"ipv4-udp", 14 + 20 + 6, false},
		{"ipv6-tcp", 14 + 40 + 16, true},
		{"vlan-ipv4-udp", 18 + 20 + 6, false},
	} {
		want := frames[c.name]
		k := packet.Extract(want, 1)
		same := append([]byte(nil), want...)
		completeChecksum(same, k)
		if !bytes.Equal(same, want) {
			t.Errorf("%s: a valid checksum was changed", c.name)
		}
		l3 := l3Offset(want)
		var pseudo uint32
		var l4len int
		if c.ipv6 {
			pseudo = sum16(want[l3+8 : l3+40])
			l4len = int(binary.BigEndian.Uint16(want[l3+4:]))
		} else {
			pseudo = sum16(want[l3+12 : l3+20])
			l4len = int(binary.BigEndian.Uint16(want[l3+2:])) - 20
		}
		pseudo += uint32(k.IPProto) + uint32(l4len)
		partial := append([]byte(nil), want...)
		binary.BigEndian.PutUint16(partial[c.l4:], fold(pseudo))
		completeChecksum(partial, k)
		if !bytes.Equal(partial, want) {
			t.Errorf("%s: partial checksum not completed:\n got  %x\n want %x", c.name, partial[c.l4:c.l4+2], want[c.l4:c.l4+2])
		}
	}
}
