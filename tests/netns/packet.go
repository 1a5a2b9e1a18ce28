package netns

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// Sock is an AF_PACKET socket bound to one interface.
type Sock struct {
	fd      int
	ifindex int
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Listen opens a packet socket on dev inside n (ETH_P_ALL).
func (n *NS) Listen(dev string) (*Sock, error) {
	var s *Sock
	err := n.Do(func() error {
		ifi, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, int(htons(unix.ETH_P_ALL)))
		if err != nil {
			return err
		}
		// The receiving stack moves a VLAN tag into skb metadata; auxdata
		// returns it so Recv can put it back where it was on the wire.
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
			unix.Close(fd)
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
			unix.Close(fd)
			return err
		}
		s = &Sock{fd: fd, ifindex: ifi.Index}
		return nil
	})
	return s, err
}

// Close closes the socket.
func (s *Sock) Close() error { return unix.Close(s.fd) }

// Send transmits a frame.
func (s *Sock) Send(frame []byte) error {
	return unix.Sendto(s.fd, frame, 0, &unix.SockaddrLinklayer{Ifindex: s.ifindex, Halen: 6})
}

// ErrTimeout is returned by Recv when nothing matched in time.
var ErrTimeout = errors.New("no matching frame")

// Recv returns the first received (not outgoing) frame that match accepts,
// waiting at most timeout.
func (s *Sock) Recv(timeout time.Duration, match func([]byte) bool) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 65536)
	oob := make([]byte, 256)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrTimeout
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return nil, err
		}
		n, oobn, _, from, err := unix.Recvmsg(s.fd, buf, oob, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("recv: %w", err)
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		f := withVLAN(buf[:n], oob[:oobn])
		if match == nil || match(f) {
			return f, nil
		}
	}
}

// withVLAN copies frame, reinserting the VLAN tag that auxdata reports.
func withVLAN(frame, oob []byte) []byte {
	out := append([]byte(nil), frame...)
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(frame) < 12 {
		return out
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_PACKET || m.Header.Type != unix.PACKET_AUXDATA || len(m.Data) < 20 {
			continue
		}
		status := binary.NativeEndian.Uint32(m.Data[0:])
		tci := binary.NativeEndian.Uint16(m.Data[16:])
		tpid := binary.NativeEndian.Uint16(m.Data[18:])
		if status&unix.TP_STATUS_VLAN_VALID == 0 {
			continue
		}
		if status&unix.TP_STATUS_VLAN_TPID_VALID == 0 {
			tpid = 0x8100
		}
		tag := []byte{byte(tpid >> 8), byte(tpid), byte(tci >> 8), byte(tci)}
		out = append(append(append([]byte(nil), frame[:12]...), tag...), frame[12:]...)
	}
	return out
}
