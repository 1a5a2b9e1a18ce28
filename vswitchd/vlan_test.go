package vswitchd

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto"
)

// vlanBridge makes bridge br with the given ports (vsctl add-port
// arguments after the port name) and returns datapath port numbers by
// name.
func vlanBridge(td *testDaemon, br string, ports map[string][]string) map[string]uint32 {
	td.t.Helper()
	td.vsctl("add-br", br)
	for name, args := range ports {
		td.vsctl(append([]string{"add-port", br, name}, args...)...)
	}
	dpPort := map[string]uint32{}
	ps, _ := td.dp(br).Ports()
	for _, p := range ps {
		dpPort[p.Name] = p.Number
	}
	return dpPort
}

// tagged inserts an 802.1Q tag with tci after the MAC addresses.
func tagged(frame []byte, tci uint16) []byte {
	out := append([]byte(nil), frame[:12]...)
	out = binary.BigEndian.AppendUint16(out, 0x8100)
	out = binary.BigEndian.AppendUint16(out, tci)
	return append(out, frame[12:]...)
}

// receive waits for a frame on a datapath port.
func receive(td *testDaemon, br string, port uint32) []byte {
	td.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := td.dp(br).Receive(ctx, port)
	if err != nil {
		td.t.Fatalf("nothing received on port %d: %v", port, err)
	}
	return got
}

// TestNativeModeWithoutTag: a native-tagged or native-untagged port
// without a tag is accepted, as Open vSwitch accepts it, and behaves as
// Open vSwitch's bundle_set() makes it: native VLAN 0, so untagged frames
// enter (in VLAN 0) even though trunks does not list VLAN 0, and the
// trunked VLANs pass tagged.
func TestNativeModeWithoutTag(t *testing.T) {
	for _, mode := range []string{"native-tagged", "native-untagged"} {
		t.Run(mode, func(t *testing.T) {
			td := startDaemon(t)
			br := "xvbrn"
			dpPort := vlanBridge(td, br, map[string][]string{
				"xvn1": {"trunks=10,20", "vlan_mode=" + mode},
				"xvn2": {},
			})
			if got := td.vsctl("get", "interface", "xvn1", "error"); got != "[]" {
				t.Fatalf("%s port without a tag: error %s", mode, got)
			}
			if got := td.vsctl("get", "interface", "xvn1", "ofport"); got == "-1" {
				t.Fatalf("%s port without a tag was not added", mode)
			}
			frame := dptest.UDP4(t, 1000, 2000)
			if err := td.dp(br).Inject(dpPort["xvn1"], frame); err != nil {
				t.Fatal(err)
			}
			if got := receive(td, br, dpPort["xvn2"]); string(got) != string(frame) {
				t.Fatalf("untagged frame from the native port arrived as % x", got[:min(len(got), 18)])
			}
			if out := td.appctl("fdb/show", br); !strings.Contains(out, "     0  02:00:00:00:00:01") {
				t.Errorf("the source is not learned in VLAN 0:\n%s", out)
			}
			// VLAN 20 is trunked: it enters tagged and leaves the trunk
			// of all VLANs tagged.
			f20 := tagged(dptest.UDP4(t, 1001, 2001), 20)
			if err := td.dp(br).Inject(dpPort["xvn1"], f20); err != nil {
				t.Fatal(err)
			}
			if got := receive(td, br, dpPort["xvn2"]); string(got) != string(f20) {
				t.Fatalf("VLAN 20 frame arrived as % x", got[:min(len(got), 18)])
			}
			// The reverse: an untagged frame leaves the native port untagged.
			back := dptest.Build(t, &layers.Ethernet{SrcMAC: dptest.MAC2, DstMAC: dptest.MAC1, EthernetType: layers.EthernetTypeIPv4},
				dptest.IPv4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 2000, DstPort: 1000}, dptest.Payload(20))
			if err := td.dp(br).Inject(dpPort["xvn2"], back); err != nil {
				t.Fatal(err)
			}
			if got := receive(td, br, dpPort["xvn1"]); string(got) != string(back) {
				t.Fatalf("reply arrived on the native port as % x", got[:min(len(got), 18)])
			}
		})
	}
}

