package ebpf

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// progRunRepeat is how many times the kernel runs a program per
// BPF_PROG_RUN: enough that the syscall's own cost vanishes from the
// per-run duration the kernel reports.
const progRunRepeat = 100000

// udp64 is the packet-rate scenario's frame: 60 bytes of Ethernet, IPv4
// and UDP (64 on the wire with the FCS).
func udp64(t testing.TB) []byte {
	t.Helper()
	src, _ := net.ParseMAC("02:00:00:00:00:01")
	dst, _ := net.ParseMAC("02:00:00:00:00:02")
	e := &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeIPv4}
	ip := ipv4(layers.IPProtocolUDP)
	ip.SrcIP, ip.DstIP = net.IPv4(10, 0, 0, 1).To4(), net.IPv4(10, 0, 0, 2).To4()
	u := &layers.UDP{SrcPort: 1024, DstPort: 0x1000}
	f := build(t, e, ip, u, gopacket.Payload(make([]byte, 18)))
	if len(f) != 60 {
		t.Fatalf("frame is %d bytes, want 60", len(f))
	}
	return f
}

// progRunNs runs p on frame progRunRepeat times in the kernel and returns
// the kernel's duration of one run, the best of rounds attempts (the
// machine is shared: the minimum is the program's cost, the rest is
// interference). The runs stay on CPU 0: a flow's counters belong to the
// first CPU that counts it (flow_count), and the others' atomic adds cost
// more, so a thread the scheduler moves would measure either.
func progRunNs(b *testing.B, p *ebpf.Program, frame []byte, want uint32) float64 {
	b.Helper()
	defer pinCPU(b, 0)()
	best := time.Duration(1 << 62)
	for range b.N {
		ret, d, err := p.Benchmark(frame, progRunRepeat, nil)
		if err != nil {
			b.Fatal(err)
		}
		if ret != want {
			b.Fatalf("verdict %d, want %d", ret, want)
		}
		best = min(best, d)
	}
	return float64(best.Nanoseconds())
}

// BenchmarkXDPCachedFlow measures the XDP program's cost per packet with
// BPF_PROG_RUN: a 64-byte UDP frame whose flow is cached with one output
// to an XDP-capable port, the packet-rate scenario of tests/bench in one
// program run (and the TC program's on the same flow). Next to it, the same for the bare redirects the bench
// compares against (bpf_redirect_map on a devmap, as tests/bench's
// xb_xdp_redirect, and plain bpf_redirect). The metric is the kernel's
// duration of one run (ns/pkt), the best of b.N batches of
// progRunRepeat runs.
func BenchmarkXDPCachedFlow(b *testing.B) {
	d, xdp, frame, key := oneFlow(b, xdpHook)
	if obj := os.Getenv("XVS_BENCH_XDP_OBJ"); obj != "" {
		xdp = loadXDPVariant(b, d, obj)
	}
	b.Run("xvs", func(b *testing.B) {
		b.ReportMetric(progRunNs(b, xdp, frame, 4), "ns/pkt")
	})
	// The same on IPv6 (a 66-byte frame): the parser's other fast path.
	ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP,
		SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
	src, _ := net.ParseMAC("02:00:00:00:00:01")
	dst, _ := net.ParseMAC("02:00:00:00:00:02")
	frame6 := build(b, &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeIPv6},
		ip6, &layers.UDP{SrcPort: 1024, DstPort: 0x1000}, gopacket.Payload(make([]byte, 4)))
	if err := d.Put(packet.Extract(frame6, inPort), []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
		b.Fatal(err)
	}
	b.Run("xvs-ipv6", func(b *testing.B) {
		b.ReportMetric(progRunNs(b, xdp, frame6, 4), "ns/pkt")
	})
	b.Run("xvs-tc", func(b *testing.B) {
		// The TC program on the same flow (an skb test run: the
		// harness's own cost per run is larger than XDP's).
		b.ReportMetric(progRunNs(b, d.objs.tc.XvsTcIngress, frame, 7), "ns/pkt")
	})
	b.Run("bare-redirect-map", func(b *testing.B) {
		p := bareRedirectMap(b)
		b.ReportMetric(progRunNs(b, p, frame, 4), "ns/pkt")
	})
	b.Run("bare-redirect", func(b *testing.B) {
		p := bareRedirect(b)
		b.ReportMetric(progRunNs(b, p, frame, 4), "ns/pkt")
	})
	// The same flow made port-wide: no key, no lookup.
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, datapath.PutModify|datapath.PutPortWide); err != nil {
		b.Fatal(err)
	}
	b.Run("xvs-port-wide", func(b *testing.B) {
		b.ReportMetric(progRunNs(b, xdp, frame, 4), "ns/pkt")
	})
	b.Run("xvs-port-wide-tc", func(b *testing.B) {
		b.ReportMetric(progRunNs(b, d.objs.tc.XvsTcIngress, frame, 7), "ns/pkt")
	})
	st, err := d.Stats()
	if err != nil {
		b.Fatal(err)
	}
	if st.Hit == 0 || st.Missed != 0 {
		b.Fatalf("stats %+v: want hits only", st)
	}
}

