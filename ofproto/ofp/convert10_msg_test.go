package ofp

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// want10 asserts err is an *Error in 1.0 numbering of the given type and code.
func want10(t *testing.T, err error, typ ErrorType, code uint16) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Type != typ || e.Code != code {
		t.Fatalf("got %v, want 1.0 error type %d code %d (%s)", err, typ, code, errorName10(typ, code))
	}
	if e.version != Version10 {
		t.Errorf("%v: not marked as 1.0 numbering", e)
	}
}

func tcpMatch10() Match10 {
	return match10(func(m *Match10) {
		m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPDst | FW10InPort | FW10DLVLAN
		m.DLType, m.NWProto, m.TPDst, m.InPort, m.DLVLAN = 0x800, 6, 80, 1, 5
		m.SetNWDst(IPv410{10, 0, 0, 7}, 24)
	})
}

func TestFlowMod10ToFlowMod(t *testing.T) {
	m := tcpMatch10()
	add := &FlowMod10{Match: m, Cookie: 7, Command: FC10Add, Priority: 10, IdleTimeout: 5, HardTimeout: 6, BufferID: BufferNone10,
		OutPort: Port10None, Flags: FF10SendFlowRem | FF10CheckOverlap | 0x80,
		Actions: Actions10{ActionSetVLANVID10{VLANVID: 9}, ActionSetTPDst10{Port: 8080}, ActionOutput10{Port: 2}}}
	fm, err := add.ToFlowMod()
	if err != nil {
		t.Fatal(err)
	}
	wantMatch, _ := m.ToMatch()
	want := &FlowMod{Cookie: 7, CookieMask: 0, TableID: 0, Command: FlowAdd, IdleTimeout: 5, HardTimeout: 6, Priority: 10,
		BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Flags: FlowSendFlowRem | FlowCheckOverlap, Match: wantMatch,
		Instructions: []Instruction{&InstApplyActions{Actions: []Action{
			&ActionSetField{Field: OXMVlanVID(VIDPresent | 9)}, &ActionSetField{Field: OXMTCPDst(8080)}, &ActionOutput{Port: 2}}}}}
	if !reflect.DeepEqual(fm, want) {
		t.Fatalf("got  %+v\nwant %+v", fm, want)
	}
	// It encodes, and decodes as a valid 1.3 flow-mod.
	wire, err := Marshal(Version13, 1, fm)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Unmarshal(wire); err != nil {
		t.Fatalf("1.3 decode of the conversion: %v", err)
	}

	// Exact match: highest priority.
	exact := *add
	exact.Match = Match10{Wildcards: 0, DLType: 0x800, NWProto: 6, DLVLAN: VLAN10None}
	if fm, err := exact.ToFlowMod(); err != nil || fm.Priority != 0xffff {
		t.Errorf("exact match: priority %v, err %v; want 65535", fm, err)
	}

	// Deletions: no instructions, out_port filter, any cookie.
	del := &FlowMod10{Match: MatchAll10(), Cookie: 9, Command: FC10DeleteStrict, Priority: 3, BufferID: BufferNone10, OutPort: 4,
		Actions: Actions10{ActionVendor10{Vendor: 1}}} // ignored for deletions
	fm, err = del.ToFlowMod()
	if err != nil {
		t.Fatal(err)
	}
	if fm.Command != FlowDeleteStrict || fm.OutPort != 4 || fm.CookieMask != 0 || fm.Instructions != nil || fm.Priority != 3 || fm.OutGroup != GroupAny {
		t.Errorf("delete-strict: %+v", fm)
	}
	del.OutPort = Port10None
	if fm, _ := del.ToFlowMod(); fm.OutPort != PortAny {
		t.Errorf("out_port OFPP_NONE became %s, want ANY", fm.OutPort)
	}

	// Modify keeps the 1.0 add-if-absent hint.
	mod := *add
	mod.Command = FC10Modify
	if fm, err := mod.ToFlowMod(); err != nil || fm.Command != FlowModify || fm.CookieMask != 0 || !mod.AddIfNoMatch10() {
		t.Errorf("modify: %+v %v", fm, err)
	}
	if add.AddIfNoMatch10() || del.AddIfNoMatch10() {
		t.Error("AddIfNoMatch10 true for add or delete")
	}

	// No actions: no instruction (drop).
	drop := &FlowMod10{Match: MatchAll10(), BufferID: BufferNone10, OutPort: Port10None}
	if fm, err := drop.ToFlowMod(); err != nil || len(fm.Instructions) != 0 {
		t.Errorf("drop flow: %+v %v", fm, err)
	}
}

