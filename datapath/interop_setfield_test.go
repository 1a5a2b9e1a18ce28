package datapath_test

import (
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// TestSetFieldTextLikeOVS: Open vSwitch's datapath takes the text of the
// ARP, ND and IPv6 flow label set actions and prints it back as we do (MPLS
// sets it prints in a masked whole-header form; it has no PBB).
func TestSetFieldTextLikeOVS(t *testing.T) {
	appctl := ovsDummy(t)
	if out, err := appctl("revalidator/pause"); err != nil {
		t.Fatalf("revalidator/pause: %v\n%s", err, out)
	}
	cases := []struct {
		frame []byte
		acts  []datapath.Action
	}{
		{dptest.ARPRequest(t), []datapath.Action{datapath.SetARPOp{Op: 2}, datapath.SetARPSpa{Addr: [4]byte{10, 0, 0, 7}},
			datapath.SetARPTpa{Addr: [4]byte{10, 0, 0, 8}}, datapath.SetARPSha{Addr: [6]byte{2, 0, 0, 0, 0, 7}},
			datapath.SetARPTha{Addr: [6]byte{2, 0, 0, 0, 0, 8}}, datapath.Output{Port: 100}}},
		{dptest.NeighborSolicitation(t), []datapath.Action{datapath.SetNDTarget{Addr: [16]byte{0xfe, 0x80, 15: 7}},
			datapath.SetNDSLL{Addr: [6]byte{2, 0, 0, 0, 0, 7}}, datapath.SetNDTLL{Addr: [6]byte{2, 0, 0, 0, 0, 8}}, datapath.Output{Port: 100}}},
		{dptest.TCP6(t, 1, 2), []datapath.Action{datapath.SetIPv6Label{Label: 0xabcde}, datapath.Output{Port: 100}}},
	}
	want := map[string]string{}
	for _, c := range cases {
		key, text := packet.Extract(c.frame, 1).String(), datapath.FormatActions(c.acts)
		if out, err := appctl("dpctl/add-flow", "dummy@ovs-dummy", key, text); err != nil {
			t.Fatalf("OVS rejected %s actions:%s: %v\n%s", key, text, err, out)
		}
		want[key] = text
	}
	out, err := appctl("dpctl/dump-flows", "dummy@ovs-dummy")
	if err != nil {
		t.Fatalf("dump-flows: %v\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimPrefix(line, "recirc_id(0),")
		key, rest, ok := strings.Cut(line, ", packets:")
		if !ok {
			continue
		}
		_, acts, _ := strings.Cut(rest, "actions:")
		if w, ok := want[key]; ok {
			if acts != w {
				t.Errorf("%s: OVS prints actions %q, we print %q", key, acts, w)
			}
			delete(want, key)
		}
	}
	for k := range want {
		t.Errorf("OVS did not print the flow %s", k)
	}
}
