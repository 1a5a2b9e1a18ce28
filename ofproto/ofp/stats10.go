package ofp

// OFPT_STATS_REQUEST and OFPT_STATS_REPLY of OpenFlow 1.0 (spec 1.0.0
// §5.3.5, struct ofp_stats_request/_reply): a stats type, flags and a body
// whose layout the type selects. The bodies are in stats_*10.go.

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// OFPST_* stats types of 1.0.
const (
	ST10Desc      uint16 = 0
	ST10Flow      uint16 = 1
	ST10Aggregate uint16 = 2
	ST10Table     uint16 = 3
	ST10Port      uint16 = 4
	ST10Queue     uint16 = 5
	// ST10PortDesc is Open vSwitch's OpenFlow 1.0 extension
	// OFPST10_PORT_DESC (ofp-msgs.h: "OFPST 1.0 (13)"), which 1.3
	// standardised as OFPMP_PORT_DESC: an empty request, a reply of
	// ofp_phy_port entries. ovs-ofctl -O OpenFlow10 dump-ports-desc sends it.
	ST10PortDesc uint16 = 13
	ST10Vendor   uint16 = 0xffff
)

// SF10ReplyMore in a reply's flags says more parts of the reply follow.
const SF10ReplyMore uint16 = 1

// statsHeader10Len is the stats request/reply header, OpenFlow header
// included.
const statsHeader10Len = 12

var statsNames10 = map[uint16]string{
	ST10Desc: "OFPST_DESC", ST10Flow: "OFPST_FLOW", ST10Aggregate: "OFPST_AGGREGATE",
	ST10Table: "OFPST_TABLE", ST10Port: "OFPST_PORT", ST10Queue: "OFPST_QUEUE",
	ST10PortDesc: "OFPST_PORT_DESC", ST10Vendor: "OFPST_VENDOR",
}

// StatsRequest10 is OFPT_STATS_REQUEST of OpenFlow 1.0. The field that
// holds the body depends on Type: Flow for OFPST_FLOW and
// OFPST_AGGREGATE, Port, Queue, Vendor; OFPST_DESC, OFPST_TABLE and
// OFPST_PORT_DESC have no body.
type StatsRequest10 struct {
	Type   uint16               `json:"type"`
	Flags  uint16               `json:"flags"`
	Flow   *FlowStatsRequest10  `json:"flow,omitempty"`
	Port   *PortStatsRequest10  `json:"port,omitempty"`
	Queue  *QueueStatsRequest10 `json:"queue,omitempty"`
	Vendor *VendorStats10       `json:"vendor,omitempty"`
}

func (m *StatsRequest10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, m.Type)
	b = binary.BigEndian.AppendUint16(b, m.Flags)
	missing := func() ([]byte, error) {
		return b, fmt.Errorf("%s request without its body", statsNames10[m.Type])
	}
	switch m.Type {
	case ST10Desc, ST10Table, ST10PortDesc:
		return b, nil
	case ST10Flow, ST10Aggregate:
		if m.Flow == nil {
			return missing()
		}
		return m.Flow.append(b), nil
	case ST10Port:
		if m.Port == nil {
			return missing()
		}
		return m.Port.append(b), nil
	case ST10Queue:
		if m.Queue == nil {
			return missing()
		}
		return m.Queue.append(b), nil
	case ST10Vendor:
		if m.Vendor == nil {
			return missing()
		}
		return m.Vendor.append(b), nil
	}
	return b, fmt.Errorf("unknown stats type %d", m.Type)
}

func (m *StatsRequest10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < 4 {
		return badRequest(BRC10BadLen, "stats_request: body %d bytes", len(b))
	}
	*m = StatsRequest10{Type: binary.BigEndian.Uint16(b[0:2]), Flags: binary.BigEndian.Uint16(b[2:4])}
	b = b[4:]
	wantLen := func(n int) error {
		if len(b) != n {
			return badRequest(BRC10BadLen, "%s request: body %d bytes, want %d", statsNames10[m.Type], len(b), n)
		}
		return nil
	}
	switch m.Type {
	case ST10Desc, ST10Table, ST10PortDesc:
		return wantLen(0)
	case ST10Flow, ST10Aggregate:
		if err := wantLen(flowStatsRequest10Len); err != nil {
			return err
		}
		m.Flow = new(FlowStatsRequest10)
		m.Flow.decode(b)
	case ST10Port:
		if err := wantLen(8); err != nil {
			return err
		}
		m.Port = &PortStatsRequest10{PortNo: PortNo10(binary.BigEndian.Uint16(b[0:2]))}
	case ST10Queue:
		if err := wantLen(8); err != nil {
			return err
		}
		m.Queue = &QueueStatsRequest10{
			PortNo:  PortNo10(binary.BigEndian.Uint16(b[0:2])),
			QueueID: binary.BigEndian.Uint32(b[4:8]),
		}
	case ST10Vendor:
		v, err := decodeVendorStats10(b)
		if err != nil {
			return err
		}
		m.Vendor = v
	default:
		return badRequest(BRC10BadStat, "unknown stats type %d", m.Type)
	}
	return nil
}

