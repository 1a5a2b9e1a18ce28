package ofp

// OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY (spec 1.3.5 §7.3.5): one
// framing (type, flags, 4 pad bytes) around a body whose format the
// multipart type names. mpTable says, per OFPMP_* type, which Go types are
// its request and reply bodies and their minimum lengths; dispatch happens
// there and nowhere else.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
)

// MultipartType is ofp_multipart_type.
type MultipartType uint16

// Multipart types (OFPMP_*).
const (
	MPDesc          MultipartType = 0
	MPFlow          MultipartType = 1
	MPAggregate     MultipartType = 2
	MPTable         MultipartType = 3
	MPPortStats     MultipartType = 4
	MPQueue         MultipartType = 5
	MPGroup         MultipartType = 6
	MPGroupDesc     MultipartType = 7
	MPGroupFeatures MultipartType = 8
	MPMeter         MultipartType = 9
	MPMeterConfig   MultipartType = 10
	MPMeterFeatures MultipartType = 11
	MPTableFeatures MultipartType = 12
	MPPortDesc      MultipartType = 13
	MPExperimenter  MultipartType = 0xffff
)

var multipartTypeNames = map[MultipartType]string{
	MPDesc: "OFPMP_DESC", MPFlow: "OFPMP_FLOW", MPAggregate: "OFPMP_AGGREGATE", MPTable: "OFPMP_TABLE",
	MPPortStats: "OFPMP_PORT_STATS", MPQueue: "OFPMP_QUEUE", MPGroup: "OFPMP_GROUP",
	MPGroupDesc: "OFPMP_GROUP_DESC", MPGroupFeatures: "OFPMP_GROUP_FEATURES", MPMeter: "OFPMP_METER",
	MPMeterConfig: "OFPMP_METER_CONFIG", MPMeterFeatures: "OFPMP_METER_FEATURES",
	MPTableFeatures: "OFPMP_TABLE_FEATURES", MPPortDesc: "OFPMP_PORT_DESC", MPExperimenter: "OFPMP_EXPERIMENTER",
}

// String is the spec's name, OFPMP_PORT_STATS.
func (t MultipartType) String() string {
	if n, ok := multipartTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("OFPMP_%d", uint16(t))
}

// MultipartMore is OFPMPF_REQ_MORE and OFPMPF_REPLY_MORE: more parts of
// the same request or reply follow under the same xid.
const MultipartMore uint16 = 1

// multipartLen is the framing: header, type, flags and 4 pad bytes.
const multipartLen = HeaderLen + 8

// MultipartBody is the body of a multipart request or reply; only this
// package's types implement it, and mpTable says which is which.
type MultipartBody interface {
	// appendMP appends the wire body that follows the multipart framing.
	appendMP(b []byte) ([]byte, error)
	// unmarshalMP decodes a body whose length has been checked against the
	// table's minimum; the body may be longer than one message can hold
	// when it is the reassembly of several parts.
	unmarshalMP(b []byte) error
	// formatMP prints the body as ovs-ofctl ofp-print does.
	formatMP() string
}

// entryList is implemented by bodies that are a sequence of independent
// entries, which a long reply (or request) may spread over several
// messages (spec 1.3.5 §7.3.5: a request or reply too long for one
// message is a sequence of messages flagged MORE but the last).
type entryList interface {
	MultipartBody
	numEntries() int
	appendEntry(b []byte, i int) ([]byte, error)
}

// mpDef is one row of mpTable.
type mpDef struct {
	typ    MultipartType
	name   string // as ovs-ofctl prints it: OFPST_FLOW
	reqMin int    // minimum request body, after the multipart framing
	repMin int    // minimum reply body
	newReq func() MultipartBody
	newRep func() MultipartBody
}

