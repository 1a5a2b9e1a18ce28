package ofp

import (
	"encoding/binary"
	"errors"
	"net"
	"reflect"
	"testing"
)

// testFlowEntries returns n flow stats entries with a few OXM fields and
// an apply-actions instruction each, all different.
func testFlowEntries(n int) []FlowStats {
	es := make([]FlowStats, n)
	for i := range es {
		es[i] = FlowStats{
			TableID: uint8(i % 4), DurationSec: uint32(i), Priority: uint16(i), Cookie: uint64(i),
			PacketCount: uint64(i) * 3, ByteCount: uint64(i) * 180,
			Match: NewMatch(OXMInPort(PortNo(i%48+1)), OXMEthType(0x800),
				OXMIPv4Dst(net.IP{10, byte(i >> 16), byte(i >> 8), byte(i)}, nil)),
			Instructions: []Instruction{&InstApplyActions{Actions: []Action{&ActionOutput{Port: PortNo(i%48 + 2)}}}},
		}
	}
	return es
}

// splitAll collects what SplitMultipart yields.
func splitAll(t *testing.T, m Message) [][]byte {
	t.Helper()
	var msgs [][]byte
	for b, err := range SplitMultipart(Version13, 77, m) {
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		msgs = append(msgs, b)
	}
	return msgs
}

// checkSeries checks the framing of a split series and feeds it to a
// Reassembler, returning the whole message.
func checkSeries(t *testing.T, msgs [][]byte) Message {
	t.Helper()
	var r Reassembler
	for i, b := range msgs {
		if len(b) > MaxMessageLen {
			t.Fatalf("message %d: %d bytes", i, len(b))
		}
		h, m, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("message %d does not decode alone: %v", i, err)
		}
		if h.Xid != 77 {
			t.Fatalf("message %d: xid %d", i, h.Xid)
		}
		var flags uint16
		switch m := m.(type) {
		case *MultipartReply:
			flags = m.Flags
		case *MultipartRequest:
			flags = m.Flags
		}
		if last := i == len(msgs)-1; (flags&MultipartMore != 0) == last {
			t.Fatalf("message %d of %d: flags %#x", i, len(msgs), flags)
		}
		_, whole, done, err := r.Add(b)
		if err != nil {
			t.Fatalf("reassemble part %d: %v", i, err)
		}
		if done != (i == len(msgs)-1) {
			t.Fatalf("part %d: done=%v", i, done)
		}
		if done {
			if r.Pending() != 0 || r.Buffered() != 0 {
				t.Fatalf("reassembler keeps %d xids, %d bytes", r.Pending(), r.Buffered())
			}
			return whole
		}
	}
	t.Fatal("no whole message")
	return nil
}

func TestSplitFlowStats100k(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 entries")
	}
	orig := &MultipartReply{Body: &FlowStatsReply{Entries: testFlowEntries(100000)}}
	msgs := splitAll(t, orig)
	if len(msgs) < 100 {
		t.Fatalf("%d messages for ~10 MB of entries", len(msgs))
	}
	// Greedy packing: no message but the last could have held the next
	// message's first entry.
	for i := 0; i+1 < len(msgs); i++ {
		first := int(binary.BigEndian.Uint16(msgs[i+1][multipartLen:]))
		if len(msgs[i])+first <= MaxMessageLen {
			t.Fatalf("message %d (%d bytes) had room for the next entry (%d bytes)", i, len(msgs[i]), first)
		}
	}
	if got := checkSeries(t, msgs); !reflect.DeepEqual(got, orig) {
		t.Fatal("reassembled reply differs from the original")
	}
}

func TestSplitSmallAndEmpty(t *testing.T) {
	for _, m := range []Message{
		&MultipartReply{Body: &FlowStatsReply{}},
		&MultipartReply{Body: &PortDescReply{Ports: []Port{{PortNo: 1, Name: "p1"}}}},
		&MultipartReply{Body: &Desc{MfrDesc: "xvs"}},
		&MultipartRequest{Body: &PortStatsRequest{PortNo: PortAny}},
	} {
		msgs := splitAll(t, m)
		if len(msgs) != 1 {
			t.Fatalf("%T: %d messages", m, len(msgs))
		}
		want := mustMarshal(Version13, 77, m)
		if string(msgs[0]) != string(want) {
			t.Fatalf("%T: split %x, marshal %x", m, msgs[0], want)
		}
	}
}

