package ebpf

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/tests/netns"
)

// BenchmarkUpcallSetup measures new flows set up end to end: each frame is
// a new UDP flow from namespace 0 that misses, goes up, is installed and
// executed by the test's upcall handler, and must arrive in namespace 1.
// Arrivals are counted by namespace 1's eth0 receive counter: a packet
// socket reading them in Go falls behind the datapath and drops frames
// itself.
func BenchmarkUpcallSetup(b *testing.B) {
	tp := newTopo(b, 2)
	tx, err := tp.ns[0].Listen("eth0")
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Close()
	rx, err := openRxCounter(tp.ns[1], "eth0")
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	src, _ := net.ParseMAC(tp.macs[0])
	dst, _ := net.ParseMAC(tp.macs[1])
	e := &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeIPv4}
	ip := ipv4(layers.IPProtocolUDP)
	ip.SrcIP, ip.DstIP = net.ParseIP(tp.ips[0]).To4(), net.ParseIP(tp.ips[1]).To4()
	frames := make([][]byte, b.N)
	for i := range frames {
		u := &layers.UDP{SrcPort: layers.UDPPort(1024 + i%60000), DstPort: layers.UDPPort(9 + i/60000)}
		frames[i] = build(b, e, ip, u, payload)
	}
	// The test topology's cache holds 4096 flows: send in batches that fit
	// and empty the cache between them, outside the timer. A batch ends
	// when the receive counter has grown by the batch, or after 200 ms
	// without growth (frames lost on the way); the idle time is not
	// counted.
	const batch = 4000
	b.ResetTimer()
	var el time.Duration
	arrived := 0
	for lo := 0; lo < len(frames); lo += batch {
		hi := min(lo+batch, len(frames))
		b.StopTimer()
		if err := tp.d.Flush(); err != nil {
			b.Fatal(err)
		}
		base, err := rx.Read()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		last, got := start, uint64(0)
		for _, f := range frames[lo:hi] {
			if err := tx.Send(f); err != nil {
				b.Fatal(err)
			}
		}
		for got < uint64(hi-lo) && time.Since(last) < 200*time.Millisecond {
			time.Sleep(100 * time.Microsecond) // polling a counter: no event to wait on
			n, err := rx.Read()
			if err != nil {
				b.Fatal(err)
			}
			if n-base > got {
				got, last = n-base, time.Now()
			}
		}
		// A stray frame would count too (the veths have no IPv6, whose
		// solicitations were the usual ones).
		arrived += int(min(got, uint64(hi-lo)))
		el += last.Sub(start)
	}
	b.StopTimer()
	st, err := tp.d.Stats()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(arrived)/el.Seconds(), "flows/s")
	b.ReportMetric(100*float64(arrived)/float64(b.N), "%delivered")
	b.ReportMetric(float64(st.Lost), "upcalls-lost")
}

// rxCounter reads one device's received-packets counter in a namespace
// from /proc/net/dev, opened once inside the namespace (the file keeps
// showing that namespace's devices).
type rxCounter struct {
	f   *os.File
	dev string
	buf []byte
}

func openRxCounter(ns *netns.NS, dev string) (*rxCounter, error) {
	c := &rxCounter{dev: dev, buf: make([]byte, 64<<10)}
	err := ns.Do(func() error {
		f, err := os.Open("/proc/thread-self/net/dev")
		c.f = f
		return err
	})
	return c, err
}

func (c *rxCounter) Close() error { return c.f.Close() }

// Read returns the device's rx_packets.
func (c *rxCounter) Read() (uint64, error) {
	n, err := c.f.ReadAt(c.buf, 0)
	if n == 0 && err != nil {
		return 0, err
	}
	return parseProcNetDevRx(c.buf[:n], c.dev)
}

// parseProcNetDevRx finds dev's received packets (the second number after
// "dev:") in /proc/net/dev's text.
func parseProcNetDevRx(text []byte, dev string) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || strings.TrimSpace(name) != dev {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 {
			break
		}
		return strconv.ParseUint(f[1], 10, 64)
	}
	return 0, os.ErrNotExist
}