// TestPriorityTags: Port other_config:priority-tags makes a frame that
// leaves an access port untagged keep its priority in a priority tag
// (VID 0); "never" (and any value Open vSwitch does not know) strips it.
func TestPriorityTags(t *testing.T) {
	td := startDaemon(t)
	br := "xvbrp"
	dpPort := vlanBridge(td, br, map[string][]string{
		"xvp1": {},
		"xvp2": {"tag=10", "--", "set", "port", "xvp2", "other_config:priority-tags=if-nonzero"},
	})
	send := func(sport uint16) []byte {
		t.Helper()
		plain := dptest.UDP4(t, sport, 2000)
		if err := td.dp(br).Inject(dpPort["xvp1"], tagged(plain, 5<<13|10)); err != nil {
			t.Fatal(err)
		}
		return plain
	}
	plain := send(1000)
	got := receive(td, br, dpPort["xvp2"])
	if want := tagged(plain, 5<<13); string(got) != string(want) {
		t.Fatalf("with priority-tags: got % x, want a priority tag with PCP 5", got[:min(len(got), 18)])
	}
	for _, v := range []string{"never", "bogus"} {
		td.vsctl("set", "port", "xvp2", "other_config:priority-tags="+v)
		plain = send(1000)
		if got := receive(td, br, dpPort["xvp2"]); string(got) != string(plain) {
			t.Fatalf("priority-tags=%s: got % x, want the frame untagged", v, got[:min(len(got), 18)])
		}
		if got := td.vsctl("get", "interface", "xvp2", "error"); got != "[]" {
			t.Errorf("priority-tags=%s: error %s", v, got)
		}
	}
	td.vsctl("set", "port", "xvp2", "other_config:priority-tags=always")
	plain = send(1000)
	if got := receive(td, br, dpPort["xvp2"]); string(got) != string(tagged(plain, 5<<13)) {
		t.Fatalf("priority-tags=always: got % x", got[:min(len(got), 18)])
	}
}

// TestFloodVLANsForwardBPDU: Bridge.flood_vlans and
// other_config:forward-bpdu reach the Switch when it has the setters;
// until then vswitchd says, once per change, that they are not applied.
func TestFloodVLANsForwardBPDU(t *testing.T) {
	var sw *ofproto.Switch
	_, hasFlood := any(sw).(floodVLANSetter)
	_, hasBPDU := any(sw).(forwardBPDUSetter)
	if hasFlood && hasBPDU {
		t.Skip("the Switch applies both: covered by ofproto's tests")
	}
	td := startDaemon(t)
	vlanBridge(td, "xvbrf", map[string][]string{"xvf1": {}})
	td.vsctl("set", "bridge", "xvbrf", "flood_vlans=20,10,20", "other_config:forward-bpdu=true")
	log := td.log.String()
	if !hasFlood && (!strings.Contains(log, "Bridge.flood_vlans is not applied") || !strings.Contains(log, "flood_vlans=\"[10 20]\"")) {
		t.Errorf("flood_vlans neither applied nor reported:\n%s", log)
	}
	if !hasBPDU && !strings.Contains(log, "forward-bpdu is not applied") {
		t.Errorf("forward-bpdu neither applied nor reported:\n%s", log)
	}
	// Once per change: an unrelated change says nothing more.
	n := strings.Count(td.log.String(), "is not applied")
	td.vsctl("set", "bridge", "xvbrf", "other_config:mac-aging-time=100")
	if m := strings.Count(td.log.String(), "is not applied"); m != n {
		t.Errorf("the warnings were repeated on an unrelated change (%d, then %d)", n, m)
	}
}
