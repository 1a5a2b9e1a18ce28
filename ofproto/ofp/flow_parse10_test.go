package ofp

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// parseFlow10 are flows OpenFlow 1.0 can say, with what
// `ovs-ofctl -O OpenFlow10 parse-flow` prints after "ADD ".
var parseFlow10 = []struct{ in, want string }{
	{"priority=10,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_vlan_vid:10,output:2",
		"priority=10,tcp,nw_dst=10.0.0.0/24,tp_dst=80 actions=mod_vlan_vid:10,output:2"},
	{"in_port=1,dl_src=00:11:22:33:44:55,actions=normal", "in_port=1,dl_src=00:11:22:33:44:55 actions=NORMAL"},
	{"dl_vlan=10,dl_vlan_pcp=3,actions=strip_vlan,output:1", "dl_vlan=10,dl_vlan_pcp=3 actions=strip_vlan,output:1"},
	{"arp,nw_src=1.2.3.4,nw_proto=1,actions=controller:128", "arp,arp_spa=1.2.3.4,arp_op=1 actions=CONTROLLER:128"},
	{"icmp,icmp_type=8,actions=mod_nw_src:1.2.3.4,mod_nw_tos:8,mod_dl_dst:00:00:00:00:00:01,drop_spoofed_arp",
		""},
	{"udp,nw_tos=5,tp_src=53,actions=mod_tp_dst:99,local", ""},
	{"udp,nw_tos=8,tp_src=53,actions=mod_tp_dst:99,local", "udp,nw_tos=8,tp_src=53 actions=mod_tp_dst:99,LOCAL"},
	{"cookie=0x5,idle_timeout=3,send_flow_rem,actions=drop", "cookie:0x5 idle:3 send_flow_rem actions=drop"},
}

var parseFlow10Bad = []string{
	"ipv6,ipv6_src=::1,actions=drop",
	"dl_src=00:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
	"actions=goto_table:1",
	"actions=group:1",
	"table=3,actions=drop",
	"metadata=1,actions=drop",
}

func flowMod10Text(t *testing.T, text string) (string, error) {
	t.Helper()
	fs, err := ParseFlow(text, FlowAdd)
	if err != nil {
		return "", err
	}
	fm, err := fs.FlowMod10()
	if err != nil {
		return "", err
	}
	b, err := Marshal(Version10, 1, fm)
	if err != nil {
		t.Fatalf("marshal %q: %v", text, err)
	}
	h, m, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("unmarshal %q: %v", text, err)
	}
	_, s, _ := strings.Cut(Format(h, m), " ADD ")
	return s, nil
}

func TestParseFlow10(t *testing.T) {
	for _, c := range parseFlow10 {
		if c.want == "" {
			if _, err := flowMod10Text(t, c.in); err == nil {
				t.Errorf("%q: no error", c.in)
			}
			continue
		}
		got, err := flowMod10Text(t, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
		} else if got != c.want {
			t.Errorf("%q\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	for _, in := range parseFlow10Bad {
		if _, err := flowMod10Text(t, in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseFlow10OVS(t *testing.T) {
	bin := testenv.RequireCommand(t, "ovs-ofctl")
	for _, c := range parseFlow10 {
		if c.want == "" {
			continue
		}
		got, err := flowMod10Text(t, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		out, err := exec.Command(bin, "-O", "OpenFlow10", "parse-flow", c.in).Output()
		if err != nil {
			t.Errorf("ovs-ofctl parse-flow %q: %v", c.in, err)
			continue
		}
		var want string
		for _, l := range strings.Split(string(out), "\n") {
			if _, rest, ok := strings.Cut(l, " ADD "); ok {
				want = rest
			}
		}
		if got != want {
			t.Errorf("%q\n  xvs %s\n  ovs %s", c.in, got, want)
		}
	}
}
