package ofp

import (
	"bytes"
	"reflect"
	"testing"
)

// fuzzSeeds are well-formed messages every fuzz target starts from; message
// files add theirs in their own tests via addSeeds.
var fuzzSeeds = [][]byte{
	mustMarshal(Version13, 1, NewHello(Version10, Version13)),
	mustMarshal(Version10, 2, &EchoRequest{Data: []byte("ping")}),
	mustMarshal(Version13, 3, &SetConfig{SwitchConfig{MissSendLen: 128}}),
	mustMarshal(Version13, 4, &Error{Type: ETBadMatch, Code: BMCBadPrereq, Data: []byte{4, 14}}),
}

func mustMarshal(v uint8, xid uint32, m Message) []byte {
	b, err := Marshal(v, xid, m)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzUnmarshal: decoding never panics; whatever decodes re-encodes, and
// the re-encoding decodes to the same message and the same bytes.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, m, err := Unmarshal(b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("decode error %T is not *Error: %v", err, err)
			}
			return
		}
		_ = Format(h, m)
		wire, err := Marshal(h.Version, h.Xid, m)
		if err != nil {
			t.Fatalf("re-encode of %T: %v", m, err)
		}
		h2, m2, err := Unmarshal(wire)
		if err != nil {
			t.Fatalf("decode of re-encoded %T (%x): %v", m, wire, err)
		}
		if h2.Type != h.Type || !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed %T:\n %#v\n %#v", m, m, m2)
		}
		wire2, err := Marshal(h2.Version, h2.Xid, m2)
		if err != nil || !bytes.Equal(wire, wire2) {
			t.Fatalf("encoding not stable: %x vs %x (%v)", wire, wire2, err)
		}
	})
}
