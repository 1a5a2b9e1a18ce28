package ofp

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// FuzzMultipart drives multipart bodies of any type, in both directions,
// straight into the body decoders: decoding never panics and fails only
// with *Error; what decodes re-encodes to bytes that decode to the same
// body; and a decoded message split with SplitMultipart and fed through a
// Reassembler comes back equal.
func FuzzMultipart(f *testing.F) {
	for _, g := range goldenMessages {
		b := mustMarshal(Version13, 1, g.msg)
		if len(b) >= multipartLen && (b[1] == typeMultipartRequest || b[1] == typeMultipartReply) {
			f.Add(binary.BigEndian.Uint16(b[8:10]), b[1] == typeMultipartReply, b[multipartLen:])
		}
	}
	f.Fuzz(func(t *testing.T, typ uint16, reply bool, body []byte) {
		mb, err := decodeMultipartBody(MultipartType(typ), body, reply)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("decode error %T is not *Error: %v", err, err)
			}
			return
		}
		_ = mb.formatMP()
		wire, err := mb.appendMP(nil)
		if err != nil {
			t.Fatalf("re-encode of %T: %v", mb, err)
		}
		mb2, err := decodeMultipartBody(MultipartType(typ), wire, reply)
		if err != nil {
			t.Fatalf("decode of re-encoded %T (%x): %v", mb, wire, err)
		}
		if !reflect.DeepEqual(mb, mb2) {
			t.Fatalf("round trip changed %T:\n %#v\n %#v", mb, mb, mb2)
		}
		if wire2, _ := mb2.appendMP(nil); !bytes.Equal(wire, wire2) {
			t.Fatalf("encoding not stable: %x vs %x", wire, wire2)
		}
		var m Message = &MultipartRequest{Body: mb}
		if reply {
			m = &MultipartReply{Body: mb}
		}
		var r Reassembler
		var whole Message
		for part, err := range SplitMultipart(Version13, 9, m) {
			if err != nil {
				return // a body too big for one message and not a list
			}
			_, w, done, err := r.Add(part)
			if err != nil {
				t.Fatalf("reassemble %T: %v", mb, err)
			}
			if done {
				whole = w
			}
		}
		if !reflect.DeepEqual(whole, m) {
			t.Fatalf("split and reassembly changed %T", mb)
		}
	})
}
