package ofp

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FlowStatsText prints a flow-stats reply as Format prints it decoded,
// for random entries (most instruction lists repeated, as in a real
// table, so that the cache is hit), over several messages with one
// printer; and declines what is not a whole 1.3 OFPMP_FLOW reply that
// decodes, so that the caller's generic path reports it.
func TestFlowStatsText(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var es []FlowStats
	var lists [][]Instruction
	for i := range 3000 {
		fields := randMatchFields(r)
		is := randInstructions(r, fields)
		if i%97 == 0 {
			fields = nil
		}
		if len(lists) > 20 && r.IntN(4) > 0 {
			is = lists[r.IntN(len(lists))] // a list seen before
		} else {
			lists = append(lists, is)
		}
		es = append(es, FlowStats{TableID: uint8(r.IntN(3)), Priority: uint16(r.IntN(0x10000)), Match: NewMatch(fields...),
			Instructions: is, Cookie: r.Uint64N(1 << 20), IdleTimeout: uint16(r.IntN(3)), HardTimeout: uint16(r.IntN(3)),
			Flags: uint16(r.IntN(64)), DurationSec: r.Uint32(), DurationNsec: r.Uint32N(2e9), PacketCount: r.Uint64(), ByteCount: Unknown64})
	}
	var p FlowStatsText
	var msgs int
	for raw, err := range SplitMultipart(Version13, 0x1234, &MultipartReply{Body: &FlowStatsReply{Entries: es}}) {
		if err != nil {
			t.Fatal(err)
		}
		msgs++
		h, m, err := Unmarshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := Format(h, m)
		got, ok := p.AppendMessage([]byte("x"), raw)
		if !ok || string(got) != "x"+want {
			t.Fatalf("message %d (ok %v):\ngot  %.300q\nwant %.300q", msgs, ok, got, want)
		}
	}
	if msgs < 3 {
		t.Fatalf("%d messages: want a reply in several", msgs)
	}
	// A reply with no entries, and the flags.
	raw := mustMarshal(Version13, 7, &MultipartReply{Flags: MultipartMore, Body: &FlowStatsReply{}})
	h, m, _ := Unmarshal(raw)
	if got, ok := p.AppendMessage(nil, raw); !ok || string(got) != Format(h, m) {
		t.Errorf("empty reply: %q %v, want %q", got, ok, Format(h, m))
	}

	good := mustMarshal(Version13, 7, &MultipartReply{Body: &FlowStatsReply{Entries: es[:3]}})
	declined := map[string][]byte{
		"1.0 stats reply":  mustMarshal(Version10, 1, &StatsReply10{Type: ST10Desc, Desc: &DescStats10{}}),
		"port stats":       mustMarshal(Version13, 1, &MultipartReply{Body: &PortStatsReply{}}),
		"a request":        mustMarshal(Version13, 1, &MultipartRequest{Body: &FlowStatsRequest{TableID: 0xff}}),
		"short":            good[:len(good)-8],
		"too long":         append(append([]byte(nil), good...), 0, 0, 0, 0, 0, 0, 0, 0),
		"bad entry length": patch(good, multipartLen, 0, 10),
		"bad match type":   patch(good, multipartLen+flowStatsLen, 0, 7),
		"bad match length": patch(good, multipartLen+flowStatsLen+2, 0xff, 0xf0),
		"bad instruction":  patch(good, multipartLen+flowStatsLen+8+es[0].Match.wireLen()-8, 0, 99, 0, 3),
	}
	for name, raw := range declined {
		if got, ok := p.AppendMessage([]byte("x"), raw); ok || string(got) != "x" {
			t.Errorf("%s: printed %q (ok %v); want it declined", name, got, ok)
		}
		if _, _, err := Unmarshal(raw); err == nil && name != "1.0 stats reply" && name != "port stats" && name != "a request" {
			t.Errorf("%s: Unmarshal accepts it, the printer should have too", name)
		}
	}
}

// patch returns a copy of b with bytes v written at off.
func patch(b []byte, off int, v ...byte) []byte {
	c := append([]byte(nil), b...)
	copy(c[off:], v)
	return c
}

// BenchmarkFlowStatsText prints 400 entries like tests/bench's control-
// plane flows from their wire form (BenchmarkFlowStatsReplyFormat prints
// them decoded).
func BenchmarkFlowStatsText(b *testing.B) {
	es := benchFlowStatsEntries(b, 400)
	raw := mustMarshal(Version13, 2, &MultipartReply{Body: &FlowStatsReply{Entries: es}})
	var p FlowStatsText
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if out, ok = p.AppendMessage(out[:0], raw); !ok {
			b.Fatal("declined")
		}
	}
	if !bytes.Contains(out, []byte("actions=")) {
		b.Fatal("no text")
	}
}

// FuzzFlowStatsText: whatever the bytes, the printer prints exactly what
// Format prints of Unmarshal's result, or declines what Unmarshal refuses.
func FuzzFlowStatsText(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		fields := randMatchFields(r)
		e := FlowStats{Priority: 9, Match: NewMatch(fields...), Instructions: randInstructions(r, fields)}
		f.Add(mustMarshal(Version13, 3, &MultipartReply{Body: &FlowStatsReply{Entries: []FlowStats{e, e}}}))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p FlowStatsText
		got, ok := p.AppendMessage(nil, raw)
		h, m, err := Unmarshal(raw)
		if err != nil {
			if ok {
				t.Fatalf("printed %q of a message Unmarshal refuses: %v", got, err)
			}
			return
		}
		if ok && string(got) != Format(h, m) {
			t.Fatalf("printed %q, Format prints %q", got, Format(h, m))
		}
		// Twice, the instruction texts cached.
		if again, ok2 := p.AppendMessage(nil, raw); ok2 != ok || string(again) != string(got) {
			t.Fatalf("second print %q (%v), first %q (%v)", again, ok2, got, ok)
		}
	})
}

// FlowStatsText's cache of instruction texts stays within maxCachedBytes
// when every entry carries a long list of its own (as a hostile switch
// may send), and prints each entry right across the cache's restarts.
func TestFlowStatsTextCacheBound(t *testing.T) {
	var p FlowStatsText
	for i := range 200 {
		acts := make([]Action, 3000)
		for j := range acts {
			acts[j] = &ActionOutput{Port: PortNo(i*3000 + j + 1)}
		}
		e := FlowStats{Priority: uint16(i), Match: NewMatch(), Instructions: []Instruction{&InstApplyActions{Actions: acts}}}
		raw := mustMarshal(Version13, uint32(i), &MultipartReply{Body: &FlowStatsReply{Entries: []FlowStats{e}}})
		h, m, err := Unmarshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.AppendMessage(nil, raw)
		if !ok || string(got) != Format(h, m) {
			t.Fatalf("entry %d: printed %v %.200q, want %.200q", i, ok, got, Format(h, m))
		}
		size := 0
		for k, v := range p.insts {
			size += len(k) + len(v)
		}
		if size > maxCachedBytes || size != p.cached {
			t.Fatalf("entry %d: cache holds %d bytes (counted %d), bound %d", i, size, p.cached, maxCachedBytes)
		}
	}
}
