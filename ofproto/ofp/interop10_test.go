package ofp

// Interop of the OpenFlow 1.0 codec with ovs-ofctl ofp-print.

import (
	"encoding/hex"
	"fmt"
	"testing"
)

// TestInterop10 has the real ovs-ofctl print every OpenFlow 1.0 message
// xvs encodes, and compares its text with xvs's Format. Vendor messages
// are left out: ovs-ofctl only decodes the vendors it knows.
func TestInterop10(t *testing.T) {
	for _, msg := range samples10() {
		checkInterop(t, Version10, msg)
	}
}

// samples10 returns OpenFlow 1.0 messages of every type that ovs-ofctl
// prints as xvs does.
func samples10() []Message {
	m := MatchAll10()
	m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPDst
	m.DLType, m.NWProto, m.TPDst = 0x800, 6, 80
	m.SetNWDst(IPv410{10, 0, 0, 7}, 24)
	port := Port10{PortNo: 1, HWAddr: MAC{0, 1, 2, 3, 4, 5}, Name: "eth0", Config: PC10PortDown | PC10NoFlood, State: PS10LinkDown | PS10STPBlock,
		Curr: PF101GBFD | PF10Copper, Advertised: PF101GBFD | PF10Autoneg, Supported: PF1010GBFD | PF10Pause, Peer: PF10100MBFD}
	port2 := Port10{PortNo: Port10Local, Name: "br0"}
	return []Message{
		&EchoRequest{Data: []byte("xvs!")}, // a hex dump line shorter than 8 bytes
		&FeaturesReply10{DatapathID: 0x1234, NBuffers: 256, NTables: 1, Capabilities: 0xc7, Actions: 0xfff, Ports: []Port10{port2, port}},
		&PortStatus10{Reason: PR10Modify, Desc: port},
		&PortMod10{PortNo: 3, HWAddr: MAC{1, 2, 3, 4, 5, 6}, Config: PC10PortDown, Mask: PC10PortDown | PC10NoFwd, Advertise: PF10100MBFD},
		&PortMod10{PortNo: 3, HWAddr: MAC{1, 2, 3, 4, 5, 6}},
		&PacketOut10{BufferID: 9, InPort: Port10None, Actions: Actions10{ActionOutput10{Port: Port10Flood}}},
		&PacketOut10{BufferID: BufferNone10, InPort: 1, Actions: Actions10{ActionOutput10{Port: 2}}},
		&FlowMod10{Match: m, Priority: 10, BufferID: BufferNone10, OutPort: Port10None, Actions: Actions10{ActionOutput10{Port: 2}}},
		&FlowMod10{Match: m, Command: FC10Modify, Cookie: 5, Priority: 0x8000, HardTimeout: 30, BufferID: 7, OutPort: 3,
			Flags: FF10SendFlowRem | FF10CheckOverlap, Actions: Actions10{ActionOutput10{Port: Port10Table}}},
		&FlowMod10{Match: MatchAll10(), Command: FC10ModifyStrict, Cookie: ^uint64(0), Priority: 1, BufferID: BufferNone10, OutPort: Port10None},
		&FlowMod10{Match: MatchAll10(), Command: FC10Delete, Cookie: 5, BufferID: BufferNone10, OutPort: Port10Local},
		&FlowMod10{Match: MatchAll10(), Command: FC10DeleteStrict, Priority: 0xffff, BufferID: 0, OutPort: Port10None},
		&PacketOut10{BufferID: 5, InPort: 1, Actions: Actions10{ActionOutput10{Port: 2}}, Data: []byte("0123456789abcdef")},
		&PacketOut10{BufferID: 5, InPort: 1},
		&FlowRemoved10{Match: m, Cookie: 9, Priority: 100, Reason: RR10Delete, DurationSec: 3, DurationNsec: 500000000, IdleTimeout: 60, PacketCount: 10, ByteCount: 1000},
		&FlowRemoved10{Match: MatchAll10(), Priority: 0x8000, Reason: RR10IdleTimeout},
		&QueueGetConfigRequest10{Port: 1},
		&QueueGetConfigReply10{Port: 1, Queues: []PacketQueue10{{QueueID: 1, Properties: []QueueProp10{{Property: QT10MinRate, Rate: 500}}}, {QueueID: 2, Properties: []QueueProp10{{Property: QT10MinRate, Rate: 1001}}}, {QueueID: 3}}},
		&StatsRequest10{Type: ST10Desc},
		&StatsRequest10{Type: ST10Table},
		&StatsRequest10{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: MatchAll10(), TableID: 0xff, OutPort: Port10None}},
		&StatsRequest10{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: m, TableID: 0, OutPort: 2}},
		&StatsRequest10{Type: ST10Aggregate, Flow: &FlowStatsRequest10{Match: m, TableID: 0xff, OutPort: Port10None}},
		&StatsRequest10{Type: ST10Port, Port: &PortStatsRequest10{PortNo: Port10None}},
		&StatsRequest10{Type: ST10Port, Port: &PortStatsRequest10{PortNo: 1}},
		&StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: Port10All, QueueID: QueueAll10}},
		&StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: 1, QueueID: 2}},
		&StatsReply10{Type: ST10Desc, Desc: &DescStats10{MfrDesc: "xvs", HWDesc: "hw", SWDesc: "sw", SerialNum: "1", DPDesc: "dp"}},
		&StatsReply10{Type: ST10Flow, Flags: SF10ReplyMore, Flows: []FlowStats10{{TableID: 0, Match: m, DurationSec: 1, DurationNsec: 5000000, Priority: 10, IdleTimeout: 5, HardTimeout: 6, Cookie: 3, PacketCount: 4, ByteCount: 5, Actions: Actions10{ActionOutput10{Port: 2}}}, {Match: MatchAll10(), Priority: 0x8000}}},
		&StatsReply10{Type: ST10Flow},
		&StatsReply10{Type: ST10Aggregate, Aggregate: &AggregateStats10{1, 2, 3}},
		&StatsReply10{Type: ST10Table, Tables: []TableStats10{{TableID: 0, Name: "classifier", Wildcards: FW10All, MaxEntries: 1000000, ActiveCount: 3, LookupCount: 10, MatchedCount: 9}}},
		&StatsReply10{Type: ST10Port, Ports: []PortStats10{{PortNo: 1, RxPackets: 1, TxPackets: 2, RxBytes: 3, TxBytes: 4, RxDropped: 5, TxDropped: 6, RxErrors: 7, TxErrors: 8, RxFrameErr: 9, RxOverErr: 10, RxCRCErr: ^uint64(0), Collisions: 12}}},
		&StatsReply10{Type: ST10Table, Tables: []TableStats10{
			{TableID: 0, Name: "a", Wildcards: FW10All, MaxEntries: 10, ActiveCount: 1},
			{TableID: 1, Name: "b", Wildcards: FW10All, MaxEntries: 10, ActiveCount: 1},
			{TableID: 2, Name: "c", Wildcards: FW10All, MaxEntries: 10, ActiveCount: 2},
			{TableID: 3, Name: "d", Wildcards: FW10DLType | FW10DLVLAN | FW10NWDstMask | FW10TPSrc, MaxEntries: 10},
			{TableID: 4, Name: "e"}}},
		&StatsReply10{Type: ST10Table},
		&StatsReply10{Type: ST10Port, Ports: []PortStats10{{PortNo: Port10Local}, {PortNo: 10}, {PortNo: 65000}}},
		&StatsReply10{Type: ST10Queue, Queues: []QueueStats10{{PortNo: 1, QueueID: 2, TxBytes: 3, TxPackets: 4, TxErrors: 5}}},
		// Open vSwitch's OFPST_PORT_DESC extension of 1.0.
		&StatsRequest10{Type: ST10PortDesc},
		&StatsReply10{Type: ST10PortDesc, PortDesc: []Port10{port2, port}},
		&StatsReply10{Type: ST10PortDesc, Flags: SF10ReplyMore, PortDesc: []Port10{port}},
		&StatsReply10{Type: ST10PortDesc},
	}
}