// messageName names a stats request as ovs-ofctl does: "OFPST_FLOW request".
func (m *StatsRequest10) messageName(uint8) string { return statsName10(m.Type) + " request" }

func statsName10(t uint16) string {
	if n, ok := statsNames10[t]; ok {
		return n
	}
	return fmt.Sprintf("OFPST_UNKNOWN_%d", t)
}

func (m *StatsRequest10) formatBody(uint8) string {
	s := ""
	if m.Flags != 0 { // 1.0 defines no request flags
		s = fmt.Sprintf(" flags=[***unknown flags 0x%04x***]", m.Flags)
	}
	switch {
	case m.Flow != nil:
		s += m.Flow.format()
	case m.Port != nil:
		s += " port_no=" + m.Port.PortNo.String()
	case m.Queue != nil:
		s += m.Queue.format()
	case m.Vendor != nil:
		s += m.Vendor.format()
	case m.Type == ST10PortDesc:
		s += " port=ANY" // as ovs-ofctl: a 1.0 request asks for every port
	}
	return s
}

// StatsReply10 is OFPT_STATS_REPLY of OpenFlow 1.0. The field that holds
// the body depends on Type: Desc, Flows, Aggregate, Tables, Ports, Queues,
// PortDesc or Vendor. A reply too long for one message is sent as several with
// SF10ReplyMore set on all but the last (Split10); StatsAssembler10 joins
// such parts.
type StatsReply10 struct {
	Type      uint16            `json:"type"`
	Flags     uint16            `json:"flags"`
	Desc      *DescStats10      `json:"desc,omitempty"`
	Flows     []FlowStats10     `json:"flows,omitempty"`
	Aggregate *AggregateStats10 `json:"aggregate,omitempty"`
	Tables    []TableStats10    `json:"tables,omitempty"`
	Ports     []PortStats10     `json:"ports,omitempty"`
	Queues    []QueueStats10    `json:"queues,omitempty"`
	PortDesc  []Port10          `json:"port_desc,omitempty"`
	Vendor    *VendorStats10    `json:"vendor,omitempty"`
}

func (m *StatsReply10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, m.Type)
	b = binary.BigEndian.AppendUint16(b, m.Flags)
	var err error
	switch m.Type {
	case ST10Desc:
		if m.Desc == nil {
			return b, fmt.Errorf("OFPST_DESC reply without its body")
		}
		return m.Desc.append(b)
	case ST10Flow:
		for i := range m.Flows {
			if b, err = m.Flows[i].append(b); err != nil {
				return b, err
			}
		}
		return b, nil
	case ST10Aggregate:
		if m.Aggregate == nil {
			return b, fmt.Errorf("OFPST_AGGREGATE reply without its body")
		}
		return m.Aggregate.append(b), nil
	case ST10Table:
		for i := range m.Tables {
			if b, err = m.Tables[i].append(b); err != nil {
				return b, err
			}
		}
		return b, nil
	case ST10Port:
		for i := range m.Ports {
			b = m.Ports[i].append(b)
		}
		return b, nil
	case ST10Queue:
		for i := range m.Queues {
			b = m.Queues[i].append(b)
		}
		return b, nil
	case ST10PortDesc:
		for i := range m.PortDesc {
			if b, err = m.PortDesc[i].append(b); err != nil {
				return b, err
			}
		}
		return b, nil
	case ST10Vendor:
		if m.Vendor == nil {
			return b, fmt.Errorf("OFPST_VENDOR reply without its body")
		}
		return m.Vendor.append(b), nil
	}
	return b, fmt.Errorf("unknown stats type %d", m.Type)
}

