package connmgr

import (
	"bytes"
	"encoding/binary"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// helloMsg builds a hello of wire version v with an optional bitmap.
func helloMsg(t *testing.T, v uint8, bitmap []uint8) []byte {
	var h *ofp.Hello
	if bitmap == nil {
		h = &ofp.Hello{}
	} else {
		h = ofp.NewHello(bitmap...)
	}
	b := mustMarshal(t, ofp.Version13, 1, h)
	b[0] = v
	return b
}

// TestHelloNegotiation runs the version matrix of spec 1.3.5 §6.3.1: with
// a bitmap the highest common version wins, without one the smaller
// header version, which must be one xvs speaks; otherwise the peer gets
// OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE with a text, and is dropped.
func TestHelloNegotiation(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.dir, "xc0.mgmt")
	for _, tc := range []struct {
		name   string
		hello  []byte
		want   uint8 // 0: negotiation fails
		errVer uint8
	}{
		{name: "1.3 bitmap", hello: helloMsg(t, 4, []uint8{4}), want: 4},
		{name: "1.0 plain", hello: helloMsg(t, 1, nil), want: 1},
		{name: "both bitmap", hello: helloMsg(t, 4, []uint8{1, 4}), want: 4},
		{name: "1.0 bitmap", hello: helloMsg(t, 1, []uint8{1}), want: 1},
		{name: "1.3 plain", hello: helloMsg(t, 4, nil), want: 4},
		{name: "1.5 plain", hello: helloMsg(t, 6, nil), want: 4},
		{name: "1.0 to 1.5 bitmap", hello: helloMsg(t, 6, []uint8{1, 2, 3, 4, 5, 6}), want: 4},
		{name: "1.1 plain", hello: helloMsg(t, 2, nil), errVer: 2},
		{name: "1.1 and 1.2 bitmap", hello: helloMsg(t, 3, []uint8{2, 3}), errVer: 3},
		{name: "1.4 and 1.5 only", hello: helloMsg(t, 6, []uint8{5, 6}), errVer: 4},
		{name: "garbage version 0", hello: helloMsg(t, 0, nil), errVer: 1},
		{name: "not a hello", hello: mustMarshal(t, ofp.Version13, 1, &ofp.FeaturesRequest{}), errVer: 4},
		{name: "bad hello element", hello: []byte{4, 0, 0, 12, 0, 0, 0, 1, 0, 1, 0, 40}, errVer: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			p := newPeer(t, conn)
			p.write(tc.hello)
			hh, m := p.recv()
			sh, ok := m.(*ofp.Hello)
			if !ok || hh.Version != ofp.Version13 {
				t.Fatalf("switch hello: %s", ofp.Format(hh, m))
			}
			if words, ok := sh.VersionBitmap(); !ok || len(words) != 1 || words[0] != 1<<1|1<<4 {
				t.Fatalf("switch hello bitmap %v, want versions 1 and 4", words)
			}
			if tc.want == 0 {
				got := p.expectClosed()
				if len(got) != 1 {
					t.Fatalf("got %d messages before the close, want one error", len(got))
				}
				e := got[0]
				if e[0] != tc.errVer || e[1] != 1 || binary.BigEndian.Uint16(e[8:]) != 0 || binary.BigEndian.Uint16(e[10:]) != 0 {
					t.Fatalf("got % x, want HELLO_FAILED/INCOMPATIBLE in version %d", e, tc.errVer)
				}
				if len(e) <= 12 {
					t.Fatalf("HELLO_FAILED without a text")
				}
				t.Logf("error text: %s", e[12:])
				return
			}
			p.version = tc.want
			xid := p.send(&ofp.EchoRequest{Data: []byte("ping")})
			rh, rm := p.recvFor(xid)
			er, ok := rm.(*ofp.EchoReply)
			if !ok || rh.Version != tc.want || string(er.Data) != "ping" {
				t.Fatalf("echo reply %s, want version %d with the data", ofp.Format(rh, rm), tc.want)
			}
		})
	}
}

// TestFramingError: a length field shorter than the header cannot be
// resynchronised after; the switch says OFPBRC_BAD_LEN and hangs up.
func TestFramingError(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	p.write([]byte{4, 14, 0, 4, 0, 0, 0, 9})
	got := p.expectClosed()
	if len(got) != 1 {
		t.Fatalf("%d messages before the close, want 1", len(got))
	}
	_, m, err := ofp.Unmarshal(got[0])
	if e, ok := m.(*ofp.Error); err != nil || !ok || e.Type != ofp.ETBadRequest || e.Code != ofp.BRCBadLen {
		t.Fatalf("got %v %v, want OFPBRC_BAD_LEN", m, err)
	}
}

