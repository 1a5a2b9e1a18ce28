package connmgr

import (
	"encoding/binary"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestSetProtocols: the allowed versions decide the switch's hello (header
// version and bitmap, as Open vSwitch encodes them) and the negotiation,
// on the management socket, on listeners and towards controllers; a peer
// with no common version gets HELLO_FAILED / INCOMPATIBLE; a change closes
// the established sessions so that they renegotiate.
func TestSetProtocols(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.dir, "xc0.mgmt")
	old := h.mgmt(ofp.Version10, ofp.Version13)

	if err := h.m.SetProtocols([]uint8{ofp.Version13, 2}); err == nil {
		t.Fatal("SetProtocols accepted OpenFlow 1.1")
	}
	if got := h.m.Protocols(); !slices.Equal(got, localVersions) {
		t.Fatalf("a refused SetProtocols changed the versions to %v", got)
	}

	if err := h.m.SetProtocols([]uint8{ofp.Version13}); err != nil {
		t.Fatal(err)
	}
	old.expectClosed() // renegotiation

	for _, tc := range []struct {
		name     string
		allowed  []uint8
		peer     []uint8 // bitmap the peer sends; nil: a plain hello of peerVer
		peerVer  uint8
		helloVer uint8   // the switch's hello header version
		bitmap   []uint8 // ... and its bitmap (nil: none)
		want     uint8   // 0: fails
		errVer   uint8
	}{
		{name: "1.3 only, 1.0 peer", allowed: []uint8{4}, peerVer: 1, helloVer: 4, bitmap: []uint8{4}, errVer: 1},
		{name: "1.3 only, 1.0 bitmap", allowed: []uint8{4}, peer: []uint8{1}, peerVer: 1, helloVer: 4, bitmap: []uint8{4}, errVer: 1},
		{name: "1.3 only, 1.3 peer", allowed: []uint8{4}, peerVer: 4, helloVer: 4, bitmap: []uint8{4}, want: 4},
		{name: "1.3 only, both", allowed: []uint8{4}, peer: []uint8{1, 4}, peerVer: 4, helloVer: 4, bitmap: []uint8{4}, want: 4},
		{name: "1.0 only, 1.3 bitmap", allowed: []uint8{1}, peer: []uint8{4}, peerVer: 4, helloVer: 1, errVer: 4},
		{name: "1.0 only, 1.3 plain", allowed: []uint8{1}, peerVer: 4, helloVer: 1, want: 1},
		{name: "1.0 only, both", allowed: []uint8{1}, peer: []uint8{1, 4}, peerVer: 4, helloVer: 1, want: 1},
		{name: "default, both", allowed: nil, peer: []uint8{1, 4}, peerVer: 4, helloVer: 4, bitmap: []uint8{1, 4}, want: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := h.m.SetProtocols(tc.allowed); err != nil {
				t.Fatal(err)
			}
			conn, err := net.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			p := newPeer(t, conn)
			p.write(helloMsg(t, tc.peerVer, tc.peer))
			hh, m := p.recv()
			sh, ok := m.(*ofp.Hello)
			if !ok || hh.Version != tc.helloVer {
				t.Fatalf("switch hello %s, want version %d", ofp.Format(hh, m), tc.helloVer)
			}
			words, has := sh.VersionBitmap()
			if has != (tc.bitmap != nil) {
				t.Fatalf("switch hello bitmap %v (present %v), want %v", words, has, tc.bitmap)
			}
			if has {
				want := ofp.NewHello(tc.bitmap...).Elements[0].Bitmaps
				if !slices.Equal(words, want) {
					t.Fatalf("switch hello bitmap %#x, want %#x", words, want)
				}
			}
			if tc.want == 0 {
				got := p.expectClosed()
				if len(got) != 1 {
					t.Fatalf("%d messages before the close, want one error", len(got))
				}
				e := got[0]
				if e[0] != tc.errVer || e[1] != 1 || binary.BigEndian.Uint16(e[8:]) != uint16(ofp.ETHelloFailed) ||
					binary.BigEndian.Uint16(e[10:]) != ofp.HFCIncompatible {
					t.Fatalf("got % x, want HELLO_FAILED/INCOMPATIBLE in version %d", e, tc.errVer)
				}
				t.Logf("error text: %s", e[12:])
				return
			}
			p.version = tc.want
			if errs := p.barrier(); len(errs) > 0 {
				t.Fatalf("barrier: %v", errs)
			}
		})
	}

	// Listeners and controllers are restricted alike.
	if err := h.m.SetProtocols([]uint8{ofp.Version13}); err != nil {
		t.Fatal(err)
	}
	ctl := listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: ctl.target}, {Target: "ptcp:0:127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	c13 := ctl.accept(ofp.Version10, ofp.Version13)
	if c13.version != ofp.Version13 {
		t.Fatalf("controller session negotiated %d", c13.version)
	}
	h.m.mu.Lock()
	addr := h.m.ctrls["ptcp:0:127.0.0.1"].addr()
	h.m.mu.Unlock()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, conn)
	p.write(helloMsg(t, 1, nil))
	if _, m := p.recv(); m == nil {
		t.Fatal("no hello from the listener")
	}
	if got := p.expectClosed(); len(got) != 1 || got[0][1] != 1 {
		t.Fatalf("1.0 peer on a 1.3-only listener got %d messages, want one error", len(got))
	}

	// Allowing 1.0 again drops the controller's session; it comes back.
	if err := h.m.SetProtocols([]uint8{ofp.Version10}); err != nil {
		t.Fatal(err)
	}
	c13.expectClosed()
	c10 := ctl.accept(ofp.Version10, ofp.Version13)
	if c10.version != ofp.Version10 {
		t.Fatalf("controller renegotiated %d, want 1.0", c10.version)
	}
}

// TestInteropProtocols: the real ovs-ofctl sees the restriction as Open
// vSwitch's own tools see an ovs-vswitchd with Bridge.protocols set.
func TestInteropProtocols(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + filepath.Join(h.dir, "xc0.mgmt")
	if err := h.m.SetProtocols([]uint8{ofp.Version13}); err != nil {
		t.Fatal(err)
	}
	out, err := tl.run("-O", "OpenFlow10", "show", target)
	if err == nil || !strings.Contains(err.Error(), "version negotiation failed") {
		t.Fatalf("ovs-ofctl -O OpenFlow10 show against a 1.3-only switch: %v\n%s", err, out)
	}
	t.Logf("%v", err)
	if out, err := tl.run("-O", "OpenFlow13", "show", target); err != nil || !strings.Contains(out, "OFPT_FEATURES_REPLY (OF1.3)") {
		t.Fatalf("ovs-ofctl -O OpenFlow13 show: %v\n%s", err, out)
	}
	if err := h.m.SetProtocols([]uint8{ofp.Version10}); err != nil {
		t.Fatal(err)
	}
	if out, err := tl.run("-O", "OpenFlow13", "show", target); err == nil {
		t.Fatalf("ovs-ofctl -O OpenFlow13 show against a 1.0-only switch worked:\n%s", out)
	}
	if out, err := tl.run("show", target); err != nil || !strings.Contains(out, "OFPT_FEATURES_REPLY (xid=") {
		t.Fatalf("ovs-ofctl show against a 1.0-only switch: %v\n%s", err, out)
	}
}