// TestInteropMatch10 prints flow-mods with matches and actions of every
// kind through ovs-ofctl.
func TestInteropMatch10(t *testing.T) {
	type mf = func(*Match10)
	matches := []mf{
		func(m *Match10) {},
		func(m *Match10) { m.Wildcards = 0; m.DLType = ethTypeIPv4; m.NWProto = ipProtoTCP; m.InPort = 1 },
		func(m *Match10) { m.Wildcards &^= FW10InPort; m.InPort = Port10Local },
		func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = VLAN10None },
		func(m *Match10) { m.Wildcards &^= FW10DLVLAN; m.DLVLAN = 100 },
		func(m *Match10) { m.Wildcards &^= FW10DLVLANPCP; m.DLVLANPCP = 5 },
		func(m *Match10) { m.Wildcards &^= FW10DLVLANPCP | FW10DLVLAN; m.DLVLAN, m.DLVLANPCP = 4095, 7 },
		func(m *Match10) { m.Wildcards &^= FW10DLVLANPCP | FW10DLVLAN; m.DLVLAN, m.DLVLANPCP = VLAN10None, 7 },
		func(m *Match10) {
			m.Wildcards &^= FW10DLSrc | FW10DLDst
			m.DLSrc, m.DLDst = MAC{0, 1, 2, 3, 4, 5}, MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		},
		func(m *Match10) { m.Wildcards &^= FW10DLType; m.DLType = 0x88cc },
		func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto
			m.DLType, m.NWProto = ethTypeARP, 2
			m.SetNWSrc(IPv410{10, 1, 2, 3}, 32)
			m.SetNWDst(IPv410{10, 1, 2, 3}, 16)
		},
		func(m *Match10) { m.Wildcards &^= FW10DLType; m.DLType = ethTypeRARP },
		func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPSrc | FW10TPDst | FW10NWTos
			m.DLType, m.NWProto, m.TPSrc, m.TPDst, m.NWTos = ethTypeIPv4, ipProtoICMP, 8, 0, 0x20
		},
		func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPSrc
			m.DLType, m.NWProto, m.TPSrc = ethTypeIPv4, ipProtoUDP, 53
			m.SetNWSrc(IPv410{192, 168, 7, 9}, 1)
		},
		func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPDst
			m.DLType, m.NWProto, m.TPDst = ethTypeIPv4, ipProtoSCTP, 9
		},
		func(m *Match10) { m.Wildcards &^= FW10DLType | FW10NWProto; m.DLType, m.NWProto = ethTypeIPv4, 99 },
		func(m *Match10) {
			m.Wildcards &^= FW10DLType | FW10NWProto
			m.DLType, m.NWProto = ethTypeIPv6, ipProtoTCP
		},
	}
	actions := Actions10{
		ActionOutput10{Port: 2}, ActionOutput10{Port: Port10Normal}, ActionOutput10{Port: Port10InPort},
		ActionOutput10{Port: Port10All}, ActionOutput10{Port: Port10Local}, ActionOutput10{Port: Port10Controller, MaxLen: 128},
		ActionSetVLANVID10{VLANVID: 10}, ActionSetVLANPCP10{VLANPCP: 3}, ActionStripVLAN10{},
		ActionSetDLSrc10{Addr: MAC{0, 0x11, 0x22, 0x33, 0x44, 0x55}}, ActionSetDLDst10{Addr: MAC{2, 0, 0, 0, 0, 1}},
		ActionSetNWSrc10{Addr: IPv410{1, 2, 3, 4}}, ActionSetNWDst10{Addr: IPv410{5, 6, 7, 8}},
		ActionSetNWTos10{NWTos: 0xfc}, ActionSetTPSrc10{Port: 1}, ActionSetTPDst10{Port: 65535},
		ActionEnqueue10{Port: 3, QueueID: 7}, ActionEnqueue10{Port: Port10Local, QueueID: 0},
	}
	for i, f := range matches {
		m := MatchAll10()
		f(&m)
		fm := &FlowMod10{Match: m, Priority: uint16(i * 1000), BufferID: BufferNone10, OutPort: Port10None,
			IdleTimeout: uint16(i), Actions: actions[i%len(actions):]}
		checkInterop(t, Version10, fm)
	}
}

