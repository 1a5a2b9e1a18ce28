package ofp

// OpenFlow header (spec 1.3.5 §7.1; 1.0.0 §5.1): version, type, length, xid.

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Wire versions this codec speaks.
const (
	Version10 uint8 = 0x01
	Version13 uint8 = 0x04
)

// HeaderLen is the size of the OpenFlow header that starts every message.
const HeaderLen = 8

// MaxMessageLen is the largest message the 16-bit length field allows.
const MaxMessageLen = 0xffff

// Header is the common OpenFlow header.
type Header struct {
	Version uint8  `json:"version"`
	Type    uint8  `json:"type"`
	Length  uint16 `json:"length"`
	Xid     uint32 `json:"xid"`
}

// DecodeHeader reads the header at the start of b.
func DecodeHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, badRequest(BRCBadLen, "header: %d bytes, need %d", len(b), HeaderLen)
	}
	return Header{
		Version: b[0],
		Type:    b[1],
		Length:  binary.BigEndian.Uint16(b[2:4]),
		Xid:     binary.BigEndian.Uint32(b[4:8]),
	}, nil
}

func (h Header) appendTo(b []byte) []byte {
	b = append(b, h.Version, h.Type)
	b = binary.BigEndian.AppendUint16(b, h.Length)
	return binary.BigEndian.AppendUint32(b, h.Xid)
}

// VersionString names a wire version as ovs-ofctl does ("OF1.3").
func VersionString(v uint8) string {
	switch v {
	case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06:
		return fmt.Sprintf("OF1.%d", v-1)
	}
	return fmt.Sprintf("OF0x%02x", v)
}

// ReadMessage reads one whole message from r into buf (grown as needed) and
// returns it. A length field shorter than the header is an error: the
// stream cannot be resynchronised after it.
func ReadMessage(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) < HeaderLen {
		buf = make([]byte, 0, 2048)
	}
	buf = buf[:HeaderLen]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(buf[2:4]))
	if n < HeaderLen {
		return buf, badRequest(BRCBadLen, "header: length field %d is shorter than the header", n)
	}
	if cap(buf) < n {
		nb := make([]byte, HeaderLen, n)
		copy(nb, buf)
		buf = nb
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf[HeaderLen:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}
