package packet

import (
	"encoding/binary"
	"hash/crc32"
)

// Incremental checksum update, RFC 1624 equation 3: HC' = ~(~HC + ~m + m'),
// for complete checksums. (A CHECKSUM_PARTIAL field holds the uncomplemented
// pseudo-header sum and is updated without the complements. Userspace sees
// bytes without the skb's checksum state, so a datapath that upcalls a
// CHECKSUM_PARTIAL frame must complete its checksum first.)
func csumReplace16(sum, old, new uint16) uint16 {
	s := uint32(^sum) + uint32(^old) + uint32(new)
	s = (s & 0xffff) + (s >> 16)
	s = (s & 0xffff) + (s >> 16)
	return ^uint16(s)
}

// csumReplace folds a change of old to new (equal lengths, even) into the
// 16-bit checksum stored at b[at:].
func csumReplace(b []byte, at int, old, new []byte) {
	sum := binary.BigEndian.Uint16(b[at:])
	for i := 0; i+1 < len(old); i += 2 {
		sum = csumReplace16(sum, binary.BigEndian.Uint16(old[i:]), binary.BigEndian.Uint16(new[i:]))
	}
	binary.BigEndian.PutUint16(b[at:], sum)
}

// udpCsumReplace is csumReplace for UDP, where 0 means "no checksum" and a
// computed 0 is sent as 0xffff (RFC 768).
func udpCsumReplace(b []byte, at int, old, new []byte) {
	if binary.BigEndian.Uint16(b[at:]) == 0 {
		return
	}
	csumReplace(b, at, old, new)
	if binary.BigEndian.Uint16(b[at:]) == 0 {
		binary.BigEndian.PutUint16(b[at:], 0xffff)
	}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sctpRecompute recomputes the CRC32c of the SCTP packet p (RFC 9260
// appendix A): computed with the checksum field zero, stored little endian.
func sctpRecompute(p []byte) {
	if len(p) < 12 {
		return
	}
	binary.LittleEndian.PutUint32(p[8:], 0)
	binary.LittleEndian.PutUint32(p[8:], crc32.Checksum(p, castagnoli))
}
