package ebpf

import (
	"fmt"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestSystemPortTypes: an internal port's host side, moved into a
// namespace, reaches a veth port in another; a tap port's device is created
// and removed with the port; an XDP-attached veth forwards (XDP passes what
// needs an skb to the TC program behind it).
func TestSystemPortTypes(t *testing.T) {
	testenv.RequireRoot(t)
	tag := netns.Unique("")
	d, err := New(Config{Name: "xbp" + tag, PinDir: testPinDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Destroy() })

	nsA := netns.New(t, "xbp"+tag+"a")
	nsB := netns.New(t, "xbp"+tag+"b")
	subnet := fmt.Sprintf("10.78.%d", int(tag[1])%200+20)

	// Internal port: the datapath creates "xbp<tag>i" and its peer.
	internal := "xbp" + tag + "i"
	p1, err := d.AddPort(datapath.PortConfig{Name: internal, Type: datapath.PortInternal})
	if err != nil {
		t.Fatalf("add internal port: %v", err)
	}
	if p1.Attach != datapath.AttachTC {
		t.Errorf("internal port attach %v, want tc", p1.Attach)
	}
	if l, err := netlink.LinkByName(internalPeerName(internal)); err != nil || l.Attrs().Index != p1.IfIndex {
		t.Fatalf("internal port's datapath side: %v", err)
	}
	netns.Run(t, "ip", "link", "set", internal, "netns", nsA.Name)
	nsA.DisableIPv6(t, internal) // as netns.Veth does: no chatter of its own
	nsA.Run(t, "ip", "addr", "add", subnet+".1/24", "dev", internal)
	nsA.Run(t, "ip", "link", "set", internal, "up")

	// A veth port in XDP mode.
	host := "xbp" + tag + "x"
	nsB.Veth(t, host, "eth0", "02:78:00:00:00:02", subnet+".2/24")
	p2, err := d.AddPort(datapath.PortConfig{Name: host, Type: datapath.PortSystem, Attach: datapath.AttachXDP})
	if err != nil {
		t.Fatalf("add xdp port: %v", err)
	}
	if p2.Attach != datapath.AttachXDP {
		t.Errorf("xdp port attach %v", p2.Attach)
	}
	if l, err := netlink.LinkByName(host); err != nil || l.Attrs().Xdp == nil || !l.Attrs().Xdp.Attached {
		t.Errorf("no XDP program on %s (%v)", host, err)
	}
	startPatch(t, d, 2)
	if out, err := nsA.Try(10*time.Second, "ping", "-c", "2", "-i", "0.2", "-W", "2", subnet+".2"); err != nil {
		t.Fatalf("ping from the internal port to the XDP port: %v\n%s", err, out)
	}
	ps, _ := d.Ports()
	if len(ps) != 2 || ps[1].Stats.RxPackets == 0 || ps[0].Stats.TxPackets == 0 {
		t.Errorf("port counters after the ping: %+v", ps)
	}

	// Tap port: created with the port, removed with it.
	tap := "xbp" + tag + "t"
	p3, err := d.AddPort(datapath.PortConfig{Name: tap, Type: datapath.PortTap})
	if err != nil {
		t.Fatalf("add tap port: %v", err)
	}
	if l, err := netlink.LinkByName(tap); err != nil || l.Type() != "tuntap" {
		t.Errorf("tap device: %v", err)
	}
	if p3.Attach != datapath.AttachTC {
		t.Errorf("tap attach %v", p3.Attach)
	}
	if err := d.DeletePort(p3.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := netlink.LinkByName(tap); err == nil {
		t.Error("tap device survived its port")
	}
	if _, err := d.AddPort(datapath.PortConfig{Name: "xbp-nonexist0", Type: datapath.PortSystem}); err == nil {
		t.Error("a system port on a missing device was added")
	}
}
