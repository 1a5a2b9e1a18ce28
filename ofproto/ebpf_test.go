package ofproto

// The main scenarios on the eBPF datapath, as root: namespaces joined by
// veth pairs whose host ends are ports of one bridge.

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/ebpf"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
	"github.com/xvs-switch/xvs/tests/netns"
)

// ebpfRig is a bridge on the eBPF datapath with n namespaces.
type ebpfRig struct {
	*rig
	ns  []*netns.NS
	ips []string
}

func newEBPFRig(t *testing.T, n int, mode FailMode) *ebpfRig {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	testenv.RequireCommand(t, "ping")
	tag := netns.Unique("")
	pin := filepath.Join("/sys/fs/bpf", "xo-"+tag)
	t.Cleanup(func() { os.RemoveAll(pin) })
	dp, err := ebpf.New(ebpf.Config{Name: "xo" + tag, PinDir: pin, MaxFlows: 4096})
	if err != nil {
		t.Fatalf("ebpf datapath: %v", err)
	}
	er := &ebpfRig{}
	subnet := int(tag[0])%200 + 20
	var hosts []string
	var macs []string
	for i := range n {
		name := fmt.Sprintf("xo%s%c", tag, 'a'+i)
		ns := netns.New(t, name)
		mac := fmt.Sprintf("02:6f:%s:%s:%s:%02x", tag[0:2], tag[2:4], tag[4:6], i+1)
		ip := fmt.Sprintf("10.79.%d.%d", subnet, i+1)
		ns.Veth(t, name, "eth0", mac, ip+"/24")
		er.ns = append(er.ns, ns)
		er.ips = append(er.ips, ip)
		hosts = append(hosts, name)
		macs = append(macs, mac)
	}
	for i, ns := range er.ns {
		for j := range er.ns {
			if i != j {
				ns.Run(t, "ip", "neigh", "replace", er.ips[j], "lladdr", macs[j], "dev", "eth0", "nud", "permanent")
			}
		}
	}
	sw, err := New(Config{Name: "xo" + tag, Datapath: dp, FailMode: mode, RevalidateInterval: -1})
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
	for _, h := range hosts {
		if _, err := sw.AddPort(PortSpec{Name: h, Type: datapath.PortSystem}); err != nil {
			t.Fatalf("add port %s: %v", h, err)
		}
	}
	er.rig = &rig{t: t, sw: sw}
	return er
}

// ping reports whether namespace from reaches to.
func (e *ebpfRig) ping(from, to int) bool {
	_, err := e.ns[from].Try(5*time.Second, "ping", "-c", "2", "-i", "0.2", "-W", "1", e.ips[to])
	return err == nil
}

func TestEBPFFlowsAndRevalidation(t *testing.T) {
	e := newEBPFRig(t, 3, FailSecure)
	rec := e.listen()
	e.add(fmt.Sprintf("priority=10,ip,nw_dst=%s,actions=output:2", e.ips[1]),
		fmt.Sprintf("priority=10,ip,nw_dst=%s,actions=output:1", e.ips[0]))
	if !e.ping(0, 1) {
		t.Fatal("ping 1 -> 2 failed with flows for it")
	}
	if e.ping(0, 2) {
		t.Fatal("ping 1 -> 3 worked without a flow")
	}
	// Cached packets are counted: 2 requests each way at least.
	if fs := e.flowStats(fmt.Sprintf("ip,nw_dst=%s", e.ips[1])); len(fs) != 1 || fs[0].PacketCount < 2 {
		t.Fatalf("flow stats %+v", fs)
	}
	// A modify takes effect on cached entries before it returns.
	if err := e.mod(ofp.FlowModify, fmt.Sprintf("ip,nw_dst=%s,actions=drop", e.ips[1])); err != nil {
		t.Fatal(err)
	}
	if e.ping(0, 1) {
		t.Fatal("ping still works after the flow became drop: stale cache entry")
	}
	// Output to the controller from cached entries: packet-ins keep coming.
	if err := e.mod(ofp.FlowModify, fmt.Sprintf("ip,nw_dst=%s,actions=controller", e.ips[1])); err != nil {
		t.Fatal(err)
	}
	rec.take()
	e.ping(0, 1)
	if pins, _ := rec.take(); len(pins) < 2 {
		t.Fatalf("%d packet-ins for 2 pings through a cached controller output", len(pins))
	}
}

