package ebpf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/tests/netns"
)

// pattern is n bytes that differ from one position to the next, so a
// reassembly off by any amount shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// TestSystemExecuteLarge: Execute delivers frames larger than a BPF test
// run takes: a jumbo UDP frame within the port's MTU arrives whole and is
// counted on the port; a 60 KB TCP super-packet (beyond the MTU, as an
// upcalled GSO packet is) arrives with every payload byte in order.
func TestSystemExecuteLarge(t *testing.T) {
	// Port 2's transmit counter must grow by exactly the jumbo frame: the
	// topology's veths have no IPv6 (netns.Veth), whose DAD, MLD and
	// router solicitations the patch controller would flood out of port 2
	// at random times.
	tp := newTopo(t, 2)
	netns.Run(t, "ip", "link", "set", tp.hosts[1], "mtu", "9000")
	tp.ns[1].Run(t, "ip", "link", "set", "eth0", "mtu", "9000")
	s, err := tp.ns[1].Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	jumbo := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(), gopacket.Payload(pattern(8000)))
	if len(jumbo) <= maxRunFrame {
		t.Fatalf("%d-byte frame fits a test run: the test covers nothing", len(jumbo))
	}
	before, err := tp.d.ports.stats(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.d.Execute(jumbo, 1, []datapath.Action{datapath.Output{Port: 2}}); err != nil {
		t.Fatalf("execute %d bytes: %v", len(jumbo), err)
	}
	var others []string // frames not the test's, to name a stray that was counted
	if _, err := s.Recv(10*time.Second, func(b []byte) bool {
		if bytes.Equal(b, jumbo) {
			return true
		}
		others = append(others, fmt.Sprintf("%d bytes %x", len(b), b[:min(len(b), 34)]))
		return false
	}); err != nil {
		t.Errorf("jumbo frame: %v", err)
	}
	after, err := tp.d.ports.stats(2)
	if err != nil || after.TxPackets != before.TxPackets+1 || after.TxBytes != before.TxBytes+uint64(len(jumbo)) {
		t.Errorf("port 2 counters %+v then %+v (err %v): want one more packet of %d bytes; other frames received: %q",
			before, after, err, len(jumbo), others)
	}

	data := pattern(60000)
	seg := &layers.TCP{SrcPort: 4321, DstPort: 80, Seq: 1000, ACK: true, PSH: true, Ack: 1, Window: 1000}
	super := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), seg, gopacket.Payload(data))
	if err := tp.d.Execute(super, 1, []datapath.Action{datapath.Output{Port: 2}}); err != nil {
		t.Fatalf("execute %d bytes: %v", len(super), err)
	}
	got := make([]byte, len(data))
	have := 0
	deadline := time.Now().Add(15 * time.Second)
	for have < len(data) {
		f, err := s.Recv(time.Until(deadline), func(b []byte) bool {
			return len(b) > 14+20+20 && binary.BigEndian.Uint16(b[12:]) == 0x0800 && b[14+9] == 6 &&
				binary.BigEndian.Uint16(b[14+int(b[14]&0xf)*4:]) == 4321
		})
		if err != nil {
			t.Fatalf("super-packet: %d of %d payload bytes arrived: %v", have, len(data), err)
		}
		l4 := 14 + int(f[14]&0xf)*4
		end := 14 + int(binary.BigEndian.Uint16(f[16:]))
		off := int(binary.BigEndian.Uint32(f[l4+4:]) - 1000)
		p := f[l4+int(f[l4+12]>>4)*4 : end]
		if off < 0 || off+len(p) > len(got) {
			t.Fatalf("segment at offset %d, %d bytes: outside the payload", off, len(p))
		}
		copy(got[off:], p)
		have += len(p)
	}
	if !bytes.Equal(got, data) {
		t.Error("super-packet payload differs")
	}
}
