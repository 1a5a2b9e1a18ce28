package ebpf

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestConformance runs the shared datapath suite against the eBPF
// datapath, once with every port in TC mode (the default for veths) and
// once in XDP mode. Each port is a veth whose host end is attached and
// whose other end sits in a namespace with IPv6 off and no address, so that
// nothing but the suite's frames crosses it; frames are injected and
// captured there with packet sockets.
func TestConformance(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	for _, mode := range []datapath.AttachMode{datapath.AttachTC, datapath.AttachXDP} {
		t.Run(mode.String(), func(t *testing.T) {
			dptest.Run(t, dptest.Harness{
				New: func(t *testing.T, cfg dptest.Config) *dptest.Env {
					return newConformanceEnv(t, cfg, mode)
				},
				CanInject: canCrossDevice,
			})
		})
	}
}

// canCrossDevice reports whether a frame survives a real device's receive
// path. A VLAN-typed frame too short for its tag (the corpus's
// "vlan-truncated") is freed by skb_vlan_untag before tc ingress and before
// packet sockets see it, on the datapath's port and on the receiving peer
// alike; the parser handles it, as TestParserMatchesExtract shows through
// BPF_PROG_RUN.
func canCrossDevice(frame []byte) (bool, string) {
	if len(frame) >= 14 && len(frame) < 18 {
		if et := binary.BigEndian.Uint16(frame[12:]); et == datapath.EthTypeVLAN || et == datapath.EthTypeQinQ {
			return false, "the kernel frees a VLAN frame too short for its tag before any hook (skb_vlan_untag)"
		}
	}
	return true, ""
}

func newConformanceEnv(t *testing.T, cfg dptest.Config, mode datapath.AttachMode) *dptest.Env {
	tag := netns.Unique("xbp")
	ns := netns.New(t, tag)
	ns.Run(t, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6")
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
		if err := os.WriteFile("/proc/sys/net/ipv6/conf/"+host+"/disable_ipv6", []byte("1"), 0o644); err != nil {
			t.Fatal(err)
		}
		netns.Run(t, "ip", "link", "set", host, "up")
		ns.Run(t, "ip", "link", "set", inner, "up")
		p, err := d.AddPort(datapath.PortConfig{Name: host, Type: datapath.PortSystem, Attach: mode})
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
