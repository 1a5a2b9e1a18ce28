package bench

import (
	"encoding/binary"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// pacer sends generator frames from a packet socket in VM A at a given
// rate, in batches of sendmmsg every half millisecond or so: the BPF
// generator cannot pace finer than its ~27 ms per test run, and bursts of
// thousands of new flows would measure the upcall queue's depth rather
// than the rate the flows are set up at.
type pacer struct {
	fd    int
	frame []byte
}

func newPacer(t *Topo) (*pacer, error) {
	f, err := udpFrame(t.MAC[0], t.MAC[1], t.IP[0], t.IP[1])
	if err != nil {
		return nil, err
	}
	p := &pacer{frame: f, fd: -1}
	err = inNS(t.NS[0], func() error {
		ifc, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0) // protocol 0: receives nothing
		if err != nil {
			return err
		}
		p.fd = fd
		// Straight to the driver: the qdisc would drop a burst.
		unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1)
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: ifc.Index})
	})
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("pacer: %w", err)
	}
	return p, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (p *pacer) Close() {
	if p.fd >= 0 {
		unix.Close(p.fd)
	}
}

// setPorts writes flow i's ports into f, as xb_gen does.
func setPorts(f []byte, i uint64) {
	binary.BigEndian.PutUint16(f[34:], uint16(i))
	binary.BigEndian.PutUint16(f[36:], 0x1000|uint16(i>>16)&0xfff)
}

// send sends frames for flows first, first+1, ... (modulo nflows when not
// 0), total of them, at rate frames/s. It returns the frames the kernel
// took.
func (p *pacer) send(first uint64, total int, nflows uint64, rate float64) (int, error) {
	const batch = 64
	bufs := make([][]byte, batch)
	for i := range bufs {
		bufs[i] = append([]byte(nil), p.frame...)
	}
	start := time.Now()
	sent := 0
	for sent < total {
		n := min(batch, total-sent)
		for j := 0; j < n; j++ {
			i := first + uint64(sent+j)
			if nflows != 0 {
				i %= nflows
			}
			setPorts(bufs[j], i)
			for {
				err := unix.Send(p.fd, bufs[j], 0)
				if err == unix.ENOBUFS || err == unix.EAGAIN {
					time.Sleep(50 * time.Microsecond)
					continue
				}
				if err != nil {
					return sent + j, fmt.Errorf("pacer: %w", err)
				}
				break
			}
		}
		sent += n
		if d := time.Duration(float64(sent)/rate*float64(time.Second)) - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}
	return sent, nil
}
