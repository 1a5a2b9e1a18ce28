package ofp

// Multipart messages longer than one message (spec 1.3.5 §7.3.5): a
// request or reply whose body does not fit the 16-bit length is sent as a
// series of messages with the same xid, each with OFPMPF_REQ_MORE /
// OFPMPF_REPLY_MORE set but the last. An entry is never split across
// messages. SplitMultipart produces such a series; Reassembler takes one
// in and gives back the whole message.

import (
	"encoding/binary"
	"fmt"
	"iter"
)

// SplitMultipart encodes m, a *MultipartRequest or *MultipartReply of
// version v, as one or more wire messages of at most MaxMessageLen bytes,
// all with the given xid. Bodies that are a list of entries (flow stats,
// port stats, port descriptions, table features, ...) are cut between
// entries, every message but the last flagged MultipartMore; other bodies
// must fit one message. An empty list still yields one message. Each
// yielded slice is freshly allocated and the caller may keep it.
func SplitMultipart(v uint8, xid uint32, m Message) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		var flags uint16
		var body MultipartBody
		switch m := m.(type) {
		case *MultipartRequest:
			flags, body = m.Flags, m.Body
		case *MultipartReply:
			flags, body = m.Flags, m.Body
		default:
			yield(nil, fmt.Errorf("split: %T is not a multipart message", m))
			return
		}
		list, ok := body.(entryList)
		if !ok {
			b, err := Marshal(v, xid, m)
			yield(b, err)
			return
		}
		d, err := lookupDef(v, m)
		if err != nil {
			yield(nil, err)
			return
		}
		_, reply := m.(*MultipartReply)
		md, err := mpLookup(body, reply)
		if err != nil {
			yield(nil, err)
			return
		}
		// Entries are encoded into one scratch buffer, which grows once
		// (to a message plus the entry that overflows it) and is reused
		// for every message; each full message is then copied out at its
		// exact size. Growing a fresh buffer per message from a small
		// capacity cost four to five reallocations and copies of up to
		// 64 KiB each.
		msg := make([]byte, 0, 4096)
		msg = Header{Version: v, Type: d.typ, Xid: xid}.appendTo(msg)
		msg = binary.BigEndian.AppendUint16(msg, uint16(md.typ))
		msg = binary.BigEndian.AppendUint16(msg, 0) // flags, set by finish
		msg = appendZeros(msg, 4)
		finish := func(b []byte, f uint16) []byte {
			binary.BigEndian.PutUint16(b[2:4], uint16(len(b)))
			binary.BigEndian.PutUint16(b[10:12], f)
			return b
		}
		for i, n := 0, list.numEntries(); i < n; i++ {
			mark := len(msg)
			if msg, err = list.appendEntry(msg, i); err != nil {
				yield(nil, fmt.Errorf("split: %s entry %d: %w", md.name, i, err))
				return
			}
			if i == 0 && n > 1 {
				// Size the scratch once from the first entry: room for
				// the whole reply, or a full message and the entry that
				// overflows it.
				one := len(msg) - mark
				if want := min(multipartLen+n*one, MaxMessageLen+2*one); want > cap(msg) {
					msg = append(make([]byte, 0, want), msg...)
				}
			}
			if len(msg) <= MaxMessageLen {
				continue
			}
			if mark == multipartLen {
				yield(nil, fmt.Errorf("split: %s entry %d of %d bytes does not fit one message", md.name, i, len(msg)-mark))
				return
			}
			out := make([]byte, mark)
			copy(out, msg[:mark])
			if !yield(finish(out, flags|MultipartMore), nil) {
				return
			}
			// The overflowing entry starts the next message, after the
			// same header.
			msg = msg[:multipartLen+copy(msg[multipartLen:], msg[mark:])]
		}
		if cap(msg) > 2*len(msg) && cap(msg) > 4096 {
			// The scratch buffer grew for earlier messages: the caller
			// may keep this one, so it does not keep the spare room.
			msg = append([]byte(nil), msg...)
		}
		yield(finish(msg, flags), nil)
	}
}

// DefaultReassemblyLimit is the default bound on the bytes a Reassembler
// buffers for all xids together.
const DefaultReassemblyLimit = 16 << 20

// Reassembler collects the parts of multipart requests or replies
// (OpenFlow 1.3) per xid and returns each whole message once its last
// part arrives. It is not safe for concurrent use: one belongs to one
// connection's reader.
type Reassembler struct {
	// Limit bounds the bytes buffered for all xids together (each part
	// counts at least its 16-byte framing); 0 means
	// DefaultReassemblyLimit. A part that would exceed it is
	// OFPBRC_MULTIPART_BUFFER_OVERFLOW, and its xid's parts are dropped.
	Limit int

	pending  map[uint32]*partialMultipart
	buffered int
}