func TestFlowMod10Refused(t *testing.T) {
	base := func() *FlowMod10 {
		return &FlowMod10{Match: MatchAll10(), BufferID: BufferNone10, OutPort: Port10None, Actions: Actions10{ActionOutput10{Port: 1}}}
	}
	emerg := base()
	emerg.Flags = FF10Emerg
	_, err := emerg.ToFlowMod()
	want10(t, err, ET10FlowModFailed, FMFC10AllTablesFull)

	cmd := base()
	cmd.Command = 9
	_, err = cmd.ToFlowMod()
	want10(t, err, ET10FlowModFailed, FMFC10BadCommand)

	vendor := base()
	vendor.Actions = Actions10{ActionVendor10{Vendor: 0x2320}}
	_, err = vendor.ToFlowMod()
	want10(t, err, ET10BadAction, BAC10BadVendor)

	rarp := base()
	rarp.Match = match10(func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = 0x8035, 3 })
	_, err = rarp.ToFlowMod()
	want10(t, err, ET10BadRequest, BRC10BadType)

	// A 1.3 validation failure comes back in 1.0 numbering: output to
	// port 0 is OFPBAC_BAD_OUT_PORT in both.
	zero := base()
	zero.Actions = Actions10{ActionOutput10{Port: 0}}
	_, err = zero.ToFlowMod()
	want10(t, err, ET10BadAction, BAC10BadOutPort)
}

// frame builds an Ethernet frame: tag 0 means untagged; proto 0 means
// not IPv4.
func frame(tag uint16, proto uint8) []byte {
	b := []byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1}
	if tag != 0 {
		b = append(b, 0x81, 0, byte(tag>>8), byte(tag))
	}
	if proto == 0 {
		return append(b, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1)
	}
	ip := make([]byte, 40)
	ip[0], ip[9] = 0x45, proto
	return append(append(b, 0x08, 0x00), ip...)
}

