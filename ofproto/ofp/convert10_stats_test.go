package ofp

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestStatsRequest10ToMultipart(t *testing.T) {
	m := tcpMatch10()
	m13, _ := m.ToMatch()
	for _, tc := range []struct {
		name string
		in   StatsRequest10
		want MultipartBody
	}{
		{"desc", StatsRequest10{Type: ST10Desc}, &DescRequest{}},
		{"table", StatsRequest10{Type: ST10Table}, &TableStatsRequest{}},
		{"flow", StatsRequest10{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: m, TableID: 0xff, OutPort: Port10None}},
			&FlowStatsRequest{TableID: 0xff, OutPort: PortAny, OutGroup: GroupAny, Match: m13}},
		{"flow table 0 out_port 2", StatsRequest10{Type: ST10Flow, Flow: &FlowStatsRequest10{Match: MatchAll10(), TableID: 0, OutPort: 2}},
			&FlowStatsRequest{TableID: 0, OutPort: 2, OutGroup: GroupAny, Match: Match{}}},
		{"aggregate", StatsRequest10{Type: ST10Aggregate, Flow: &FlowStatsRequest10{Match: m, TableID: 0xff, OutPort: Port10Local}},
			&AggregateRequest{FlowStatsRequest{TableID: 0xff, OutPort: PortLocal, OutGroup: GroupAny, Match: m13}}},
		{"port all", StatsRequest10{Type: ST10Port, Port: &PortStatsRequest10{PortNo: Port10None}}, &PortStatsRequest{PortNo: PortAny}},
		{"port 3", StatsRequest10{Type: ST10Port, Port: &PortStatsRequest10{PortNo: 3}}, &PortStatsRequest{PortNo: 3}},
		{"queue all", StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: Port10All, QueueID: QueueAll10}},
			&QueueStatsRequest{PortNo: PortAny, QueueID: QueueAll}},
		{"queue 1:2", StatsRequest10{Type: ST10Queue, Queue: &QueueStatsRequest10{PortNo: 1, QueueID: 2}}, &QueueStatsRequest{PortNo: 1, QueueID: 2}},
		{"port desc (Open vSwitch)", StatsRequest10{Type: ST10PortDesc}, &PortDescRequest{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.ToMultipart()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
			if _, err := Marshal(Version13, 1, &MultipartRequest{Body: got}); err != nil {
				t.Errorf("encode: %v", err)
			}
		})
	}
	_, err := (&StatsRequest10{Type: ST10Vendor, Vendor: &VendorStats10{Vendor: 0x2320}}).ToMultipart()
	want10(t, err, ET10BadRequest, BRC10BadVendor)
	_, err = (&StatsRequest10{Type: 77}).ToMultipart()
	want10(t, err, ET10BadRequest, BRC10BadStat)
	_, err = (&StatsRequest10{Type: ST10Flow}).ToMultipart()
	want10(t, err, ET10BadRequest, BRC10BadLen)
}

