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
	b.ResetTimer()
	start := time.Now()
	for _, f := range frames {
		if err := tx.Send(f); err != nil {
			b.Fatal(err)
		}
	}
	got := 0
	deadline := time.Now().Add(30 * time.Second)
	for got < b.N && time.Now().Before(deadline) {
		ctx, cancel := contextUntil(deadline)
		f, err := rx.Next(ctx)
		cancel()
		if err != nil {
			break
		}
		if len(f) > 14+20+4 && binary.BigEndian.Uint16(f[12:]) == 0x0800 && f[14+9] == 17 {
			got++
		}
	}
	el := time.Since(start)
	b.StopTimer()
	if got < b.N {
		b.Fatalf("%d of %d new flows arrived", got, b.N)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "flows/s")
}
