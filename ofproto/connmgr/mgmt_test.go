package connmgr

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestMgmtSocket: <rundir>/<bridge>.mgmt is a socket only its owner may
// use, replaces a stale socket file, refuses to take over one a live
// process answers on, and is removed on Close.
func TestMgmtSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "xc1.mgmt")
	// A stale socket left by a process that died.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()

	sw := newTestSwitch(t)
	m, err := New(Config{Bridge: "xc1", Switch: sw, RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: mode %v, want a socket with 0600", path, fi.Mode())
	}
	if m.MgmtSocket() != path {
		t.Fatalf("MgmtSocket %q", m.MgmtSocket())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("run dir holds %v, want only the socket", ents)
	}
	p := dialPeer(t, "unix", path, ofp.Version13)
	_, msg := p.request(&ofp.FeaturesRequest{})
	if fr, ok := msg.(*ofp.FeaturesReply); !ok || fr.DatapathID != sw.FeaturesReply().DatapathID {
		t.Fatalf("features reply %v", msg)
	}

	if _, err := New(Config{Bridge: "xc1", Switch: sw, RunDir: dir}); err == nil {
		t.Fatal("a second manager took over a live management socket")
	}
	for _, bad := range []string{"", "../xc1", "a/b", ".."} {
		if _, err := New(Config{Bridge: bad, Switch: sw, RunDir: dir}); err == nil {
			t.Fatalf("bridge name %q accepted", bad)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	p.expectClosed()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket left after Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestServiceSession: management sessions are not controllers, and get no
// asynchronous messages until they set a nonzero miss_send_len (as
// `ovs-ofctl monitor` does).
func TestServiceSession(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	ev := &ofproto.PacketInEvent{Msg: ofp.PacketIn{Reason: ofp.PacketInAction, Data: frame(80)}, MaxLen: 0xffff}
	ps := &ofp.PortStatus{Reason: ofp.PortReasonAdd, Desc: ofp.Port{PortNo: 2, Name: "xc-p2"}}
	if msgs := asyncBefore(t, p, func() { h.m.PacketIn(ev); h.m.PortStatus(ps) }); len(msgs) != 0 {
		t.Fatalf("service session got %v", msgs)
	}
	_, m := p.request(&ofp.GetConfigRequest{})
	if c := m.(*ofp.GetConfigReply); c.MissSendLen != 0 {
		t.Fatalf("service miss_send_len %d, want 0", c.MissSendLen)
	}
	p.send(&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: 0xffff}})
	p.barrier()
	if msgs := asyncBefore(t, p, func() { h.m.PacketIn(ev); h.m.PortStatus(ps) }); len(msgs) != 2 {
		t.Fatalf("monitoring service session got %v, want 2 messages", msgs)
	}
	if got := h.sw.controllers(); got != [2]int{0, 0} {
		t.Fatalf("switch told %v", got)
	}
	if c := h.m.MgmtCounters(); c.PacketIns[ofp.PacketInAction] != 1 || c.PortStatuses != 1 {
		t.Fatalf("mgmt counters %+v", c)
	}
}