// loadXDPVariant loads xvs_xdp_ingress from another build of xdp_port.c
// (XVS_BENCH_XDP_OBJ: an ablation, compiled with a piece disabled) on
// this datapath's maps.
func loadXDPVariant(b *testing.B, d *Datapath, path string) *ebpf.Program {
	b.Helper()
	spec, err := ebpf.LoadCollectionSpec(path)
	if err != nil {
		b.Fatal(err)
	}
	repl := map[string]*ebpf.Map{}
	for name := range spec.Maps {
		if m, ok := d.objs.sharedMaps()[name]; ok {
			spec.Maps[name].MaxEntries = m.MaxEntries()
			repl[name] = m
		}
	}
	for name := range spec.Maps {
		if _, ok := repl[name]; !ok && name != ".rodata" && name != ".bss" && name != ".data" {
			b.Fatalf("%s: map %s is not the datapath's", path, name)
		}
	}
	coll, err := ebpf.NewCollectionWithOptions(spec, ebpf.CollectionOptions{MapReplacements: repl})
	if err != nil {
		b.Fatal(verifierError(err))
	}
	b.Cleanup(func() { coll.Close() })
	p := coll.Programs["xvs_xdp_ingress"]
	if p == nil {
		b.Fatalf("%s: no xvs_xdp_ingress", path)
	}
	return p
}

// bareRedirectMap is tests/bench's xb_xdp_redirect: one bpf_redirect_map
// on a devmap keyed by the ingress ifindex (the loopback device here).
func bareRedirectMap(b *testing.B) *ebpf.Program {
	b.Helper()
	testenv.RequireRoot(b)
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.DevMapHash, KeySize: 4, ValueSize: 4, MaxEntries: 64})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	if err := m.Put(uint32(loIndex), uint32(loIndex)); err != nil {
		b.Fatal(err)
	}
	p, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:    ebpf.XDP,
		License: "GPL",
		Instructions: asm.Instructions{
			// r2 = ctx->ingress_ifindex (struct xdp_md offset 12)
			asm.LoadMem(asm.R2, asm.R1, 12, asm.Word),
			asm.LoadMapPtr(asm.R1, m.FD()),
			asm.Mov.Imm(asm.R3, 1), // XDP_DROP if absent
			asm.FnRedirectMap.Call(),
			asm.Return(),
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

// bareRedirect is bpf_redirect(ifindex, 0), what xvs's XDP output used.
func bareRedirect(b *testing.B) *ebpf.Program {
	b.Helper()
	testenv.RequireRoot(b)
	p, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:    ebpf.XDP,
		License: "GPL",
		Instructions: asm.Instructions{
			asm.Mov.Imm(asm.R1, loIndex),
			asm.Mov.Imm(asm.R2, 0),
			asm.FnRedirect.Call(),
			asm.Return(),
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}
