package ebpf

import (
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/tests/netns"
)

// BenchmarkUpcallSetup measures new flows set up end to end: each frame is
// a new UDP flow from namespace 0 that misses, goes up, is installed and
// executed by the test's upcall handler, and must arrive in namespace 1.
func BenchmarkUpcallSetup(b *testing.B) {
	tp := newTopo(b, 2)
	tx, err := tp.ns[0].Listen("eth0")
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Close()
	rs, err := tp.ns[1].Listen("eth0")
	if err != nil {
		b.Fatal(err)
	}
	rx := netns.NewReader(rs)
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
	// with its last frame, or after a second without one (frames lost on
	// the way); the idle second is not counted.
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
		b.StartTimer()
		start := time.Now()
		last := start
		for _, f := range frames[lo:hi] {
			if err := tx.Send(f); err != nil {
				b.Fatal(err)
			}
		}
		for n := 0; n < hi-lo; {
			ctx, cancel := contextUntil(time.Now().Add(time.Second))
			f, err := rx.Next(ctx)
			cancel()
			if err != nil {
				break
			}
			if len(f) > 14+20+4 && binary.BigEndian.Uint16(f[12:]) == 0x0800 && f[14+9] == 17 {
				n++
				arrived++
				last = time.Now()
			}
		}
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
