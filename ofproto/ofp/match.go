package ofp

// ofp_match of type OFPMT_OXM (spec 1.3.5 §7.2.3.1) and its validation
// against table 12 and the rules of §7.2.3.5-§7.2.3.8.

import (
	"encoding/binary"
	"fmt"
)

// OFPMT_OXM: the only match type of OpenFlow 1.3 (OFPMT_STANDARD was 1.1's).
const matchTypeOXM uint16 = 1

// Match is an ofp_match: the OXM TLVs in the order received, which flow
// stats and flow-removed echo back unchanged.
//
// Decoding is lenient: it checks only framing, so that matches the switch
// itself reports (flow stats, flow removed, packet-in) and matches with
// experimenter fields always decode. Validate applies the rules a switch
// enforces on a flow-mod; FlowMod decoding calls it.
type Match struct {
	Fields []OXM `json:"fields"`
}

// NewMatch returns a match of the given TLVs.
func NewMatch(fields ...OXM) Match { return Match{Fields: fields} }

// Lookup returns the OpenFlow-basic TLV of the given field, if present.
func (m *Match) Lookup(field uint8) (*OXM, bool) {
	for i := range m.Fields {
		if o := &m.Fields[i]; o.Class == OXMClassOpenFlowBasic && o.Field == field {
			return o, true
		}
	}
	return nil, false
}

// InPort returns the matched ingress port, if the match has one.
func (m *Match) InPort() (PortNo, bool) {
	if o, ok := m.Lookup(OXMInPortField); ok && len(o.Value) == 4 {
		return PortNo(o.Uint()), true
	}
	return 0, false
}

// EthType returns the matched Ethernet type, if the match has one.
func (m *Match) EthType() (uint16, bool) {
	if o, ok := m.Lookup(OXMEthTypeField); ok && len(o.Value) == 2 && !o.HasMask {
		return uint16(o.Uint()), true
	}
	return 0, false
}

// oxmLen is the match's length field: header and TLVs, without padding.
func (m *Match) oxmLen() int {
	n := 4
	for i := range m.Fields {
		n += m.Fields[i].wireLen()
	}
	return n
}

// wireLen is the match's size on the wire, padding included.
func (m *Match) wireLen() int {
	n := m.oxmLen()
	return n + pad8(n)
}

// checkEncodable reports a match that cannot be put on the wire.
func (m *Match) checkEncodable() error {
	for i := range m.Fields {
		if err := m.Fields[i].checkEncodable(); err != nil {
			return err
		}
	}
	if n := m.oxmLen(); n > 0xffff {
		return fmt.Errorf("match of %d bytes", n)
	}
	return nil
}

// appendTo appends the match with its padding. Call checkEncodable first
// when the TLVs did not come from the wire.
func (m *Match) appendTo(b []byte) []byte {
	n := m.oxmLen()
	b = binary.BigEndian.AppendUint16(b, matchTypeOXM)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	for i := range m.Fields {
		b = m.Fields[i].appendTo(b)
	}
	return appendPad8(b, n)
}

// TLVLen is the size of the match's OXM TLVs on the wire (AppendTLVs).
func (m *Match) TLVLen() int { return m.oxmLen() - 4 }

// AppendTLVs appends the match's OXM TLVs as they are on the wire,
// without the ofp_match header and padding: the compact form in which a
// switch keeps its flows' matches (a few dozen bytes where the decoded
// TLVs take 64 bytes each). DecodeMatchTLVs reads it back.
func (m *Match) AppendTLVs(b []byte) ([]byte, error) {
	if err := m.checkEncodable(); err != nil {
		return b, err
	}
	for i := range m.Fields {
		b = m.Fields[i].appendTo(b)
	}
	return b, nil
}

// appendMatchTLVs appends an ofp_match of the given TLVs (AppendTLVs's
// form) with its header and padding, as appendTo would.
func appendMatchTLVs(b, tlvs []byte) []byte {
	n := 4 + len(tlvs)
	b = binary.BigEndian.AppendUint16(b, matchTypeOXM)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, tlvs...)
	return appendPad8(b, n)
}

// DecodeMatchTLVs decodes the TLVs AppendTLVs wrote. The fields are
// appended to slab, which is returned grown, so that a caller decoding
// many matches (a flow-stats reply of every flow) allocates a few slabs
// instead of a slice per match; Value and Mask alias b, which must not
// change while the match is in use. No TLVs give a match without fields.
func DecodeMatchTLVs(slab []OXM, b []byte) (Match, []OXM, error) {
	if len(b) == 0 {
		return Match{}, slab, nil
	}
	start := len(slab)
	for rest := b; len(rest) > 0; {
		var o OXM
		k, err := decodeOXM(rest, &o)
		if err != nil {
			return Match{}, slab[:start], err
		}
		if len(slab) == cap(slab) {
			// A new slab as large as the last: this match's fields
			// move to it, the earlier matches keep the old one.
			grown := make([]OXM, len(slab)-start, max(cap(slab), 2*(len(slab)-start), 16))
			copy(grown, slab[start:])
			slab, start = grown, 0
		}
		slab = append(slab, o)
		rest = rest[k:]
	}
	return Match{Fields: slab[start:len(slab):len(slab)]}, slab, nil
}

