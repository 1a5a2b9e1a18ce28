package ebpf

import (
	"encoding/binary"

	"github.com/xvs-switch/xvs/datapath"
)

// completeChecksum finishes a TCP or UDP checksum left partial by checksum
// offload. A packet a local stack sends (from a namespace through a veth)
// is CHECKSUM_PARTIAL: its checksum field holds only the folded pseudo
// header sum, and the device or the receiving stack is trusted to complete
// it. The fast path forwards the skb with that state intact; a copy sent to
// userspace carries bare bytes, which a receiver would reject once executed.
// A field equal to the folded pseudo header sum identifies such a packet
// (a genuine checksum almost never has that value); the full checksum
// (RFC 793 §3.1, RFC 768, RFC 8200 §8.1) is then computed. Frames cut
// short by the upcall size limit are left alone.
func completeChecksum(frame []byte, k datapath.FlowKey) {
	var l4off, l4len int
	var pseudo uint32
	switch {
	case k.Fields.Has(datapath.FieldIPv4) && k.IPFrag == datapath.FragNone:
		l3 := l3Offset(frame)
		if l3 < 0 || len(frame) < l3+20 {
			return
		}
		ihl := int(frame[l3]&0x0f) * 4
		tot := int(binary.BigEndian.Uint16(frame[l3+2:]))
		l4off, l4len = l3+ihl, tot-ihl
		pseudo = sum16(frame[l3+12 : l3+20])
	case k.Fields.Has(datapath.FieldIPv6) && k.IPv6ExtHdr == 0:
		l3 := l3Offset(frame)
		if l3 < 0 || len(frame) < l3+40 {
			return
		}
		l4off, l4len = l3+40, int(binary.BigEndian.Uint16(frame[l3+4:]))
		pseudo = sum16(frame[l3+8 : l3+40])
	default:
		return
	}
	var csumAt int
	switch {
	case k.Fields.Has(datapath.FieldTCP):
		csumAt = l4off + 16
	case k.Fields.Has(datapath.FieldUDP):
		csumAt = l4off + 6
	default:
		return
	}
	if l4len <= 0 || len(frame) < l4off+l4len || csumAt+2 > l4off+l4len {
		return
	}
	pseudo += uint32(k.IPProto) + uint32(l4len)
	stored := binary.BigEndian.Uint16(frame[csumAt:])
	if stored != fold(pseudo) {
		return
	}
	frame[csumAt], frame[csumAt+1] = 0, 0
	c := ^fold(pseudo + sum16(frame[l4off:l4off+l4len]))
	if c == 0 && k.Fields.Has(datapath.FieldUDP) {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(frame[csumAt:], c)
}

// l3Offset skips the Ethernet header and up to two VLAN tags.
func l3Offset(b []byte) int {
	off := 12
	for i := 0; i < 2; i++ {
		if len(b) < off+2 {
			return -1
		}
		t := binary.BigEndian.Uint16(b[off:])
		if t != datapath.EthTypeVLAN && t != datapath.EthTypeQinQ {
			break
		}
		off += 4
	}
	return off + 2
}

func sum16(b []byte) uint32 {
	var s uint32
	for len(b) >= 2 {
		s += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}