func TestPacketOut10ToPacketOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   PacketOut10
		want string
	}{
		{"untagged: push", PacketOut10{BufferID: BufferNone10, InPort: Port10None, Data: frame(0, 6),
			Actions: Actions10{ActionSetVLANVID10{VLANVID: 5}, ActionOutput10{Port: 1}}}, "push_vlan:0x8100,set_field:4101->vlan_vid,output:1"},
		{"tagged: set", PacketOut10{BufferID: BufferNone10, InPort: Port10Controller, Data: frame(7, 6),
			Actions: Actions10{ActionSetVLANVID10{VLANVID: 5}, ActionOutput10{Port: 1}}}, "set_field:4101->vlan_vid,output:1"},
		{"tcp port", PacketOut10{BufferID: BufferNone10, InPort: 1, Data: frame(7, 6),
			Actions: Actions10{ActionSetTPSrc10{Port: 99}, ActionOutput10{Port: Port10Table}}}, "set_field:99->tcp_src,TABLE"},
		{"udp port", PacketOut10{BufferID: BufferNone10, InPort: 1, Data: frame(0, 17),
			Actions: Actions10{ActionSetTPDst10{Port: 99}, ActionOutput10{Port: Port10InPort}}}, "set_field:99->udp_dst,IN_PORT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			po, err := tc.in.ToPacketOut()
			if err != nil {
				t.Fatal(err)
			}
			if s := formatActions(po.Actions); s != tc.want {
				t.Errorf("actions %q, want %q", s, tc.want)
			}
			if po.InPort != tc.in.InPort.To13() || po.BufferID != tc.in.BufferID || !bytes.Equal(po.Data, tc.in.Data) {
				t.Errorf("packet-out %+v from %+v", po, tc.in)
			}
			if err := po.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
	// mod_tp_src on an ARP frame has no 1.3 field.
	arp := PacketOut10{BufferID: BufferNone10, InPort: 1, Data: frame(0, 0), Actions: Actions10{ActionSetTPSrc10{Port: 1}}}
	_, err := arp.ToPacketOut()
	want10(t, err, ET10BadAction, BAC10BadArgument)
	// A buffered packet-out with data is ambiguous (1.3 validation,
	// OFPBRC_BAD_PACKET, which 1.0 lacks: mapped to OFPBRC_BAD_LEN).
	buf := PacketOut10{BufferID: 5, InPort: 1, Data: frame(0, 6)}
	_, err = buf.ToPacketOut()
	want10(t, err, ET10BadRequest, BRC10BadLen)
}

func TestPortMod10ToPortMod(t *testing.T) {
	pm := &PortMod10{PortNo: 3, HWAddr: MAC{1, 2, 3, 4, 5, 6}, Config: PC10PortDown | PC10NoSTP | PC10NoFlood,
		Mask: PC10PortDown | PC10NoSTP | PC10NoRecvSTP | PC10NoFlood | PC10NoPacketIn, Advertise: PF10100MBFD | PF10Copper | PF10PauseAsym}
	got, err := pm.ToPortMod()
	if err != nil {
		t.Fatal(err)
	}
	want := &PortMod{PortNo: 3, HWAddr: pm.HWAddr, Config: PortConfigDown | PortConfigNoFlood10,
		Mask: PortConfigDown | PortConfigNoFlood10 | PortConfigNoPacketIn, Advertise: PortFeature100MbFD | PortFeatureCopper | PortFeaturePauseAsym,
		From10: true}
	if *got != *want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// What the 1.0 peer asked is valid in its converted form.
	if err := got.Validate(); err != nil {
		t.Errorf("converted 1.0 port-mod with OFPPC_NO_FLOOD: %v", err)
	}
	local := &PortMod10{PortNo: Port10Local}
	if got, err := local.ToPortMod(); err != nil || got.PortNo != PortLocal {
		t.Errorf("LOCAL: %+v %v", got, err)
	}
	_, err = (&PortMod10{PortNo: Port10Flood}).ToPortMod()
	want10(t, err, ET10PortModFailed, PMFC10BadPort)
}

func TestFeatureBits10(t *testing.T) {
	for bit := 0; bit < 12; bit++ {
		f := uint32(1) << bit
		if back := featuresTo10(featuresFrom10(f)); back != f {
			t.Errorf("1.0 feature bit %d came back as %#x", bit, back)
		}
	}
	if featuresFrom10(PF10Fiber) != PortFeatureFiber || featuresFrom10(PF10Autoneg) != PortFeatureAutoneg || featuresFrom10(PF1010GBFD) != PortFeature10GbFD {
		t.Error("feature bits moved to the wrong 1.3 bits")
	}
	if featuresTo10(PortFeature40GbFD|PortFeatureOther) != 0 {
		t.Error("40G and other have no 1.0 bit")
	}
}

func TestPortStatusTo10(t *testing.T) {
	p := Port{PortNo: 2, HWAddr: MAC{1, 2, 3, 4, 5, 6}, Name: "veth0", Config: PortConfigNoFwd | PortConfigNoFlood10,
		State: PortStateLinkDown | PortStateLive, Curr: PortFeature1GbFD | PortFeatureCopper, Supported: PortFeature10GbFD | PortFeature40GbFD,
		CurrSpeed: 1000000, MaxSpeed: 40000000}
	ps, err := PortStatusTo10(&PortStatus{Reason: PortReasonModify, Desc: p})
	if err != nil {
		t.Fatal(err)
	}
	want := &PortStatus10{Reason: PR10Modify, Desc: Port10{PortNo: 2, HWAddr: p.HWAddr, Name: "veth0", Config: PC10NoFwd | PC10NoFlood,
		State: PS10LinkDown, Curr: PF101GBFD | PF10Copper, Supported: PF1010GBFD}}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("got %+v\nwant %+v", ps, want)
	}
	local, err := PortTo10(Port{PortNo: PortLocal, Name: "br0"})
	if err != nil || local.PortNo != Port10Local {
		t.Errorf("LOCAL: %+v %v", local, err)
	}
	_, err = PortTo10(Port{PortNo: 0x12345})
	want10(t, err, ET10BadRequest, BRC10Eperm)
}

func TestFeaturesReplyTo10(t *testing.T) {
	fr := &FeaturesReply{DatapathID: 0xabc, NBuffers: 0, NTables: 254,
		Capabilities: CapFlowStats | CapTableStats | CapPortStats | CapGroupStats | CapQueueStats | CapPortBlocked}
	ports := []Port{{PortNo: 1, Name: "a"}, {PortNo: PortLocal, Name: "br0"}}
	got, err := FeaturesReplyTo10(fr, ports)
	if err != nil {
		t.Fatal(err)
	}
	if got.DatapathID != 0xabc || got.NTables != 254 || got.NBuffers != 0 {
		t.Errorf("header fields: %+v", got)
	}
	if want := Cap10FlowStats | Cap10TableStats | Cap10PortStats | Cap10QueueStats | Cap10ARPMatchIP; got.Capabilities != want {
		t.Errorf("capabilities %#x, want %#x (no STP bit from GROUP_STATS)", got.Capabilities, want)
	}
	if got.Actions != 0xfff {
		t.Errorf("actions %#x, want 0xfff", got.Actions)
	}
	if len(got.Ports) != 2 || got.Ports[1].PortNo != Port10Local || got.Ports[0].Name != "a" {
		t.Errorf("ports %+v", got.Ports)
	}
	if _, err := FeaturesReplyTo10(fr, []Port{{PortNo: 0xffff0}}); err == nil {
		t.Error("port beyond 16 bits accepted")
	}
}