type partialMultipart struct {
	typ   MultipartType
	msgT  uint8 // OFPT_MULTIPART_REQUEST or _REPLY
	body  []byte
	bytes int // what this xid counts against Limit
}

// Pending reports how many xids have parts buffered.
func (r *Reassembler) Pending() int { return len(r.pending) }

// Buffered reports the bytes counted against the limit.
func (r *Reassembler) Buffered() int { return r.buffered }

// Discard drops what is buffered for xid, as when a peer gives up on a
// request; Reset drops everything, as when the connection closes.
func (r *Reassembler) Discard(xid uint32) { r.drop(xid) }

// Reset drops every buffered part.
func (r *Reassembler) Reset() {
	r.pending, r.buffered = nil, 0
}

func (r *Reassembler) drop(xid uint32) {
	if p := r.pending[xid]; p != nil {
		r.buffered -= p.bytes
		delete(r.pending, xid)
	}
}

// Add takes one whole wire message. Messages that are not multipart, or
// not flagged MultipartMore and with nothing buffered under their xid,
// decode as Unmarshal does and come back at once (done is true). A part
// flagged MultipartMore is buffered (done is false). The last part of a
// series returns the whole message: its body decoded from all parts, its
// flags those of the last part, and the last part's header (whose Length
// is only that part's).
//
// Errors are *Error with Data from the offending part: an unknown
// multipart type is OFPBRC_BAD_MULTIPART, as is a part whose type differs
// from the earlier parts of its xid; exceeding Limit is
// OFPBRC_MULTIPART_BUFFER_OVERFLOW. After an error nothing stays buffered
// for that xid.
func (r *Reassembler) Add(b []byte) (h Header, m Message, done bool, err error) {
	h, err = DecodeHeader(b)
	if err != nil || h.Version != Version13 || (h.Type != typeMultipartRequest && h.Type != typeMultipartReply) ||
		len(b) < multipartLen || int(h.Length) != len(b) {
		h, m, err = Unmarshal(b)
		return h, m, err == nil, err
	}
	typ := MultipartType(binary.BigEndian.Uint16(b[8:10]))
	flags := binary.BigEndian.Uint16(b[10:12])
	p := r.pending[h.Xid]
	if p == nil && flags&MultipartMore == 0 {
		h, m, err = Unmarshal(b)
		return h, m, err == nil, err
	}
	fail := func(e *Error) (Header, Message, bool, error) {
		r.drop(h.Xid)
		return h, nil, false, withData(e, b)
	}
	if mpIdx.byWire[typ] == nil {
		return fail(badRequest(BRCBadMultipart, "multipart type %d is not defined", typ))
	}
	if p != nil && (p.typ != typ || p.msgT != h.Type) {
		return fail(badRequest(BRCBadMultipart, "xid %#x: part of type %d/%d after parts of type %d/%d",
			h.Xid, h.Type, typ, p.msgT, p.typ))
	}
	limit := r.Limit
	if limit <= 0 {
		limit = DefaultReassemblyLimit
	}
	part := b[multipartLen:]
	cost := max(len(part), multipartLen)
	if r.buffered+cost > limit {
		return fail(badRequest(BRCMultipartBufOvf, "xid %#x: %d bytes buffered, part of %d exceeds the limit of %d",
			h.Xid, r.buffered, len(part), limit))
	}
	if p == nil {
		if r.pending == nil {
			r.pending = make(map[uint32]*partialMultipart)
		}
		p = &partialMultipart{typ: typ, msgT: h.Type}
		r.pending[h.Xid] = p
	}
	p.body = append(p.body, part...)
	p.bytes += cost
	r.buffered += cost
	if flags&MultipartMore != 0 {
		return h, nil, false, nil
	}
	body := p.body
	r.drop(h.Xid)
	mb, derr := decodeMultipartBody(typ, body, h.Type == typeMultipartReply)
	if derr != nil {
		return h, nil, false, withData(derr, b)
	}
	if h.Type == typeMultipartReply {
		return h, &MultipartReply{Flags: flags, Body: mb}, true, nil
	}
	return h, &MultipartRequest{Flags: flags, Body: mb}, true, nil
}

// Wire numbers of the OpenFlow 1.3 multipart messages.
const (
	typeMultipartRequest = 18
	typeMultipartReply   = 19
)
