package ofp

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestActionsFrom10(t *testing.T) {
	tcp := match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x800, 6 })
	udp6 := match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x86dd, 17 })
	sctp := match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x800, 132 })
	tagged := match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = 7 })
	pcpOnly := match10(func(m *Match10) { m.Wildcards &^= FW10DLVLANPCP; m.DLVLANPCP = 2 })
	untagged := match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = VLAN10None })
	for _, tc := range []struct {
		name  string
		in    Actions10
		match Match10
		want  string // formatActions of the 1.3 list
	}{
		{"drop", nil, MatchAll10(), "drop"},
		{"outputs", Actions10{ActionOutput10{Port: 1}, ActionOutput10{Port: Port10Controller, MaxLen: 128}, ActionOutput10{Port: Port10Normal},
			ActionOutput10{Port: Port10InPort}, ActionOutput10{Port: Port10Local}}, MatchAll10(),
			"output:1,CONTROLLER:128,NORMAL,IN_PORT,LOCAL"},
		{"vid on any", Actions10{ActionSetVLANVID10{VLANVID: 10}, ActionOutput10{Port: 2}}, MatchAll10(),
			"push_vlan:0x8100,set_field:4106->vlan_vid,output:2"},
		{"vid on untagged", Actions10{ActionSetVLANVID10{VLANVID: 10}}, untagged, "push_vlan:0x8100,set_field:4106->vlan_vid"},
		{"vid on tagged", Actions10{ActionSetVLANVID10{VLANVID: 10}}, tagged, "set_field:4106->vlan_vid"},
		{"vid on pcp-tagged", Actions10{ActionSetVLANVID10{VLANVID: 10}}, pcpOnly, "set_field:4106->vlan_vid"},
		{"vid then pcp pushes once", Actions10{ActionSetVLANVID10{VLANVID: 10}, ActionSetVLANPCP10{VLANPCP: 5}}, MatchAll10(),
			"push_vlan:0x8100,set_field:4106->vlan_vid,set_field:5->vlan_pcp"},
		{"strip then vid pushes", Actions10{ActionStripVLAN10{}, ActionSetVLANVID10{VLANVID: 3}}, tagged,
			"pop_vlan,push_vlan:0x8100,set_field:4099->vlan_vid"},
		{"macs", Actions10{ActionSetDLSrc10{Addr: MAC{0, 1, 2, 3, 4, 5}}, ActionSetDLDst10{Addr: MAC{6, 7, 8, 9, 10, 11}}}, MatchAll10(),
			"set_field:00:01:02:03:04:05->eth_src,set_field:06:07:08:09:0a:0b->eth_dst"},
		{"ip", Actions10{ActionSetNWSrc10{Addr: IPv410{10, 0, 0, 1}}, ActionSetNWDst10{Addr: IPv410{10, 0, 0, 2}}, ActionSetNWTos10{NWTos: 0xb8}}, tcp,
			"set_field:10.0.0.1->ip_src,set_field:10.0.0.2->ip_dst,set_field:46->ip_dscp"},
		{"tcp ports", Actions10{ActionSetTPSrc10{Port: 1}, ActionSetTPDst10{Port: 2}}, tcp, "set_field:1->tcp_src,set_field:2->tcp_dst"},
		{"udp6 ports", Actions10{ActionSetTPSrc10{Port: 1}, ActionSetTPDst10{Port: 2}}, udp6, "set_field:1->udp_src,set_field:2->udp_dst"},
		{"sctp ports", Actions10{ActionSetTPDst10{Port: 9}}, sctp, "set_field:9->sctp_dst"},
		{"enqueue", Actions10{ActionEnqueue10{Port: 3, QueueID: 7}}, MatchAll10(), "set_queue:7,output:3"},
		{"pointers", Actions10{&ActionSetDLSrc10{Addr: MAC{0, 1, 2, 3, 4, 5}}, &ActionOutput10{Port: 4}}, MatchAll10(),
			"set_field:00:01:02:03:04:05->eth_src,output:4"},
		{"two enqueues", Actions10{ActionEnqueue10{Port: 3, QueueID: 7}, ActionEnqueue10{Port: Port10InPort, QueueID: 1}}, MatchAll10(),
			"set_queue:7,output:3,set_queue:1,IN_PORT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ActionsFrom10For(tc.in, tc.match)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateActions(got); err != nil {
				t.Fatalf("converted actions do not validate: %v", err)
			}
			if s := formatActions(got); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
			// Back to 1.0 gives the original.
			back, err := ActionsTo10(got)
			if err != nil {
				t.Fatalf("ActionsTo10: %v", err)
			}
			if formatActions10(back) != formatActions10(tc.in) {
				t.Errorf("round trip: %v, want %v", back, tc.in)
			}
		})
	}
}