var mpTable = []mpDef{
	{MPDesc, "OFPST_DESC", 0, descLen, func() MultipartBody { return new(DescRequest) }, func() MultipartBody { return new(Desc) }},
	{MPFlow, "OFPST_FLOW", flowStatsRequestLen, 0, func() MultipartBody { return new(FlowStatsRequest) }, func() MultipartBody { return new(FlowStatsReply) }},
	{MPAggregate, "OFPST_AGGREGATE", flowStatsRequestLen, aggregateReplyLen, func() MultipartBody { return new(AggregateRequest) }, func() MultipartBody { return new(AggregateReply) }},
	{MPTable, "OFPST_TABLE", 0, 0, func() MultipartBody { return new(TableStatsRequest) }, func() MultipartBody { return new(TableStatsReply) }},
	{MPPortStats, "OFPST_PORT", portStatsRequestLen, 0, func() MultipartBody { return new(PortStatsRequest) }, func() MultipartBody { return new(PortStatsReply) }},
	{MPQueue, "OFPST_QUEUE", queueStatsRequestLen, 0, func() MultipartBody { return new(QueueStatsRequest) }, func() MultipartBody { return new(QueueStatsReply) }},
	{MPGroup, "OFPST_GROUP", groupStatsRequestLen, 0, func() MultipartBody { return new(GroupStatsRequest) }, func() MultipartBody { return new(GroupStatsReply) }},
	{MPGroupDesc, "OFPST_GROUP_DESC", 0, 0, func() MultipartBody { return new(GroupDescRequest) }, func() MultipartBody { return new(GroupDescReply) }},
	{MPGroupFeatures, "OFPST_GROUP_FEATURES", 0, groupFeaturesLen, func() MultipartBody { return new(GroupFeaturesRequest) }, func() MultipartBody { return new(GroupFeatures) }},
	{MPMeter, "OFPST_METER", meterRequestLen, 0, func() MultipartBody { return new(MeterStatsRequest) }, func() MultipartBody { return new(MeterStatsReply) }},
	{MPMeterConfig, "OFPST_METER_CONFIG", meterRequestLen, 0, func() MultipartBody { return new(MeterConfigRequest) }, func() MultipartBody { return new(MeterConfigReply) }},
	{MPMeterFeatures, "OFPST_METER_FEATURES", 0, meterFeaturesLen, func() MultipartBody { return new(MeterFeaturesRequest) }, func() MultipartBody { return new(MeterFeatures) }},
	{MPTableFeatures, "OFPST_TABLE_FEATURES", 0, 0, func() MultipartBody { return new(TableFeaturesRequest) }, func() MultipartBody { return new(TableFeaturesReply) }},
	{MPPortDesc, "OFPST_PORT_DESC", 0, 0, func() MultipartBody { return new(PortDescRequest) }, func() MultipartBody { return new(PortDescReply) }},
	{MPExperimenter, "OFPST_EXPERIMENTER", experimenterMPLen, experimenterMPLen, func() MultipartBody { return new(ExperimenterRequest) }, func() MultipartBody { return new(ExperimenterReply) }},
}

// mpIndex finds mpTable rows by wire number and by Go type.
type mpIndex struct {
	byWire map[MultipartType]*mpDef
	byType map[reflect.Type]mpKey
}

type mpKey struct {
	def   *mpDef
	reply bool
}

var mpIdx = buildMPIndex()

func buildMPIndex() *mpIndex {
	x := &mpIndex{byWire: make(map[MultipartType]*mpDef), byType: make(map[reflect.Type]mpKey)}
	for i := range mpTable {
		d := &mpTable[i]
		if x.byWire[d.typ] != nil {
			panic(fmt.Sprintf("ofp: multipart type %d defined twice", d.typ))
		}
		x.byWire[d.typ] = d
		x.byType[reflect.TypeOf(d.newReq())] = mpKey{d, false}
		x.byType[reflect.TypeOf(d.newRep())] = mpKey{d, true}
	}
	return x
}

// mpLookup returns the table row of body and checks its direction.
func mpLookup(body MultipartBody, reply bool) (*mpDef, error) {
	if body == nil {
		return nil, fmt.Errorf("multipart: no body")
	}
	k, ok := mpIdx.byType[reflect.TypeOf(body)]
	if !ok {
		return nil, fmt.Errorf("multipart: %T is not a multipart body", body)
	}
	if k.reply != reply {
		dir := map[bool]string{false: "request", true: "reply"}
		return nil, fmt.Errorf("multipart: %T is a %s body, used in a %s", body, dir[k.reply], dir[reply])
	}
	return k.def, nil
}