// decodeMatch reads a match from the start of b and returns it and the
// bytes it takes, padding included. The TLVs are copied (into one buffer).
func decodeMatch(b []byte) (Match, int, error) {
	if len(b) < 4 {
		return Match{}, 0, errf(ETBadMatch, BMCBadLen, "match: %d bytes, need 4", len(b))
	}
	typ := binary.BigEndian.Uint16(b[0:2])
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if typ != matchTypeOXM {
		return Match{}, 0, errf(ETBadMatch, BMCBadType, "match type %d, want OFPMT_OXM", typ)
	}
	if n < 4 {
		return Match{}, 0, errf(ETBadMatch, BMCBadLen, "match length %d", n)
	}
	total := n + pad8(n)
	if total > len(b) {
		return Match{}, 0, errf(ETBadMatch, BMCBadLen, "match of %d bytes (padded) overruns the %d bytes left", total, len(b))
	}
	body := b[4:n]
	if len(body) == 0 {
		return Match{}, total, nil
	}
	// One pass over the TLVs, into a stack array for the usual sizes; then
	// the TLV bytes are copied once and each value and mask re-pointed
	// into the copy.
	var stack [16]OXM
	var offs [16]int
	fields, starts := stack[:0], offs[:0]
	for rest := body; len(rest) > 0; {
		var o OXM
		k, err := decodeOXM(rest, &o)
		if err != nil {
			return Match{}, 0, err
		}
		fields = append(fields, o)
		starts = append(starts, len(body)-len(rest))
		rest = rest[k:]
	}
	own := append([]byte(nil), body...)
	m := Match{Fields: make([]OXM, len(fields))}
	for i := range fields {
		o := &m.Fields[i]
		*o = fields[i]
		// Value (and Mask) sit at a fixed place after the TLV's header.
		at := starts[i] + 4
		if o.Class == OXMClassExperimenter {
			at += 4
		}
		o.Value = own[at : at+len(o.Value) : at+len(o.Value)]
		if o.Mask != nil {
			at += len(o.Value)
			o.Mask = own[at : at+len(o.Mask) : at+len(o.Mask)]
		}
	}
	return m, total, nil
}

// Validate checks the match as a switch must before adding a flow (spec
// 1.3.5 §7.2.3.5-§7.2.3.8, table 12): only OpenFlow-basic fields that xvs
// knows (any other class or field: OFPBMC_BAD_FIELD), each at most once
// (OFPBMC_DUP_FIELD), of the right length (OFPBMC_BAD_LEN), masked only
// where table 12 allows (OFPBMC_BAD_MASK), no value bit set where the mask
// is 0 (OFPBMC_BAD_WILDCARDS, as §7.2.3.5 and Open vSwitch answer), values
// in range (OFPBMC_BAD_VALUE), and every prerequisite matched
// (OFPBMC_BAD_PREREQ).
//
// Prerequisites are checked against the whole match, not only the TLVs
// before the one that needs them: §7.2.3.6 asks senders to put them
// first, but a switch that accepts either order loses nothing.
func (m *Match) Validate() error {
	var seen uint64
	for i := range m.Fields {
		o := &m.Fields[i]
		if err := validateBasicOXM(o, false); err != nil {
			return err
		}
		if seen&(1<<o.Field) != 0 {
			return errf(ETBadMatch, BMCDupField, "%s appears twice", oxmFields[o.Field].name)
		}
		seen |= 1 << o.Field
	}
	for i := range m.Fields {
		if err := m.checkPrereq(&m.Fields[i]); err != nil {
			return err
		}
	}
	return nil
}