func TestActionsFrom10Refused(t *testing.T) {
	icmp := match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x800, 1 })
	noType := match10(func(m *Match10) { m.Wildcards &^= FW10NWProto; m.NWProto = 6 }) // nw_proto without dl_type means nothing
	for _, tc := range []struct {
		name  string
		in    Actions10
		match Match10
		code  uint16
	}{
		{"vendor", Actions10{ActionVendor10{Vendor: 0x2320, Data: make([]byte, 8)}}, MatchAll10(), BAC10BadVendor},
		{"tp without protocol", Actions10{ActionSetTPSrc10{Port: 1}}, MatchAll10(), BAC10BadArgument},
		{"tp on icmp", Actions10{ActionSetTPDst10{Port: 1}}, icmp, BAC10BadArgument},
		{"tp with proto but no type", Actions10{ActionSetTPDst10{Port: 1}}, noType, BAC10BadArgument},
		{"output after enqueue", Actions10{ActionEnqueue10{Port: 1, QueueID: 1}, ActionOutput10{Port: 2}}, MatchAll10(), BAC10BadQueue},
		{"nil", Actions10{nil}, MatchAll10(), BAC10BadType},
		{"typed nil", Actions10{(*ActionOutput10)(nil)}, MatchAll10(), BAC10BadType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ActionsFrom10For(tc.in, tc.match)
			var e *Error
			if !errors.As(err, &e) || e.Type != ET10BadAction || e.Code != tc.code {
				t.Fatalf("got %v, want OFPET_BAD_ACTION code %d", err, tc.code)
			}
			if Error10(err) != e {
				t.Errorf("Error10 changed an error already in 1.0 numbering")
			}
		})
	}
	// Without a match, mod_tp_* cannot be converted.
	if _, err := ActionsFrom10(Actions10{ActionSetTPSrc10{Port: 1}}); err == nil {
		t.Error("ActionsFrom10 converted mod_tp_src without knowing the protocol")
	}
}

func TestActionsTo10Refused(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Action
		code uint16
	}{
		{"group", []Action{&ActionGroup{GroupID: 1}}, BAC10BadType},
		{"dec ttl", []Action{&ActionDecNwTTL{}}, BAC10BadType},
		{"push alone", []Action{&ActionPushVLAN{EtherType: 0x8100}, &ActionOutput{Port: 1}}, BAC10BadType},
		{"push 802.1ad", []Action{&ActionPushVLAN{EtherType: 0x88a8}, &ActionSetField{Field: OXMVlanVID(VIDPresent | 1)}}, BAC10BadType},
		{"ipv6 set", []Action{&ActionSetField{Field: basicOXM(OXMIPv6SrcField, make([]byte, 16), nil)}}, BAC10BadType},
		{"big port", []Action{&ActionOutput{Port: 0x10000}}, BAC10BadOutPort},
		{"experimenter", []Action{&ActionExperimenter{Experimenter: 1, Data: make([]byte, 4)}}, BAC10BadType},
		{"typed nil", []Action{(*ActionOutput)(nil)}, BAC10BadType},
		{"nil", []Action{nil}, BAC10BadType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ActionsTo10(tc.in)
			var e *Error
			if !errors.As(err, &e) || e.Type != ET10BadAction || e.Code != tc.code {
				t.Fatalf("got %v, want OFPET_BAD_ACTION code %d", err, tc.code)
			}
		})
	}
}

// randActions10 returns a random valid 1.0 action list (no vendor
// actions, no output after an enqueue).
func randActions10(r *rand.Rand) Actions10 {
	var as Actions10
	enq := false
	for n := r.IntN(6); n > 0; n-- {
		var a Action10
		switch r.IntN(12) {
		case 0:
			if enq {
				continue
			}
			a = ActionOutput10{Port: []PortNo10{1, 2, Port10Controller, Port10Flood, Port10InPort, Port10Local}[r.IntN(6)], MaxLen: uint16(r.Uint32())}
		case 1:
			a = ActionSetVLANVID10{VLANVID: uint16(r.IntN(4096))}
		case 2:
			a = ActionSetVLANPCP10{VLANPCP: uint8(r.IntN(8))}
		case 3:
			a = ActionStripVLAN10{}
		case 4:
			var m MAC
			randBytes(r, m[:])
			a = ActionSetDLSrc10{Addr: m}
		case 5:
			var m MAC
			randBytes(r, m[:])
			a = ActionSetDLDst10{Addr: m}
		case 6:
			var ip IPv410
			randBytes(r, ip[:])
			a = ActionSetNWSrc10{Addr: ip}
		case 7:
			var ip IPv410
			randBytes(r, ip[:])
			a = ActionSetNWDst10{Addr: ip}
		case 8:
			a = ActionSetNWTos10{NWTos: uint8(r.IntN(64)) << 2}
		case 9:
			a = ActionSetTPSrc10{Port: uint16(r.Uint32())}
		case 10:
			a = ActionSetTPDst10{Port: uint16(r.Uint32())}
		case 11:
			a = ActionEnqueue10{Port: []PortNo10{1, 5, Port10InPort, Port10Local}[r.IntN(4)], QueueID: r.Uint32()}
			enq = true
		}
		as = append(as, a)
	}
	return as
}

// TestActions10RoundTripRandom: random 1.0 action lists on random TCP or
// UDP flows convert to valid 1.3 lists that convert back unchanged.
func TestActions10RoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 10))
	for i := 0; i < 5000; i++ {
		m := randMatch10(r)
		m.Wildcards &^= FW10DLType | FW10NWProto
		m.DLType, m.NWProto = []uint16{0x800, 0x86dd}[r.IntN(2)], []uint8{6, 17, 132}[r.IntN(3)]
		in := randActions10(r)
		got, err := ActionsFrom10For(in, m)
		if err != nil {
			t.Fatalf("%v on %v: %v", in, m, err)
		}
		if err := ValidateActions(got); err != nil {
			t.Fatalf("%v -> %s: %v", in, formatActions(got), err)
		}
		back, err := ActionsTo10(got)
		if err != nil {
			t.Fatalf("%v -> %s: back: %v", in, formatActions(got), err)
		}
		if formatActions10(back) != formatActions10(in) {
			t.Fatalf("%v -> %s -> %v", in, formatActions(got), back)
		}
	}
}