func TestPacketInTo10(t *testing.T) {
	data := frame(0, 6)
	pi := &PacketIn{BufferID: NoBuffer, TotalLen: uint16(len(data)), Reason: PacketInAction, TableID: 3, Cookie: 9,
		Match: NewMatch(OXMInPort(PortLocal), OXMMetadata(5, 0)), Data: data}
	got, err := PacketInTo10(pi)
	if err != nil {
		t.Fatal(err)
	}
	want := &PacketIn10{BufferID: BufferNone10, TotalLen: uint16(len(data)), InPort: Port10Local, Reason: PacketInReason10Action, Data: data}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	pi.Match = Match{}
	if got, _ := PacketInTo10(pi); got.InPort != Port10None {
		t.Errorf("no in_port gave %s", got.InPort)
	}
	pi.Reason = PacketInInvalidTTL
	_, err = PacketInTo10(pi)
	want10(t, err, ET10BadRequest, BRC10BadType)
}

func TestFlowRemovedTo10(t *testing.T) {
	m10 := tcpMatch10()
	m, _ := m10.ToMatch()
	fr := &FlowRemoved{Cookie: 1, Priority: 2, Reason: FlowRemovedGroupDelete, TableID: 0, DurationSec: 3, DurationNsec: 4,
		IdleTimeout: 5, HardTimeout: 6, PacketCount: 7, ByteCount: 8, Match: m}
	got, err := FlowRemovedTo10(fr)
	if err != nil {
		t.Fatal(err)
	}
	want := &FlowRemoved10{Match: Normalize10(m10), Cookie: 1, Priority: 2, Reason: RR10Delete, DurationSec: 3, DurationNsec: 4,
		IdleTimeout: 5, PacketCount: 7, ByteCount: 8}
	if *got != *want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	fr.Match = NewMatch(OXMMetadata(1, 0))
	_, err = FlowRemovedTo10(fr)
	want10(t, err, ET10BadRequest, BRC10BadType)
}

func TestError10(t *testing.T) {
	// A 1.3 error is mapped; one already in 1.0 numbering is kept; a
	// plain error becomes OFPBRC_EPERM.
	e := Error10(errf(ETBadMatch, BMCBadField, "x"))
	if e.Type != ET10BadRequest || e.Code != BRC10BadType || !strings.HasPrefix(e.Error(), "OFPBRC_BAD_TYPE") {
		t.Errorf("mapped 1.3 error: %v", e)
	}
	if Error10(e) != e {
		t.Error("Error10 remapped a 1.0 error")
	}
	if e := Error10(errors.New("boom")); e.Type != ET10BadRequest || e.Code != BRC10Eperm {
		t.Errorf("plain error: %v", e)
	}
}