// TestBadMessages: everything a switch does not accept gets the
// OFPT_ERROR the spec names, with the request's xid and its first 64
// bytes, and the session goes on.
func TestBadMessages(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version13)
	long := &ofp.Experimenter{Experimenter: 0x2320, ExpType: 1, Data: bytes.Repeat([]byte{0xab}, 200)}
	raw := mustMarshal(t, ofp.Version13, 77, long)
	p.write(raw)
	e := p.expectError(77, ofp.ETBadRequest, ofp.BRCBadExperimenter)
	if !bytes.Equal(e.Data, raw[:64]) {
		t.Errorf("error data % x, want the first 64 bytes of the request", e.Data)
	}

	// A 1.0 message on a 1.3 session.
	p.write(mustMarshal(t, ofp.Version10, 78, &ofp.FeaturesRequest{}))
	p.expectError(78, ofp.ETBadRequest, ofp.BRCBadVersion)

	// A message only a switch sends.
	xid := p.send(&ofp.FeaturesReply{})
	p.expectError(xid, ofp.ETBadRequest, ofp.BRCBadType)

	// An undefined message type.
	p.write([]byte{4, 99, 0, 8, 0, 0, 0, 79})
	p.expectError(79, ofp.ETBadRequest, ofp.BRCBadType)

	// An undefined multipart type.
	p.write([]byte{4, 18, 0, 16, 0, 0, 0, 80, 0, 99, 0, 0, 0, 0, 0, 0})
	p.expectError(80, ofp.ETBadRequest, ofp.BRCBadMultipart)

	// An experimenter multipart request: the Switch's error, with the
	// request's bytes added.
	raw = mustMarshal(t, ofp.Version13, 83, &ofp.MultipartRequest{Body: &ofp.ExperimenterRequest{ExperimenterMultipart: ofp.ExperimenterMultipart{Experimenter: 0x2320, ExpType: 5}}})
	p.write(raw)
	if e := p.expectError(83, ofp.ETBadRequest, ofp.BRCBadExperimenter); !bytes.Equal(e.Data, raw) {
		t.Errorf("error data % x, want the request % x", e.Data, raw)
	}

	// A truncated body.
	p.write([]byte{4, 24, 0, 12, 0, 0, 0, 81, 0, 0, 0, 2})
	p.expectError(81, ofp.ETBadRequest, ofp.BRCBadLen)

	// Reassembly: a part of another type under the same xid.
	p.write([]byte{4, 18, 0, 16, 0, 0, 0, 82, 0, 13, 0, 1, 0, 0, 0, 0})
	p.write([]byte{4, 18, 0, 16, 0, 0, 0, 82, 0, 0, 0, 0, 0, 0, 0, 0})
	p.expectError(82, ofp.ETBadRequest, ofp.BRCBadMultipart)

	// Unsupported set-config flags.
	for _, flags := range []uint16{ofp.ConfigFragReasm, ofp.ConfigFragDrop, 0x80} {
		xid = p.send(&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{Flags: flags, MissSendLen: 99}})
		p.expectError(xid, ofp.ETSwitchConfigFailed, ofp.SCFCBadFlags)
	}
	_, m := p.request(&ofp.GetConfigRequest{})
	if c := m.(*ofp.GetConfigReply); c.Flags != 0 || c.MissSendLen != 0 {
		t.Fatalf("config %+v after refused set-configs", c)
	}

	// Still alive.
	xid = p.send(&ofp.EchoRequest{})
	if _, m := p.recvFor(xid); m == nil {
		t.Fatal("no echo reply")
	}
	if n := h.m.panics.Load(); n != 0 {
		t.Fatalf("%d handler panics", n)
	}
}

// TestEcho: the switch answers echo requests with the same data and xid.
func TestEcho(t *testing.T) {
	h := newHarness(t)
	for _, v := range []uint8{ofp.Version10, ofp.Version13} {
		p := h.mgmt(v)
		data := bytes.Repeat([]byte("xvs"), 1000)
		xid := p.send(&ofp.EchoRequest{Data: data})
		hh, m := p.recvFor(xid)
		if r, ok := m.(*ofp.EchoReply); !ok || !bytes.Equal(r.Data, data) || hh.Version != v {
			t.Fatalf("v%d: reply %s", v, ofp.Format(hh, m))
		}
	}
}