func TestSplitRequestTableFeatures(t *testing.T) {
	tables := make([]TableFeatures, 254)
	for i := range tables {
		tables[i] = testTableFeatures(uint8(i), "t")
	}
	orig := &MultipartRequest{Body: &TableFeaturesRequest{Tables: tables}}
	msgs := splitAll(t, orig)
	if len(msgs) < 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	if got := checkSeries(t, msgs); !reflect.DeepEqual(got, orig) {
		t.Fatal("reassembled request differs from the original")
	}
}

func TestSplitEntryTooLarge(t *testing.T) {
	// One table-features entry of 65520 bytes: a valid entry that leaves
	// no room for the 16-byte framing.
	big := TableFeatures{Properties: []TableFeatureProp{{Type: TFPExperimenter, Data: make([]byte, 65440)}}}
	var err error
	for _, e := range SplitMultipart(Version13, 1, &MultipartReply{Body: &TableFeaturesReply{Tables: []TableFeatures{big}}}) {
		err = e
	}
	if err == nil {
		t.Fatal("entry larger than a message split without error")
	}
	for _, e := range SplitMultipart(Version13, 1, &EchoRequest{}) {
		err = e
	}
	if err == nil {
		t.Fatal("non-multipart message accepted")
	}
}

func TestReassemblerInterleavedAndPassThrough(t *testing.T) {
	var r Reassembler
	a := splitAll(t, &MultipartReply{Body: &PortStatsReply{Entries: make([]PortStats, 1200)}})
	if len(a) < 3 {
		t.Fatalf("%d parts", len(a))
	}
	b := mustMarshal(Version13, 78, &MultipartReply{Flags: MultipartMore, Body: &TableStatsReply{Entries: []TableStats{{TableID: 1}}}})
	b2 := mustMarshal(Version13, 78, &MultipartReply{Body: &TableStatsReply{Entries: []TableStats{{TableID: 2}}}})
	for _, part := range [][]byte{a[0], b, a[1]} {
		if _, _, done, err := r.Add(part); done || err != nil {
			t.Fatalf("part: done=%v err=%v", done, err)
		}
	}
	// A message that is not multipart passes straight through.
	if _, m, done, err := r.Add(mustMarshal(Version13, 78, &BarrierRequest{})); !done || err != nil {
		t.Fatalf("barrier: %T %v %v", m, done, err)
	}
	_, m, done, err := r.Add(b2)
	if !done || err != nil {
		t.Fatalf("last part of 78: %v %v", done, err)
	}
	if got := m.(*MultipartReply).Body.(*TableStatsReply).Entries; len(got) != 2 || got[1].TableID != 2 {
		t.Fatalf("xid 78: %+v", got)
	}
	for _, part := range a[2:] {
		_, m, done, err = r.Add(part)
	}
	if !done || err != nil || len(m.(*MultipartReply).Body.(*PortStatsReply).Entries) != 1200 {
		t.Fatalf("xid 77: %v %v", done, err)
	}
}