// TestConvert10Interop has ovs-ofctl print 1.0 messages and their 1.3
// conversions: the texts agree but for the version tag, fields only 1.3
// prints, and the spelling of actions (compared through ActionsTo10 by
// the other tests).
func TestConvert10Interop(t *testing.T) {
	m := tcpMatch10()
	var msgs []Message
	for _, fm := range []*FlowMod10{
		{Match: m, Cookie: 7, Priority: 10, IdleTimeout: 5, BufferID: BufferNone10, OutPort: Port10None, Flags: FF10SendFlowRem,
			Actions: Actions10{ActionSetVLANVID10{VLANVID: 9}, ActionSetTPDst10{Port: 8080}, ActionOutput10{Port: 2}, ActionEnqueue10{Port: 3, QueueID: 4}}},
		// (ovs-ofctl refuses pop_vlan in 1.3 unless the match has a tag.)
		{Match: match10(func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = 4 }), Command: FC10Modify, Priority: 1,
			BufferID: BufferNone10, OutPort: Port10None, Actions: Actions10{ActionStripVLAN10{}, ActionOutput10{Port: 1}}},
		{Match: Match10{DLVLAN: VLAN10None, DLType: 0x806, NWProto: 1, InPort: 2}, Command: FC10Add, BufferID: BufferNone10, OutPort: Port10None,
			Actions: Actions10{ActionOutput10{Port: Port10Normal}}},
		{Match: m, Command: FC10DeleteStrict, Priority: 10, BufferID: BufferNone10, OutPort: 3},
	} {
		fm13, err := fm.ToFlowMod()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, fm, fm13)
	}
	pi := &PacketIn{BufferID: NoBuffer, TotalLen: 54, Reason: PacketInNoMatch, Match: NewMatch(OXMInPort(3)), Data: frame(0, 6)}
	pi10, err := PacketInTo10(pi)
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, pi10, pi)
	fr := &FlowRemoved{Cookie: 5, Priority: 10, Reason: FlowRemovedIdleTimeout, DurationSec: 2, IdleTimeout: 60, PacketCount: 3, ByteCount: 300}
	fr.Match, _ = m.ToMatch()
	fr10, err := FlowRemovedTo10(fr)
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, fr10, fr)
	ps := &PortStatus{Reason: PortReasonAdd, Desc: Port{PortNo: 2, Name: "p2", Config: PortConfigNoFwd, State: PortStateLinkDown,
		Curr: PortFeature1GbFD, Supported: PortFeature10GbFD, CurrSpeed: 1000000, MaxSpeed: 10000000}}
	ps10, err := PortStatusTo10(ps)
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, ps10, ps)

	for _, req := range []*StatsRequest10{
		{Type: ST10Desc},
		{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: m, TableID: 0xff, OutPort: Port10None}},
		{Type: ST10Aggregate, Flow: &FlowStatsRequest10{Match: MatchAll10(), TableID: 0, OutPort: 2}},
		{Type: ST10Port, Port: &PortStatsRequest10{PortNo: Port10None}},
		{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: 1, QueueID: 2}},
	} {
		body, err := req.ToMultipart()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, req, &MultipartRequest{Body: body})
	}
	for _, body := range []MultipartBody{
		&Desc{MfrDesc: "xvs project", HWDesc: "hw", SWDesc: "1.0", SerialNum: "None", DPDesc: "br0"},
		&AggregateReply{PacketCount: 1, ByteCount: 2, FlowCount: 3},
		&FlowStatsReply{Entries: []FlowStats{{Priority: 10, Cookie: 3, PacketCount: 4, ByteCount: 5, Match: fr.Match,
			Instructions: []Instruction{&InstApplyActions{Actions: []Action{&ActionOutput{Port: 2}}}}}}},
	} {
		r10, err := StatsReplyTo10(body)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, r10, &MultipartReply{Body: body})
	}

	only13 := regexp.MustCompile(` \(OF1\.3\)| cookie=0x0| table_id=0|actions=.*`)
	for i := 0; i < len(msgs); i += 2 {
		w10, err := Marshal(Version10, 1, msgs[i])
		if err != nil {
			t.Fatal(err)
		}
		w13, err := Marshal(Version13, 1, msgs[i+1])
		if err != nil {
			t.Fatal(err)
		}
		a, b := ovsOfpPrint(t, w10), vlanNone10(ovsOfpPrint(t, w13))
		if only13.ReplaceAllString(a, "") != only13.ReplaceAllString(b, "") {
			t.Errorf("%T:\n 1.0 %q\n 1.3 %q", msgs[i], a, b)
		}
	}
}

// TestRandomConvert10AgreeWithOVS: ovs-ofctl reads random 1.0 flow-mods
// and their 1.3 conversions as the same flow (match, priority, cookie,
// timeouts, flags).
func TestRandomConvert10AgreeWithOVS(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 10))
	cut := regexp.MustCompile(` \(OF1\.3\)| actions=.*`)
	n := 0
	for n < 150 {
		fm10 := &FlowMod10{Match: randMatch10(r), Cookie: uint64(r.IntN(3)), Priority: uint16(r.IntN(3) * 1000), IdleTimeout: uint16(r.IntN(2) * 10),
			BufferID: BufferNone10, OutPort: Port10None, Flags: uint16(r.IntN(4)), Actions: Actions10{ActionOutput10{Port: 1}}}
		fm, err := fm10.ToFlowMod()
		if err != nil {
			continue
		}
		n++
		w10, err := Marshal(Version10, 1, fm10)
		if err != nil {
			t.Fatal(err)
		}
		w13, err := Marshal(Version13, 1, fm)
		if err != nil {
			t.Fatal(err)
		}
		a, b := cut.ReplaceAllString(ovsOfpPrint(t, w10), ""), vlanNone10(cut.ReplaceAllString(ovsOfpPrint(t, w13), ""))
		if a != b {
			t.Errorf("%+v:\n 1.0 %q\n 1.3 %q", fm10.Match, a, b)
		}
	}
}
