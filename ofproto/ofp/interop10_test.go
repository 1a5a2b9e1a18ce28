package ofp

// Interop of the OpenFlow 1.0 codec with ovs-ofctl ofp-print.

import "testing"

// TestInterop10 has the real ovs-ofctl print every OpenFlow 1.0 message
// xvs encodes, and compares its text with xvs's Format. Vendor messages
// are left out: ovs-ofctl only decodes the vendors it knows.
func TestInterop10(t *testing.T) {
	m := MatchAll10()
	m.Wildcards &^= FW10DLType | FW10NWProto | FW10TPDst
	m.DLType, m.NWProto, m.TPDst = 0x800, 6, 80
	m.SetNWDst(IPv410{10, 0, 0, 7}, 24)
	port := Port10{PortNo: 1, HWAddr: MAC10{0, 1, 2, 3, 4, 5}, Name: "eth0", Config: PC10PortDown | PC10NoFlood, State: PS10LinkDown | PS10STPBlock,
		Curr: PF101GBFD | PF10Copper, Advertised: PF101GBFD | PF10Autoneg, Supported: PF1010GBFD | PF10Pause, Peer: PF10100MBFD}
	port2 := Port10{PortNo: Port10Local, Name: "br0"}
	for _, msg := range []Message{
		&FeaturesReply10{DatapathID: 0x1234, NBuffers: 256, NTables: 1, Capabilities: 0xc7, Actions: 0xfff, Ports: []Port10{port2, port}},
		&PortStatus10{Reason: PR10Modify, Desc: port},
		&PortMod10{PortNo: 3, HWAddr: MAC10{1, 2, 3, 4, 5, 6}, Config: PC10PortDown, Mask: PC10PortDown | PC10NoFwd, Advertise: PF10100MBFD},
		&PortMod10{PortNo: 3, HWAddr: MAC10{1, 2, 3, 4, 5, 6}},
		&PacketOut10{BufferID: 9, InPort: Port10None, Actions: Actions10{ActionOutput10{Port: Port10Flood}}},
		&PacketOut10{BufferID: BufferNone10, InPort: 1, Actions: Actions10{ActionOutput10{Port: 2}}},
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
		&StatsReply10{Type: ST10Queue, Queues: []QueueStats10{{PortNo: 1, QueueID: 2, TxBytes: 3, TxPackets: 4, TxErrors: 5}}},
	} {
		checkInterop(t, Version10, msg)
	}
}
