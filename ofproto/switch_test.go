package ofproto

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// fakeClock is a settable clock for timeouts and aging.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// rig is a Switch over a dummy datapath with ports p1..pN (OpenFlow 1..N).
type rig struct {
	t   *testing.T
	sw  *Switch
	dp  *dummy.Datapath
	clk *fakeClock
}

func newRig(t *testing.T, nports int, mode FailMode) *rig {
	t.Helper()
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	dp := dummy.New(dummy.Config{Now: clk.now})
	sw, err := New(Config{Name: "br0", Datapath: dp, FailMode: mode, Now: clk.now, RevalidateInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close(); dp.Close() })
	r := &rig{t: t, sw: sw, dp: dp, clk: clk}
	for i := 1; i <= nports; i++ {
		if _, err := sw.AddPort(PortSpec{Name: "p" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// restart closes the switch and starts another, in secure mode, on the
// same datapath with ports p1..pN (a vswitchd restart): it adopts the
// ports by name and, when it revalidates, the cache.
func (r *rig) restart(nports int) {
	r.t.Helper()
	r.sw.Close()
	sw, err := New(Config{Name: "br0", Datapath: r.dp, FailMode: FailSecure, Now: r.clk.now, RevalidateInterval: -1})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { sw.Close() })
	for i := 1; i <= nports; i++ {
		if _, err := sw.AddPort(PortSpec{Name: "p" + string(rune('0'+i))}); err != nil {
			r.t.Fatal(err)
		}
	}
	r.sw = sw
}

// drain handles every queued upcall (the dummy datapath queues them
// synchronously, so after Inject returns they are all there), what is
// queued at once as one batch, as a ServeUpcalls handler would, until
// executing them queues no more (packets to the controller).
func (r *rig) drain() {
	r.t.Helper()
	for {
		var us []datapath.Upcall
		for open := true; open; {
			select {
			case u, ok := <-r.dp.Upcalls():
				if !ok {
					open = false
					break
				}
				us = append(us, u)
			default:
				open = false
			}
		}
		if len(us) == 0 {
			return
		}
		if err := r.sw.HandleUpcalls(us); err != nil {
			r.t.Fatalf("upcall: %v", err)
		}
	}
}

// send injects a frame on OpenFlow port in and handles the upcalls.
func (r *rig) send(in uint32, frame []byte) {
	r.t.Helper()
	p := r.sw.ports[in]
	if err := r.dp.Inject(p.dpPort, frame); err != nil {
		r.t.Fatal(err)
	}
	r.drain()
}

// recv returns the frames transmitted on OpenFlow port out so far.
func (r *rig) recv(out uint32) [][]byte {
	r.t.Helper()
	p := r.sw.ports[out]
	var fs [][]byte
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		f, err := r.dp.Receive(ctx, p.dpPort)
		cancel()
		if err != nil {
			return fs
		}
		fs = append(fs, f)
	}
}

func TestStandaloneNoControllerFloods(t *testing.T) {
	r := newRig(t, 3, FailStandalone)
	f := dptest.UDP4(t, 1, 2)
	r.send(1, f)
	if got2, got3, got1 := len(r.recv(2)), len(r.recv(3)), len(r.recv(1)); got2 != 1 || got3 != 1 || got1 != 0 {
		t.Fatalf("flood: p2 %d p3 %d p1 %d frames, want 1 1 0", got2, got3, got1)
	}
	// Second packet: from the cache, same result.
	r.send(1, f)
	if got2 := len(r.recv(2)); got2 != 1 {
		t.Fatalf("cached: p2 got %d", got2)
	}
	if cs := r.sw.CacheStats(); cs.Flows != 1 || cs.Installs != 1 {
		t.Fatalf("cache stats %+v", cs)
	}
}

// recorder is a Listener that keeps what it gets.
type recorder struct {
	mu      sync.Mutex
	pins    []*PacketInEvent
	removed []*ofp.FlowRemoved
	status  []*ofp.PortStatus
}

func (r *recorder) PacketIn(ev *PacketInEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pins = append(r.pins, ev)
}

func (r *recorder) FlowRemoved(fr *ofp.FlowRemoved) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removed = append(r.removed, fr)
}

func (r *recorder) PortStatus(ps *ofp.PortStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = append(r.status, ps)
}

func (r *recorder) take() (pins []*PacketInEvent, removed []*ofp.FlowRemoved) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pins, removed = r.pins, r.removed
	r.pins, r.removed = nil, nil
	return pins, removed
}

func (r *rig) listen() *recorder {
	rec := &recorder{}
	r.sw.AddListener(rec)
	return rec
}

// mod sends a flow-mod written as ovs-ofctl flow text.
func (r *rig) mod(cmd uint8, text string) error {
	r.t.Helper()
	fs, err := ofp.ParseFlow(text, cmd)
	if err != nil {
		r.t.Fatalf("parse %q: %v", text, err)
	}
	return r.sw.FlowMod(&fs.FlowMod)
}

// add adds flows, failing the test on error.
func (r *rig) add(texts ...string) {
	r.t.Helper()
	for _, text := range texts {
		if err := r.mod(ofp.FlowAdd, text); err != nil {
			r.t.Fatalf("add %q: %v", text, err)
		}
	}
}

// counts returns how many frames each of ports 1..n received.
func (r *rig) counts(n int) []int {
	r.t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i] = len(r.recv(uint32(i + 1)))
	}
	return out
}

// udp builds an Ethernet/IPv4/UDP frame.
func udp(t testing.TB, src, dst net.HardwareAddr, ipSrc, ipDst net.IP, sport, dport uint16) []byte {
	return dptest.Build(t, &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ipSrc.To4(), DstIP: ipDst.To4()},
		&layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, dptest.Payload(16))
}

func mac(b byte) net.HardwareAddr { return net.HardwareAddr{2, 0, 0, 0, 0, b} }
func ip4(b byte) net.IP           { return net.IPv4(10, 0, 0, b).To4() }

// flowStats returns the flow stats reply for text's selection.
func (r *rig) flowStats(text string) []ofp.FlowStats {
	r.t.Helper()
	fs, err := ofp.ParseFlow(text, ofp.FlowDelete)
	if err != nil {
		r.t.Fatal(err)
	}
	rep, err := r.sw.Multipart(fs.FlowStatsRequest())
	if err != nil {
		r.t.Fatal(err)
	}
	return rep.(*ofp.FlowStatsReply).Entries
}

func vlanAccess(tag uint16) normal.VLANConfig {
	return normal.VLANConfig{Mode: normal.ModeAccess, Tag: tag}
}

// extractKey is the datapath key of frame arriving on OpenFlow port in;
// s.mu is held.
func extractKey(s *Switch, in uint32, frame []byte) datapath.FlowKey {
	return packet.Extract(frame, s.ports[in].dpPort)
}
