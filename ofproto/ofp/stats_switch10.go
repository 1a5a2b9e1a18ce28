package ofp

// Description, table, port and queue statistics of OpenFlow 1.0 (spec
// 1.0.0 §5.3.5: struct ofp_desc_stats, ofp_table_stats,
// ofp_port_stats_request, ofp_port_stats, ofp_queue_stats_request,
// ofp_queue_stats).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Field sizes of ofp_desc_stats (DESC_STR_LEN, SERIAL_NUM_LEN).
const (
	descStrLen10    = 256
	serialNumLen10  = 32
	descStats10Len  = 4*descStrLen10 + serialNumLen10
	tableNameLen10  = 32
	tableStats10Len = 64
	portStats10Len  = 104
	queueStats10Len = 32
)

// DescStats10 is the body of an OFPST_DESC reply.
type DescStats10 struct {
	MfrDesc   string `json:"mfr_desc"`
	HWDesc    string `json:"hw_desc"`
	SWDesc    string `json:"sw_desc"`
	SerialNum string `json:"serial_num"`
	DPDesc    string `json:"dp_desc"`
}

func (d *DescStats10) append(b []byte) ([]byte, error) {
	var err error
	for _, f := range []struct {
		s string
		n int
	}{{d.MfrDesc, descStrLen10}, {d.HWDesc, descStrLen10}, {d.SWDesc, descStrLen10},
		{d.SerialNum, serialNumLen10}, {d.DPDesc, descStrLen10}} {
		if b, err = appendCString(b, f.s, f.n); err != nil {
			return b, fmt.Errorf("desc stats: %w", err)
		}
	}
	return b, nil
}

func (d *DescStats10) decode(b []byte) {
	d.MfrDesc = cString(b[0:256])
	d.HWDesc = cString(b[256:512])
	d.SWDesc = cString(b[512:768])
	d.SerialNum = cString(b[768:800])
	d.DPDesc = cString(b[800:1056])
}

func (d *DescStats10) format() string {
	return fmt.Sprintf("\nManufacturer: %s\nHardware: %s\nSoftware: %s\nSerial Num: %s\nDP Description: %s",
		d.MfrDesc, d.HWDesc, d.SWDesc, d.SerialNum, d.DPDesc)
}

// TableStats10 is one entry of an OFPST_TABLE reply. Wildcards says which
// match fields the table can wildcard.
type TableStats10 struct {
	TableID      uint8  `json:"table_id"`
	Name         string `json:"name"`
	Wildcards    uint32 `json:"wildcards"`
	MaxEntries   uint32 `json:"max_entries"`
	ActiveCount  uint32 `json:"active_count"`
	LookupCount  uint64 `json:"lookup_count"`
	MatchedCount uint64 `json:"matched_count"`
}

func (t *TableStats10) append(b []byte) ([]byte, error) {
	b = append(b, t.TableID, 0, 0, 0)
	b, err := appendCString(b, t.Name, tableNameLen10)
	if err != nil {
		return b, fmt.Errorf("table stats: %w", err)
	}
	b = binary.BigEndian.AppendUint32(b, t.Wildcards)
	b = binary.BigEndian.AppendUint32(b, t.MaxEntries)
	b = binary.BigEndian.AppendUint32(b, t.ActiveCount)
	b = binary.BigEndian.AppendUint64(b, t.LookupCount)
	return binary.BigEndian.AppendUint64(b, t.MatchedCount), nil
}

func (t *TableStats10) decode(b []byte) {
	t.TableID = b[0]
	t.Name = cString(b[4:36])
	t.Wildcards = binary.BigEndian.Uint32(b[36:40])
	t.MaxEntries = binary.BigEndian.Uint32(b[40:44])
	t.ActiveCount = binary.BigEndian.Uint32(b[44:48])
	t.LookupCount = binary.BigEndian.Uint64(b[48:56])
	t.MatchedCount = binary.BigEndian.Uint64(b[56:64])
}