// TestInteropPacket10 prints packet-ins and packet-outs carrying frames of
// several kinds through ovs-ofctl, which prints the flow of each frame.
func TestInteropPacket10(t *testing.T) {
	eth := "ffffffffffff000102030405"
	ip := func(proto, tos, frag, l4 string) string {
		n := 20 + len(l4)/2
		return fmt.Sprintf("45%s%04x0001%s40%s0000", tos, n, frag, proto) + "0a0000010a000002" + l4
	}
	ip6 := func(nh, vtf, hlim, l4 string) string {
		return fmt.Sprintf("6%s%04x%s%s", vtf[1:], len(l4)/2, nh, hlim) +
			"fe800000000000000000000000000001" + "ff020000000000000000000000000001" + l4
	}
	tcp := "04d20050000000010000000050120000abcd0000"
	frames := []string{
		"",
		"0102",
		eth + "0806" + "0001080006040001" + "000102030405" + "0a000001" + "000000000000" + "0a000002",
		eth + "8035" + "0001080006040003" + "000102030405" + "0a000001" + "000000000000" + "0a000002",
		eth + "8100" + "6005" + "0806" + "0001080006040002" + "000102030405" + "0a000001" + "000000000000" + "0a000002",
		eth + "0806" + "0001",
		eth + "0800" + ip("06", "00", "0000", tcp),
		eth + "0800" + ip("06", "00", "2000", tcp),
		eth + "0800" + ip("06", "00", "0010", tcp),
		eth + "0800" + ip("06", "00", "0000", "04d20050000000010000000050ff0000abcd0000"),
		eth + "0800" + ip("06", "00", "0000", "04d2"),
		eth + "0800" + ip("11", "b9", "0000", "0035003500081234"),
		eth + "0800" + ip("11", "00", "0000", "0035"),
		eth + "0800" + ip("01", "00", "0000", "0800f7fe00010001"),
		eth + "0800" + ip("84", "00", "0000", "0001000200000000deadbeef"),
		eth + "0800" + ip("2f", "00", "0000", "abcd"),
		eth + "0800" + "4600",
		eth + "8100" + "e00a" + "0800" + ip("06", "10", "0000", tcp) + "0000",
		eth + "88cc" + "0102030405060708090a",
		eth + "0040" + "aaaa03000000" + "0800" + ip("01", "00", "0000", "0000000000000000"),
		eth + "0040" + "424203",
		eth + "8100" + "0005" + "8100" + "0006" + "0800" + "4500",
		eth + "88a8" + "0005" + "8100" + "2006" + "88cc",
		eth + "86dd" + ip6("06", "0b912345", "40", tcp),
		eth + "86dd" + ip6("11", "00000000", "40", "0035003500081234"),
		eth + "86dd" + ip6("3a", "00000000", "40", "8000123400010001"),
		eth + "86dd" + ip6("3a", "00000000", "ff", "8700123400000000"+"fe800000000000000000000000000002"+"0101000102030405"),
		eth + "86dd" + ip6("3a", "00000000", "ff", "8800123460000000"+"fe800000000000000000000000000002"+"0201000102030405"),
		eth + "86dd" + ip6("3a", "00000000", "ff", "8800123460000000"+"fe800000000000000000000000000002"+"0200000102030405"),
		eth + "86dd" + ip6("3a", "00000000", "ff", "8800123460000000"+"fe800000000000000000000000000002"+"02010001020304050201000102030406"),
		eth + "86dd" + ip6("3a", "00000000", "ff", "8800"),
		eth + "86dd" + ip6("2f", "00000000", "40", "abcd"),
		eth + "86dd" + ip6("2c", "00000000", "40", "0600000100000001"+tcp),
		eth + "86dd" + ip6("2c", "00000000", "40", "0600001000000001"+tcp),
		eth + "86dd" + ip6("00", "00000000", "40", "2b00000000000000"+"3c01000000000000"+"0000000000000000"+"1100000000000000"+"0035003500081234"),
		eth + "86dd" + ip6("33", "00000000", "40", "1101000000000000"+"0035003500081234"),
		eth + "86dd" + ip6("00", "00000000", "40", "06ff"),
		eth + "86dd" + "6000",
		eth + "86dd" + "60000000ffff06400000",
	}
	for i, fh := range frames {
		frame, err := hex.DecodeString(fh)
		if err != nil {
			t.Fatal(err)
		}
		checkInterop(t, Version10, &PacketIn10{BufferID: BufferNone10, TotalLen: uint16(len(frame)), InPort: 1, Data: frame})
		checkInterop(t, Version10, &PacketIn10{BufferID: uint32(i), TotalLen: 1500, InPort: Port10Local, Reason: PacketInReason10Action, Data: frame})
		checkInterop(t, Version10, &PacketOut10{BufferID: BufferNone10, InPort: 3, Actions: Actions10{ActionOutput10{Port: Port10Flood}}, Data: frame})
	}
	checkInterop(t, Version10, &PacketIn10{BufferID: BufferNone10, TotalLen: 100, InPort: 1})
}

