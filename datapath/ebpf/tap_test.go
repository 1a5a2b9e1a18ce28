package ebpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// openTap attaches to the persistent tap device name as a VM's virtual NIC
// does (TUNSETIFF on /dev/net/tun, no packet information header; flags
// adds e.g. IFF_VNET_HDR). The fd is non-blocking for readTap.
func openTap(t *testing.T, name string, flags uint16) int {
	t.Helper()
	return openTapMode(t, name, flags, unix.O_NONBLOCK)
}

func openTapMode(t *testing.T, name string, flags uint16, mode int) int {
	t.Helper()
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|mode, 0)
	if err != nil {
		t.Fatalf("open /dev/net/tun: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		t.Fatal(err)
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI | flags)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		t.Fatalf("TUNSETIFF %s: %v", name, err)
	}
	return fd
}

// readTap returns the first frame read from the tap fd that equals want,
// skipping others (the tap's own IPv6 traffic), or an error at timeout.
func readTap(fd int, want []byte, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 65536)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return errors.New("no matching frame from the tap")
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, int(left.Milliseconds())+1); err != nil && !errors.Is(err, unix.EINTR) {
			return err
		}
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if bytes.Equal(buf[:n], want) {
			return nil
		}
	}
}

// TestSystemTapTraffic: a frame a VM writes into its tap crosses the
// datapath to a veth port, and a frame from the veth comes back out of the
// tap to the VM, both through cached entries.
func TestSystemTapTraffic(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	tag := netns.Unique("xdf")
	pin := "/sys/fs/bpf/" + tag
	t.Cleanup(func() { os.RemoveAll(pin) })
	d, err := New(Config{Name: tag, PinDir: pin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Destroy() })

	tap, err := d.AddPort(datapath.PortConfig{Number: 1, Name: tag + "t", Type: datapath.PortTap})
	if err != nil {
		t.Fatalf("add tap port: %v", err)
	}
	ns := netns.New(t, tag)
	ns.Veth(t, tag+"v", "eth0", "02:df:00:00:00:02", "")
	veth, err := d.AddPort(datapath.PortConfig{Number: 2, Name: tag + "v", Type: datapath.PortSystem})
	if err != nil {
		t.Fatalf("add veth port: %v", err)
	}
	fd := openTap(t, tag+"t", 0)
	s, err := ns.Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	udpFrame := func(src, dst uint16) []byte {
		return build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP),
			&layers.UDP{SrcPort: layers.UDPPort(src), DstPort: layers.UDPPort(dst)}, gopacket.Payload(pattern(300)))
	}
	fromVM := udpFrame(1111, 2222)
	toVM := udpFrame(2222, 1111)
	k1, k2 := datapathKey(t, fromVM, tap.Number), datapathKey(t, toVM, veth.Number)
	if err := d.Put(k1, []datapath.Action{datapath.Output{Port: veth.Number}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(k2, []datapath.Action{datapath.Output{Port: tap.Number}}, 0); err != nil {
		t.Fatal(err)
	}

	if _, err := unix.Write(fd, fromVM); err != nil {
		t.Fatalf("write into the tap: %v", err)
	}
	if _, err := s.Recv(3*time.Second, func(b []byte) bool { return bytes.Equal(b, fromVM) }); err != nil {
		t.Errorf("frame written into the tap did not reach the veth port: %v", err)
	}
	if err := s.Send(toVM); err != nil {
		t.Fatal(err)
	}
	if err := readTap(fd, toVM, 3*time.Second); err != nil {
		t.Errorf("frame from the veth port did not come out of the tap: %v", err)
	}
	for _, k := range []datapath.FlowKey{k1, k2} {
		f, err := d.Get(k)
		if err != nil || f.Stats.Packets != 1 {
			t.Errorf("entry %v: %+v err %v, want 1 packet", k, f.Stats, err)
		}
	}
	ps, err := d.Ports()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Number == tap.Number && (p.Stats.RxPackets == 0 || p.Stats.TxPackets != 1) {
			t.Errorf("tap port counters %+v: want received and 1 sent", p.Stats)
		}
	}
}

// TestSystemNonlinearHeaders: a frame whose transport header lies beyond
// the skb's linear area (a tap with IFF_VNET_HDR builds the skb with only
// hdr_len bytes linear, as a VM's virtio NIC asks) is still keyed with its
// ports, as packet.Extract keys the bytes: the TC program pulls the rest of
// the headers in and parses again, so the cached entry matches.
func TestSystemNonlinearHeaders(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	tag := netns.Unique("xdf")
	pin := "/sys/fs/bpf/" + tag
	t.Cleanup(func() { os.RemoveAll(pin) })
	d, err := New(Config{Name: tag, PinDir: pin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Destroy() })
	tap, err := d.AddPort(datapath.PortConfig{Number: 1, Name: tag + "t", Type: datapath.PortTap})
	if err != nil {
		t.Fatalf("add tap port: %v", err)
	}
	ns := netns.New(t, tag)
	ns.Veth(t, tag+"v", "eth0", "02:df:00:00:00:02", "")
	veth, err := d.AddPort(datapath.PortConfig{Number: 2, Name: tag + "v", Type: datapath.PortSystem})
	if err != nil {
		t.Fatalf("add veth port: %v", err)
	}
	// Blocking: a non-blocking writer gets a fully linear skb (tun_build_skb).
	fd := openTapMode(t, tag+"t", unix.IFF_VNET_HDR, 0)
	s, err := ns.Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// IPv6 with a 32-byte hop-by-hop header: UDP starts at byte 86.
	// tun copies frames under a page whole into the skb's head: make it
	// bigger, and let the veth carry it.
	const size = 5000
	udp := make([]byte, 8, 8+size)
	binary.BigEndian.PutUint16(udp[0:], 3333)
	binary.BigEndian.PutUint16(udp[2:], 4444)
	binary.BigEndian.PutUint16(udp[4:], 8+size)
	udp = append(udp, pattern(size)...)
	netns.Run(t, "ip", "link", "set", tag+"v", "mtu", "9000")
	ns.Run(t, "ip", "link", "set", "eth0", "mtu", "9000")
	frame := rawIPv6(t, 0, append(ipv6Ext(17, 3), udp...))
	const linear = 80
	key := datapathKey(t, frame, tap.Number)
	if key.Fields&datapath.FieldUDP == 0 || key.TPSrc != 3333 {
		t.Fatalf("test frame keyed without its UDP ports: %v", key)
	}
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: veth.Number}}, 0); err != nil {
		t.Fatal(err)
	}
	vnet := make([]byte, virtioNetHdrLen)
	binary.LittleEndian.PutUint16(vnet[2:], linear) // hdr_len: the linear part
	if _, err := unix.Write(fd, append(vnet, frame...)); err != nil {
		t.Fatalf("write into the tap: %v", err)
	}
	if _, err := s.Recv(3*time.Second, func(b []byte) bool { return bytes.Equal(b, frame) }); err != nil {
		t.Errorf("a frame with headers beyond the linear area did not take its cached entry: %v", err)
	}
	if f, err := d.Get(key); err != nil || f.Stats.Packets != 1 {
		t.Errorf("entry stats %+v err %v, want 1 packet", f.Stats, err)
	}
}
