package ebpf

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// topo is N namespaces, each with one veth whose host end is a port of a
// datapath. Port i+1 is host end i; namespace i has 10.77.x.(i+1)/24 on
// eth0 and static neighbour entries for the others (so cached flows keep
// forwarding without ARP while no process handles upcalls).
type topo struct {
	d      *Datapath
	pinDir string
	ns     []*netns.NS
	hosts  []string
	ips    []string
	macs   []string
	ctrl   *patchCtrl
}

func newTopo(t testing.TB, n int) *topo {
	t.Helper()
	return newTopoMode(t, n, datapath.AttachDefault)
}

func newTopoMode(t testing.TB, n int, mode datapath.AttachMode) *topo {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	tp := &topo{pinDir: testPinDir(t)}
	tag := netns.Unique("")
	subnet := int(tag[0])%200 + 20
	for i := range n {
		name := fmt.Sprintf("xbp%s%c", tag, 'a'+i)
		ns := netns.New(t, name)
		mac := fmt.Sprintf("02:77:%s:%s:%s:%02x", tag[0:2], tag[2:4], tag[4:6], i+1)
		ip := fmt.Sprintf("10.77.%d.%d", subnet, i+1)
		ns.Veth(t, name, "eth0", mac, ip+"/24")
		tp.ns = append(tp.ns, ns)
		tp.hosts = append(tp.hosts, name)
		tp.ips = append(tp.ips, ip)
		tp.macs = append(tp.macs, mac)
	}
	for i, ns := range tp.ns {
		for j := range tp.ns {
			if i != j {
				ns.Run(t, "ip", "neigh", "replace", tp.ips[j], "lladdr", tp.macs[j], "dev", "eth0", "nud", "permanent")
			}
		}
	}
	tp.open(t)
	for i, h := range tp.hosts {
		p, err := tp.d.AddPort(datapath.PortConfig{Number: uint32(i + 1), Name: h, Type: datapath.PortSystem, Attach: mode})
		if err != nil {
			t.Fatalf("add port %s: %v", h, err)
		}
		want := mode
		if want == datapath.AttachDefault {
			want = datapath.AttachTC
		}
		if p.Attach != want {
			t.Errorf("veth port %s attached with %v, want %v", h, p.Attach, want)
		}
	}
	t.Cleanup(func() {
		// Detach and unpin whatever the test left: Destroy on a fresh
		// handle works even if the test closed its own.
		if d, err := New(Config{Name: "xbp", PinDir: tp.pinDir}); err == nil {
			d.Destroy()
		}
	})
	return tp
}

// open (re)opens the datapath on the topology's pin directory and starts a
// patch controller on its upcalls.
func (tp *topo) open(t testing.TB) {
	t.Helper()
	d, err := New(Config{Name: "xbp", PinDir: tp.pinDir, MaxFlows: 4096})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tp.d = d
	tp.ctrl = startPatch(t, d, len(tp.hosts))
}

// close stops the controller and closes the Go side; pinned state stays.
func (tp *topo) close(t *testing.T) {
	t.Helper()
	if err := tp.d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	tp.ctrl.wait()
}

// patchCtrl is a minimal userspace for tests: on a miss it forwards by
// destination MAC (broadcast floods to every other port), installs the
// entry and executes the packet, as vswitchd's upcall handler does.
type patchCtrl struct {
	done   chan struct{}
	mu     sync.Mutex
	misses int
	keys   []datapath.FlowKey
	errs   []error
}

func startPatch(t testing.TB, d *Datapath, nports int) *patchCtrl {
	c := &patchCtrl{done: make(chan struct{})}
	macPort := map[[6]byte]uint32{}
	go func() {
		defer close(c.done)
		for u := range d.Upcalls() {
			if u.Reason != datapath.ReasonMiss {
				continue
			}
			k := u.Key
			macPort[k.EthSrc] = u.InPort
			var acts []datapath.Action
			if p, ok := macPort[k.EthDst]; ok {
				acts = []datapath.Action{datapath.Output{Port: p}}
			} else {
				for p := uint32(1); p <= uint32(nports); p++ {
					if p != u.InPort {
						acts = append(acts, datapath.Output{Port: p})
					}
				}
			}
			c.mu.Lock()
			c.misses++
			c.keys = append(c.keys, k)
			// ErrClosed: the test closed the datapath while a late
			// upcall (an IPv6 router solicitation) was on its way.
			if err := d.Put(k, acts, 0); err != nil && err != datapath.ErrFlowExists && !errors.Is(err, datapath.ErrClosed) {
				c.errs = append(c.errs, fmt.Errorf("put: %w", err))
			}
			if err := d.Execute(u.Frame, u.InPort, acts); err != nil && !errors.Is(err, datapath.ErrClosed) {
				c.errs = append(c.errs, fmt.Errorf("execute: %w", err))
			}
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, err := range c.errs {
			t.Errorf("controller: %v", err)
		}
	})
	return c
}

