package normal

import (
	"bytes"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

var payload = []byte("normal-actions-test-payload")

// frame builds an Ethernet/IPv4/UDP frame with the given tags, outermost first.
func frame(t testing.TB, src, dst [6]byte, tags ...datapath.VLANTag) []byte {
	t.Helper()
	var ls []gopacket.SerializableLayer
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr(src[:]), DstMAC: net.HardwareAddr(dst[:]), EthernetType: layers.EthernetTypeIPv4}
	ls = append(ls, eth)
	for i, tg := range tags {
		if i == 0 {
			eth.EthernetType = layers.EthernetType(tg.TPID)
		}
		next := layers.EthernetTypeIPv4
		if i+1 < len(tags) {
			next = layers.EthernetType(tags[i+1].TPID)
		}
		ls = append(ls, &layers.Dot1Q{Priority: tg.PCP(), DropEligible: tg.DEI(), VLANIdentifier: tg.VID(), Type: next})
	}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4(10, 0, 0, 1), DstIP: net.IPv4(10, 0, 0, 2)}
	udp := &layers.UDP{SrcPort: 40000, DstPort: 40001}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	ls = append(ls, ip, udp, gopacket.Payload(payload))
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodedTags returns the 802.1Q/802.1ad tags of a frame, outermost first,
// and checks that the IPv4/UDP packet behind them is intact.
func decodedTags(t *testing.T, f []byte) []datapath.VLANTag {
	t.Helper()
	p := gopacket.NewPacket(f, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("decode: %v", el.Error())
	}
	eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	tpid := uint16(eth.EthernetType)
	var tags []datapath.VLANTag
	for _, l := range p.Layers() {
		if q, ok := l.(*layers.Dot1Q); ok {
			tags = append(tags, datapath.VLANTag{TPID: tpid, TCI: datapath.MakeTCI(q.VLANIdentifier, q.Priority, q.DropEligible)})
			tpid = uint16(q.Type)
		}
	}
	if app := p.ApplicationLayer(); app == nil || !bytes.Equal(app.Payload(), payload) {
		t.Fatalf("payload lost: %v", p)
	}
	return tags
}

func dpPort(of uint32) (uint32, bool) {
	if of == local {
		return 100, true
	}
	return of + 100, true
}

// execute runs the decision's actions on f and returns the frames per datapath port.
func execute(t *testing.T, d Decision, f []byte, frameTag *datapath.VLANTag) (map[uint32][][]byte, []datapath.Action) {
	t.Helper()
	acts := d.Actions(frameTag, dpPort)
	got := map[uint32][][]byte{}
	packet.Execute(f, acts, packet.Env{Output: func(port uint32, b []byte) { got[port] = append(got[port], b) }})
	return got, acts
}

func edits(acts []datapath.Action) int {
	n := 0
	for _, a := range acts {
		if _, ok := a.(datapath.Output); !ok {
			n++
		}
	}
	return n
}

