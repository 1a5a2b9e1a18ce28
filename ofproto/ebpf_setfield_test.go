package ofproto

// Set-fields of ARP and ND fields on the eBPF datapath, as root: frames sent
// from one namespace come out of the other rewritten, first by the upcall's
// execution, then by the cached entry in the fast path.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/ebpf"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

func TestEBPFSetFieldARPAndND(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	tag := netns.Unique("")
	pin := filepath.Join("/sys/fs/bpf", "xf-"+tag)
	t.Cleanup(func() { os.RemoveAll(pin) })
	dp, err := ebpf.New(ebpf.Config{Name: "xf" + tag, PinDir: pin, MaxFlows: 1024})
	if err != nil {
		t.Fatalf("ebpf datapath: %v", err)
	}
	var ns []*netns.NS
	for i := range 2 {
		name := fmt.Sprintf("xf%s%c", tag, 'a'+i)
		n := netns.New(t, name)
		n.Veth(t, name, "eth0", fmt.Sprintf("02:66:%s:%s:%s:%02x", tag[0:2], tag[2:4], tag[4:6], i+1),
			fmt.Sprintf("10.102.%d.%d/24", int(tag[0])%200+20, i+1))
		ns = append(ns, n)
	}
	sw, err := New(Config{Name: "xf" + tag, Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sw.ServeUpcalls(ctx, 2); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		sw.Close()
		dp.Destroy()
		dp.Close()
	})
	for _, n := range ns {
		if _, err := sw.AddPort(PortSpec{Name: n.Name, Type: datapath.PortSystem}); err != nil {
			t.Fatalf("add port %s: %v", n.Name, err)
		}
	}
	r := &rig{t: t, sw: sw}
	r.add("arp,arp_tpa=192.0.2.2,actions=set_field:2->arp_op,set_field:192.0.2.7->arp_spa,set_field:192.0.2.8->arp_tpa,"+
		"set_field:02:07:07:07:07:07->arp_sha,set_field:02:08:08:08:08:08->arp_tha,output:2",
		"icmp6,icmp_type=135,icmp_code=0,nd_target=2001:db8::2,actions=set_field:2001:db8::7->nd_target,"+
			"set_field:02:07:07:07:07:07->nd_sll,output:2")

	tx, err := ns[0].Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	rx, err := ns[1].Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()

	mac7 := net.HardwareAddr{2, 7, 7, 7, 7, 7}
	arpIn := dptest.ARP(t, 1, dptest.MAC1, dptest.IP1, make(net.HardwareAddr, 6), net.IPv4(192, 0, 2, 2))
	arpWant := dptest.ARP(t, 2, mac7, net.IPv4(192, 0, 2, 7), net.HardwareAddr{2, 8, 8, 8, 8, 8}, net.IPv4(192, 0, 2, 8))
	ndIn := dptest.ND(t, 135, net.ParseIP("2001:db8::2"), 1, dptest.MAC1)
	ndWant := dptest.ND(t, 135, net.ParseIP("2001:db8::7"), 1, mac7)
	for _, c := range []struct {
		name     string
		in, want []byte
		is       func([]byte) bool
	}{
		{"arp", arpIn, arpWant, func(f []byte) bool { return len(f) >= 42 && f[12] == 0x08 && f[13] == 0x06 }},
		{"nd", ndIn, ndWant, func(f []byte) bool {
			return len(f) >= 78 && f[12] == 0x86 && f[13] == 0xdd && f[54] == 135 && net.IP(f[62:78]).Equal(net.ParseIP("2001:db8::7"))
		}},
	} {
		for i := range 3 { // the upcall's execution, then the cached entry
			if err := tx.Send(c.in); err != nil {
				t.Fatal(err)
			}
			got, err := rx.Recv(2*time.Second, c.is)
			if err != nil {
				t.Fatalf("%s packet %d: %v", c.name, i, err)
			}
			if !bytes.HasPrefix(got, c.want) { // a veth may pad
				t.Fatalf("%s packet %d\n got %x\nwant %x", c.name, i, got, c.want)
			}
			dptest.Decode(t, got) // checksums right
		}
	}
	st, err := dp.Stats()
	if err != nil {
		t.Fatal(err)
	}
	// The cached entries ran in the fast path: neither sent a packet up.
	if st.SlowPath != 0 || st.Hit < 4 {
		t.Fatalf("datapath stats %+v: want the repeats hit in the fast path, none slow", st)
	}
}