func TestEBPFStandaloneNormal(t *testing.T) {
	e := newEBPFRig(t, 3, FailStandalone)
	if !e.ping(0, 2) || !e.ping(1, 2) {
		t.Fatal("standalone NORMAL bridge does not forward")
	}
	if n := len(e.sw.MACs()); n != 3 {
		t.Fatalf("%d MACs learned, want 3", n)
	}
	// Secure with no flows: nothing, even for cached conversations.
	e.sw.SetFailMode(FailSecure)
	e.mod(ofp.FlowDelete, "")
	if e.ping(0, 2) {
		t.Fatal("secure bridge without flows forwarded")
	}
}

func TestEBPFGroupAndPacketOut(t *testing.T) {
	e := newEBPFRig(t, 3, FailSecure)
	gm, _ := ofp.ParseGroup("group_id=1,type=all,bucket=output:2,bucket=output:3", ofp.GroupAdd)
	if err := e.sw.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	e.add(fmt.Sprintf("priority=10,ip,nw_dst=%s,actions=group:1", e.ips[1]),
		fmt.Sprintf("priority=10,ip,nw_dst=%s,actions=output:1", e.ips[0]))
	sock, err := e.ns[2].Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	if !e.ping(0, 1) {
		t.Fatal("ping through an ALL group failed")
	}
	// Namespace 3 got its copies of the echo requests.
	isICMPTo := func(ip string) func([]byte) bool {
		want := net.ParseIP(ip).To4()
		return func(f []byte) bool {
			return len(f) >= 34 && f[12] == 0x08 && f[13] == 0 && f[23] == 1 && net.IP(f[30:34]).Equal(want)
		}
	}
	if _, err := sock.Recv(2*time.Second, isICMPTo(e.ips[1])); err != nil {
		t.Fatalf("bucket 2's copy: %v", err)
	}
	rep, err := e.sw.Multipart(&ofp.GroupStatsRequest{GroupID: 1})
	if err != nil {
		t.Fatal(err)
	}
	if gs := rep.(*ofp.GroupStatsReply).Entries; len(gs) != 1 || gs[0].PacketCount < 2 {
		t.Fatalf("group stats %+v", gs)
	}
	// A packet-out reaches the namespace.
	frame := dptest.Build(t, &layers.Ethernet{SrcMAC: dptest.MAC1, DstMAC: layers.EthernetBroadcast, EthernetType: 0x88b5}, dptest.Payload(46))
	if err := e.sw.PacketOut(&ofp.PacketOut{BufferID: ofp.NoBuffer, InPort: ofp.PortController, Data: frame,
		Actions: []ofp.Action{&ofp.ActionOutput{Port: 3}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sock.Recv(2*time.Second, func(f []byte) bool { return len(f) >= 14 && f[12] == 0x88 && f[13] == 0xb5 }); err != nil {
		t.Fatalf("packet-out: %v", err)
	}
}

// TestEBPFIdleTimeoutAndCounters: the eBPF datapath's counters and last-use
// times drive flow statistics and idle timeouts (real clock).
func TestEBPFIdleTimeoutAndCounters(t *testing.T) {
	e := newEBPFRig(t, 2, FailSecure)
	rec := e.listen()
	e.add(fmt.Sprintf("idle_timeout=2,send_flow_rem,cookie=0x7,priority=10,icmp,nw_dst=%s,actions=output:2", e.ips[1]),
		fmt.Sprintf("priority=10,icmp,nw_dst=%s,actions=output:1", e.ips[0]))
	if !e.ping(0, 1) {
		t.Fatal("ping failed")
	}
	// Keep it alive past its idle timeout with pings served from the cache.
	for range 3 {
		time.Sleep(time.Second)
		if !e.ping(0, 1) {
			t.Fatal("ping failed")
		}
		e.revalidate()
	}
	if _, removed := rec.take(); len(removed) != 0 {
		t.Fatalf("flow in use expired: %+v", removed)
	}
	fs := e.flowStats("icmp,nw_dst=" + e.ips[1])
	if len(fs) != 1 || fs[0].PacketCount < 8 {
		t.Fatalf("flow stats after 8 echo requests: %+v", fs)
	}
	time.Sleep(2500 * time.Millisecond)
	e.revalidate()
	_, removed := rec.take()
	if len(removed) != 1 || removed[0].Reason != ofp.FlowRemovedIdleTimeout || removed[0].Cookie != 7 || removed[0].PacketCount < 8 {
		t.Fatalf("idle expiry: %+v", removed)
	}
}
