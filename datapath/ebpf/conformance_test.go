package ebpf

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestConformance runs the shared datapath suite against the eBPF
// datapath. Each port is a veth whose host end is attached (TC by default)
// and whose other end sits in a namespace with IPv6 off and no address, so
// that nothing but the suite's frames crosses it; frames are injected and
// captured there with packet sockets.
func TestConformance(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	dptest.Run(t, dptest.Harness{New: newConformanceEnv})
}

func newConformanceEnv(t *testing.T, cfg dptest.Config) *dptest.Env {
	tag := netns.Unique("xbp")
	ns := netns.New(t, tag)
	ns.Run(t, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
	d, err := New(Config{Name: tag, PinDir: testPinDir(t), MaxFlows: uint32(cfg.MaxFlows), UpcallQueue: cfg.UpcallQueue})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { d.Destroy() })
	env := &dptest.Env{DP: d, Quiet: 100 * time.Millisecond}
	readers := map[uint32]*netns.Reader{}
	for i := range cfg.Ports {
		host, inner := fmt.Sprintf("%sp%d", tag, i), fmt.Sprintf("in%d", i)
		netns.Run(t, "ip", "link", "add", host, "type", "veth", "peer", "name", inner, "netns", ns.Name)
		t.Cleanup(func() { netns.Run(t, "ip", "link", "del", host) })
		netns.Run(t, "sysctl", "-qw", "net.ipv6.conf."+host+".disable_ipv6=1")
		netns.Run(t, "ip", "link", "set", host, "up")
		ns.Run(t, "ip", "link", "set", inner, "up")
		p, err := d.AddPort(datapath.PortConfig{Name: host, Type: datapath.PortSystem})
		if err != nil {
			t.Fatalf("add port: %v", err)
		}
		s, err := ns.Listen(inner)
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		r := netns.NewReader(s)
		t.Cleanup(r.Close)
		readers[p.Number] = r
		env.Ports = append(env.Ports, p.Number)
	}
	env.Inject = func(port uint32, frame []byte) error {
		r, ok := readers[port]
		if !ok {
			return fmt.Errorf("no port %d", port)
		}
		return r.Send(frame)
	}
	env.Receive = func(ctx context.Context, port uint32) ([]byte, error) {
		r, ok := readers[port]
		if !ok {
			return nil, fmt.Errorf("no port %d", port)
		}
		return r.Next(ctx)
	}
	return env
}
