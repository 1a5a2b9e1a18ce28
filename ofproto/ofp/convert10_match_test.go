package ofp

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// match10 builds a 1.0 match from an all-wildcard one.
func match10(f func(m *Match10)) Match10 {
	m := MatchAll10()
	f(&m)
	return m
}

func TestMatch10ToMatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Match10
		want string // formatMatch of the 1.3 match
	}{
		{"all", MatchAll10(), ""},
		{"in_port", match10(func(m *Match10) { m.Wildcards &^= FW10InPort; m.InPort = 3 }), "in_port=3"},
		{"in_port LOCAL", match10(func(m *Match10) { m.Wildcards &^= FW10InPort; m.InPort = Port10Local }), "in_port=LOCAL"},
		{"macs", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLSrc | FW10DLDst
			m.DLSrc, m.DLDst = MAC{0, 1, 2, 3, 4, 5}, MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		}), "dl_src=00:01:02:03:04:05,dl_dst=ff:ff:ff:ff:ff:ff"},
		{"no vlan", match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN | FW10DLVLANPCP; m.DLVLAN, m.DLVLANPCP = VLAN10None, 5 }), "vlan_tci=0x0000/0x1fff"},
		{"vid", match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = 10 }), "dl_vlan=10"},
		{"vid high bits cut", match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = 0x100a }), "dl_vlan=10"},
		{"vid pcp", match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN | FW10DLVLANPCP; m.DLVLAN, m.DLVLANPCP = 10, 3 }), "dl_vlan=10,dl_vlan_pcp=3"},
		{"pcp only", match10(func(m *Match10) { m.Wildcards &^= FW10DLVLANPCP; m.DLVLANPCP = 3 }), "dl_vlan_pcp=3"},
		{"tcp", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPSrc | FW10TPDst | FW10NWTos
			m.DLType, m.NWProto, m.TPSrc, m.TPDst, m.NWTos = 0x800, 6, 1000, 80, 0xb9
			m.SetNWSrc(IPv410{10, 1, 2, 3}, 24)
			m.SetNWDst(IPv410{10, 0, 0, 7}, 32)
		}), "tcp,nw_src=10.1.2.0/24,nw_dst=10.0.0.7,nw_tos=184,tp_src=1000,tp_dst=80"},
		{"udp6", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPDst
			m.DLType, m.NWProto, m.TPDst = 0x86dd, 17, 53
			m.SetNWSrc(IPv410{10, 1, 2, 3}, 24) // no IPv4 address in IPv6: ignored
		}), "udp6,tp_dst=53"},
		{"icmp", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPSrc | FW10TPDst
			m.DLType, m.NWProto, m.TPSrc, m.TPDst = 0x800, 1, 8, 0
		}), "icmp,icmp_type=8,icmp_code=0"},
		{"arp", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto
			m.DLType, m.NWProto = 0x806, 2
			m.SetNWSrc(IPv410{192, 168, 0, 1}, 32)
			m.SetNWDst(IPv410{192, 168, 0, 0}, 16)
		}), "arp,arp_spa=192.168.0.1,arp_tpa=192.168.0.0/16,arp_op=2"},
		{"tp without proto ignored", match10(func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10TPDst
			m.DLType, m.TPDst = 0x800, 80
		}), "ip"},
		{"nw without type ignored", match10(func(m *Match10) {
			m.Wildcards &^= FW10NWProto | FW10NWTos | FW10TPDst
			m.NWProto, m.NWTos, m.TPDst = 6, 4, 80
			m.SetNWDst(IPv410{1, 2, 3, 4}, 8)
		}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.ToMatch()
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("converted match does not validate: %v (%v)", err, got.Fields)
			}
			if s := formatMatch(got); s != tc.want {
				t.Errorf("1.3 match %q, want %q", s, tc.want)
			}
			back, err := MatchTo10(got)
			if err != nil {
				t.Fatalf("MatchTo10: %v", err)
			}
			if want := Normalize10(tc.in); back != want {
				t.Errorf("round trip\n got %+v\nwant %+v", back, want)
			}
		})
	}
}

