package ebpf

import (
	"encoding/binary"
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
)

// maxRunFrame is the largest frame Execute hands to a BPF test run. The
// kernel's skb test run takes one page minus the skb's headroom and
// shared-info tail (bpf_test_init: about 3.7 KB on 4 KiB pages); larger
// frames are transmitted by Go through a packet socket (inject).
const maxRunFrame = 3072

// inject transmits frame on port's device, as bpf_clone_redirect to the
// device's egress would, and counts it through the BPF code (a stand-in
// run of a one-output list) so port counters stay in one place. A frame
// larger than the device's MTU must be TCP over IPv4 or IPv6: it goes as
// one GSO packet (virtio_net_hdr on the socket), segmented by the kernel
// into MTU-sized segments, as a TSO sender's super-packet would be.
func (d *Datapath) inject(port, inPort uint32, frame []byte) error {
	r, err := d.ports.get(port)
	if err != nil {
		return nil // the port went away: drop this copy, count nothing
	}
	ifc, err := net.InterfaceByIndex(int(r.ifindex))
	if err != nil {
		return fmt.Errorf("execute: port %d: %w", port, err)
	}
	var hdr [virtioNetHdrLen]byte
	if len(frame) > ifc.MTU+14+4 { // +4: a VLAN tag in the data is allowed
		if hdr, err = gsoHeader(frame, ifc.MTU); err != nil {
			return fmt.Errorf("execute: %d-byte frame on port %d (MTU %d): %w", len(frame), port, ifc.MTU, err)
		}
	}
	if err := sendRaw(int(r.ifindex), hdr[:], frame); err != nil {
		return fmt.Errorf("execute: %d-byte frame on port %d: %w", len(frame), port, err)
	}
	stand := make([]byte, 64)
	_, err = d.runBPF(stand, inPort, datapath.FlowKey{}, []datapath.Action{datapath.Output{Port: port}}, uint32(len(frame)))
	return err
}

// sendRaw sends one frame on ifindex through an AF_PACKET socket with a
// virtio_net_hdr in front (all zero: no offload).
func sendRaw(ifindex int, vnet, frame []byte) error {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0) // protocol 0: receives nothing
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VNET_HDR, 1); err != nil {
		return err
	}
	buf := make([]byte, 0, len(vnet)+len(frame))
	buf = append(append(buf, vnet...), frame...)
	proto := binary.BigEndian.Uint16(frame[12:])
	sa := &unix.SockaddrLinklayer{Ifindex: ifindex, Protocol: htons(proto)}
	return unix.Sendto(fd, buf, 0, sa)
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// virtio_net_hdr (include/uapi/linux/virtio_net.h), host byte order.
const (
	virtioNetHdrLen      = 10
	virtioNeedsCsum      = 1
	virtioGSOTCPv4       = 1
	virtioGSOTCPv6       = 4
	ipProtoTCP           = 6
	tcpChecksumOffset    = 16
	maxGSOVLANTagsParsed = 2
)

// gsoHeader builds the virtio_net_hdr that asks the kernel to segment a
// TCP frame into MSS-sized segments for mtu, and turns the frame's TCP
// checksum into the pseudo-header sum that CHECKSUM_PARTIAL expects (the
// kernel completes each segment's checksum).
func gsoHeader(frame []byte, mtu int) ([virtioNetHdrLen]byte, error) {
	var h [virtioNetHdrLen]byte
	if len(frame) < 14 {
		return h, fmt.Errorf("runt frame")
	}
	off := 12
	et := binary.BigEndian.Uint16(frame[off:])
	for i := 0; i < maxGSOVLANTagsParsed && (et == 0x8100 || et == 0x88a8) && len(frame) >= off+6; i++ {
		off += 4
		et = binary.BigEndian.Uint16(frame[off:])
	}
	l3 := off + 2
	var l4, l3len int
	var gso byte
	var pseudo uint32
	switch et {
	case 0x0800:
		if len(frame) < l3+20 || frame[l3]>>4 != 4 {
			return h, fmt.Errorf("bad IPv4 header")
		}
		ihl := int(frame[l3]&0xf) * 4
		if frame[l3+9] != ipProtoTCP || binary.BigEndian.Uint16(frame[l3+6:])&0x3fff != 0 {
			return h, fmt.Errorf("larger than the MTU and not an unfragmented TCP segment")
		}
		l4, l3len, gso = l3+ihl, ihl, virtioGSOTCPv4
		pseudo = sum16(frame[l3+12 : l3+20])
	case 0x86dd:
		if len(frame) < l3+40 || frame[l3+6] != ipProtoTCP {
			return h, fmt.Errorf("larger than the MTU and not TCP over IPv6 without extension headers")
		}
		l4, l3len, gso = l3+40, 40, virtioGSOTCPv6
		pseudo = sum16(frame[l3+8 : l3+40])
	default:
		return h, fmt.Errorf("larger than the MTU and not IP")
	}
	if len(frame) < l4+20 {
		return h, fmt.Errorf("truncated TCP header")
	}
	thlen := int(frame[l4+12]>>4) * 4
	if thlen < 20 || len(frame) < l4+thlen {
		return h, fmt.Errorf("bad TCP header length")
	}
	tcpLen := len(frame) - l4
	pseudo += ipProtoTCP + uint32(tcpLen)
	binary.BigEndian.PutUint16(frame[l4+tcpChecksumOffset:], fold(pseudo))
	h[0] = virtioNeedsCsum
	h[1] = gso
	binary.LittleEndian.PutUint16(h[2:], uint16(l4+thlen))
	binary.LittleEndian.PutUint16(h[4:], uint16(mtu-l3len-thlen))
	binary.LittleEndian.PutUint16(h[6:], uint16(l4))
	binary.LittleEndian.PutUint16(h[8:], tcpChecksumOffset)
	return h, nil
}
