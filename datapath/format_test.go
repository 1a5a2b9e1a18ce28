package datapath

import (
	"strings"
	"testing"
	"time"
)

// allActions holds one action of every kind, with non-zero operands.
var allActions = []Action{
	Output{7},
	PushVLAN{TPID: EthTypeQinQ, TCI: MakeTCI(100, 5, true)},
	PushVLAN{TPID: EthTypeVLAN, TCI: MakeTCI(10, 0, false)},
	PopVLAN{},
	SetVLANVID{4095}, SetVLANPCP{7},
	SetEthSrc{[6]byte{0, 1, 2, 3, 4, 5}}, SetEthDst{[6]byte{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
	SetIPv4Src{[4]byte{10, 0, 0, 1}}, SetIPv4Dst{[4]byte{192, 168, 1, 254}},
	SetIPDSCP{46}, SetIPECN{3}, SetIPTTL{9}, DecTTL{},
	SetIPv6Src{[16]byte{0xfe, 0x80, 15: 1}}, SetIPv6Dst{[16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 2}},
	SetTPSrc{8080}, SetTPDst{443}, SetICMPType{8}, SetICMPCode{3},
	PushMPLS{EthType: EthTypeMPLSMcast, Label: 0xfffff, TC: 7, TTL: 64},
	PopMPLS{EthType: EthTypeIPv4}, SetMPLSLabel{16}, SetMPLSTC{2}, SetMPLSTTL{3}, DecMPLSTTL{},
	CopyTTLIn{}, CopyTTLOut{}, PushPBB{0xabcdef}, PopPBB{},
	Userspace{0xdeadbeefcafe}, Meter{12}, SlowPath{},
	SetARPOp{2}, SetARPSpa{[4]byte{10, 0, 0, 7}}, SetARPTpa{[4]byte{10, 0, 0, 8}},
	SetARPSha{[6]byte{2, 0, 0, 0, 0, 7}}, SetARPTha{[6]byte{2, 0, 0, 0, 0, 8}},
	SetNDTarget{[16]byte{0xfe, 0x80, 15: 9}}, SetNDSLL{[6]byte{2, 0, 0, 0, 0, 9}}, SetNDTLL{[6]byte{2, 0, 0, 0, 0, 10}},
	SetIPv6Label{0xabcde}, SetPBBISID{0x123456}, SetMPLSBOS{1},
}

func TestActionsCoverEveryKind(t *testing.T) {
	seen := map[ActionKind]bool{}
	for _, a := range allActions {
		seen[a.Kind()] = true
	}
	for k := ActionKind(1); k < kindEnd; k++ {
		if !seen[k] {
			t.Errorf("allActions lacks kind %d", k)
		}
	}
}

func TestActionSlotRoundTrip(t *testing.T) {
	for _, a := range allActions {
		s := EncodeAction(a)
		b, err := DecodeAction(s)
		if err != nil || b != a {
			t.Errorf("%#v: slot %+v decoded to %#v, %v", a, s, b, err)
		}
	}
	if _, err := DecodeAction(ActionSlot{Kind: 200}); err == nil {
		t.Error("unknown kind decoded without error")
	}
	if _, err := DecodeAction(ActionSlot{Kind: KindSetVLANPCP, B: 9}); err == nil {
		t.Error("out-of-range pcp decoded without error")
	}
}

func TestActionsTextRoundTrip(t *testing.T) {
	text := FormatActions(allActions)
	got, err := ParseActions(text)
	if err != nil {
		t.Fatalf("ParseActions(%q): %v", text, err)
	}
	if !ActionsEqual(got, allActions) {
		t.Fatalf("round trip of %q:\n got %v\nwant %v", text, got, allActions)
	}
	if FormatActions(nil) != "drop" {
		t.Errorf("empty list formats as %q", FormatActions(nil))
	}
	if l, err := ParseActions("drop"); err != nil || len(l) != 0 {
		t.Errorf("drop parses to %v, %v", l, err)
	}
}

func TestParseActionsExpandsSet(t *testing.T) {
	got, err := ParseActions("set(eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02)),2")
	want := []Action{SetEthSrc{[6]byte{5: 1}}, SetEthDst{[6]byte{5: 2}}, Output{2}}
	if err != nil || !ActionsEqual(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
}

// Action text as Open vSwitch 3.1 prints it (ofproto/trace "Datapath
// actions") parses to the same effect.
func TestParseActionsOVSForms(t *testing.T) {
	for text, want := range map[string][]Action{
		"push_mpls(label=7,tc=0,ttl=64,bos=1,eth_type=0x8847),100": {PushMPLS{EthType: EthTypeMPLS, Label: 7, TTL: 64}, Output{100}},
		"pop_mpls(eth_type=0x800),100":                             {PopMPLS{EthType: EthTypeIPv4}, Output{100}},
		"push_vlan(tpid=0x88a8,vid=10,pcp=0),100":                  {PushVLAN{TPID: EthTypeQinQ, TCI: 10}, Output{100}},
		"pop_vlan,push_vlan(vid=0,pcp=3),100":                      {PopVLAN{}, PushVLAN{TPID: EthTypeVLAN, TCI: MakeTCI(0, 3, false)}, Output{100}},
		"set(eth(src=00:00:00:00:00:09)),set(ipv4(tos=0x23,ttl=8)),set(udp(src=99))": {
			SetEthSrc{[6]byte{5: 9}}, SetIPDSCP{8}, SetIPECN{3}, SetIPTTL{8}, SetTPSrc{99}},
		"set(ipv6(tclass=0x10,hlimit=3)),set(icmpv6(type=1,code=4)),set(tcp(dst=5))": {
			SetIPDSCP{4}, SetIPECN{0}, SetIPTTL{3}, SetICMPType{1}, SetICMPCode{4}, SetTPDst{5}},
		"set(arp(sip=10.0.0.1,tip=10.0.0.2,op=2,sha=00:00:00:00:00:01,tha=00:00:00:00:00:02)),1": {
			SetARPSpa{[4]byte{10, 0, 0, 1}}, SetARPTpa{[4]byte{10, 0, 0, 2}}, SetARPOp{2},
			SetARPSha{[6]byte{5: 1}}, SetARPTha{[6]byte{5: 2}}, Output{1}},
		"set(nd(target=fe80::1,sll=00:00:00:00:00:01,tll=00:00:00:00:00:02)),set(ipv6(label=0x12345)),1": {
			SetNDTarget{[16]byte{0xfe, 0x80, 15: 1}}, SetNDSLL{[6]byte{5: 1}}, SetNDTLL{[6]byte{5: 2}},
			SetIPv6Label{0x12345}, Output{1}},
		"meter(0),drop_is_not_an_item_here": nil,
	} {
		got, err := ParseActions(text)
		if want == nil {
			if err == nil {
				t.Errorf("%s: parsed", text)
			}
			continue
		}
		if err != nil || !ActionsEqual(got, want) {
			t.Errorf("%s: got %v, %v; want %v", text, got, err, want)
		}
	}
	if got := FormatActions([]Action{PopMPLS{EthType: EthTypeIPv4}}); got != "pop_mpls(eth_type=0x800)" {
		t.Errorf("pop_mpls formats as %s", got)
	}
}

func TestParseActionsErrors(t *testing.T) {
	for _, s := range []string{
		"output(2)", "push_vlan(vid=5000)", "push_vlan(tpid=0x0800,vid=1)", "set(ipv4(src=1.2.3))",
		"set(eth(foo=1))", "2,,3", "meter(x)", "pop_vlan(1)", "set(ip(dscp=64))", "push_mpls(eth_type=0x800)",
		"2)", "(", "set()", "userspace(cookie=-1)",
		"set(ipv6(label=0x100000))", "set(mpls(bos=2))", "set(pbb(isid=0x1000000))", "set(arp(sip=::1))",
		"set(nd(target=10.0.0.1))", "set(nd(sll=1))", "set(arp(op=65536))",
	} {
		if l, err := ParseActions(s); err == nil {
			t.Errorf("ParseActions(%q) = %v, want error", s, l)
		}
	}
}

func TestKeyTextRoundTrip(t *testing.T) {
	keys := map[string]FlowKey{
		"runt": {InPort: 3},
		"tcp4": {InPort: 1, Fields: FieldEth | FieldIPv4 | FieldTCP,
			EthSrc: [6]byte{0, 0, 0, 0, 0, 1}, EthDst: [6]byte{0, 0, 0, 0, 0, 2}, EthType: EthTypeIPv4,
			IPProto: 6, IPTOS: 0x2e << 2, IPTTL: 64, IPv4Src: [4]byte{10, 0, 0, 1}, IPv4Dst: [4]byte{10, 0, 0, 2},
			TPSrc: 1234, TPDst: 80, TCPFlags: 0x012, IPFrag: FragFirst},
		"qinq-udp6": {InPort: 2, Fields: FieldEth | FieldVLAN0 | FieldVLAN1 | FieldIPv6 | FieldUDP,
			VLAN:    [2]VLANTag{{EthTypeQinQ, MakeTCI(100, 3, false)}, {EthTypeVLAN, MakeTCI(10, 0, true)}},
			EthType: EthTypeIPv6, IPProto: 17, IPv6Src: [16]byte{0xfe, 0x80, 15: 1}, IPv6Label: 0x12345,
			IPTTL: 255, IPv6ExtHdr: ExtHdrHop | ExtHdrFrag, TPSrc: 53, TPDst: 5353},
		"vlan-truncated": {InPort: 1, Fields: FieldEth | FieldVLAN0, VLAN: [2]VLANTag{{EthTypeVLAN, 5}}, EthType: EthTypeVLAN},
		"arp":            {InPort: 1, Fields: FieldEth | FieldARP, EthType: EthTypeARP, ARPOp: 1, ARPSpa: [4]byte{1, 2, 3, 4}, ARPSha: [6]byte{1}},
		"nd": {InPort: 4, Fields: FieldEth | FieldIPv6 | FieldICMPv6 | FieldND, EthType: EthTypeIPv6, IPProto: 58,
			ICMPType: 135, NDTarget: [16]byte{0xfe, 0x80, 15: 9}, NDSLL: [6]byte{2, 0, 0, 0, 0, 1}},
		"mpls":    {InPort: 1, Fields: FieldEth | FieldMPLS, EthType: EthTypeMPLS, MPLSLabel: 99, MPLSTC: 1, MPLSBOS: 1, MPLSTTL: 5},
		"pbb":     {InPort: 1, Fields: FieldEth | FieldPBB, EthType: EthTypePBB, PBBISID: 0x123456},
		"icmp":    {InPort: 1, Fields: FieldEth | FieldIPv4 | FieldICMP, EthType: EthTypeIPv4, IPProto: 1, ICMPType: 8},
		"sctp":    {InPort: 1, Fields: FieldEth | FieldIPv4 | FieldSCTP, EthType: EthTypeIPv4, IPProto: 132, TPSrc: 1, TPDst: 2},
		"802.3":   {InPort: 1, Fields: FieldEth, EthType: EthTypeNone},
		"tunnel":  {InPort: 1, Fields: FieldTunnel | FieldEth, TunnelID: 0x42, EthType: 0x1234},
		"ip4frag": {InPort: 1, Fields: FieldEth | FieldIPv4, EthType: EthTypeIPv4, IPProto: 17, IPFrag: FragLater},
	}
	for name, k := range keys {
		s := k.String()
		got, err := ParseKey(s)
		if err != nil {
			t.Errorf("%s: ParseKey(%q): %v", name, s, err)
			continue
		}
		if got != k {
			t.Errorf("%s: round trip of %q:\n got %+v\nwant %+v", name, s, got, k)
		}
	}
}

func TestFormatFlowLikeOVS(t *testing.T) {
	now := time.Unix(1000, 0)
	k := FlowKey{InPort: 1, Fields: FieldEth | FieldIPv4 | FieldTCP, EthType: EthTypeIPv4,
		EthSrc: [6]byte{0, 0, 0, 0, 0, 1}, EthDst: [6]byte{0, 0, 0, 0, 0, 2},
		IPv4Src: [4]byte{10, 0, 0, 1}, IPv4Dst: [4]byte{10, 0, 0, 2}, IPProto: 6, IPTTL: 64, TPSrc: 1, TPDst: 2, TCPFlags: 2}
	f := Flow{Key: k, Actions: []Action{Output{2}, PushVLAN{EthTypeVLAN, 10}, Output{3}},
		Stats: FlowStats{Packets: 3, Bytes: 180, Used: now.Add(-400 * time.Millisecond), TCPFlags: 0x12}}
	want := "in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800)," +
		"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1,dst=2),tcp_flags(syn), " +
		"packets:3, bytes:180, used:0.400s, flags:S., actions:2,push_vlan(vid=10,pcp=0),3"
	if got := FormatFlow(f, now); got != want {
		t.Fatalf("FormatFlow:\n got %s\nwant %s", got, want)
	}
	gk, ga, err := ParseFlow(want)
	if err != nil || gk != k || !ActionsEqual(ga, f.Actions) {
		t.Fatalf("ParseFlow: %v %v %v", gk, ga, err)
	}
	// The form, without the comma before the statistics.
	alt := strings.Replace(want, "(syn), packets", "(syn) packets", 1)
	if gk, _, err := ParseFlow(alt); err != nil || gk != k {
		t.Fatalf("ParseFlow(%q): %v", alt, err)
	}
	if FormatStats(FlowStats{}, now) != "packets:0, bytes:0, used:never" {
		t.Errorf("unused stats: %q", FormatStats(FlowStats{}, now))
	}
}

func TestKeyTextLikeOVS(t *testing.T) {
	k := FlowKey{InPort: 2, Fields: FieldEth | FieldIPv6 | FieldTCP, EthType: EthTypeIPv6,
		IPv6Label: 0x12345, IPTOS: 0x10, IPProto: 6, IPTTL: 64, TCPFlags: 0x012 | 0x100 | 0x800}
	want := "in_port(2),eth(src=00:00:00:00:00:00,dst=00:00:00:00:00:00),eth_type(0x86dd)," +
		"ipv6(src=::,dst=::,label=0x12345,proto=6,tclass=0x10,hlimit=64,frag=no),tcp(src=0,dst=0),tcp_flags(syn|ack|ns|0x800)"
	if got := k.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for _, s := range []string{"tcp_flags(0x012)", "tcp_flags(syn|0x10)", "tcp_flags(ack|syn)"} {
		k, err := ParseKey("in_port(1),eth_type(0x0800),ipv4(proto=6),tcp(src=1,dst=2)," + s)
		if err != nil || k.TCPFlags != 0x012 {
			t.Errorf("%s: flags %#x, %v", s, k.TCPFlags, err)
		}
	}
	if _, err := ParseKey("in_port(1),tcp_flags(syn|bogus)"); err == nil {
		t.Error("an unknown flag name parsed")
	}
}

func TestParseKeyErrors(t *testing.T) {
	for _, s := range []string{
		"in_port(x)", "eth(src=zz)", "ipv4(src=::1)", "bogus(1)", "tcp(src=70000)",
		"in_port(1),eth_type(0x8100),vlan(vid=1),encap(eth_type(0x8100),vlan(vid=2),encap(eth_type(0x8100),vlan(vid=3)))",
		"ipv4(frag=maybe)", "in_port(1", "eth(src)",
	} {
		if k, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) = %v, want error", s, k)
		}
	}
}

func TestExactMask(t *testing.T) {
	k := FlowKey{InPort: 9, Fields: FieldEth, EthSrc: [6]byte{1, 2, 3, 4, 5, 6}, TPSrc: 5, NDTLL: [6]byte{9}}
	if got := ExactMask().Apply(k); got != k {
		t.Errorf("exact mask changed the key: %+v", got)
	}
	var m Mask
	if got := m.Apply(k); got != (FlowKey{}) {
		t.Errorf("zero mask kept %+v", got)
	}
}

// A port-wide entry prints only what it matches, as ovs-dpctl prints a
// megaflow whose other fields are wildcarded.
func TestFormatPortWideFlow(t *testing.T) {
	now := time.Unix(1000, 0)
	k := FlowKey{InPort: 3, Fields: FieldEth | FieldIPv4 | FieldUDP, EthType: EthTypeIPv4, IPProto: 17, TPSrc: 9}
	f := Flow{Key: k, Mask: PortMask(), Actions: []Action{Output{4}}, Stats: FlowStats{Packets: 7, Bytes: 420, Used: now}}
	if want, got := "in_port(3), packets:7, bytes:420, used:0.000s, actions:4", FormatFlow(f, now); got != want {
		t.Fatalf("FormatFlow:\n got %s\nwant %s", got, want)
	}
	f.Mask = ExactMask()
	if f.PortWide() || !strings.HasPrefix(FormatFlow(f, now), k.String()+", ") {
		t.Fatalf("an exact entry printed as %s", FormatFlow(f, now))
	}
}