func (m *StatsReply10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < 4 {
		return badRequest(BRC10BadLen, "stats_reply: body %d bytes", len(b))
	}
	*m = StatsReply10{Type: binary.BigEndian.Uint16(b[0:2]), Flags: binary.BigEndian.Uint16(b[2:4])}
	b = b[4:]
	// fixed checks that the body is a whole number of n-byte entries.
	fixed := func(n int) error {
		if len(b)%n != 0 {
			return badRequest(BRC10BadLen, "%s reply: body %d bytes is not a multiple of %d", statsNames10[m.Type], len(b), n)
		}
		return nil
	}
	switch m.Type {
	case ST10Desc:
		if len(b) != descStats10Len {
			return badRequest(BRC10BadLen, "OFPST_DESC reply: body %d bytes, want %d", len(b), descStats10Len)
		}
		m.Desc = new(DescStats10)
		m.Desc.decode(b)
	case ST10Flow:
		for len(b) > 0 {
			var f FlowStats10
			n, err := f.decode(b)
			if err != nil {
				return err
			}
			m.Flows = append(m.Flows, f)
			b = b[n:]
		}
	case ST10Aggregate:
		if len(b) != aggregateStats10Len {
			return badRequest(BRC10BadLen, "OFPST_AGGREGATE reply: body %d bytes, want %d", len(b), aggregateStats10Len)
		}
		m.Aggregate = new(AggregateStats10)
		m.Aggregate.decode(b)
	case ST10Table:
		if err := fixed(tableStats10Len); err != nil {
			return err
		}
		m.Tables = decodeEntries10[TableStats10](b, tableStats10Len)
	case ST10Port:
		if err := fixed(portStats10Len); err != nil {
			return err
		}
		m.Ports = decodeEntries10[PortStats10](b, portStats10Len)
	case ST10Queue:
		if err := fixed(queueStats10Len); err != nil {
			return err
		}
		m.Queues = decodeEntries10[QueueStats10](b, queueStats10Len)
	case ST10PortDesc:
		if err := fixed(Port10Len); err != nil {
			return err
		}
		m.PortDesc = decodeEntries10[Port10](b, Port10Len)
	case ST10Vendor:
		v, err := decodeVendorStats10(b)
		if err != nil {
			return err
		}
		m.Vendor = v
	default:
		return badRequest(BRC10BadStat, "unknown stats type %d", m.Type)
	}
	return nil
}

// messageName names a stats reply as ovs-ofctl does: "OFPST_FLOW reply".
func (m *StatsReply10) messageName(uint8) string { return statsName10(m.Type) + " reply" }

func (m *StatsReply10) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteString(formatStatsFlags10(m.Flags))
	switch m.Type {
	case ST10Desc:
		if m.Desc != nil {
			sb.WriteString(m.Desc.format())
		}
	case ST10Flow:
		for i := range m.Flows {
			sb.WriteString("\n " + m.Flows[i].format())
		}
	case ST10Aggregate:
		if m.Aggregate != nil {
			sb.WriteString(m.Aggregate.format())
		}
	case ST10Table:
		sb.WriteString(formatTableStats10(m.Tables))
	case ST10Port:
		sb.WriteString(formatPortStats10(m.Ports))
	case ST10Queue:
		sb.WriteString(formatQueueStats10(m.Queues))
	case ST10PortDesc:
		// As ovs-ofctl: each port as in a features reply, by port number.
		ports := append([]Port10(nil), m.PortDesc...)
		sort.SliceStable(ports, func(i, j int) bool { return ports[i].PortNo < ports[j].PortNo })
		for i := range ports {
			sb.WriteString("\n" + strings.TrimSuffix(ports[i].format(), "\n"))
		}
	case ST10Vendor:
		if m.Vendor != nil {
			sb.WriteString(m.Vendor.format())
		}
	}
	return sb.String()
}

// formatStatsFlags10 prints reply flags as ovs-ofctl does: " flags=[more]",
// followed by "[***unknown flags 0x0002***]" for bits 1.0 does not define.
func formatStatsFlags10(f uint16) string {
	if f == 0 {
		return ""
	}
	s := " flags="
	if f&SF10ReplyMore != 0 {
		s += "[more]"
	}
	if rest := f &^ SF10ReplyMore; rest != 0 {
		s += fmt.Sprintf("[***unknown flags 0x%04x***]", rest)
	}
	return s
}

// VendorStats10 is the body of an OFPST_VENDOR request or reply: a vendor
// id and opaque data.
type VendorStats10 struct {
	Vendor uint32 `json:"vendor"`
	Data   []byte `json:"data,omitempty"`
}

func (v *VendorStats10) append(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, v.Vendor), v.Data...)
}

func decodeVendorStats10(b []byte) (*VendorStats10, error) {
	if len(b) < 4 {
		return nil, badRequest(BRC10BadLen, "OFPST_VENDOR: body %d bytes, need a vendor id", len(b))
	}
	return &VendorStats10{Vendor: binary.BigEndian.Uint32(b[0:4]), Data: cloneBytes(b[4:])}, nil
}

func (v *VendorStats10) format() string {
	return fmt.Sprintf(" vendor=0x%08x", v.Vendor) + formatPayload(v.Data)
}

// decodeEntries10 decodes a body of fixed-size stats entries whose length
// the caller has checked to be a multiple of size.
func decodeEntries10[T any, PT interface {
	*T
	decode([]byte)
}](b []byte, size int) []T {
	var out []T
	for ; len(b) > 0; b = b[size:] {
		var e T
		PT(&e).decode(b)
		out = append(out, e)
	}
	return out
}
