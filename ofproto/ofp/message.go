package ofp

// Framing and dispatch of whole messages: Unmarshal decodes one message
// through msgTable, Append encodes one.

import (
	"encoding/binary"
	"fmt"
	"reflect"
)

// Message is the body of one OpenFlow message. Only this package's types
// implement it; msgTable says which OFPT_* number each is in which version.
type Message interface {
	// appendBody appends the wire body (after the header) for version v.
	appendBody(b []byte, v uint8) ([]byte, error)
	// unmarshalBody decodes the body (after the header) of version v. The
	// length of b has been checked against the def's minimum already.
	unmarshalBody(b []byte, v uint8) error
}

// msgDef is one row of msgTable.
type msgDef struct {
	version uint8
	typ     uint8
	name    string // OFPT_* as ovs-ofctl prints it
	minLen  int    // whole message, header included
	new     func() Message
}

// msgIndex finds table rows by wire number and by Go type. It is built
// from msgTable at package initialisation (as a variable, so that other
// package-level variables may encode messages).
type msgIndex struct {
	byWire [8][256]*msgDef // [version][type]; versions above 7 are not OpenFlow yet
	byType map[msgKey]*msgDef
}

type msgKey struct {
	t reflect.Type
	v uint8
}

var index = buildIndex()

func buildIndex() *msgIndex {
	x := &msgIndex{byType: make(map[msgKey]*msgDef, len(msgTable))}
	for i := range msgTable {
		d := &msgTable[i]
		if x.byWire[d.version][d.typ] != nil {
			panic(fmt.Sprintf("ofp: %s: type %d of version %d defined twice", d.name, d.typ, d.version))
		}
		x.byWire[d.version][d.typ] = d
		x.byType[msgKey{reflect.TypeOf(d.new()), d.version}] = d
	}
	return x
}

// wireDef returns the row of wire type t in version v, or nil.
func wireDef(v, t uint8) *msgDef {
	if int(v) >= len(index.byWire) {
		return nil
	}
	return index.byWire[v][t]
}

// Supported reports whether the codec speaks wire version v.
func Supported(v uint8) bool { return v == Version10 || v == Version13 }

// lookupDef returns the table row of m in version v.
func lookupDef(v uint8, m Message) (*msgDef, error) {
	if _, ok := m.(*Hello); ok {
		return &helloDef, nil // any version, as Unmarshal decodes it
	}
	d := index.byType[msgKey{reflect.TypeOf(m), v}]
	if d == nil {
		return nil, fmt.Errorf("ofp: %T is not a message of %s", m, VersionString(v))
	}
	return d, nil
}

// TypeOf returns the OFPT_* number of m in version v.
func TypeOf(v uint8, m Message) (uint8, error) {
	d, err := lookupDef(v, m)
	if err != nil {
		return 0, err
	}
	return d.typ, nil
}

// Name returns the OFPT_* name of wire type t in version v, or "" when the
// version has no such type.
func Name(v uint8, t uint8) string {
	if d := wireDef(v, t); d != nil {
		return d.name
	}
	return ""
}

// Append appends message m, encoded in version v with the given xid, to dst.
// It writes no more than one allocation's worth of growth into dst and none
// when dst has room.
func Append(dst []byte, v uint8, xid uint32, m Message) ([]byte, error) {
	d, err := lookupDef(v, m)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	dst = Header{Version: v, Type: d.typ, Xid: xid}.appendTo(dst)
	dst, err = m.appendBody(dst, v)
	if err != nil {
		return dst[:start], fmt.Errorf("%s: %w", d.name, err)
	}
	n := len(dst) - start
	if n > MaxMessageLen {
		return dst[:start], fmt.Errorf("%s: %d bytes exceeds the 65535-byte message limit", d.name, n)
	}
	binary.BigEndian.PutUint16(dst[start+2:], uint16(n))
	return dst, nil
}

// Marshal encodes message m in version v with the given xid.
func Marshal(v uint8, xid uint32, m Message) ([]byte, error) {
	return Append(nil, v, xid, m)
}

// Unmarshal decodes one whole message. b must hold exactly the bytes the
// header's length field names. Any failure is an *Error naming the
// OFPT_ERROR to send, with Data holding the first 64 bytes of b.
//
// A hello of any version decodes (version negotiation needs it); any other
// message of a version the codec does not speak is OFPBRC_BAD_VERSION.
func Unmarshal(b []byte) (Header, Message, error) {
	h, err := DecodeHeader(b)
	if err != nil {
		return h, nil, withData(err, b)
	}
	if int(h.Length) != len(b) {
		return h, nil, withData(badRequest(BRCBadLen, "header: length field %d, message %d bytes", h.Length, len(b)), b)
	}
	var d *msgDef
	switch {
	case h.Type == typeHello:
		d = &helloDef
	case !Supported(h.Version):
		return h, nil, withData(badRequest(BRCBadVersion, "version 0x%02x is not supported", h.Version), b)
	default:
		d = wireDef(h.Version, h.Type)
	}
	if d == nil {
		return h, nil, withData(badRequest(BRCBadType, "type %d is not a message of %s", h.Type, VersionString(h.Version)), b)
	}
	if len(b) < d.minLen {
		return h, nil, withData(badRequest(BRCBadLen, "%s: %d bytes, need at least %d", d.name, len(b), d.minLen), b)
	}
	m := d.new()
	if err := m.unmarshalBody(b[HeaderLen:], h.Version); err != nil {
		return h, nil, withData(err, b)
	}
	return h, m, nil
}

// withData attaches the first bytes of the offending message to a decode
// error. A non-*Error failure is a codec bug reported as OFPBRC_BAD_LEN so
// that the peer still gets an answer.
func withData(err error, msg []byte) error {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Type: ETBadRequest, Code: BRCBadLen, Reason: err.Error()}
	}
	if e.Data == nil {
		e.WithData(msg)
	}
	if e.version == 0 && len(msg) > 0 {
		e.version = msg[0]
	}
	return e
}
