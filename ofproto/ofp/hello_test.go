package ofp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestHelloGolden(t *testing.T) {
	wire, _ := hex.DecodeString("04000010000000010001000800000012")
	h, m, err := Unmarshal(wire)
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != Version13 || h.Xid != 1 {
		t.Fatalf("header %+v", h)
	}
	words, ok := m.(*Hello).VersionBitmap()
	if !ok || len(words) != 1 || words[0] != 0x12 {
		t.Fatalf("bitmap %v %v", words, ok)
	}
	out, err := Marshal(Version13, 1, NewHello(Version10, Version13))
	if err != nil || !bytes.Equal(out, wire) {
		t.Fatalf("encode: %x %v, want %x", out, err, wire)
	}
}

func TestNegotiate(t *testing.T) {
	local := []uint8{Version10, Version13}
	tests := []struct {
		name    string
		peerVer uint8
		peer    *Hello
		want    uint8
		wantErr bool
	}{
		{"bitmap both", Version13, NewHello(Version10, Version13), Version13, false},
		{"bitmap only 1.0", Version13, NewHello(Version10), Version10, false},
		{"bitmap none common", 0x06, NewHello(0x05, 0x06), 0, true},
		{"no bitmap 1.0", Version10, &Hello{}, Version10, false},
		{"no bitmap 1.5 takes ours", 0x06, &Hello{}, Version13, false},
		{"no bitmap 1.2 unsupported", 0x03, &Hello{}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Negotiate(local, tt.peerVer, tt.peer)
			if tt.wantErr {
				if !errors.Is(err, &Error{Type: ETHelloFailed, Code: HFCIncompatible}) {
					t.Fatalf("err %v, want HELLO_FAILED/INCOMPATIBLE", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d %v, want %d", got, err, tt.want)
			}
		})
	}
}

func TestUnmarshalMalformed(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		code uint16
	}{
		{"short header", "040000", BRCBadLen},
		{"length longer than buffer", "0402001000000001", BRCBadLen},
		{"length shorter than buffer", "040200080000000100", BRCBadLen},
		{"unknown type", "04fe000800000001", BRCBadType},
		{"bad version", "0302000800000001", BRCBadVersion},
		{"barrier with body", "0414000c00000001aabbccdd", BRCBadLen},
		{"hello element overrun", "0400001000000001000100ff00000012", BRCBadLen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.hex)
			_, _, err := Unmarshal(b)
			var e *Error
			if !errors.As(err, &e) || e.Type != ETBadRequest || e.Code != tt.code {
				t.Fatalf("err %v, want BAD_REQUEST code %d", err, tt.code)
			}
			if !bytes.Equal(e.Data, b[:min(len(b), 64)]) {
				t.Fatalf("data %x, want the message's first bytes %x", e.Data, b)
			}
		})
	}
}
