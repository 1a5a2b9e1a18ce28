package ofp

import (
	"reflect"
	"testing"
)

// bigFlowReply10 returns a flow stats reply of n entries whose sizes vary
// (88 bytes plus 0-3 actions).
func bigFlowReply10(n int) *StatsReply10 {
	r := &StatsReply10{Type: ST10Flow}
	for i := range n {
		f := FlowStats10{Match: MatchAll10(), Priority: uint16(i), Cookie: uint64(i), PacketCount: uint64(i * 3)}
		for j := range i % 4 {
			f.Actions = append(f.Actions, ActionOutput10{Port: PortNo10(j + 1)})
		}
		r.Flows = append(r.Flows, f)
	}
	return r
}

func TestStatsReplySplitAndJoin10(t *testing.T) {
	ports := &StatsReply10{Type: ST10Port}
	for i := range 700 { // 700 * 104 bytes > 64 KiB
		ports.Ports = append(ports.Ports, PortStats10{PortNo: PortNo10(i + 1), RxPackets: uint64(i)})
	}
	tables := &StatsReply10{Type: ST10Table}
	for i := range 1100 { // 1100 * 64 bytes > 64 KiB
		tables.Tables = append(tables.Tables, TableStats10{TableID: uint8(i), Name: "t", MaxEntries: uint32(i)})
	}
	queues := &StatsReply10{Type: ST10Queue}
	for i := range 2100 {
		queues.Queues = append(queues.Queues, QueueStats10{PortNo: 1, QueueID: uint32(i)})
	}
	for _, tc := range []struct {
		name      string
		reply     *StatsReply10
		wantParts int
	}{
		{"flows", bigFlowReply10(2000), 4},
		{"ports", ports, 2},
		{"tables", tables, 2},
		{"queues", queues, 2},
		{"small", bigFlowReply10(3), 1},
		{"empty", &StatsReply10{Type: ST10Flow}, 1},
		{"desc", &StatsReply10{Type: ST10Desc, Desc: &DescStats10{MfrDesc: "x"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts, err := tc.reply.Split(0)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != tc.wantParts {
				t.Fatalf("%d parts, want %d", len(parts), tc.wantParts)
			}
			var asm StatsAssembler10
			var got *StatsReply10
			for i, p := range parts {
				wire, err := Marshal(Version10, 77, p)
				if err != nil {
					t.Fatal(err)
				}
				if len(wire) > MaxMessageLen {
					t.Fatalf("part %d is %d bytes", i, len(wire))
				}
				// Parts are filled: the next entry would not have fit.
				if i < len(parts)-1 && tc.reply.Type == ST10Port && len(wire)+portStats10Len <= MaxMessageLen {
					t.Fatalf("part %d of %d bytes is not full", i, len(wire))
				}
				_, m, err := Unmarshal(wire)
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				dp := m.(*StatsReply10)
				if more := dp.Flags&SF10ReplyMore != 0; more != (i < len(parts)-1) {
					t.Fatalf("part %d of %d: more=%v", i, len(parts), more)
				}
				if got, err = asm.Add(77, dp); err != nil {
					t.Fatal(err)
				}
				if (got != nil) != (i == len(parts)-1) {
					t.Fatalf("part %d: assembler returned %v", i, got != nil)
				}
			}
			if !reflect.DeepEqual(got, tc.reply) {
				t.Fatalf("reassembled reply differs from the original")
			}
			if asm.Pending() != 0 {
				t.Fatalf("%d replies still pending", asm.Pending())
			}
			joined, err := JoinStatsReplies10(parts)
			if err != nil || !reflect.DeepEqual(joined, tc.reply) {
				t.Fatalf("join: %v", err)
			}
		})
	}
}

func TestAppendStatsReply10(t *testing.T) {
	r := bigFlowReply10(1500)
	wire, err := AppendStatsReply10(nil, 5, r)
	if err != nil {
		t.Fatal(err)
	}
	var asm StatsAssembler10
	n := 0
	for len(wire) > 0 {
		h, err := DecodeHeader(wire)
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := Unmarshal(wire[:h.Length])
		if err != nil {
			t.Fatal(err)
		}
		wire = wire[h.Length:]
		n++
		whole, err := asm.Add(h.Xid, m.(*StatsReply10))
		if err != nil {
			t.Fatal(err)
		}
		if whole != nil && (len(wire) != 0 || !reflect.DeepEqual(whole, r)) {
			t.Fatalf("reply complete after %d messages with %d bytes left", n, len(wire))
		}
	}
	if n < 2 {
		t.Fatalf("%d messages, want a split", n)
	}
}

func TestStatsSplitErrors10(t *testing.T) {
	big := &StatsReply10{Type: ST10Flow, Flows: []FlowStats10{{Actions: make(Actions10, 20)}}}
	for i := range big.Flows[0].Actions {
		big.Flows[0].Actions[i] = ActionStripVLAN10{}
	}
	if _, err := big.Split(200); err == nil {
		t.Fatal("an entry larger than the limit was split")
	}
	parts, err := bigFlowReply10(10).Split(400)
	if err != nil || len(parts) < 3 {
		t.Fatalf("split at 400 bytes: %d parts, %v", len(parts), err)
	}
	for _, p := range parts {
		if b := mustMarshal(Version10, 1, p); len(b) > 400 {
			t.Fatalf("part of %d bytes over the 400-byte limit", len(b))
		}
	}

	var asm StatsAssembler10
	if _, err := asm.Add(1, &StatsReply10{Type: ST10Port, Flags: SF10ReplyMore}); err != nil {
		t.Fatal(err)
	}
	// Another xid interleaves without disturbing xid 1.
	if r, err := asm.Add(2, &StatsReply10{Type: ST10Queue, Queues: []QueueStats10{{QueueID: 9}}}); err != nil || len(r.Queues) != 1 {
		t.Fatalf("xid 2: %v %v", r, err)
	}
	if _, err := asm.Add(1, &StatsReply10{Type: ST10Table}); err == nil {
		t.Fatal("a table part joined a port reply")
	}
	if asm.Pending() != 0 {
		t.Fatal("a failed join left parts behind")
	}
	if _, err := asm.Add(3, &StatsReply10{Type: ST10Desc, Flags: SF10ReplyMore, Desc: &DescStats10{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := asm.Add(3, &StatsReply10{Type: ST10Desc, Desc: &DescStats10{}}); err == nil {
		t.Fatal("two desc parts joined")
	}
	if _, err := JoinStatsReplies10([]*StatsReply10{{Type: ST10Port}, {Type: ST10Port}}); err == nil {
		t.Fatal("join accepted a first part without the more flag")
	}
	if _, err := JoinStatsReplies10([]*StatsReply10{{Type: ST10Port, Flags: SF10ReplyMore}}); err == nil {
		t.Fatal("join accepted a last part with the more flag")
	}
	// The assembler copies: appending parts leaves the caller's first part alone.
	first := &StatsReply10{Type: ST10Port, Flags: SF10ReplyMore, Ports: make([]PortStats10, 1, 10)}
	asm.Add(4, first)
	asm.Add(4, &StatsReply10{Type: ST10Port, Ports: []PortStats10{{PortNo: 7}}})
	if first.Ports[:2][1].PortNo == 7 {
		t.Fatal("assembler wrote into the caller's array")
	}
}