// TestInactivityProbe: after a probe interval of silence the switch sends
// an echo request; a peer that answers stays, one that does not is
// dropped after another interval.
func TestInactivityProbe(t *testing.T) {
	h := newHarness(t)
	l := listenController(t)
	const probe = 250 * time.Millisecond // the peer must answer within it, even on a loaded machine
	if err := h.m.SetControllers([]Controller{{Target: l.target, InactivityProbe: probe}}); err != nil {
		t.Fatal(err)
	}
	p := l.accept(ofp.Version13)
	start := time.Now()
	hh, m := p.recv()
	if _, ok := m.(*ofp.EchoRequest); !ok {
		t.Fatalf("got %s, want an echo request", ofp.Format(hh, m))
	}
	if d := time.Since(start); d < probe/2 {
		t.Fatalf("echo request after %s, before the probe interval %s", d, probe)
	}
	waitFor(t, "state IDLE", func() bool { return h.m.Status()[0].State == "IDLE" })
	p.reply(hh.Xid, &ofp.EchoReply{})
	waitFor(t, "state ACTIVE", func() bool { return h.m.Status()[0].State == "ACTIVE" })

	// The next probe goes unanswered.
	hh, m = p.recv()
	if _, ok := m.(*ofp.EchoRequest); !ok {
		t.Fatalf("got %s, want a second echo request", ofp.Format(hh, m))
	}
	sent := time.Now()
	p.expectClosed()
	if d := time.Since(sent); d < probe/2 {
		t.Fatalf("dropped %s after the echo request, before the probe interval", d)
	}
	waitFor(t, "the probe timeout as last error", func() bool { return strings.Contains(h.m.Status()[0].LastError, "probe") })
	if st := h.m.Status()[0]; st.Counters.ProbeTimeouts != 1 || st.Connected {
		t.Errorf("status %+v, want one probe timeout, not connected", st)
	}
}

// TestProbeSlowReader: a peer that sends nothing while it slowly reads a
// reply longer than the socket can buffer is alive: the probe waits while
// replies are being written, so the session outlives two probe
// intervals.
func TestProbeSlowReader(t *testing.T) {
	h := newHarness(t)
	sock := filepath.Join(h.dir, "xc-slow.sock")
	const probe = 60 * time.Millisecond
	if err := h.m.SetControllers([]Controller{{Target: "punix:" + sock, InactivityProbe: probe}}); err != nil {
		t.Fatal(err)
	}
	setup := h.mgmt(ofp.Version13)
	const n = 8000 // about 800 KB of flow stats, four times a unix socket's buffer
	for i := range n {
		setup.send(flowAdd(uint16(i%100+1), net.IPv4(10, 2, byte(i>>8), byte(i)), 1))
	}
	if errs := setup.barrier(); len(errs) > 0 {
		t.Fatal(errs[0])
	}
	p := dialPeer(t, "unix", sock, ofp.Version13)
	p.barrier()
	xid := p.send(&ofp.MultipartRequest{Body: &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}})
	start := time.Now()
	var ra ofp.Reassembler
	var got int
	buf := make([]byte, 8192)
	var pending []byte
	for got == 0 {
		// A slow reader: 8 KiB every 2 ms.
		time.Sleep(2 * time.Millisecond)
		p.conn.SetReadDeadline(time.Now().Add(testTimeout))
		k, err := p.conn.Read(buf)
		if err != nil {
			t.Fatalf("read after %v: %v (status %+v)", time.Since(start), err, h.m.Status())
		}
		pending = append(pending, buf[:k]...)
		for len(pending) >= 8 {
			l := int(binary.BigEndian.Uint16(pending[2:4]))
			if len(pending) < l {
				break
			}
			msg := pending[:l:l]
			pending = pending[l:]
			hh, m, done, err := ra.Add(msg)
			if err != nil {
				t.Fatal(err)
			}
			if done && hh.Xid == xid {
				got = len(m.(*ofp.MultipartReply).Body.(*ofp.FlowStatsReply).Entries)
			}
		}
	}
	if d := time.Since(start); d < 2*probe {
		t.Fatalf("the dump took %v, not long enough to test the probe", d)
	}
	if got != n+1 {
		t.Fatalf("%d flows, want %d", got, n+1)
	}
	if st := h.m.Status()[0]; !st.Connected || st.Counters.ProbeTimeouts != 0 {
		t.Fatalf("status %+v", st)
	}
}
