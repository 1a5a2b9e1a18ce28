package ofp

import (
	"bytes"
	"reflect"
	"testing"
)

// Fuzz targets for the OpenFlow 1.3 building blocks: decoding never
// panics, fails only with *Error, and whatever decodes re-encodes to bytes
// that decode to the same value (and encode to the same bytes again).

func FuzzMatch(f *testing.F) {
	m := NewMatch(OXMInPort(1), OXMEthType(0x0800), OXMIPv4Dst([]byte{10, 0, 0, 0}, []byte{255, 0, 0, 0}))
	f.Add(m.appendTo(nil))
	f.Add(mustHex(f, "00010018"+"00010004"+"00000005"+"ffff0e08"+"4f4e4600"+"00020002"))
	f.Add(mustHex(f, "0001000c"+"80000008"+"00000001"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, n, err := decodeMatch(b)
		if err != nil {
			mustBeOFError(t, err)
			return
		}
		if n > len(b) || n%8 != 0 {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		_ = formatMatch(m)
		if err := m.Validate(); err != nil {
			mustBeOFError(t, err)
		}
		if err := m.checkEncodable(); err != nil {
			t.Fatalf("decoded match not encodable: %v", err)
		}
		// Padding is ignored on input and zero on output, so compare
		// re-decoded values and the stability of the encoding.
		wire := m.appendTo(nil)
		if len(wire) != n {
			t.Fatalf("re-encode %x, read %x", wire, b[:n])
		}
		m2, _, err := decodeMatch(wire)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip: %v\n%#v\n%#v", err, m, m2)
		}
		if !bytes.Equal(m2.appendTo(nil), wire) {
			t.Fatal("encoding not stable")
		}
	})
}

// FuzzOXM: one TLV as a set-field action's payload and as a match.
func FuzzOXM(f *testing.F) {
	for _, o := range []OXM{OXMVlanVID(VIDPresent | 3), OXMIPv4Src([]byte{1, 2, 3, 4}, nil), OXMMetadata(1, 0xff)} {
		f.Add(o.appendTo(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var o OXM
		n, err := decodeOXM(b, &o)
		if err != nil {
			mustBeOFError(t, err)
			return
		}
		if got := o.appendTo(nil); !bytes.Equal(got, b[:n]) {
			t.Fatalf("re-encode %x, read %x", got, b[:n])
		}
		_ = o.String()
		_ = formatSetFieldValue(&o)
		if err := validateBasicOXM(&o, true); err != nil {
			mustBeOFError(t, err)
		}
		m := NewMatch(o)
		if err := m.Validate(); err != nil {
			mustBeOFError(t, err)
		}
	})
}

func FuzzActions(f *testing.F) {
	as := []Action{&ActionOutput{Port: 1}, &ActionSetField{Field: OXMEthDst([]byte{1, 2, 3, 4, 5, 6}, nil)},
		&ActionGroup{GroupID: 3}, &ActionExperimenter{Experimenter: 0x2320, Data: make([]byte, 8)}}
	wire, _ := appendActions(nil, as)
	f.Add(wire)
	f.Add(mustHex(f, "0000000000000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		as, err := decodeActions(b)
		if err != nil {
			mustBeOFError(t, err)
			return
		}
		_ = formatActions(as)
		if err := ValidateActions(as); err != nil {
			mustBeOFError(t, err)
		}
		wire, err := appendActions(nil, as)
		if err != nil || len(wire) != len(b) {
			t.Fatalf("re-encode %x (%v), read %x", wire, err, b)
		}
		as2, err := decodeActions(wire)
		if err != nil || !reflect.DeepEqual(as, as2) {
			t.Fatalf("round trip: %v", err)
		}
		if w2, _ := appendActions(nil, as2); !bytes.Equal(wire, w2) {
			t.Fatal("encoding not stable")
		}
	})
}

func FuzzInstructions(f *testing.F) {
	is := []Instruction{&InstMeter{MeterID: 1}, &InstApplyActions{Actions: []Action{&ActionOutput{Port: 2}}},
		&InstWriteMetadata{Metadata: 1, Mask: 1}, &InstGotoTable{TableID: 3}, &InstExperimenter{Experimenter: 1}}
	wire, _ := appendInstructions(nil, is)
	f.Add(wire)
	f.Fuzz(func(t *testing.T, b []byte) {
		is, err := decodeInstructions(b)
		if err != nil {
			mustBeOFError(t, err)
			return
		}
		_ = formatInstructions(is)
		if err := ValidateInstructions(is, 0); err != nil {
			mustBeOFError(t, err)
		}
		wire, err := appendInstructions(nil, is)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		is2, err := decodeInstructions(wire)
		if err != nil || !reflect.DeepEqual(is, is2) {
			t.Fatalf("round trip: %v", err)
		}
		if w2, _ := appendInstructions(nil, is2); !bytes.Equal(wire, w2) {
			t.Fatalf("encoding not stable")
		}
	})
}

// FuzzPacketSummary: the packet summary of any frame never panics.
func FuzzPacketSummary(f *testing.F) {
	for _, h := range summaryFrames {
		f.Add(mustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) { _ = formatPacket(b) })
}

func mustBeOFError(t *testing.T, err error) {
	t.Helper()
	if _, ok := err.(*Error); !ok {
		t.Fatalf("error %T is not *Error: %v", err, err)
	}
}
