package netns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netns"
)

// Unique returns prefix followed by 6 random hex digits, for names that
// must not collide with tests running at the same time.
func Unique(prefix string) string {
	b := make([]byte, 3)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Run runs a command and fails the test with its output if it fails.
func Run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// NS is a named network namespace.
type NS struct {
	Name string
}

// New creates a namespace with its loopback up; Cleanup deletes it.
func New(t testing.TB, name string) *NS {
	t.Helper()
	Run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	ns := &NS{Name: name}
	ns.Run(t, "ip", "link", "set", "lo", "up")
	return ns
}

// Run runs a command inside the namespace and fails the test on error.
func (n *NS) Run(t testing.TB, args ...string) string {
	t.Helper()
	return Run(t, append([]string{"ip", "netns", "exec", n.Name}, args...)...)
}

// Try runs a command inside the namespace with a timeout and returns its
// output and error.
func (n *NS) Try(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name}, args...)...).CombinedOutput()
	return string(out), err
}

// Start starts a command inside the namespace; Cleanup kills it.
func (n *NS) Start(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", n.Name}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// Veth creates a veth pair: host stays in the current namespace (up, no
// address), the other end moves into n as inner with addr (CIDR) and mac.
// Deleting the host end (at cleanup) deletes both.
//
// Neither end has IPv6 unless addr is an IPv6 prefix (then inner keeps
// it): a device that comes up with IPv6 sends duplicate address
// detection, MLD reports and router solicitations of its own (RFC 4862
// §5.4, RFC 3810 §6, RFC 4861 §6.3.7) at random times over the next
// seconds, which a switch port floods and a test that counts frames or
// flows would count. IPv6 is turned off while both ends are still down,
// before the first of them could go out.
func (n *NS) Veth(t testing.TB, host, inner, mac, addr string) {
	t.Helper()
	Run(t, "ip", "link", "add", host, "type", "veth", "peer", "name", inner, "netns", n.Name)
	t.Cleanup(func() { exec.Command("ip", "link", "del", host).Run() })
	if err := disableIPv6(host); err != nil {
		t.Fatal(err)
	}
	if p, err := netip.ParsePrefix(addr); err != nil || !p.Addr().Is6() {
		if err := n.Do(func() error { return disableIPv6(inner) }); err != nil {
			t.Fatal(err)
		}
	}
	Run(t, "ip", "link", "set", host, "up")
	n.Run(t, "ip", "link", "set", inner, "address", mac)
	if addr != "" {
		n.Run(t, "ip", "addr", "add", addr, "dev", inner)
	}
	n.Run(t, "ip", "link", "set", inner, "up")
}

// DisableIPv6 turns IPv6 off on dev inside n (see Veth for why).
func (n *NS) DisableIPv6(t testing.TB, dev string) {
	t.Helper()
	if err := n.Do(func() error { return disableIPv6(dev) }); err != nil {
		t.Fatal(err)
	}
}

// DisableIPv6 turns IPv6 off on dev in the test's own namespace.
func DisableIPv6(t testing.TB, dev string) {
	t.Helper()
	if err := disableIPv6(dev); err != nil {
		t.Fatal(err)
	}
}

// disableIPv6 writes dev's disable_ipv6 sysctl. /proc/sys/net shows the
// calling thread's network namespace, so inside Do it reaches the
// namespace's device. A kernel without IPv6 has nothing to turn off.
func disableIPv6(dev string) error {
	err := os.WriteFile("/proc/sys/net/ipv6/conf/"+dev+"/disable_ipv6", []byte("1"), 0)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat("/proc/sys/net/ipv6"); errors.Is(serr, fs.ErrNotExist) {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("disable IPv6 on %s: %w", dev, err)
	}
	return nil
}

// Do runs fn with the calling goroutine's thread inside the namespace;
// sockets fn opens stay in the namespace.
func (n *NS) Do(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return err
	}
	defer orig.Close()
	h, err := netns.GetFromName(n.Name)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := netns.Set(h); err != nil {
		return err
	}
	defer netns.Set(orig)
	if err := fn(); err != nil {
		return fmt.Errorf("in netns %s: %w", n.Name, err)
	}
	return nil
}
