package ofproto

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// flowMod10 builds the 1.3 form of a 1.0 add with match "in_port=in"
// (everything else wildcarded) and actions as, as connmgr receives it.
func flowMod10(t *testing.T, in uint16, as ...ofp.Action10) *ofp.FlowMod {
	t.Helper()
	m := ofp.MatchAll10()
	m.Wildcards &^= ofp.FW10InPort
	m.InPort = ofp.PortNo10(in)
	fm10 := &ofp.FlowMod10{Match: m, Command: ofp.FC10Add, Priority: 10, BufferID: ofp.BufferNone10,
		OutPort: ofp.Port10None, Actions: as}
	fm, err := fm10.ToFlowMod()
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	return fm
}

// TestFlowMod10Lenient: 1.0 flows whose actions need headers their match
// does not fix are accepted (as Open vSwitch accepts them from 1.0
// controllers), and act only on packets that have the header.
func TestFlowMod10Lenient(t *testing.T) {
	r := newRig(t, 3, FailSecure)
	out2 := &ofp.ActionOutput10{Port: 2}
	for _, fm := range []*ofp.FlowMod{
		flowMod10(t, 1, &ofp.ActionStripVLAN10{}, out2),
		flowMod10(t, 3, &ofp.ActionSetNWSrc10{Addr: ofp.IPv410{192, 168, 9, 9}}, out2),
	} {
		// The 1.3 entry point keeps the 1.3 rule.
		wantOFError(t, r.sw.FlowMod(fm), ofp.ETBadAction, ofp.BACMatchInconsistent)
		if err := r.sw.FlowMod10(fm); err != nil {
			t.Fatalf("FlowMod10(%v): %v", fm, err)
		}
	}
	if n := len(r.flowStats("")); n != 2 {
		t.Fatalf("%d flows, want 2", n)
	}

	// strip_vlan: an untagged frame passes unchanged, a tagged one loses its tag.
	plain := dptest.UDP4(t, 1, 2)
	r.send(1, plain)
	if got := r.recv(2); len(got) != 1 || !bytes.Equal(got[0], plain) {
		t.Fatalf("untagged through strip_vlan: got %d frames", len(got))
	}
	tagged := dptest.Build(t, &layers.Ethernet{SrcMAC: mac(1), DstMAC: mac(2), EthernetType: layers.EthernetTypeDot1Q},
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: ip4(1), DstIP: ip4(2)},
		&layers.UDP{SrcPort: 1, DstPort: 2}, dptest.Payload(16))
	r.send(1, tagged)
	got := r.recv(2)
	if len(got) != 1 || dptest.Decode(t, got[0]).Layer(layers.LayerTypeDot1Q) != nil {
		t.Fatalf("tagged through strip_vlan: %d frames, still tagged or missing", len(got))
	}

	// mod_nw_src: ARP passes unchanged, IPv4 gets the new source.
	arp := dptest.ARPRequest(t)
	r.send(3, arp)
	if got := r.recv(2); len(got) != 1 || !bytes.Equal(got[0], arp) {
		t.Fatalf("ARP through mod_nw_src: got %d frames or changed", len(got))
	}
	r.send(3, udp(t, mac(3), mac(2), ip4(3), ip4(2), 5, 6))
	got = r.recv(2)
	if len(got) != 1 {
		t.Fatalf("IPv4 through mod_nw_src: %d frames", len(got))
	}
	ip := dptest.Decode(t, got[0]).Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if !ip.SrcIP.Equal([]byte{192, 168, 9, 9}) {
		t.Fatalf("IPv4 source %v, want 192.168.9.9", ip.SrcIP)
	}

	// Still validated: a bad table id or command is refused.
	fm := &ofp.FlowMod{Command: 9, BufferID: ofp.NoBuffer}
	wantOFError(t, r.sw.FlowMod10(fm), ofp.ETFlowModFailed, ofp.FMFCBadCommand)
}