func TestStatsReplyTo10(t *testing.T) {
	m := tcpMatch10()
	m13, _ := m.ToMatch()
	desc := &Desc{MfrDesc: "m", HWDesc: "h", SWDesc: "s", SerialNum: "n", DPDesc: "d"}
	if got, err := StatsReplyTo10(desc); err != nil || *got.Desc != (DescStats10{"m", "h", "s", "n", "d"}) || got.Type != ST10Desc {
		t.Errorf("desc: %+v %v", got, err)
	}

	flows := &FlowStatsReply{Entries: []FlowStats{
		{TableID: 0, DurationSec: 1, DurationNsec: 2, Priority: 3, IdleTimeout: 4, HardTimeout: 5, Cookie: 6, PacketCount: 7, ByteCount: 8,
			Match: m13, Instructions: []Instruction{&InstApplyActions{Actions: []Action{&ActionOutput{Port: 2}}}}},
		{TableID: 0, Priority: 1, Instructions: []Instruction{&InstGotoTable{TableID: 1}}}, // no 1.0 form: left out
		{TableID: 1, Priority: 0, Match: NewMatch(OXMMetadata(1, 0))},                      // no 1.0 form: left out
		{TableID: 2, Priority: 0}, // drop
	}}
	got, err := StatsReplyTo10(flows)
	if err != nil {
		t.Fatal(err)
	}
	want := []FlowStats10{
		{TableID: 0, Match: Normalize10(m), DurationSec: 1, DurationNsec: 2, Priority: 3, IdleTimeout: 4, HardTimeout: 5, Cookie: 6,
			PacketCount: 7, ByteCount: 8, Actions: Actions10{ActionOutput10{Port: 2}}},
		{TableID: 2, Match: Normalize10(MatchAll10()), Actions: Actions10{}},
	}
	if got.Type != ST10Flow || !reflect.DeepEqual(got.Flows, want) {
		t.Errorf("flows:\n got %+v\nwant %+v", got.Flows, want)
	}

	agg, err := StatsReplyTo10(&AggregateReply{PacketCount: 1, ByteCount: 2, FlowCount: 3})
	if err != nil || *agg.Aggregate != (AggregateStats10{1, 2, 3}) {
		t.Errorf("aggregate: %+v %v", agg, err)
	}

	tables, err := StatsReplyTo10(&TableStatsReply{Entries: []TableStats{{TableID: 0, ActiveCount: 1, LookupCount: 2, MatchedCount: 3}, {TableID: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if w := (TableStats10{TableID: 0, Name: "table0", Wildcards: FW10All, MaxEntries: DefaultTableMaxEntries, ActiveCount: 1, LookupCount: 2, MatchedCount: 3}); len(tables.Tables) != 2 || tables.Tables[0] != w || tables.Tables[1].Name != "table1" {
		t.Errorf("tables: %+v", tables.Tables)
	}

	ports, err := StatsReplyTo10(&PortStatsReply{Entries: []PortStats{{PortNo: 1, RxPackets: 5, Collisions: Unknown64}, {PortNo: PortLocal, TxBytes: 9}, {PortNo: 0x10000}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ports.Ports) != 2 || ports.Ports[0].RxPackets != 5 || ports.Ports[0].Collisions != Unknown64 || ports.Ports[1].PortNo != Port10Local || ports.Ports[1].TxBytes != 9 {
		t.Errorf("ports: %+v", ports.Ports)
	}

	queues, err := StatsReplyTo10(&QueueStatsReply{Entries: []QueueStats{{PortNo: 1, QueueID: 2, TxBytes: 3, TxPackets: 4, TxErrors: 5, DurationSec: 6}}})
	if err != nil || len(queues.Queues) != 1 || queues.Queues[0] != (QueueStats10{PortNo: 1, QueueID: 2, TxBytes: 3, TxPackets: 4, TxErrors: 5}) {
		t.Errorf("queues: %+v %v", queues, err)
	}

	pd, err := StatsReplyTo10(&PortDescReply{Ports: []Port{{PortNo: 1, Name: "p1", Config: PortConfigDown}, {PortNo: PortLocal, Name: "br0"}, {PortNo: 0x10000, Name: "big"}}})
	if err != nil {
		t.Fatal(err)
	}
	if pd.Type != ST10PortDesc || len(pd.PortDesc) != 2 || pd.PortDesc[0].Name != "p1" || pd.PortDesc[0].Config != PC10PortDown ||
		pd.PortDesc[1].PortNo != Port10Local {
		t.Errorf("port desc: %+v", pd.PortDesc)
	}

	for _, b := range []MultipartBody{&GroupDescReply{}, &TableFeaturesReply{}, nil} {
		_, err := StatsReplyTo10(b)
		want10(t, err, ET10BadRequest, BRC10BadStat)
	}

	// Every converted reply encodes.
	for _, r := range []*StatsReply10{got, agg, tables, ports, queues, pd} {
		if _, err := Marshal(Version10, 1, r); err != nil {
			t.Errorf("encode %d: %v", r.Type, err)
		}
	}
}

// TestFlowStats10RoundTripRandom: a flow a 1.0 controller adds comes back
// in 1.0 flow stats as it sent it (normalised match, same actions).
func TestFlowStats10RoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 10))
	for i := 0; i < 3000; i++ {
		fm10 := &FlowMod10{Match: randMatch10(r), Priority: uint16(r.Uint32()), BufferID: BufferNone10, OutPort: Port10None, Cookie: r.Uint64()}
		fm10.Match.Wildcards &^= FW10DLType | FW10NWProto
		fm10.Match.DLType, fm10.Match.NWProto = 0x800, 6
		fm10.Actions = randActions10(r)
		fm, err := fm10.ToFlowMod()
		if err != nil {
			if refused10(Normalize10(fm10.Match)) {
				continue
			}
			t.Fatalf("%+v: %v", fm10, err)
		}
		fs := FlowStats{Priority: fm.Priority, Cookie: fm.Cookie, Match: fm.Match, Instructions: fm.Instructions}
		got, err := FlowStatsTo10(&fs)
		if err != nil {
			t.Fatalf("%+v: back: %v", fm, err)
		}
		if got.Match != Normalize10(fm10.Match) || got.Priority != fm10.EffectivePriority() || got.Cookie != fm10.Cookie ||
			formatActions10(got.Actions) != formatActions10(fm10.Actions) {
			t.Fatalf("flow %+v came back as %+v", fm10, got)
		}
	}
}

// FuzzConvert10: random bytes that decode as a 1.0 request convert to a
// 1.3 message that encodes, or fail with an *Error in 1.0 numbering; 1.3
// messages the switch sends convert to 1.0 messages that encode, or fail
// so. Nothing panics.
func FuzzConvert10(f *testing.F) {
	for _, m := range samples10() {
		if b, err := Marshal(Version10, 1, m); err == nil {
			f.Add(b)
		}
	}
	m13, _ := tcpMatch10().ToMatch()
	for _, m := range []Message{
		&PacketIn{BufferID: NoBuffer, Match: NewMatch(OXMInPort(1)), Data: frame(0, 6)},
		&FlowRemoved{Match: m13, Reason: FlowRemovedHardTimeout},
		&PortStatus{Desc: Port{PortNo: 3, Name: "x"}},
		&MultipartReply{Body: &FlowStatsReply{Entries: []FlowStats{{Match: m13, Instructions: []Instruction{&InstApplyActions{Actions: []Action{&ActionOutput{Port: 1}}}}}}}},
		&MultipartReply{Body: &PortStatsReply{Entries: []PortStats{{PortNo: 1}}}},
	} {
		f.Add(mustMarshal(Version13, 1, m))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, m, err := Unmarshal(b)
		if err != nil {
			return
		}
		check := func(out Message, v uint8, err error) {
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("%T: error %T is not *Error: %v", m, err, err)
				}
				if e.version != Version10 {
					t.Fatalf("%T: error %v not in 1.0 numbering", m, e)
				}
				return
			}
			if _, err := Marshal(v, 1, out); err != nil {
				t.Fatalf("%T converted to %T that does not encode: %v", m, out, err)
			}
		}
		switch m := m.(type) {
		case *FlowMod10:
			out, err := m.ToFlowMod()
			check(out, Version13, err)
		case *PacketOut10:
			out, err := m.ToPacketOut()
			check(out, Version13, err)
		case *PortMod10:
			out, err := m.ToPortMod()
			check(out, Version13, err)
		case *StatsRequest10:
			body, err := m.ToMultipart()
			check(&MultipartRequest{Body: body}, Version13, err)
		case *PacketIn:
			out, err := PacketInTo10(m)
			check(out, Version10, err)
		case *FlowRemoved:
			out, err := FlowRemovedTo10(m)
			check(out, Version10, err)
		case *PortStatus:
			out, err := PortStatusTo10(m)
			check(out, Version10, err)
		case *FeaturesReply:
			out, err := FeaturesReplyTo10(m, nil)
			check(out, Version10, err)
		case *MultipartReply:
			out, err := StatsReplyTo10(m.Body)
			check(out, Version10, err)
		case *QueueGetConfigRequest10:
			out, err := m.ToQueueGetConfig()
			check(out, Version13, err)
		case *QueueGetConfigReply:
			out, err := QueueGetConfigReplyTo10(m)
			check(out, Version10, err)
		}
	})
}