func TestMatch10RARPRefused(t *testing.T) {
	m := match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x8035, 3 })
	_, err := m.ToMatch()
	var e *Error
	if !errors.As(err, &e) || e.Type != ET10BadRequest || e.Code != BRC10BadType {
		t.Fatalf("RARP with arp_op: %v, want OFPBRC_BAD_TYPE", err)
	}
	// RARP alone is fine.
	m.Wildcards |= FW10NWProto
	if _, err := m.ToMatch(); err != nil {
		t.Fatal(err)
	}
}

func TestMatchTo10Refused(t *testing.T) {
	ip := OXMEthType(0x800)
	ip6 := OXMEthType(0x86dd)
	for _, tc := range []struct {
		name string
		m    Match
	}{
		{"metadata", NewMatch(OXMMetadata(1, 0))},
		{"tunnel", NewMatch(OXMTunnelID(5, 0))},
		{"masked eth", NewMatch(basicOXM(OXMEthDstField, []byte{1, 0, 0, 0, 0, 0}, []byte{1, 0, 0, 0, 0, 0}))},
		{"ipv6 src", NewMatch(ip6, basicOXM(OXMIPv6SrcField, make([]byte, 16), nil))},
		{"non-cidr", NewMatch(ip, basicOXM(OXMIPv4SrcField, []byte{10, 0, 0, 1}, []byte{255, 0, 0, 255}))},
		{"ecn", NewMatch(ip, OXMIPECN(1))},
		{"any tagged", NewMatch(OXMVlanVIDMasked(VIDPresent, VIDPresent))},
		{"partial vid", NewMatch(OXMVlanVIDMasked(VIDPresent|0x10, VIDPresent|0xff0))},
		{"in_port too big", NewMatch(OXMInPort(70000))},
		{"arp_op too big", NewMatch(OXMEthType(0x806), OXMARPOp(300))},
		{"experimenter", Match{Fields: []OXM{{Class: OXMClassExperimenter, Field: 1, Value: []byte{1}, Experimenter: 9}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MatchTo10(tc.m)
			var e *Error
			if !errors.As(err, &e) || e.Type != ET10BadRequest || e.Code != BRC10BadType {
				t.Fatalf("got %v, want OFPBRC_BAD_TYPE", err)
			}
			if e.Error() == "" || e.version != Version10 {
				t.Errorf("error %v not in 1.0 numbering", e)
			}
		})
	}
}

// refused10 says whether ToMatch refuses a normalised 1.0 match: RARP
// with ARP fields, ICMP type or code above 255.
func refused10(n Match10) bool {
	has := func(bit uint32) bool { return n.Wildcards&bit == 0 }
	if has(FW10DLType) && n.DLType == ethTypeRARP && (has(FW10NWProto) || n.NWSrcPrefix() > 0 || n.NWDstPrefix() > 0) {
		return true
	}
	icmp := has(FW10NWProto) && (n.NWProto == ipProtoICMP || n.NWProto == ipProtoICMP6)
	return icmp && ((has(FW10TPSrc) && n.TPSrc > 0xff) || (has(FW10TPDst) && n.TPDst > 0xff))
}

func TestMatch10ICMPOver8BitsRefused(t *testing.T) {
	m := match10(func(m *Match10) {
		m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPSrc
		m.DLType, m.NWProto, m.TPSrc = 0x800, 1, 0x108
	})
	var e *Error
	if _, err := m.ToMatch(); !errors.As(err, &e) || e.Code != BRC10BadType {
		t.Fatalf("icmp_type 264: %v, want OFPBRC_BAD_TYPE", err)
	}
}

// randMatch10 returns a random 1.0 match biased towards meaningful ones.
func randMatch10(r *rand.Rand) Match10 {
	var m Match10
	m.Wildcards = r.Uint32()
	if r.IntN(4) > 0 {
		m.Wildcards &= FW10All // undefined bits are rarer
	}
	m.InPort = PortNo10(r.IntN(0x10000))
	if r.IntN(2) == 0 {
		m.InPort = PortNo10(r.IntN(50))
	}
	randBytes(r, m.DLSrc[:])
	randBytes(r, m.DLDst[:])
	m.DLVLAN = uint16(r.IntN(0x10000))
	switch r.IntN(3) {
	case 0:
		m.DLVLAN = VLAN10None
	case 1:
		m.DLVLAN &= 0xfff
	}
	m.DLVLANPCP = uint8(r.IntN(256))
	m.DLType = []uint16{0x800, 0x806, 0x86dd, 0x8035, 0x88cc, uint16(r.IntN(0x10000))}[r.IntN(6)]
	m.NWTos = uint8(r.IntN(256))
	m.NWProto = []uint8{1, 6, 17, 58, 132, 2, uint8(r.IntN(256))}[r.IntN(7)]
	randBytes(r, m.NWSrc[:])
	randBytes(r, m.NWDst[:])
	m.TPSrc = uint16(r.IntN(0x10000))
	m.TPDst = uint16(r.IntN(0x10000))
	return m
}

// TestMatch10RoundTripRandom: any 1.0 match converts to a valid 1.3 match
// that converts back to the normalised original, and prints as the 1.0
// match prints after ovs-ofctl's normalisation.
func TestMatch10RoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 10))
	for i := 0; i < 20000; i++ {
		in := randMatch10(r)
		m, err := in.ToMatch()
		if err != nil {
			if refused10(Normalize10(in)) {
				continue
			}
			t.Fatalf("%+v: %v", in, err)
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("%+v -> %v: %v", in, m.Fields, err)
		}
		back, err := MatchTo10(m)
		if err != nil {
			t.Fatalf("%+v -> %v: back: %v", in, m.Fields, err)
		}
		want := Normalize10(in)
		if back != want {
			t.Fatalf("round trip of %+v\n got %+v\nwant %+v", in, back, want)
		}
		if Normalize10(want) != want {
			t.Fatalf("Normalize10 not idempotent on %+v", in)
		}
		// Unnamed reserved ports (0xff00-0xfff7) print as 1.3 numbers
		// in the 1.3 text: compare the rest.
		if want.Wildcards&FW10InPort == 0 && want.InPort >= Port10Max && want.InPort < Port10InPort {
			continue
		}
		if a, b := vlanNone10(formatMatch(m)), formatMatch10(in, -1, true); a != b {
			t.Errorf("text of %+v:\n 1.3 %q\n 1.0 %q", in, a, b)
		}
	}
}