// formatTableStats10 prints table stats as ovs-ofctl does, which shows
// a 1.0 table's wildcards as the fields it can match exactly or wildcard,
// and abbreviates a table whose features (and counters) equal the
// previous one's.
func formatTableStats10(ts []TableStats10) string {
	var sb strings.Builder
	ditto := false
	for i, t := range ts {
		if i > 0 && !ditto {
			sb.WriteString("\n")
		}
		ditto = false
		fmt.Fprintf(&sb, "\n  table %d (%q):", t.TableID, t.Name)
		sameFeatures := i > 0 && ts[i-1].MaxEntries == t.MaxEntries && ts[i-1].Wildcards == t.Wildcards
		if sameFeatures && ts[i-1].ActiveCount == t.ActiveCount && ts[i-1].LookupCount == t.LookupCount &&
			ts[i-1].MatchedCount == t.MatchedCount {
			sb.WriteString(" ditto")
			ditto = true
			continue
		}
		fmt.Fprintf(&sb, "\n    active=%d, lookup=%d, matched=%d", t.ActiveCount, t.LookupCount, t.MatchedCount)
		if sameFeatures {
			sb.WriteString("\n    (same features)")
			continue
		}
		if t.MaxEntries != 0 {
			fmt.Fprintf(&sb, "\n    max_entries=%d", t.MaxEntries)
		}
		if f := wildcardFields10(t.Wildcards); f != "" {
			sb.WriteString("\n    matching:\n      exact match or wildcard: " + f)
		}
	}
	return sb.String()
}

// wildcardFields10 lists the fields a 1.0 wildcards word covers with OVS's
// field names, grouping neighbours that share a prefix ("eth_{src,dst}").
func wildcardFields10(w uint32) string {
	fields := []struct {
		mask   uint32
		prefix string
		name   string
	}{
		{FW10InPort, "in", "port"}, {FW10DLSrc, "eth", "src"}, {FW10DLDst, "eth", "dst"},
		{FW10DLType, "eth", "type"}, {FW10DLVLAN, "vlan", "vid"}, {FW10DLVLANPCP, "vlan", "pcp"},
		{FW10NWSrcMask, "ip", "src"}, {FW10NWDstMask, "ip", "dst"}, {FW10NWProto, "nw", "proto"},
		{FW10NWTos, "nw", "tos"}, {FW10TPSrc, "tcp", "src"}, {FW10TPDst, "tcp", "dst"},
	}
	var out []string
	for i := 0; i < len(fields); {
		if w&fields[i].mask == 0 {
			i++
			continue
		}
		p := fields[i].prefix
		var names []string
		for ; i < len(fields) && fields[i].prefix == p && w&fields[i].mask != 0; i++ {
			names = append(names, fields[i].name)
		}
		if len(names) == 1 {
			out = append(out, p+"_"+names[0])
		} else {
			out = append(out, p+"_{"+strings.Join(names, ",")+"}")
		}
	}
	return strings.Join(out, " ")
}

// PortStatsRequest10 asks for the counters of PortNo (Port10None: all).
type PortStatsRequest10 struct {
	PortNo PortNo10 `json:"port_no"`
}

func (r *PortStatsRequest10) append(b []byte) []byte {
	return appendZeros(binary.BigEndian.AppendUint16(b, uint16(r.PortNo)), 6)
}

// PortStats10 is one entry of an OFPST_PORT reply. A counter the switch
// does not keep is all ones.
type PortStats10 struct {
	PortNo     PortNo10 `json:"port_no"`
	RxPackets  uint64   `json:"rx_packets"`
	TxPackets  uint64   `json:"tx_packets"`
	RxBytes    uint64   `json:"rx_bytes"`
	TxBytes    uint64   `json:"tx_bytes"`
	RxDropped  uint64   `json:"rx_dropped"`
	TxDropped  uint64   `json:"tx_dropped"`
	RxErrors   uint64   `json:"rx_errors"`
	TxErrors   uint64   `json:"tx_errors"`
	RxFrameErr uint64   `json:"rx_frame_err"`
	RxOverErr  uint64   `json:"rx_over_err"`
	RxCRCErr   uint64   `json:"rx_crc_err"`
	Collisions uint64   `json:"collisions"`
}

func (p *PortStats10) counters() []*uint64 {
	return []*uint64{&p.RxPackets, &p.TxPackets, &p.RxBytes, &p.TxBytes, &p.RxDropped, &p.TxDropped,
		&p.RxErrors, &p.TxErrors, &p.RxFrameErr, &p.RxOverErr, &p.RxCRCErr, &p.Collisions}
}

