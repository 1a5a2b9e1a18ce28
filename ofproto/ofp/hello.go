package ofp

// OFPT_HELLO with hello elements (spec 1.3.5 §7.5.1) and version
// negotiation (§6.3.1). OpenFlow 1.0 hellos carry no body, but a 1.0 peer
// must still read a newer peer's hello, so the body decodes in any version.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// OFPHET_VERSIONBITMAP: the hello element that lists supported versions.
const HelloElemVersionBitmap uint16 = 1

// Hello is OFPT_HELLO.
type Hello struct {
	Elements []HelloElem `json:"elements,omitempty"`
}

// HelloElem is one hello element. For a version bitmap, Bitmaps holds its
// 32-bit words (bit n of word i set: version 32*i+n supported); other
// element types keep their payload opaque in Data.
type HelloElem struct {
	Type    uint16   `json:"type"`
	Bitmaps []uint32 `json:"bitmaps,omitempty"`
	Data    []byte   `json:"data,omitempty"`
}

// NewHello returns a hello whose version bitmap lists versions.
func NewHello(versions ...uint8) *Hello {
	var words []uint32
	for _, v := range versions {
		for int(v/32) >= len(words) {
			words = append(words, 0)
		}
		words[v/32] |= 1 << (v % 32)
	}
	return &Hello{Elements: []HelloElem{{Type: HelloElemVersionBitmap, Bitmaps: words}}}
}

// VersionBitmap returns the bitmap words of the hello's version-bitmap
// element, and whether it has one.
func (h *Hello) VersionBitmap() ([]uint32, bool) {
	for _, e := range h.Elements {
		if e.Type == HelloElemVersionBitmap {
			return e.Bitmaps, true
		}
	}
	return nil, false
}

func bitmapHas(words []uint32, v uint8) bool {
	i := int(v / 32)
	return i < len(words) && words[i]&(1<<(v%32)) != 0
}

// Negotiate picks a session's version (spec 1.3.5 §6.3.1). local lists the
// versions this side speaks (and advertised in its own hello's bitmap);
// peerVersion and peer are the header version and body of the hello
// received. When the peer sent a bitmap too, the result is the highest
// version in both; otherwise it is the smaller of the two header versions,
// which must be one this side speaks. Failure is OFPET_HELLO_FAILED /
// OFPHFC_INCOMPATIBLE.
func Negotiate(local []uint8, peerVersion uint8, peer *Hello) (uint8, error) {
	var best uint8
	if words, ok := peer.VersionBitmap(); ok {
		for _, v := range local {
			if bitmapHas(words, v) && v > best {
				best = v
			}
		}
		if best == 0 {
			return 0, errf(ETHelloFailed, HFCIncompatible,
				"no common version: we support %s, peer's bitmap %s", versionList(local), bitmapString(words))
		}
		return best, nil
	}
	for _, v := range local {
		if v > best {
			best = v
		}
	}
	if peerVersion < best {
		best = peerVersion
	}
	for _, v := range local {
		if v == best {
			return best, nil
		}
	}
	return 0, errf(ETHelloFailed, HFCIncompatible,
		"peer version %s is not one we support (%s)", VersionString(peerVersion), versionList(local))
}

func versionList(vs []uint8) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = VersionString(v)
	}
	return strings.Join(s, ", ")
}

func bitmapString(words []uint32) string {
	var s []string
	for _, w := range words {
		s = append(s, fmt.Sprintf("0x%08x", w))
	}
	return strings.Join(s, " ")
}

func (h *Hello) appendBody(b []byte, _ uint8) ([]byte, error) {
	for _, e := range h.Elements {
		start := len(b)
		b = binary.BigEndian.AppendUint16(b, e.Type)
		b = append(b, 0, 0) // length, patched below
		if e.Type == HelloElemVersionBitmap {
			for _, w := range e.Bitmaps {
				b = binary.BigEndian.AppendUint32(b, w)
			}
		} else {
			b = append(b, e.Data...)
		}
		n := len(b) - start
		if n > 0xffff {
			return b, fmt.Errorf("hello element of %d bytes", n)
		}
		binary.BigEndian.PutUint16(b[start+2:], uint16(n))
		b = appendPad8(b, n)
	}
	return b, nil
}

func (h *Hello) unmarshalBody(b []byte, _ uint8) error {
	h.Elements = nil
	for len(b) > 0 {
		if len(b) < 4 {
			return badRequest(BRCBadLen, "hello: %d trailing bytes, too short for an element", len(b))
		}
		t := binary.BigEndian.Uint16(b[0:2])
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 4 || n > len(b) {
			return badRequest(BRCBadLen, "hello: element length %d, %d bytes left", n, len(b))
		}
		e := HelloElem{Type: t}
		body := b[4:n]
		if t == HelloElemVersionBitmap {
			if len(body)%4 != 0 {
				return badRequest(BRCBadLen, "hello: version bitmap of %d bytes", len(body))
			}
			for i := 0; i < len(body); i += 4 {
				e.Bitmaps = append(e.Bitmaps, binary.BigEndian.Uint32(body[i:]))
			}
		} else {
			e.Data = append([]byte(nil), body...)
		}
		h.Elements = append(h.Elements, e)
		// Elements are padded to 8 bytes; the padding of the last one may
		// be missing in hellos from some peers.
		p := pad8(n)
		if n+p > len(b) {
			p = len(b) - n
		}
		b = b[n+p:]
	}
	return nil
}

func (h *Hello) formatBody(_ uint8) string {
	var sb strings.Builder
	for _, e := range h.Elements {
		if e.Type != HelloElemVersionBitmap {
			fmt.Fprintf(&sb, "\n unknown hello element type %d (%d bytes)", e.Type, len(e.Data))
			continue
		}
		var vs []string
		for i, w := range e.Bitmaps {
			for bit := 0; bit < 32; bit++ {
				if w&(1<<bit) != 0 {
					vs = append(vs, fmt.Sprintf("0x%02x", i*32+bit))
				}
			}
		}
		fmt.Fprintf(&sb, "\n version bitmap: %s", strings.Join(vs, ", "))
	}
	return sb.String()
}
