package normal

import (
	"reflect"
	"testing"
)

// The expected lines are what Open vSwitch 3.1's ofproto/trace printed
// under NORMAL for the same frames on the same bridge (ports named p<N>).
func TestExplainLikeOVS(t *testing.T) {
	name := func(p uint32) string { return "p" + PortName(p) }
	n := New(nil)
	ps := bridgePorts()
	for _, tc := range []struct {
		name string
		in   uint32
		k    func() Decision
		want []string
	}{
		{"learn and flood", 1, func() Decision { return n.Forward(1, key(mac(1), bcast, -1, 0), ps) }, []string{
			"-> learned that 50:54:00:00:00:01 is on port p1 in VLAN 0",
			"-> no learned MAC for destination, flooding",
		}},
		{"to learned port", 2, func() Decision { return n.Forward(2, key(mac(2), mac(1), -1, 0), ps) }, []string{
			"-> learned that 50:54:00:00:00:02 is on port p2 in VLAN 0",
			"-> forwarding to learned port",
		}},
		{"learned port is input", 2, func() Decision { return n.Forward(2, key(mac(2), mac(2), -1, 0), ps) }, []string{
			"-> learned port is input port, dropping",
		}},
		{"not trunked", 4, func() Decision { return n.Forward(4, key(mac(7), bcast, 30, 0), ps) }, []string{
			">>>> dropping VLAN 30 packet received on port p4 not configured for trunking VLAN 30 <<<<",
			">> disallowed VLAN VID for this input port, dropping",
		}},
		{"untagged not trunked", 4, func() Decision { return n.Forward(4, key(mac(7), bcast, -1, 0), ps) }, []string{
			">>>> dropping VLAN 0 packet received on port p4 not configured for trunking VLAN 0 <<<<",
			">> disallowed VLAN VID for this input port, dropping",
		}},
		{"tagged on access", 3, func() Decision { return n.Forward(3, key(mac(9), bcast, 10, 0), ps) }, []string{
			">>>> dropping VLAN 10 tagged packet received on port p3 configured as VLAN 10 access port <<<<",
			">> disallowed VLAN VID for this input port, dropping",
		}},
		{"reserved", 1, func() Decision { return n.Forward(1, key(mac(2), [6]byte{1, 0x80, 0xc2, 0, 0, 0}, -1, 0), ps) }, []string{
			"-> packet has reserved destination MAC, dropping",
		}},
	} {
		if got := tc.k().Explain(name); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
