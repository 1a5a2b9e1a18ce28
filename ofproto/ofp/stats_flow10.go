package ofp

// Flow and aggregate statistics of OpenFlow 1.0 (spec 1.0.0 §5.3.5,
// struct ofp_flow_stats_request, ofp_flow_stats, ofp_aggregate_stats_reply).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// TableAll10 in a table_id field means all tables.
const TableAll10 uint8 = 0xff

// flowStatsRequest10Len is sizeof(struct ofp_flow_stats_request).
const flowStatsRequest10Len = 44

// FlowStatsRequest10 selects flows for OFPST_FLOW and OFPST_AGGREGATE:
// those the match covers, in TableID (TableAll10: every table), with an
// output to OutPort (Port10None: any).
type FlowStatsRequest10 struct {
	Match   Match10  `json:"match"`
	TableID uint8    `json:"table_id"`
	OutPort PortNo10 `json:"out_port"`
}

func (r *FlowStatsRequest10) append(b []byte) []byte {
	b = r.Match.append(b)
	b = append(b, r.TableID, 0)
	return binary.BigEndian.AppendUint16(b, uint16(r.OutPort))
}

func (r *FlowStatsRequest10) decode(b []byte) {
	r.Match.decode(b)
	r.TableID = b[40]
	r.OutPort = PortNo10(binary.BigEndian.Uint16(b[42:44]))
}

func (r *FlowStatsRequest10) format() string {
	s := ""
	if r.TableID != TableAll10 {
		s += fmt.Sprintf(" table=%d", r.TableID)
	}
	if r.OutPort != Port10None {
		s += " out_port=" + r.OutPort.String()
	}
	if ms := formatMatch10(r.Match, -1, false); ms != "" {
		s += " " + ms
	}
	return s
}

// flowStats10Len is sizeof(struct ofp_flow_stats) without actions.
const flowStats10Len = 88

// FlowStats10 is one entry of an OFPST_FLOW reply.
type FlowStats10 struct {
	TableID      uint8     `json:"table_id"`
	Match        Match10   `json:"match"`
	DurationSec  uint32    `json:"duration_sec"`
	DurationNsec uint32    `json:"duration_nsec"`
	Priority     uint16    `json:"priority"`
	IdleTimeout  uint16    `json:"idle_timeout"`
	HardTimeout  uint16    `json:"hard_timeout"`
	Cookie       uint64    `json:"cookie"`
	PacketCount  uint64    `json:"packet_count"`
	ByteCount    uint64    `json:"byte_count"`
	Actions      Actions10 `json:"actions"`
}

// wireLen is the entry's encoded length.
func (f *FlowStats10) wireLen() int { return flowStats10Len + actionsLen10(f.Actions) }

func (f *FlowStats10) append(b []byte) ([]byte, error) {
	n := f.wireLen()
	if n > 0xffff {
		return b, fmt.Errorf("flow stats entry of %d bytes", n)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, f.TableID, 0)
	b = f.Match.append(b)
	b = binary.BigEndian.AppendUint32(b, f.DurationSec)
	b = binary.BigEndian.AppendUint32(b, f.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, f.Priority)
	b = binary.BigEndian.AppendUint16(b, f.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, f.HardTimeout)
	b = appendZeros(b, 6)
	b = binary.BigEndian.AppendUint64(b, f.Cookie)
	b = binary.BigEndian.AppendUint64(b, f.PacketCount)
	b = binary.BigEndian.AppendUint64(b, f.ByteCount)
	return appendActions10(b, f.Actions)
}

// decode reads one entry from the start of b and returns its length.
func (f *FlowStats10) decode(b []byte) (int, error) {
	if len(b) < flowStats10Len {
		return 0, badRequest(BRC10BadLen, "flow stats: %d bytes left, entry needs %d", len(b), flowStats10Len)
	}
	n := int(binary.BigEndian.Uint16(b[0:2]))
	if n < flowStats10Len || n > len(b) {
		return 0, badRequest(BRC10BadLen, "flow stats: entry length %d with %d bytes left", n, len(b))
	}
	f.TableID = b[2]
	f.Match.decode(b[4:])
	f.DurationSec = binary.BigEndian.Uint32(b[44:48])
	f.DurationNsec = binary.BigEndian.Uint32(b[48:52])
	f.Priority = binary.BigEndian.Uint16(b[52:54])
	f.IdleTimeout = binary.BigEndian.Uint16(b[54:56])
	f.HardTimeout = binary.BigEndian.Uint16(b[56:58])
	f.Cookie = binary.BigEndian.Uint64(b[64:72])
	f.PacketCount = binary.BigEndian.Uint64(b[72:80])
	f.ByteCount = binary.BigEndian.Uint64(b[80:88])
	as, err := UnmarshalActions10(b[flowStats10Len:n])
	if err != nil {
		return 0, err
	}
	f.Actions = as
	return n, nil
}

// format prints an entry as `ovs-ofctl dump-flows` does.
func (f *FlowStats10) format() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "cookie=%#x, duration=%s, table=%d, n_packets=%d, n_bytes=%d, ",
		f.Cookie, formatDuration(f.DurationSec, f.DurationNsec), f.TableID, f.PacketCount, f.ByteCount)
	if f.IdleTimeout != 0 {
		fmt.Fprintf(&sb, "idle_timeout=%d, ", f.IdleTimeout)
	}
	if f.HardTimeout != 0 {
		fmt.Fprintf(&sb, "hard_timeout=%d, ", f.HardTimeout)
	}
	if s := formatMatch10(f.Match, int(f.Priority), false); s != "" {
		sb.WriteString(s + " ")
	}
	sb.WriteString("actions=" + formatActions10(f.Actions))
	return sb.String()
}

// aggregateStats10Len is sizeof(struct ofp_aggregate_stats_reply).
const aggregateStats10Len = 24

// AggregateStats10 is the body of an OFPST_AGGREGATE reply.
type AggregateStats10 struct {
	PacketCount uint64 `json:"packet_count"`
	ByteCount   uint64 `json:"byte_count"`
	FlowCount   uint32 `json:"flow_count"`
}

func (a *AggregateStats10) append(b []byte) []byte {
	b = binary.BigEndian.AppendUint64(b, a.PacketCount)
	b = binary.BigEndian.AppendUint64(b, a.ByteCount)
	b = binary.BigEndian.AppendUint32(b, a.FlowCount)
	return appendZeros(b, 4)
}

func (a *AggregateStats10) decode(b []byte) {
	a.PacketCount = binary.BigEndian.Uint64(b[0:8])
	a.ByteCount = binary.BigEndian.Uint64(b[8:16])
	a.FlowCount = binary.BigEndian.Uint32(b[16:20])
}

func (a *AggregateStats10) format() string {
	return fmt.Sprintf(" packet_count=%d byte_count=%d flow_count=%d", a.PacketCount, a.ByteCount, a.FlowCount)
}
