package bench

import (
	"encoding/binary"
	"fmt"
	"net"
)

// udpFrame builds the generator's template: a 60-byte Ethernet/IPv4/UDP
// frame (64 bytes on the wire with the FCS) from src to dst, UDP checksum
// 0 (none, RFC 768) so that the generator can rewrite the ports freely.
func udpFrame(srcMAC, dstMAC, srcIP, dstIP string) ([]byte, error) {
	sm, err := net.ParseMAC(srcMAC)
	if err != nil {
		return nil, err
	}
	dm, err := net.ParseMAC(dstMAC)
	if err != nil {
		return nil, err
	}
	si, di := net.ParseIP(srcIP).To4(), net.ParseIP(dstIP).To4()
	if si == nil || di == nil {
		return nil, fmt.Errorf("frame: not IPv4 addresses: %q %q", srcIP, dstIP)
	}
	f := make([]byte, 60)
	copy(f[0:6], dm)
	copy(f[6:12], sm)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:34]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(len(f)-14))
	ip[8] = 64 // TTL
	ip[9] = 17 // UDP
	copy(ip[12:16], si)
	copy(ip[16:20], di)
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	udp := f[34:]
	binary.BigEndian.PutUint16(udp[0:], 1024)
	binary.BigEndian.PutUint16(udp[2:], 0x1000)
	binary.BigEndian.PutUint16(udp[4:], uint16(len(udp)))
	return f, nil
}

// ipChecksum is the Internet checksum (RFC 1071) of an IPv4 header whose
// checksum field is zero.
func ipChecksum(h []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(h); i += 2 {
		s += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}
