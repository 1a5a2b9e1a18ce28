package ebpf

import (
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestGSOHeader: a TCP frame beyond the MTU gets a virtio_net_hdr asking
// for TCP segmentation with the MSS of the MTU, and its checksum field
// becomes the partial (pseudo-header) sum: adding the segment's own sum to
// it must give back the complete checksum the frame had. Other protocols
// are refused.
func TestGSOHeader(t *testing.T) {
	for _, c := range []struct {
		name      string
		frame     []byte
		gso       byte
		l4, mss   int
		csumStart int
	}{
		{"ipv4", build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), gopacket.Payload(pattern(5000))), virtioGSOTCPv4, 34, 1460, 34},
		{"ipv6", build(t, eth(layers.EthernetTypeIPv6), ipv6(layers.IPProtocolTCP), tcp(), gopacket.Payload(pattern(5000))), virtioGSOTCPv6, 54, 1440, 54},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.frame
			full := binary.BigEndian.Uint16(f[c.l4+16:])
			h, err := gsoHeader(f, 1500)
			if err != nil {
				t.Fatal(err)
			}
			le := binary.LittleEndian
			if h[0] != virtioNeedsCsum || h[1] != c.gso || int(le.Uint16(h[2:])) != c.l4+20 ||
				int(le.Uint16(h[4:])) != c.mss || int(le.Uint16(h[6:])) != c.csumStart || le.Uint16(h[8:]) != 16 {
				t.Errorf("header % x", h)
			}
			partial := binary.BigEndian.Uint16(f[c.l4+16:])
			seg := append([]byte(nil), f[c.l4:]...)
			binary.BigEndian.PutUint16(seg[16:], 0)
			if got := ^fold(uint32(partial) + sum16(seg)); got != full {
				t.Errorf("partial %#04x completes to %#04x, want %#04x", partial, got, full)
			}
		})
	}
	udp := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(), gopacket.Payload(pattern(5000)))
	if _, err := gsoHeader(udp, 1500); err == nil {
		t.Error("a UDP frame beyond the MTU got a GSO header")
	}
	if _, err := gsoHeader(tcp4Frame(t)[:50], 1500); err == nil {
		t.Error("a frame with a truncated TCP header got a GSO header")
	}
	if _, err := gsoHeader(udp[:10], 1500); err == nil {
		t.Error("a runt got a GSO header")
	}
}

func tcp4Frame(t *testing.T) []byte {
	return build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), gopacket.Payload(pattern(100)))
}