// MultipartTypeOf returns the OFPMP_* number of a request or reply body.
func MultipartTypeOf(body MultipartBody) (MultipartType, bool) {
	k, ok := mpIdx.byType[reflect.TypeOf(body)]
	if !ok {
		return 0, false
	}
	return k.def.typ, true
}

// MultipartRequest is OFPT_MULTIPART_REQUEST. The body's Go type says the
// multipart type.
type MultipartRequest struct {
	Flags uint16        `json:"flags"`
	Body  MultipartBody `json:"body"`
}

// MultipartReply is OFPT_MULTIPART_REPLY.
type MultipartReply struct {
	Flags uint16        `json:"flags"`
	Body  MultipartBody `json:"body"`
}

func (m *MultipartRequest) appendBody(b []byte, _ uint8) ([]byte, error) {
	return appendMultipart(b, m.Flags, m.Body, false)
}

func (m *MultipartReply) appendBody(b []byte, _ uint8) ([]byte, error) {
	return appendMultipart(b, m.Flags, m.Body, true)
}

func appendMultipart(b []byte, flags uint16, body MultipartBody, reply bool) ([]byte, error) {
	d, err := mpLookup(body, reply)
	if err != nil {
		return b, err
	}
	b = binary.BigEndian.AppendUint16(b, uint16(d.typ))
	b = binary.BigEndian.AppendUint16(b, flags)
	b = appendZeros(b, 4)
	return body.appendMP(b)
}

func (m *MultipartRequest) unmarshalBody(b []byte, _ uint8) error {
	var err error
	m.Flags, m.Body, err = decodeMultipart(b, false)
	return err
}

func (m *MultipartReply) unmarshalBody(b []byte, _ uint8) error {
	var err error
	m.Flags, m.Body, err = decodeMultipart(b, true)
	return err
}

// decodeMultipart decodes the framing and the body after the header. An
// unknown type is OFPBRC_BAD_MULTIPART (spec 1.3.5 §7.4.4: the multipart
// type is not supported).
func decodeMultipart(b []byte, reply bool) (uint16, MultipartBody, error) {
	if len(b) < multipartLen-HeaderLen {
		return 0, nil, badRequest(BRCBadLen, "multipart: body %d bytes, need %d", len(b), multipartLen-HeaderLen)
	}
	typ := MultipartType(binary.BigEndian.Uint16(b[0:2]))
	flags := binary.BigEndian.Uint16(b[2:4])
	body, err := decodeMultipartBody(typ, b[multipartLen-HeaderLen:], reply)
	return flags, body, err
}

// decodeMultipartBody decodes the body of a multipart message of type typ.
func decodeMultipartBody(typ MultipartType, b []byte, reply bool) (MultipartBody, error) {
	d := mpIdx.byWire[typ]
	if d == nil {
		return nil, badRequest(BRCBadMultipart, "multipart type %d is not defined", typ)
	}
	min, body := d.reqMin, d.newReq()
	if reply {
		min, body = d.repMin, d.newRep()
	}
	if len(b) < min {
		return nil, badRequest(BRCBadLen, "%s: body %d bytes, need at least %d", d.name, len(b), min)
	}
	if err := body.unmarshalMP(b); err != nil {
		return nil, err
	}
	return body, nil
}

// messageName names the message as ovs-ofctl does ("OFPST_FLOW request").
func (m *MultipartRequest) messageName(uint8) string { return mpName(m.Body, false) + " request" }
func (m *MultipartReply) messageName(uint8) string   { return mpName(m.Body, true) + " reply" }

func mpName(body MultipartBody, reply bool) string {
	if d, err := mpLookup(body, reply); err == nil {
		return d.name
	}
	return "OFPST_UNKNOWN"
}

func (m *MultipartRequest) formatBody(uint8) string {
	return formatMPFlags(m.Flags) + m.Body.formatMP()
}
func (m *MultipartReply) formatBody(v uint8) string { return string(m.appendBodyText(nil, v)) }

// mpTextAppender is implemented by multipart bodies that append their
// text (formatMP's) to a buffer.
type mpTextAppender interface {
	appendMPText(b []byte) []byte
}

