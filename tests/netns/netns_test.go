package netns

import (
	"os"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// TestVethNoIPv6: both ends of a Veth pair come up without IPv6 (so no
// link-local address, hence no DAD, MLD or router solicitation), except
// an inner end given an IPv6 address.
func TestVethNoIPv6(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireCommand(t, "ip")
	if _, err := os.Stat("/proc/sys/net/ipv6"); err != nil {
		t.Skip("no IPv6 in this kernel")
	}
	name := Unique("xfk")
	n := New(t, name)
	n.Veth(t, name, "eth0", "02:6b:00:00:00:01", "10.99.0.1/24")
	n.Veth(t, name+"6", "eth6", "02:6b:00:00:00:02", "fd00:6b::1/64")

	sysctl := func(where *NS, dev string) string {
		t.Helper()
		path := "/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6"
		if where == nil {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(b))
		}
		return strings.TrimSpace(where.Run(t, "cat", path))
	}
	for _, c := range []struct {
		ns   *NS
		dev  string
		want string
	}{{nil, name, "1"}, {n, "eth0", "1"}, {nil, name + "6", "1"}, {n, "eth6", "0"}} {
		if got := sysctl(c.ns, c.dev); got != c.want {
			t.Errorf("%s: disable_ipv6=%s, want %s", c.dev, got, c.want)
		}
	}
	if out := Run(t, "ip", "-6", "addr", "show", "dev", name); strings.TrimSpace(out) != "" {
		t.Errorf("host end has IPv6 addresses:\n%s", out)
	}
	if out := n.Run(t, "ip", "-6", "addr", "show", "dev", "eth0"); strings.TrimSpace(out) != "" {
		t.Errorf("inner end has IPv6 addresses:\n%s", out)
	}
	if out := n.Run(t, "ip", "-6", "addr", "show", "dev", "eth6"); !strings.Contains(out, "fd00:6b::1/64") {
		t.Errorf("inner end lost its IPv6 address:\n%s", out)
	}
}