// TestInteropOddValues10 prints values 1.0 does not define (unknown flags,
// reasons and bits) as ovs-ofctl does.
func TestInteropOddValues10(t *testing.T) {
	for _, m := range []Message{
		&StatsRequest10{Type: ST10Desc, Flags: 1},
		&StatsReply10{Type: ST10Desc, Flags: 2, Desc: &DescStats10{}},
		&StatsReply10{Type: ST10Port, Flags: 3},
		&StatsRequest10{Type: ST10Table, Flags: 3},
		&PacketIn10{Reason: 5, BufferID: 1},
		&FlowRemoved10{Match: MatchAll10(), Reason: 9},
		&PortMod10{PortNo: 1, Config: 0xffff, Mask: 0x80},
		&FeaturesReply10{Capabilities: 0xffffffff, Actions: 0xffffffff},
		&PacketIn10{Reason: 6, BufferID: 1},
		&PacketIn10{Reason: 200, BufferID: 1},
		&PacketIn10{Reason: 7, BufferID: 1},
		&PacketIn10{Reason: 8, BufferID: 1},
		&PortMod10{PortNo: 1, Config: 0xffff, Mask: 0xff, Advertise: 0xffffffff},
		&PortStatus10{Desc: Port10{Config: 0xffffffff, State: 0xffffffff, Curr: 0xffffffff, Advertised: 0xfff, Supported: 0xffff, Peer: 0xf000}},
	} {
		checkInterop(t, Version10, m)
	}
}