// vlanNone10 rewrites the text Open vSwitch gives 1.3's vlan_vid=NONE
// (VLAN TCI 0 under mask 0x1fff) to the text it gives 1.0's
// dl_vlan=0xffff (TCI 0 under 0xffff): both match exactly the untagged
// frames.
func vlanNone10(s string) string {
	return strings.Replace(s, "vlan_tci=0x0000/0x1fff", "vlan_tci=0x0000", 1)
}

// TestMatch13RoundTripRandom: 1.3 matches that 1.0 can say come back
// from MatchTo10 -> ToMatch with the same meaning (same text).
func TestMatch13RoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 10))
	n := 0
	for i := 0; i < 20000; i++ {
		m := Match{Fields: randMatchFields(r)}
		if m.Validate() != nil {
			continue
		}
		m10, err := MatchTo10(m)
		if err != nil {
			continue
		}
		n++
		back, err := m10.ToMatch()
		if err != nil {
			t.Fatalf("%v -> %+v: %v", m.Fields, m10, err)
		}
		if a, b := formatMatch(m), formatMatch(back); a != b {
			t.Errorf("%q came back as %q", a, b)
		}
	}
	if n < 100 {
		t.Fatalf("only %d random matches had a 1.0 form", n)
	}
}

func randBytes(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}