// validateBasicOXM checks one TLV on its own: known basic field, length,
// mask and value. In a set-field action (setField true) masks are not
// allowed and the errors are the OFPBAC_BAD_SET_* ones.
func validateBasicOXM(o *OXM, setField bool) error {
	badField, badLen, badMask, badValue := errCode(ETBadMatch, BMCBadField), errCode(ETBadMatch, BMCBadLen),
		errCode(ETBadMatch, BMCBadMask), errCode(ETBadMatch, BMCBadValue)
	badWild := errCode(ETBadMatch, BMCBadWildcards)
	if setField {
		badField, badLen = errCode(ETBadAction, BACBadSetType), errCode(ETBadAction, BACBadSetLen)
		badMask, badValue, badWild = errCode(ETBadAction, BACBadSetArgument), errCode(ETBadAction, BACBadSetArgument),
			errCode(ETBadAction, BACBadSetArgument)
	}
	if o.Class != OXMClassOpenFlowBasic {
		return badField.err("oxm class %#04x is not supported", o.Class)
	}
	f, ok := basicField(o.Field)
	if !ok {
		return badField.err("unknown OpenFlow-basic field %d", o.Field)
	}
	if o.HasMask && (setField || !f.maskable) {
		return badMask.err("%s may not be masked", f.name)
	}
	want := f.size
	if o.HasMask {
		want *= 2
	}
	if got := len(o.Value) + len(o.Mask); got != want || len(o.Value) != f.size {
		return badLen.err("%s: %d bytes, want %d", f.name, got, want)
	}
	if o.HasMask {
		for i := range o.Value {
			if o.Value[i]&^o.Mask[i] != 0 {
				return badWild.err("%s: value %x has bits outside mask %x", f.name, o.Value, o.Mask)
			}
		}
	}
	v := o.Uint()
	if f.maxValue != 0 && v > f.maxValue {
		return badValue.err("%s: value %#x exceeds %#x", f.name, v, f.maxValue)
	}
	if o.HasMask && f.maxValue != 0 && o.MaskUint() > f.maxValue {
		return badMask.err("%s: mask %#x exceeds %#x", f.name, o.MaskUint(), f.maxValue)
	}
	// OFPVID_NONE or OFPVID_PRESENT|vid (table 13). A set-field writes the
	// id of a tag, so it must say OFPVID_PRESENT (Open vSwitch agrees).
	if o.Field == OXMVlanVIDField && !o.HasMask && v&uint64(VIDPresent) == 0 && (setField || v != uint64(VIDNone)) {
		return badValue.err("vlan_vid %#x: without OFPVID_PRESENT only OFPVID_NONE (0) is valid in a match", v)
	}
	if setField && !setFieldWritable(o.Field) {
		return badValue.err("%s cannot be written by set_field", f.name)
	}
	return nil
}

// setFieldWritable reports whether a set-field may write field f. The
// ports, the Ethernet type, the IP protocol and the MPLS bottom-of-stack
// bit identify a packet's structure (push/pop actions change them), and
// ipv6_exthdr is computed; Open vSwitch refuses them too.
func setFieldWritable(f uint8) bool {
	switch f {
	case OXMInPortField, OXMInPhyPortField, OXMEthTypeField, OXMIPProtoField, OXMMPLSBOSField, OXMIPv6ExthdrField:
		return false
	}
	return true
}

// checkPrereq checks the prerequisite of one basic TLV against the match.
func (m *Match) checkPrereq(o *OXM) error {
	f := &oxmFields[o.Field]
	if o.Field == OXMVlanPCPField {
		// VLAN_PCP needs VLAN_VID != OFPVID_NONE: the present bit matched as 1.
		vid, ok := m.Lookup(OXMVlanVIDField)
		if !ok || vid.Uint()&uint64(VIDPresent) == 0 || vid.MaskUint()&uint64(VIDPresent) == 0 {
			return errf(ETBadMatch, BMCBadPrereq, "vlan_pcp needs vlan_vid with OFPVID_PRESENT")
		}
		return nil
	}
	for p := f.prereq; p != nil; p = p.next {
		if err := m.checkOnePrereq(f, p); err != nil {
			return err
		}
	}
	// Neighbour discovery messages have code 0 (RFC 4861 §4.3, §4.4); like
	// Open vSwitch, refuse ND fields in a match for another code.
	switch o.Field {
	case OXMIPv6NDTargetField, OXMIPv6NDSLLField, OXMIPv6NDTLLField:
		if code, ok := m.Lookup(OXMICMPv6CodeField); ok && code.Uint() != 0 {
			return errf(ETBadMatch, BMCBadPrereq, "%s needs icmpv6_code 0", f.name)
		}
	}
	return nil
}

func (m *Match) checkOnePrereq(f *oxmField, p *prereq) error {
	dep, ok := m.Lookup(p.field)
	if !ok {
		return errf(ETBadMatch, BMCBadPrereq, "%s needs %s", f.name, oxmFields[p.field].name)
	}
	if p.values == nil {
		return nil
	}
	if !dep.HasMask {
		v := dep.Uint()
		for _, want := range p.values {
			if v == want {
				return nil
			}
		}
	}
	return errf(ETBadMatch, BMCBadPrereq, "%s needs %s in %#x, match has %x", f.name, oxmFields[p.field].name, p.values, dep.Value)
}

// errCodePair is an error type and code pair, for functions that report the
// same failure under different types depending on context.
type errCodePair struct {
	t ErrorType
	c uint16
}

func errCode(t ErrorType, c uint16) errCodePair { return errCodePair{t, c} }

func (p errCodePair) err(format string, args ...any) *Error { return errf(p.t, p.c, format, args...) }