// TestInteropRawMatch10 prints matches whose fields lack their
// prerequisites, or hold out-of-range values, in the messages where
// ovs-ofctl prints them as they are (it normalises only flow-mods).
func TestInteropRawMatch10(t *testing.T) {
	for _, w := range []Match10{
		{Wildcards: FW10All | 0xffc00000},
		{Wildcards: FW10All&^(FW10DLType|FW10NWSrcMask|FW10NWDstMask) | 40<<FW10NWSrcShift | 63<<FW10NWDstShift, DLType: 0x800, NWSrc: IPv410{1, 2, 3, 4}},
		{Wildcards: FW10All &^ (FW10DLVLAN | FW10DLVLANPCP), DLVLAN: 0x1234, DLVLANPCP: 0xff},
		{Wildcards: FW10All &^ (FW10DLVLAN), DLVLAN: 0xf000},
		{Wildcards: FW10All &^ (FW10DLType | FW10NWTos), DLType: 0x800, NWTos: 0xff},
		{Wildcards: FW10All &^ (FW10NWSrcMask | FW10TPDst | FW10NWTos | FW10NWProto), NWSrc: IPv410{1, 2, 3, 4}, TPDst: 5, NWTos: 4, NWProto: 6},
		{Wildcards: FW10All &^ (FW10DLType | FW10TPSrc | FW10NWTos | FW10NWProto | FW10NWDstMask), DLType: ethTypeARP, NWProto: 1, TPSrc: 3, NWTos: 8},
		{Wildcards: FW10All &^ (FW10DLType | FW10TPSrc | FW10NWProto), DLType: ethTypeIPv4, NWProto: 1, TPSrc: 3},
		{Wildcards: FW10All &^ (FW10TPSrc | FW10NWProto), DLType: ethTypeIPv4, NWProto: 1, TPSrc: 3},
		{Wildcards: FW10All &^ (FW10DLType | FW10NWSrcMask | FW10TPDst), DLType: 0x88cc, NWSrc: IPv410{9, 9, 9, 9}, TPDst: 1},
		{Wildcards: FW10All &^ (FW10DLType | FW10NWProto | FW10TPDst), DLType: ethTypeIPv6, NWProto: 58, TPDst: 1},
	} {
		checkInterop(t, Version10, &StatsRequest10{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: w, TableID: 0xff, OutPort: Port10None}})
		checkInterop(t, Version10, &FlowRemoved10{Match: w})
		checkInterop(t, Version10, &StatsReply10{Type: ST10Flow, Flows: []FlowStats10{{Match: w}}})
	}
}

// TestInteropLimits10 prints extreme values (all-ones counters, cookies
// and ids; empty bitmaps) through ovs-ofctl.
func TestInteropLimits10(t *testing.T) {
	for _, m := range []Message{
		&FlowRemoved10{Match: MatchAll10(), Cookie: ^uint64(0), DurationNsec: 1},
		&StatsReply10{Type: ST10Flow, Flows: []FlowStats10{{Match: MatchAll10(), Cookie: ^uint64(0), TableID: 254, DurationNsec: 999999999, Priority: 0xffff}}},
		&StatsReply10{Type: ST10Aggregate, Aggregate: &AggregateStats10{^uint64(0), ^uint64(0), ^uint32(0)}},
		&StatsReply10{Type: ST10Queue, Queues: []QueueStats10{{PortNo: Port10Local, QueueID: ^uint32(0), TxBytes: ^uint64(0)}}},
		&StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: Port10Local, QueueID: 5}},
		&StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: Port10None, QueueID: 5}},
		&QueueGetConfigRequest10{Port: 0xfeff},
		&FeaturesReply10{DatapathID: ^uint64(0), NBuffers: ^uint32(0), NTables: 255},
		&FeaturesReply10{Capabilities: Cap10Reserved, Actions: 1 << 20},
		&FeaturesReply10{Actions: 1 << AT10Enqueue},
	} {
		checkInterop(t, Version10, m)
	}
}
