package bench

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {99, 10}, {10, 1}, {100, 10}, {11, 2}} {
		if got := percentile(xs, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if !math.IsNaN(percentile(nil, 50)) || !math.IsNaN(percentile(xs, 0)) {
		t.Error("percentile of nothing, or p=0, must be NaN")
	}
	if xs[0] != 5 {
		t.Error("percentile sorted its input")
	}
}

func TestPingRTTs(t *testing.T) {
	out := `PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.045 ms
64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=1.50 ms
64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time<0.001 ms

--- 10.0.0.2 ping statistics ---
rtt min/avg/max/mdev = 0.045/0.1/1.5/0.01 ms`
	got := pingRTTs(out)
	want := []float64{0.045, 1.5, 0.001}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("rtt %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestParseIperf(t *testing.T) {
	good := `{"start":{},"intervals":[],"end":{"sum_sent":{"bits_per_second":9.1e9,"retransmits":3},"sum_received":{"bits_per_second":9.0e9}}}`
	bps, re, err := parseIperf([]byte(good))
	if err != nil || bps != 9.0e9 || re != 3 {
		t.Errorf("parseIperf = %v, %v, %v", bps, re, err)
	}
	for name, in := range map[string]string{
		"error":    `{"start":{},"intervals":[],"end":{},"error":"unable to connect to server: Connection timed out"}`,
		"empty":    `{"end":{}}`,
		"not json": `iperf3: error`,
	} {
		if _, _, err := parseIperf([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "error" && !strings.Contains(err.Error(), "Connection timed out") {
			t.Errorf("%s: error %v does not carry iperf3's", name, err)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{math.NaN(), "n/a"}, {0, "0"}, {1234567, "1,234,567"}, {123.4, "123"}, {12.34, "12.3"}, {1.234, "1.23"}, {0.01234, "0.012"}, {-2500, "-2,500"}} {
		if got := format(c.v); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestUDPFrame(t *testing.T) {
	f, err := udpFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 60 || f[12] != 0x08 || f[23] != 17 {
		t.Fatalf("frame % x", f)
	}
	// A header with its checksum in sums to 0xffff: its checksum is 0.
	if c := ipChecksum(f[14:34]); c != 0 {
		t.Errorf("IPv4 header checksum does not verify: %#x", c)
	}
	if _, err := udpFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "2001:db8::1", "10.0.0.2"); err == nil {
		t.Error("an IPv6 source was accepted")
	}
}

func TestTableAndTargets(t *testing.T) {
	r := NewResults([]string{"xvs", "xvs-xdp", "linux-bridge", "bare-xdp", "ovs-netdev"})
	set := func(sw, key string, v float64) { r.Values[sw][key] = val(v, "") }
	set("xvs", KeyRate1, 1.0)
	set("xvs-xdp", KeyRate1, 1.9)
	r.Values["xvs-xdp"][KeyTCP1] = none(xdpSkipTCP)
	set("bare-xdp", KeyRate1, 2.0)
	set("linux-bridge", KeyRate1, 0.5)
	set("ovs-netdev", KeyRate1, 0.1)
	set("xvs", KeyTCP1, 10)
	set("linux-bridge", KeyTCP1, 9)
	set("xvs", KeySetup, 120000)
	set("xvs", KeySetupLoss, 0)
	set("xvs", KeyFlowMods, 1)
	set("ovs-netdev", KeyFlowMods, 5)
	set("xvs", KeyDump, 1)
	set("ovs-netdev", KeyDump, 0.9)
	set("xvs", KeyRSS, 30)
	set("ovs-netdev", KeyRSS, 20)
	r.Values["bare-xdp"][KeyTCP1] = none("iperf3: unable to connect")
	var b bytes.Buffer
	r.WriteTable(&b)
	out := b.String()
	for _, want := range []string{
		"| scenario | xvs | xvs-xdp | linux-bridge | bare-xdp | ovs-netdev |",
		"| packet rate, 64 B UDP, 1 flow (Mpps) | 1.00 | 1.90 | 0.500 | 2.00 | 0.100 |",
		"| TCP, iperf3 1 stream (Gbit/s) | 10.0 | n/a [1] | 9.00 | n/a [2] | — |",
		"[1] xvs-xdp, tcp-1: not measured: TCP with default offloads",
		"[2] bare-xdp, tcp-1: iperf3: unable to connect",
		"packet rate 1 flow >= 0.9x bare XDP (xvs-xdp column): met (xvs-xdp/bare-xdp 0.95x)",
		"packet rate 1 flow above linux-bridge: met (xvs/linux-bridge 2.00x)",
		"TCP 1 stream >= 1.0x Linux bridge: met",
		"flow setup >= 100,000 flows/s with nothing lost: met",
		"control plane add-flows >= 2x faster than OVS: met (OVS/xvs 5.00x)",
		"control plane dump-flows no slower than OVS: MISSED (OVS/xvs 0.90x)",
		"memory <= OVS: MISSED (xvs/OVS 1.50x)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ping RTT") {
		t.Error("a row nobody measured was printed")
	}
	if strings.Contains(out, "xvs/bare-xdp") {
		t.Error("the bare XDP target was judged on the TC column")
	}
	// Without the xvs-xdp column the target is not judged on xvs's TC hook.
	delete(r.Values, "xvs-xdp")
	r.Switches = slices.DeleteFunc(r.Switches, func(s string) bool { return s == "xvs-xdp" })
	if tg := strings.Join(r.Targets(), "\n"); !strings.Contains(tg, "0.9x bare XDP: not checked (the xvs-xdp column was not in this run)") {
		t.Errorf("targets without xvs-xdp:\n%s", tg)
	}
}

// TestXDPColumnSkips: the xvs-xdp column leaves out TCP and the control
// plane with their reasons; the xvs column leaves out nothing.
func TestXDPColumnSkips(t *testing.T) {
	x, xd := &xvsSwitch{}, &xvsSwitch{attach: "xdp"}
	if x.Name() != "xvs" || xd.Name() != "xvs-xdp" {
		t.Fatalf("names %q %q", x.Name(), xd.Name())
	}
	for _, k := range []string{KeyRate1, KeyRate1k, KeyRateMany, KeySetup, KeyPing50, KeyTCP1, KeyRR, KeyFlowMods} {
		if why := x.Skip(k); why != "" {
			t.Errorf("xvs skips %s: %s", k, why)
		}
	}
	for _, k := range []string{KeyRate1, KeyRate1k, KeyRateMany, KeySetup, KeyPing50} {
		if why := xd.Skip(k); why != "" {
			t.Errorf("xvs-xdp skips %s: %s", k, why)
		}
	}
	for _, k := range []string{KeyTCP1, KeyTCP4, KeyRR, KeyFlowMods, KeyDump, KeyRSS} {
		if xd.Skip(k) == "" {
			t.Errorf("xvs-xdp measures %s", k)
		}
	}
	e := &env{sw: xd}
	out := map[string]Value{}
	if !e.skip(out, KeyTCP1) || !math.IsNaN(out[KeyTCP1].V) || !strings.Contains(out[KeyTCP1].Why, "offloads") {
		t.Errorf("env.skip(tcp-1) = %+v", out)
	}
	if (&env{sw: x}).skip(out, KeyTCP1) {
		t.Error("the xvs column skipped TCP")
	}
	if !strings.Contains(xd.Remark(), "expected") || x.Remark() != "" {
		t.Errorf("remarks %q / %q", x.Remark(), xd.Remark())
	}
}

func TestParseWriteFlows(t *testing.T) {
	var b bytes.Buffer
	writeFlows(&b, 70000)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 70000 {
		t.Fatalf("%d flows", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		// priority and actions aside, the match must be unique
		m := l[strings.Index(l, ",")+1 : strings.Index(l, ",actions")]
		if seen[m] {
			t.Fatalf("duplicate match %q", m)
		}
		seen[m] = true
	}
}

func TestSetupFlows(t *testing.T) {
	fs := setupFlows(120000)
	if len(fs) != 2 || !strings.Contains(fs[0], "tp_dst=4112") || !strings.Contains(fs[1], "tp_dst=4113") {
		t.Errorf("setupFlows(120000) = %q", fs)
	}
	// The pacer's frames for the last flow use the last rule's port.
	f := make([]byte, 60)
	setPorts(f, setupStart+120000-1)
	if got := int(f[36])<<8 | int(f[37]); got != 4113 {
		t.Errorf("last setup flow's port %d", got)
	}
}

func TestParseLost(t *testing.T) {
	out := "xvs@br0:\n  lookups: hit:5 missed:2 lost:7\n  flows: 2\nxvs@br1:\n  lookups: hit:0 missed:0 lost:3\n"
	if n, err := parseLost(out); err != nil || n != 10 {
		t.Errorf("parseLost = %d, %v; want 10", n, err)
	}
	if _, err := parseLost("no datapath"); err == nil {
		t.Error("no counter, no error")
	}
}

func TestPMDMask(t *testing.T) {
	for _, c := range []struct {
		ncpu, skip int
		want       string
	}{
		{2, 1, "0x1"},
		{1, 0, ""},
		{4, 3, "0x1"},
		{8, 0, "0x2"},
		{72, 0, "0x2"},
	} {
		if got := pmdMask(c.ncpu, c.skip); got != c.want {
			t.Errorf("pmdMask(%d, %d) = %q, want %q", c.ncpu, c.skip, got, c.want)
		}
	}
}