func (p *PortStats10) append(b []byte) []byte {
	b = appendZeros(binary.BigEndian.AppendUint16(b, uint16(p.PortNo)), 6)
	for _, c := range p.counters() {
		b = binary.BigEndian.AppendUint64(b, *c)
	}
	return b
}

func (p *PortStats10) decode(b []byte) {
	p.PortNo = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	for i, c := range p.counters() {
		*c = binary.BigEndian.Uint64(b[8+8*i:])
	}
}

// counter10 prints a counter, or "?" when the switch does not keep it.
func counter10(v uint64) string {
	if v == ^uint64(0) {
		return "?"
	}
	return fmt.Sprintf("%d", v)
}

func formatPortStats10(ps []PortStats10) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " %d ports", len(ps))
	for _, p := range ps {
		fmt.Fprintf(&sb, "\n  port %2s: rx pkts=%s, bytes=%s, drop=%s, errs=%s, frame=%s, over=%s, crc=%s",
			p.PortNo.String(), counter10(p.RxPackets), counter10(p.RxBytes), counter10(p.RxDropped),
			counter10(p.RxErrors), counter10(p.RxFrameErr), counter10(p.RxOverErr), counter10(p.RxCRCErr))
		fmt.Fprintf(&sb, "\n           tx pkts=%s, bytes=%s, drop=%s, errs=%s, coll=%s",
			counter10(p.TxPackets), counter10(p.TxBytes), counter10(p.TxDropped),
			counter10(p.TxErrors), counter10(p.Collisions))
	}
	return sb.String()
}

// QueueAll10 in a queue_id field means all queues (OFPQ_ALL).
const QueueAll10 uint32 = 0xffffffff

// QueueStatsRequest10 asks for the counters of QueueID (QueueAll10: all)
// on PortNo (Port10All: all ports).
type QueueStatsRequest10 struct {
	PortNo  PortNo10 `json:"port_no"`
	QueueID uint32   `json:"queue_id"`
}

func (r *QueueStatsRequest10) append(b []byte) []byte {
	b = append(binary.BigEndian.AppendUint16(b, uint16(r.PortNo)), 0, 0)
	return binary.BigEndian.AppendUint32(b, r.QueueID)
}

func (r *QueueStatsRequest10) format() string {
	q := fmtQueue10(r.QueueID)
	p := r.PortNo.String()
	if r.PortNo == Port10All {
		p = "ANY" // OVS reads OFPP_ALL here as its OFPP_ANY
	}
	return fmt.Sprintf(" port=%s queue=%s", p, q)
}

// QueueStats10 is one entry of an OFPST_QUEUE reply.
type QueueStats10 struct {
	PortNo    PortNo10 `json:"port_no"`
	QueueID   uint32   `json:"queue_id"`
	TxBytes   uint64   `json:"tx_bytes"`
	TxPackets uint64   `json:"tx_packets"`
	TxErrors  uint64   `json:"tx_errors"`
}

func (q *QueueStats10) append(b []byte) []byte {
	b = append(binary.BigEndian.AppendUint16(b, uint16(q.PortNo)), 0, 0)
	b = binary.BigEndian.AppendUint32(b, q.QueueID)
	b = binary.BigEndian.AppendUint64(b, q.TxBytes)
	b = binary.BigEndian.AppendUint64(b, q.TxPackets)
	return binary.BigEndian.AppendUint64(b, q.TxErrors)
}

func (q *QueueStats10) decode(b []byte) {
	q.PortNo = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	q.QueueID = binary.BigEndian.Uint32(b[4:8])
	q.TxBytes = binary.BigEndian.Uint64(b[8:16])
	q.TxPackets = binary.BigEndian.Uint64(b[16:24])
	q.TxErrors = binary.BigEndian.Uint64(b[24:32])
}

// fmtQueue10 prints a queue id, OFPQ_ALL as "ALL".
func fmtQueue10(q uint32) string {
	if q == QueueAll10 {
		return "ALL"
	}
	return fmt.Sprintf("%d", q)
}

func formatQueueStats10(qs []QueueStats10) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " %d queues", len(qs))
	for _, q := range qs {
		fmt.Fprintf(&sb, "\n  port %s queue %s: bytes=%s, pkts=%s, errors=%s, duration=?",
			q.PortNo.String(), fmtQueue10(q.QueueID), counter10(q.TxBytes), counter10(q.TxPackets), counter10(q.TxErrors))
	}
	return sb.String()
}
