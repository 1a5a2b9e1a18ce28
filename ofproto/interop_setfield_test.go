package ofproto

import (
	hexenc "encoding/hex"
	"fmt"
	"net"
	"regexp"
	"slices"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
)

// TestSetFieldLikeOVS: the ARP, ND and IPv6 flow label set-fields give the
// frames Open vSwitch's translation gives (its ofproto/trace's datapath
// actions, run on the frame by packet.Execute), including on ND messages
// that lack the option the set-field names.
func TestSetFieldLikeOVS(t *testing.T) {
	ovs := startOVSBridge(t)
	ofctl := func(args ...string) (string, error) {
		return ovs.run("ovs-ofctl", append([]string{"-O", "OpenFlow13"}, args...)...)
	}
	if out, err := ofctl("del-flows", ovs.name); err != nil {
		t.Fatalf("del-flows: %v %s", err, out)
	}
	r := newRig(t, 3, FailSecure)
	for _, text := range []string{
		"priority=10,arp,arp_op=1,actions=set_field:2->arp_op,set_field:10.0.0.7->arp_spa,set_field:10.0.0.8->arp_tpa," +
			"set_field:02:00:00:00:00:07->arp_sha,set_field:02:00:00:00:00:08->arp_tha,output:2",
		"priority=10,icmp6,icmp_type=135,icmp_code=0,actions=set_field:fd00::7->nd_target,set_field:02:00:00:00:00:07->nd_sll,output:2",
		"priority=10,icmp6,icmp_type=136,icmp_code=0,actions=set_field:02:00:00:00:00:08->nd_tll,set_field:fd00::8->nd_target,output:3",
		"priority=10,tcp6,actions=set_field:0x54321->ipv6_label,output:3",
	} {
		if out, err := ofctl("add-flow", ovs.name, text); err != nil {
			t.Fatalf("ovs add-flow %s: %v %s", text, err, out)
		}
		r.add(text)
	}
	frames := map[string][]byte{
		"arp":         dptest.ARPRequest(t),
		"ns":          dptest.NeighborSolicitation(t),
		"ns-no-sll":   dptest.ND(t, 135, dptest.IP62, 0, nil),
		"na":          dptest.ND(t, 136, dptest.IP62, 2, dptest.MAC2),
		"na-with-sll": dptest.ND(t, 136, dptest.IP62, 1, net.HardwareAddr{2, 0, 0, 0, 0, 9}),
		"tcp6":        dptest.TCP6(t, 1, 2),
	}
	actionsRE := regexp.MustCompile(`(?m)^Datapath actions: (.*)$`)
	for name, f := range frames {
		out, err := ovs.run("ovs-appctl", "ofproto/trace", ovs.name, "in_port=1", hexenc.EncodeToString(f))
		m := actionsRE.FindStringSubmatch(out)
		if err != nil || m == nil {
			t.Fatalf("%s: ovs trace: %v\n%s", name, err, out)
		}
		ovsActs, err := datapath.ParseActions(m[1])
		if err != nil {
			t.Fatalf("%s: parse OVS actions %q: %v", name, m[1], err)
		}
		t.Logf("%s: OVS: %s", name, m[1])
		want := outputsByName(f, ovsActs, ovs.dpName)
		if len(want) == 0 {
			t.Fatalf("%s: OVS forwarded nothing: %s", name, m[1])
		}
		for range 2 { // translated, then from the cache
			r.send(1, f)
			got := map[string][]string{}
			for _, p := range r.sw.Ports() {
				for _, b := range r.recv(p.OFPort) {
					got[p.Name] = append(got[p.Name], hexenc.EncodeToString(b))
				}
				slices.Sort(got[p.Name])
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				tr, _ := r.sw.Trace(1, f)
				t.Fatalf("%s:\nOVS %s -> %v\nxvs %s -> %v", name, m[1], want, datapath.FormatActions(tr.Actions), got)
			}
		}
	}
}