func (c *patchCtrl) wait() { <-c.done }

// missesOfKey counts the misses of key k.
func (c *patchCtrl) missesOfKey(k datapath.FlowKey) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.keys {
		if m == k {
			n++
		}
	}
	return n
}

// missesOf counts the misses whose key has the fields f.
func (c *patchCtrl) missesOf(f datapath.KeyFields) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.keys {
		if k.Fields.Has(f) {
			n++
		}
	}
	return n
}

func (c *patchCtrl) missCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.misses
}

// listen opens a raw socket on each VM's eth0, closed at cleanup.
func (tp *topo) listen(t *testing.T) []*netns.Sock {
	t.Helper()
	socks := make([]*netns.Sock, len(tp.ns))
	for i, ns := range tp.ns {
		s, err := ns.Listen("eth0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		socks[i] = s
	}
	return socks
}

func (tp *topo) ping(t *testing.T, from, to int) {
	t.Helper()
	out, err := tp.ns[from].Try(10*time.Second, "ping", "-c", "3", "-i", "0.2", "-W", "2", tp.ips[to])
	if err != nil {
		t.Fatalf("ping %s -> %s: %v\n%s", tp.ips[from], tp.ips[to], err, out)
	}
}

// TestSystemPingTCP: two namespaces ping and exchange TCP (iperf3, default
// offloads left on) through the cache filled by upcalls; counters follow.
func TestSystemPingTCP(t *testing.T) {
	testenv.RequireCommand(t, "iperf3")
	tp := newTopo(t, 2)
	tp.ping(t, 0, 1)
	if tp.ctrl.missCount() == 0 {
		t.Error("no misses were handled: the ping cannot have gone through the datapath")
	}
	var icmp int
	tp.d.Dump(0, func(fs []datapath.Flow) error {
		for _, f := range fs {
			if f.Key.Fields.Has(datapath.FieldICMP) && f.Stats.Packets > 0 {
				icmp++
			}
		}
		return nil
	})
	if icmp < 2 {
		t.Errorf("%d ICMP entries with traffic, want echo request and reply", icmp)
	}
	before, _ := tp.d.Ports()

	if os.Getenv("XBP_DEBUG") != "" {
		tp.ns[0].Start(t, "sh", "-c", "tcpdump -nn -i eth0 -c 40 > /tmp/xbp_tcpdump_a.txt 2>&1")
		tp.ns[1].Start(t, "sh", "-c", "tcpdump -nn -i eth0 -c 40 > /tmp/xbp_tcpdump_b.txt 2>&1")
		time.Sleep(time.Second)
	}
	tp.ns[1].Start(t, "iperf3", "-s", "-1", "-B", tp.ips[1])
	// Wait until the server listens (iperf3 has no readiness signal).
	for i := 0; ; i++ {
		if out, _ := tp.ns[1].Try(2*time.Second, "ss", "-Hltn", "sport = :5201"); strings.Contains(out, "5201") {
			break
		}
		if i == 100 {
			t.Fatal("iperf3 server did not listen")
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := tp.ns[0].Try(20*time.Second, "iperf3", "-c", tp.ips[1], "-t", "2", "-J")
	if err != nil {
		t.Fatalf("iperf3: %v\n%s", err, out)
	}
	var res struct {
		End struct {
			SumReceived struct {
				Bytes         float64 `json:"bytes"`
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("iperf3 json: %v", err)
	}
	gbps := res.End.SumReceived.BitsPerSecond / 1e9
	t.Logf("iperf3 through the TC fast path: %.2f Gbit/s", gbps)
	if res.End.SumReceived.Bytes == 0 || os.Getenv("XBP_DEBUG") != "" {
		now := time.Now()
		tp.d.Dump(0, func(fs []datapath.Flow) error {
			for _, f := range fs {
				t.Log(datapath.FormatFlow(f, now))
			}
			return nil
		})
		ps, _ := tp.d.Ports()
		t.Logf("ports %+v", ps)
		st, _ := tp.d.Stats()
		t.Logf("stats %+v", st)
		for i, h := range tp.hosts {
			t.Log(netns.Run(t, "ip", "-s", "link", "show", h))
			t.Log(tp.ns[i].Run(t, "ip", "-s", "link", "show", "eth0"))
		}
		t.Fatalf("iperf3 moved no data:\n%s", out)
	}
	after, _ := tp.d.Ports()
	if after[0].Stats.RxBytes-before[0].Stats.RxBytes < uint64(res.End.SumReceived.Bytes) {
		t.Errorf("port 1 rx bytes grew by %d, less than the %v bytes iperf3 sent", after[0].Stats.RxBytes-before[0].Stats.RxBytes, res.End.SumReceived.Bytes)
	}
	if after[1].Stats.TxPackets <= before[1].Stats.TxPackets {
		t.Error("port 2 tx packets did not grow")
	}
	st, _ := tp.d.Stats()
	if st.Hit == 0 || st.Flows == 0 {
		t.Errorf("datapath stats %+v: want hits and flows", st)
	}
}

// TestSystemPinnedRestart: cached flows keep forwarding while the Go side
// is closed, and a new process finds ports and flows in the pinned maps.
func TestSystemPinnedRestart(t *testing.T) {
	tp := newTopo(t, 2)
	tp.ping(t, 0, 1)
	st, _ := tp.d.Stats()
	tp.close(t)

	// Nobody handles upcalls now: only the cache can carry the ping.
	tp.ping(t, 0, 1)

	tp.open(t)
	ports, err := tp.d.Ports()
	if err != nil || len(ports) != 2 || ports[0].Name != tp.hosts[0] || ports[1].Name != tp.hosts[1] {
		t.Fatalf("reopened ports %+v, err %v", ports, err)
	}
	st2, _ := tp.d.Stats()
	if st2.Flows != st.Flows || st2.Hit <= st.Hit {
		t.Errorf("after restart stats %+v, before %+v: want the same flows and more hits", st2, st)
	}
	tp.ping(t, 0, 1)
	if n := tp.ctrl.missesOf(datapath.FieldICMP); n != 0 {
		t.Errorf("%d ICMP misses after the restart: cached flows should have carried the ping", n)
	}
}

// TestSystemFloodAndExecute: Execute with several outputs reaches every
// other port and not the ingress one; a cached flood entry does the same in
// the fast path; a miss comes up with the exact bytes sent.
func TestSystemFloodAndExecute(t *testing.T) {
	tp := newTopo(t, 3)
	socks := tp.listen(t)
	frame := testFrames(t)["ipv4-udp"]
	frame = append([]byte(nil), frame...)
	copy(frame[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	match := func(b []byte) bool { return bytes.Equal(b, frame) }

	flood := []datapath.Action{datapath.Output{Port: 2}, datapath.Output{Port: 3}}
	if err := tp.d.Execute(frame, 1, flood); err != nil {
		t.Fatalf("execute: %v", err)
	}
	for i := 1; i < 3; i++ {
		if _, err := socks[i].Recv(3*time.Second, match); err != nil {
			t.Errorf("executed flood: port %d: %v", i+1, err)
		}
	}
	if _, err := socks[0].Recv(300*time.Millisecond, match); err == nil {
		t.Error("executed flood reached the ingress port")
	}

	// The same frame sent from namespace 0 misses: the controller floods it.
	key := datapathKey(t, frame, 1)
	if err := socks[0].Send(frame); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 3; i++ {
		if _, err := socks[i].Recv(3*time.Second, match); err != nil {
			t.Errorf("miss then flood: port %d: %v", i+1, err)
		}
	}
	if n := tp.ctrl.missesOfKey(key); n != 1 {
		t.Errorf("%d misses of the frame, want one", n)
	}
	// Now cached: the fast path floods it, no upcall.
	if err := socks[0].Send(frame); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 3; i++ {
		if _, err := socks[i].Recv(3*time.Second, match); err != nil {
			t.Errorf("cached flood: port %d: %v", i+1, err)
		}
	}
	if _, err := socks[0].Recv(300*time.Millisecond, match); err == nil {
		t.Error("cached flood reached the ingress port")
	}
	if tp.ctrl.missesOfKey(key) != 1 {
		t.Error("the cached flood went to userspace")
	}
	f, err := tp.d.Get(key)
	if err != nil || f.Stats.Packets != 1 {
		t.Errorf("flood entry %+v err %v: want 1 packet (the first went up)", f.Stats, err)
	}

	// An edit after the last output must not change what it sent.
	edited := append([]byte(nil), frame...)
	edited[13+1+8] = 7 // another TTL: another key
	binary.BigEndian.PutUint16(edited[14+10:], 0)
	binary.BigEndian.PutUint16(edited[14+10:], ^fold(sum16(edited[14:34])))
	k2 := datapathKey(t, edited, 1)
	if err := tp.d.Put(k2, []datapath.Action{datapath.Output{Port: 2}, datapath.SetEthDst{Addr: [6]byte{2, 9, 9, 9, 9, 9}}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := socks[0].Send(edited); err != nil {
		t.Fatal(err)
	}
	if _, err := socks[1].Recv(3*time.Second, func(b []byte) bool { return bytes.Equal(b, edited) }); err != nil {
		t.Errorf("output followed by an edit: the unedited frame did not arrive: %v", err)
	}
}

// TestSystemUpcallBytes: a miss carries the exact frame sent.
func TestSystemUpcallBytes(t *testing.T) {
	tp := newTopo(t, 2)
	tp.close(t) // take the upcalls ourselves
	d, err := New(Config{Name: "xbp", PinDir: tp.pinDir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := tp.ns[0].Listen("eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	frame := testFrames(t)["ipv6-ext-hop-dest-rt-udp"]
	if err := s.Send(frame); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		select {
		case u := <-d.Upcalls():
			if u.InPort != 1 || !bytes.Equal(u.Frame, frame) {
				continue // IPv6 router solicitations and the like
			}
			if u.Key != datapathKey(t, frame, 1) {
				t.Errorf("upcall key %v", u.Key)
			}
			return
		case <-ctx.Done():
			t.Fatal("the frame did not come up")
		}
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// TestSystemManagementHandle: Open (dpctl) sees the running datapath's
// ports and flows and leaves its upcalls alone.
func TestSystemManagementHandle(t *testing.T) {
	tp := newTopo(t, 2)
	tp.ping(t, 0, 1)
	m, err := Open(tp.pinDir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ports, err := m.Ports()
	if err != nil || len(ports) != 2 {
		t.Errorf("management handle ports %+v err %v", ports, err)
	}
	ms, _ := m.Stats()
	ds, _ := tp.d.Stats()
	if ms.Flows == 0 || ms.Flows != ds.Flows {
		t.Errorf("management handle sees %d flows, the datapath %d", ms.Flows, ds.Flows)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// New keys (the other direction) still reach the running process.
	before := tp.ctrl.missesOf(datapath.FieldICMP)
	tp.ping(t, 1, 0)
	if tp.ctrl.missesOf(datapath.FieldICMP) == before {
		t.Error("the reverse ping caused no ICMP miss in the running process")
	}
	if _, err := Open(testPinDir(t)); err == nil {
		t.Error("Open of an empty directory succeeded")
	}
}

// TestSystemXDPVeth: veth ports in XDP mode forward cached flows with XDP
// redirects, which reach the namespace only because the datapath turned on
// NAPI (GRO) on each peer inside its namespace.
func TestSystemXDPVeth(t *testing.T) {
	testenv.RequireCommand(t, "ethtool")
	tp := newTopoMode(t, 2, datapath.AttachXDP)
	for i := range tp.ns {
		out := tp.ns[i].Run(t, "ethtool", "-k", "eth0")
		if !strings.Contains(out, "generic-receive-offload: on") {
			t.Errorf("GRO is not on on the peer in %s", tp.ns[i].Name)
		}
	}
	tp.ping(t, 0, 1)
	// Cached now: the second ping runs in XDP (a miss would be counted).
	st, _ := tp.d.Stats()
	icmp := tp.ctrl.missesOf(datapath.FieldICMP)
	tp.ping(t, 0, 1)
	st2, _ := tp.d.Stats()
	if st2.Hit < st.Hit+6 || tp.ctrl.missesOf(datapath.FieldICMP) != icmp {
		t.Errorf("stats %+v -> %+v: want six more hits and no ICMP miss", st, st2)
	}
}
