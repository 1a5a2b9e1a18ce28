package ofp

// Text of OFPMP_FLOW replies (spec 1.3.5 §7.3.5.2) straight from their
// wire form, for a client printing a dump of many flows.

import "encoding/binary"

// maxCachedBytes bounds FlowStatsText's cache of instruction texts, keys
// and texts counted: when full it starts again empty. By bytes, not
// entries: a switch may send lists of up to 64 KiB each.
const maxCachedBytes = 8 << 20

// FlowStatsText prints OpenFlow 1.3 OFPMP_FLOW reply messages as Format
// prints the decoded message, without decoding them into FlowStats: the
// match is read in place (into a reused slab) and the text of each
// distinct instruction list is kept, keyed by its wire bytes. A table of
// 100,000 flows typically has a few thousand distinct lists (the switch
// shares them the same way); decoding every entry's instructions and
// match was half of `xvs ofctl dump-flows`'s time and most of its
// garbage. The zero value is ready; not safe for concurrent use.
type FlowStatsText struct {
	slab   []OXM
	insts  map[string][]byte // instruction TLVs -> their text
	cached int               // bytes of insts' keys and texts
	entry  FlowStats         // scratch
}

// AppendMessage appends the text of raw, a whole message, to b and
// reports true when raw is an OpenFlow 1.3 OFPMP_FLOW reply that decodes.
// Otherwise it returns b unchanged and false: the caller formats raw the
// generic way (Unmarshal and Format), which also reports what does not
// decode. What it appends is Format's text for Unmarshal(raw).
func (p *FlowStatsText) AppendMessage(b, raw []byte) ([]byte, bool) {
	h, err := DecodeHeader(raw)
	if err != nil || h.Version != Version13 || h.Type != typeMultipartReply || int(h.Length) != len(raw) ||
		len(raw) < multipartLen || MultipartType(binary.BigEndian.Uint16(raw[8:10])) != MPFlow {
		return b, false
	}
	body := raw[multipartLen:]
	if d := mpIdx.byWire[MPFlow]; d == nil || len(body) < d.repMin {
		return b, false
	}
	start := len(b)
	// The header line, as Format prints it for this message.
	b = AppendFormat(b, h, &MultipartReply{Flags: binary.BigEndian.Uint16(raw[10:12]), Body: &FlowStatsReply{}})
	if p.insts == nil {
		p.insts = make(map[string][]byte)
	}
	// The framing checks of FlowStatsReply.unmarshalMP (decodeEntries).
	for rest := body; len(rest) > 0; {
		const minLen = flowStatsLen + 8
		if len(rest) < minLen {
			return b[:start], false
		}
		n := int(binary.BigEndian.Uint16(rest[0:2]))
		if n < minLen || n > len(rest) {
			return b[:start], false
		}
		var ok bool
		if b, ok = p.appendEntry(b, rest[:n]); !ok {
			return b[:start], false
		}
		rest = rest[n:]
	}
	return b, true
}

// appendEntry appends one entry's line, decoding what unmarshalMP decodes.
func (p *FlowStatsText) appendEntry(b, e []byte) ([]byte, bool) {
	s := &p.entry
	*s = flowStatsFixed(e)
	m := e[flowStatsLen:]
	// decodeMatch's checks, then its TLVs read in place.
	if binary.BigEndian.Uint16(m[0:2]) != matchTypeOXM {
		return b, false
	}
	n := int(binary.BigEndian.Uint16(m[2:4]))
	total := n + pad8(n)
	if n < 4 || total > len(m) {
		return b, false
	}
	var err error
	if s.Match, p.slab, err = DecodeMatchTLVs(p.slab[:0], m[4:n]); err != nil {
		return b, false
	}
	insts := m[total:]
	text, ok := p.insts[string(insts)]
	if !ok {
		is, err := decodeInstructions(insts)
		if err != nil {
			return b, false
		}
		text = appendInstructionsText(nil, is)
		if p.cached += len(insts) + len(text); p.cached > maxCachedBytes {
			clear(p.insts)
			p.cached = len(insts) + len(text)
		}
		p.insts[string(insts)] = text
	}
	b = appendFlowStatsHead(b, s)
	return append(b, text...), true
}
