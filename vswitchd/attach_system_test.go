package vswitchd

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/cli/dpctl"
	"github.com/xvs-switch/xvs/tests/netns"
)

// TestSystemAttachXDP: two veth ports with xvs-attach=xdp forward ping and
// UDP between namespaces through the XDP program, and both dpctl show and
// dpif/show say so; switching one to tc keeps its number and forwarding.
func TestSystemAttachXDP(t *testing.T) {
	td := realDaemon(t)
	tag := netns.Unique("xa")[:8]
	subnet := int(tag[2])%200 + 20
	var ns []*netns.NS
	var ips []string
	for i := range 2 {
		name := fmt.Sprintf("%s%c", tag, 'a'+i)
		n := netns.New(t, name)
		ip := fmt.Sprintf("10.79.%d.%d", subnet, i+1)
		n.Veth(t, name, "eth0", fmt.Sprintf("02:79:00:00:%02x:%02x", subnet, i+1), ip+"/24")
		ns = append(ns, n)
		ips = append(ips, ip)
	}
	br := tag + "br"
	// The bridge's LOCAL port is an internal veth pair the datapath
	// creates; del-br at the end removes it, this on a failure.
	t.Cleanup(func() { exec.Command("ip", "link", "del", br).Run() })
	td.start()
	td.vsctl("add-br", br,
		"--", "add-port", br, tag+"a", "--", "set", "Interface", tag+"a", "other_config:xvs-attach=xdp",
		"--", "add-port", br, tag+"b", "--", "set", "Interface", tag+"b", "other_config:xvs-attach=xdp")
	for _, p := range []string{tag + "a", tag + "b"} {
		if got := td.vsctl("get", "Interface", p, "ofport"); got == "-1" || got == "[]" {
			t.Fatalf("%s ofport = %s, error %s", p, got, td.vsctl("get", "Interface", p, "error"))
		}
	}
	ping(t, ns[0], ips[1])
	udpAcross(t, ns[0], ns[1], ips[1])
	// TCP passes XDP ports once the namespaces compute their checksums
	// and segment themselves (docs/vswitchd.md, the trade of xvs-attach=xdp).
	for _, n := range ns {
		n.Run(t, "ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off")
	}
	tcpAcross(t, ns[0], ns[1], ips[1])

	out := td.appctl("dpif/show")
	for _, p := range []string{tag + "a", tag + "b"} {
		if !regexp.MustCompile(p + ` \d+/\d+: \(system: attach=xdp\)`).MatchString(out) {
			t.Errorf("dpif/show does not report %s in xdp:\n%s", p, out)
		}
	}
	t.Setenv("XVS_RUNDIR", td.runDir)
	var sout, serr bytes.Buffer
	if code := dpctl.Main([]string{"show", DatapathName(br)}, nil, &sout, &serr); code != 0 {
		t.Fatalf("xvs dpctl show: exit %d: %s", code, serr.String())
	}
	for _, p := range []string{tag + "a", tag + "b"} {
		if !strings.Contains(sout.String(), p+" (system, xdp)") {
			t.Errorf("xvs dpctl show does not report %s in xdp:\n%s", p, sout.String())
		}
	}
	// The frames took the XDP path: the cached entries count them.
	if out := td.appctl("dpif/dump-flows", br); !strings.Contains(out, "udp") {
		t.Errorf("no cached UDP entry:\n%s", out)
	}

	// Back to TC for one port: same ofport, still forwarding.
	before := td.vsctl("get", "Interface", tag+"b", "ofport")
	td.vsctl("set", "Interface", tag+"b", "other_config:xvs-attach=tc")
	if got := td.vsctl("get", "Interface", tag+"b", "ofport"); got != before {
		t.Errorf("ofport after re-attach %s, want %s", got, before)
	}
	if out := td.appctl("dpif/show"); !strings.Contains(out, "(system: attach=tc)") {
		t.Errorf("dpif/show after the change:\n%s", out)
	}
	ping(t, ns[0], ips[1])
	udpAcross(t, ns[0], ns[1], ips[1])

	// Changed while no daemon runs: the next start replaces the pinned
	// port (tc) by one at the hook asked for (xdp), under the same number.
	td.stop()
	td.vsctl("--no-wait", "set", "Interface", tag+"b", "other_config:xvs-attach=xdp")
	td.start()
	eventually(t, tag+"b back in xdp after the restart", func() bool {
		return regexp.MustCompile(tag + `b \d+/\d+: \(system: attach=xdp\)`).MatchString(td.appctl("dpif/show"))
	})
	if got := td.vsctl("get", "Interface", tag+"b", "ofport"); got != before {
		t.Errorf("ofport after the restart %s, want %s", got, before)
	}
	ping(t, ns[0], ips[1])
	udpAcross(t, ns[0], ns[1], ips[1])
	td.vsctl("del-br", br)
	if _, err := net.InterfaceByName(br); err == nil {
		t.Errorf("%s still exists after del-br", br)
	}
}

// udpAcross sends datagrams from one namespace to a socket in the other
// and fails unless one arrives with its payload.
func udpAcross(t *testing.T, from, to *netns.NS, dst string) {
	t.Helper()
	var rx net.PacketConn
	if err := to.Do(func() (err error) {
		rx, err = net.ListenPacket("udp4", dst+":0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	var tx net.Conn
	if err := from.Do(func() (err error) {
		tx, err = net.Dial("udp4", rx.LocalAddr().String())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	want := []byte("xvs-attach xdp " + dst)
	got := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 256)
		rx.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _, err := rx.ReadFrom(buf)
		if err != nil {
			got <- nil
			return
		}
		got <- buf[:n]
	}()
	// The first datagram may be a miss whose upcall is executed; a few
	// more cover a lost one. The reader's deadline bounds the wait.
	for range 5 {
		if _, err := tx.Write(want); err != nil {
			t.Fatal(err)
		}
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("UDP to %s: got %q, want %q", dst, b, want)
	}
}

// tcpAcross sends 1 MiB over TCP from one namespace to a listener in the
// other and fails unless all of it arrives.
func tcpAcross(t *testing.T, from, to *netns.NS, dst string) {
	t.Helper()
	var ln net.Listener
	if err := to.Do(func() (err error) {
		ln, err = net.Listen("tcp4", dst+":0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const size = 1 << 20
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- -1
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(15 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		got <- n
	}()
	var c net.Conn
	if err := from.Do(func() (err error) {
		c, err = net.DialTimeout("tcp4", ln.Addr().String(), 5*time.Second)
		return err
	}); err != nil {
		t.Fatalf("TCP connect to %s: %v", dst, err)
	}
	c.SetWriteDeadline(time.Now().Add(15 * time.Second))
	if _, err := c.Write(make([]byte, size)); err != nil {
		t.Fatalf("TCP write: %v", err)
	}
	c.Close()
	if n := <-got; n != size {
		t.Fatalf("TCP to %s: %d bytes arrived, want %d", dst, n, size)
	}
}