func (m *MultipartReply) appendBodyText(b []byte, _ uint8) []byte {
	b = append(b, formatMPFlags(m.Flags)...)
	if t, ok := m.Body.(mpTextAppender); ok {
		return t.appendMPText(b)
	}
	return append(b, m.Body.formatMP()...)
}

// formatMPFlags prints the flags as ovs-ofctl's ofp_print_stats.
func formatMPFlags(flags uint16) string {
	if flags == 0 {
		return ""
	}
	s := " flags="
	if flags&MultipartMore != 0 {
		s += "[more]"
		flags &^= MultipartMore
	}
	if flags != 0 {
		s += fmt.Sprintf("[***unknown flags 0x%04x***]", flags)
	}
	return s
}

// jsonMultipart is the JSON form: the OFPMP type by name next to the body.
type jsonMultipart struct {
	Type  string        `json:"type"`
	Flags uint16        `json:"flags"`
	Body  MultipartBody `json:"body"`
}

func (m *MultipartRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonMultipart{mpJSONName(m.Body, false), m.Flags, m.Body})
}

func (m *MultipartReply) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonMultipart{mpJSONName(m.Body, true), m.Flags, m.Body})
}

func mpJSONName(body MultipartBody, reply bool) string {
	if d, err := mpLookup(body, reply); err == nil {
		return d.typ.String()
	}
	return "OFPMP_UNKNOWN"
}

// mpEmpty is embedded by request bodies that have no content.
type mpEmpty struct{}

func (mpEmpty) appendMP(b []byte) ([]byte, error) { return b, nil }
func (mpEmpty) unmarshalMP(b []byte) error {
	if len(b) != 0 {
		return badRequest(BRCBadLen, "multipart: %d bytes of body in a request that has none", len(b))
	}
	return nil
}
func (mpEmpty) formatMP() string { return "" }

// decodeEntries splits b into entries whose length is in a 16-bit field
// at offset lenOff, checking each against the remaining bytes and the
// minimum size, and calls fn on each.
func decodeEntries(b []byte, what string, lenOff, minLen int, fn func(e []byte) error) error {
	for len(b) > 0 {
		if len(b) < minLen {
			return badRequest(BRCBadLen, "%s: %d trailing bytes, entry needs %d", what, len(b), minLen)
		}
		n := int(binary.BigEndian.Uint16(b[lenOff : lenOff+2]))
		if n < minLen || n > len(b) {
			return badRequest(BRCBadLen, "%s: entry length %d, %d bytes left (minimum %d)", what, n, len(b), minLen)
		}
		if err := fn(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// countEntries counts the entries decodeEntries would visit, stopping at
// the first malformed one (which decodeEntries then reports), so that a
// decoder can allocate its slice once.
func countEntries(b []byte, lenOff, minLen int) int {
	n := 0
	for len(b) >= minLen {
		k := int(binary.BigEndian.Uint16(b[lenOff : lenOff+2]))
		if k < minLen || k > len(b) {
			break
		}
		b = b[k:]
		n++
	}
	return n
}

// decodeFixed splits b into entries of size n.
func decodeFixed(b []byte, what string, n int, fn func(e []byte) error) error {
	if len(b)%n != 0 {
		return badRequest(BRCBadLen, "%s: %d bytes is not a whole number of %d-byte entries", what, len(b), n)
	}
	for ; len(b) > 0; b = b[n:] {
		if err := fn(b[:n]); err != nil {
			return err
		}
	}
	return nil
}

// putLen16 writes the length of the entry that starts at b[start:] into
// its 16-bit length field at offset lenOff.
func putLen16(b []byte, start, lenOff int, what string) ([]byte, error) {
	n := len(b) - start
	if n > 0xffff {
		return b[:start], fmt.Errorf("%s: entry of %d bytes exceeds 65535", what, n)
	}
	binary.BigEndian.PutUint16(b[start+lenOff:], uint16(n))
	return b, nil
}

// Validate checks a decoded request beyond its framing where the body
// has rules of its own (flow and aggregate stats: the match).
// Decoding does not call it, so that a client can decode what any peer
// sends; a switch calls it before answering.
func (m *MultipartRequest) Validate() error {
	if v, ok := m.Body.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}