// TestActionsProduceRightFrames runs every flood of the VLAN matrix through
// the datapath's userspace executor and decodes what each port gets.
func TestActionsProduceRightFrames(t *testing.T) {
	type in struct {
		name string
		tags []datapath.VLANTag
	}
	inputs := []in{
		{"untagged", nil},
		{"vlan10", []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(10, 0, false)}}},
		{"vlan10 pcp5", []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(10, 5, false)}}},
		{"vlan20 pcp1", []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(20, 1, false)}}},
		{"prio pcp3", []datapath.VLANTag{{TPID: 0x8100, TCI: datapath.MakeTCI(0, 3, false)}}},
		{"prio pcp0", []datapath.VLANTag{{TPID: 0x8100, TCI: 0}}},
		{"qinq 10 over 100", []datapath.VLANTag{{TPID: 0x88a8, TCI: datapath.MakeTCI(10, 2, false)}, {TPID: 0x8100, TCI: datapath.MakeTCI(100, 0, false)}}},
	}
	ps := bridgePorts()
	ps[4].VLAN.PriorityTags = true                                                                      // LOCAL: trunk with priority-tags
	ps = append(ps, PortView{Port: 6, CanForward: true, VLAN: VLANConfig{Tag: 10, PriorityTags: true}}) // access 10 with priority-tags
	checked := 0
	for _, inPort := range []uint32{1, 3, 4, 5, 6, local} {
		for _, tc := range inputs {
			n := New(nil)
			f := frame(t, mac(1), bcast, tc.tags...)
			k := packet.Extract(f, 7)
			d := n.Forward(inPort, &k, ps)
			if d.Drop {
				continue
			}
			var frameTag *datapath.VLANTag
			if len(tc.tags) > 0 {
				frameTag = &tc.tags[0]
			}
			got, acts := execute(t, d, f, frameTag)
			if len(got) != len(d.Outputs) {
				t.Errorf("in %d %s: %d ports got frames, decision has %d outputs (%v)", inPort, tc.name, len(got), len(d.Outputs), acts)
			}
			// Minimal edits: one per group of outputs needing a different tag,
			// none for the group needing the frame as it is.
			groups := map[uint16]bool{}
			for _, o := range d.Outputs {
				g := uint16(0xffff) // untagged
				if o.Tag != 0 || o.PriorityTag {
					g = o.Tag
				}
				groups[g] = true
			}
			want := len(groups)
			if frameTag == nil && groups[0xffff] || frameTag != nil && groups[frameTag.VID()] && frameTag.PCP() == d.PCP {
				want--
			}
			if e := edits(acts); e != want {
				t.Errorf("in %d %s: %d VLAN edits (%v), want %d", inPort, tc.name, e, acts, want)
			}
			for _, o := range d.Outputs {
				dp, _ := dpPort(o.Port)
				fs := got[dp]
				if len(fs) != 1 {
					t.Errorf("in %d %s: port %d got %d frames", inPort, tc.name, o.Port, len(fs))
					continue
				}
				tags := decodedTags(t, fs[0])
				var wantTags []datapath.VLANTag
				if o.Tag != 0 || o.PriorityTag {
					tpid := uint16(0x8100)
					if len(tc.tags) > 0 {
						tpid = tc.tags[0].TPID
					}
					wantTags = append(wantTags, datapath.VLANTag{TPID: tpid, TCI: datapath.MakeTCI(o.Tag, d.PCP, false)})
				}
				if len(tc.tags) > 1 { // the inner tag is payload to NORMAL
					wantTags = append(wantTags, tc.tags[1:]...)
				}
				if !equalTags(tags, wantTags) {
					t.Errorf("in %d %s: port %d got tags %v, want %v (actions %v)", inPort, tc.name, o.Port, tags, wantTags, acts)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d outputs checked", checked)
	}
}

func equalTags(a, b []datapath.VLANTag) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestActionsOrderAndState(t *testing.T) {
	tag10 := &datapath.VLANTag{TPID: 0x8100, TCI: 10}
	d := Decision{PCP: 0, TPID: 0x8100, Outputs: []Out{{Port: 1}, {Port: 2, Tag: 20}, {Port: 3, Tag: 10}, {Port: 4}, {Port: 5, Tag: 20}}}
	acts, end := d.ActionsFrom(tag10, dpPort)
	want := []datapath.Action{
		datapath.Output{Port: 103},
		datapath.PopVLAN{}, datapath.Output{Port: 101}, datapath.Output{Port: 104},
		datapath.PushVLAN{TPID: 0x8100, TCI: 20}, datapath.Output{Port: 102}, datapath.Output{Port: 105},
	}
	if !equalActions(acts, want) {
		t.Fatalf("actions %v, want %v", acts, want)
	}
	if end == nil || end.VID() != 20 {
		t.Fatalf("end state %v, want tag 20", end)
	}
	// From untagged: untagged outputs first, then each VID by one rewrite.
	acts, end = d.ActionsFrom(nil, dpPort)
	want = []datapath.Action{
		datapath.Output{Port: 101}, datapath.Output{Port: 104},
		datapath.PushVLAN{TPID: 0x8100, TCI: 10}, datapath.Output{Port: 103},
		datapath.SetVLANVID{VID: 20}, datapath.Output{Port: 102}, datapath.Output{Port: 105},
	}
	if !equalActions(acts, want) || end == nil || end.VID() != 20 {
		t.Fatalf("actions %v end %v, want %v", acts, end, want)
	}
	// Unmappable ports are left out; a drop has no actions.
	acts = d.Actions(nil, func(p uint32) (uint32, bool) { return p, p == 2 })
	if !equalActions(acts, []datapath.Action{datapath.PushVLAN{TPID: 0x8100, TCI: 20}, datapath.Output{Port: 2}}) {
		t.Fatalf("with one mappable port: %v", acts)
	}
	if acts, end := (Decision{Drop: true}).ActionsFrom(tag10, dpPort); acts != nil || end == nil || *end != *tag10 {
		t.Fatalf("drop: %v %v", acts, end)
	}
	// A PCP change in place.
	d = Decision{PCP: 6, TPID: 0x8100, Outputs: []Out{{Port: 1, Tag: 10}}}
	if acts := d.Actions(tag10, dpPort); !equalActions(acts, []datapath.Action{datapath.SetVLANPCP{PCP: 6}, datapath.Output{Port: 101}}) {
		t.Fatalf("pcp rewrite: %v", acts)
	}
}

func equalActions(a, b []datapath.Action) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