func TestReassemblerErrors(t *testing.T) {
	more := func(xid uint32, body MultipartBody) []byte {
		return mustMarshal(Version13, xid, &MultipartReply{Flags: MultipartMore, Body: body})
	}
	t.Run("unknown type", func(t *testing.T) {
		var r Reassembler
		b := more(1, &TableStatsReply{})
		binary.BigEndian.PutUint16(b[8:], 99)
		_, _, _, err := r.Add(b)
		wantErr(t, err, ETBadRequest, BRCBadMultipart)
	})
	t.Run("type changes", func(t *testing.T) {
		var r Reassembler
		if _, _, _, err := r.Add(more(1, &TableStatsReply{})); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := r.Add(more(1, &PortStatsReply{}))
		wantErr(t, err, ETBadRequest, BRCBadMultipart)
		if r.Pending() != 0 || r.Buffered() != 0 {
			t.Fatalf("left %d xids %d bytes", r.Pending(), r.Buffered())
		}
	})
	t.Run("overflow", func(t *testing.T) {
		r := Reassembler{Limit: 4096}
		part := more(5, &PortStatsReply{Entries: make([]PortStats, 20)}) // 2240 bytes
		if _, _, _, err := r.Add(part); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := r.Add(part)
		wantErr(t, err, ETBadRequest, BRCMultipartBufOvf)
		var e *Error
		if !errors.As(err, &e) || len(e.Data) != errorDataLen {
			t.Fatalf("error data %x", e.Data)
		}
		if r.Pending() != 0 || r.Buffered() != 0 {
			t.Fatalf("left %d xids %d bytes", r.Pending(), r.Buffered())
		}
	})
	t.Run("empty parts count", func(t *testing.T) {
		r := Reassembler{Limit: 1000}
		var err error
		for xid := uint32(0); xid < 100 && err == nil; xid++ {
			_, _, _, err = r.Add(more(xid, &TableStatsReply{}))
		}
		wantErr(t, err, ETBadRequest, BRCMultipartBufOvf)
	})
	t.Run("discard and reset", func(t *testing.T) {
		var r Reassembler
		for xid := uint32(1); xid <= 3; xid++ {
			if _, _, _, err := r.Add(more(xid, &TableStatsReply{Entries: []TableStats{{}}})); err != nil {
				t.Fatal(err)
			}
		}
		r.Discard(2)
		if r.Pending() != 2 || r.Buffered() != 2*tableStatsLen {
			t.Fatalf("after discard: %d xids %d bytes", r.Pending(), r.Buffered())
		}
		// xid 2 starts afresh: its last part alone is the whole message.
		_, m, done, err := r.Add(mustMarshal(Version13, 2, &MultipartReply{Body: &TableStatsReply{Entries: []TableStats{{TableID: 9}}}}))
		if !done || err != nil || len(m.(*MultipartReply).Body.(*TableStatsReply).Entries) != 1 {
			t.Fatalf("xid 2 after discard: %v %v", done, err)
		}
		r.Reset()
		if r.Pending() != 0 || r.Buffered() != 0 {
			t.Fatalf("after reset: %d xids %d bytes", r.Pending(), r.Buffered())
		}
	})
	t.Run("bad last part", func(t *testing.T) {
		var r Reassembler
		if _, _, _, err := r.Add(more(1, &TableStatsReply{Entries: []TableStats{{}}})); err != nil {
			t.Fatal(err)
		}
		b := mustMarshal(Version13, 1, &MultipartReply{Body: &TableStatsReply{}})
		b = append(b, 1, 2, 3) // not a whole entry
		binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
		_, _, _, err := r.Add(b)
		wantErr(t, err, ETBadRequest, BRCBadLen)
		if r.Pending() != 0 {
			t.Fatal("xid still pending")
		}
	})
}

// TestSplitInterop: every part of a split reply is a message ovs-ofctl
// decodes and prints as xvs does, "flags=[more]" included.
func TestSplitInterop(t *testing.T) {
	for _, m := range []Message{
		&MultipartReply{Body: &FlowStatsReply{Entries: testFlowEntries(1500)}},
		&MultipartReply{Body: &PortDescReply{Ports: make([]Port, 1100)}},
	} {
		for i, part := range splitAll(t, m) {
			h, pm, err := Unmarshal(part)
			if err != nil {
				t.Fatalf("part %d: %v", i, err)
			}
			if got, want := Format(h, pm), ovsOfpPrint(t, part); got != want {
				t.Fatalf("part %d of %T differs from ovs-ofctl:\n xvs: %.300q\n ovs: %.300q", i, m, got, want)
			}
		}
	}
}
