package ofp

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// A match kept in wire form (AppendTLVs) decodes back to the same fields,
// also when many matches share slabs that fill up and are replaced.
func TestMatchTLVsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var ms []Match
	var wires [][]byte
	for range 500 {
		m := NewMatch(randMatchFields(r)...)
		w, err := m.AppendTLVs(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(w) != m.TLVLen() {
			t.Fatalf("%s: %d bytes, TLVLen %d", formatMatch(m), len(w), m.TLVLen())
		}
		ms, wires = append(ms, m), append(wires, w)
	}
	slab := make([]OXM, 0, 5) // small: most matches start a new slab
	var got []Match
	for _, w := range wires {
		m, s, err := DecodeMatchTLVs(slab, w)
		if err != nil {
			t.Fatal(err)
		}
		slab = s
		got = append(got, m)
	}
	for i := range ms {
		if !sameFields(got[i].Fields, ms[i].Fields) {
			t.Fatalf("match %d: decoded %s, want %s", i, formatMatch(got[i]), formatMatch(ms[i]))
		}
	}
	if m, _, err := DecodeMatchTLVs(nil, nil); err != nil || len(m.Fields) != 0 {
		t.Errorf("no TLVs: %v %v", m, err)
	}
	if _, _, err := DecodeMatchTLVs(nil, []byte{0x80, 0, 0x18, 4, 10}); err == nil {
		t.Error("a TLV longer than its bytes decoded")
	}
	bad := NewMatch(OXM{Class: OXMClassOpenFlowBasic, Field: 200, Value: []byte{1}})
	if _, err := bad.AppendTLVs(nil); err == nil {
		t.Error("a field number of 8 bits encoded")
	}
}

func sameFields(a, b []OXM) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Class != y.Class || x.Field != y.Field || x.HasMask != y.HasMask || x.Experimenter != y.Experimenter ||
			!bytes.Equal(x.Value, y.Value) || !bytes.Equal(x.Mask, y.Mask) {
			return false
		}
	}
	return true
}

// A flow-stats entry whose match is in wire form (MatchTLVs) encodes to
// the bytes of the same entry with the match decoded, and decodes to it.
func TestFlowStatsMatchTLVs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var dec, wire FlowStatsReply
	for i := range 200 {
		fields := randMatchFields(r)
		if i == 0 {
			fields = nil // an empty match: no TLVs
		}
		m := NewMatch(fields...)
		tlvs, err := m.AppendTLVs([]byte{})
		if err != nil {
			t.Fatal(err)
		}
		e := FlowStats{TableID: uint8(i), Priority: uint16(i), Cookie: uint64(i), PacketCount: 7, Match: m,
			Instructions: randInstructions(r, fields)}
		dec.Entries = append(dec.Entries, e)
		e.Match, e.MatchTLVs = Match{}, tlvs
		wire.Entries = append(wire.Entries, e)
	}
	want := mustMarshal(Version13, 9, &MultipartReply{Body: &dec})
	got := mustMarshal(Version13, 9, &MultipartReply{Body: &wire})
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded with MatchTLVs: %d bytes, differs from the decoded matches' %d", len(got), len(want))
	}
	_, m, err := Unmarshal(got)
	if err != nil {
		t.Fatal(err)
	}
	back := m.(*MultipartReply).Body.(*FlowStatsReply)
	for i := range back.Entries {
		if back.Entries[i].MatchTLVs != nil || !sameFields(back.Entries[i].Match.Fields, dec.Entries[i].Match.Fields) {
			t.Fatalf("entry %d decoded as %+v", i, back.Entries[i])
		}
	}
}
