package ofp

// OFPMP_PORT_STATS (spec 1.3.5 §7.3.5.6, struct ofp_port_stats) and
// OFPMP_PORT_DESC (§7.3.5.7: the ofp_port of every port).

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const (
	portStatsRequestLen = 8
	portStatsLen        = 112
)

// Unknown64 and Unknown32 mark a counter the switch does not keep: spec
// 1.3.5 §7.3.5 has unavailable counters set to all ones.
const (
	Unknown64 = ^uint64(0)
	Unknown32 = ^uint32(0)
)

// PortStatsRequest is the body of an OFPMP_PORT_STATS request; PortAny
// asks for every port.
type PortStatsRequest struct {
	PortNo PortNo `json:"port_no"`
}

func (r *PortStatsRequest) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, uint32(r.PortNo))
	return appendZeros(b, 4), nil
}

func (r *PortStatsRequest) unmarshalMP(b []byte) error {
	if len(b) != portStatsRequestLen {
		return badRequest(BRCBadLen, "port stats request: body %d bytes, want %d", len(b), portStatsRequestLen)
	}
	r.PortNo = PortNo(binary.BigEndian.Uint32(b[0:4]))
	return nil
}

func (r *PortStatsRequest) formatMP() string { return " port_no=" + r.PortNo.String() }

// PortStats is ofp_port_stats.
type PortStats struct {
	PortNo       PortNo `json:"port_no"`
	RxPackets    uint64 `json:"rx_packets"`
	TxPackets    uint64 `json:"tx_packets"`
	RxBytes      uint64 `json:"rx_bytes"`
	TxBytes      uint64 `json:"tx_bytes"`
	RxDropped    uint64 `json:"rx_dropped"`
	TxDropped    uint64 `json:"tx_dropped"`
	RxErrors     uint64 `json:"rx_errors"`
	TxErrors     uint64 `json:"tx_errors"`
	RxFrameErr   uint64 `json:"rx_frame_err"`
	RxOverErr    uint64 `json:"rx_over_err"`
	RxCRCErr     uint64 `json:"rx_crc_err"`
	Collisions   uint64 `json:"collisions"`
	DurationSec  uint32 `json:"duration_sec"`
	DurationNsec uint32 `json:"duration_nsec"`
}

func (s *PortStats) counters() [12]*uint64 {
	return [12]*uint64{&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes, &s.RxDropped, &s.TxDropped,
		&s.RxErrors, &s.TxErrors, &s.RxFrameErr, &s.RxOverErr, &s.RxCRCErr, &s.Collisions}
}

// PortStatsReply is the body of an OFPMP_PORT_STATS reply.
type PortStatsReply struct {
	Entries []PortStats `json:"entries"`
}

func (r *PortStatsReply) numEntries() int { return len(r.Entries) }

func (r *PortStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	b = binary.BigEndian.AppendUint32(b, uint32(e.PortNo))
	b = appendZeros(b, 4)
	for _, c := range e.counters() {
		b = binary.BigEndian.AppendUint64(b, *c)
	}
	b = binary.BigEndian.AppendUint32(b, e.DurationSec)
	return binary.BigEndian.AppendUint32(b, e.DurationNsec), nil
}

func (r *PortStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *PortStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]PortStats, 0, len(b)/portStatsLen)
	return decodeFixed(b, "port stats", portStatsLen, func(e []byte) error {
		var s PortStats
		s.PortNo = PortNo(binary.BigEndian.Uint32(e[0:4]))
		for i, c := range s.counters() {
			*c = binary.BigEndian.Uint64(e[8+8*i:])
		}
		s.DurationSec = binary.BigEndian.Uint32(e[104:108])
		s.DurationNsec = binary.BigEndian.Uint32(e[108:112])
		r.Entries = append(r.Entries, s)
		return nil
	})
}

// stat prints a counter as ovs-ofctl: "?" when unknown.
func stat(v uint64) string {
	if v == Unknown64 {
		return "?"
	}
	return strconv.FormatUint(v, 10)
}

// appendStat appends stat's text.
func appendStat(b []byte, v uint64) []byte {
	if v == Unknown64 {
		return append(b, '?')
	}
	return strconv.AppendUint(b, v, 10)
}

func (r *PortStatsReply) formatMP() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " %d ports", len(r.Entries))
	for _, e := range r.Entries {
		fmt.Fprintf(&sb, "\n  port %2s: rx pkts=%s, bytes=%s, drop=%s, errs=%s, frame=%s, over=%s, crc=%s",
			e.PortNo, stat(e.RxPackets), stat(e.RxBytes), stat(e.RxDropped), stat(e.RxErrors),
			stat(e.RxFrameErr), stat(e.RxOverErr), stat(e.RxCRCErr))
		fmt.Fprintf(&sb, "\n           tx pkts=%s, bytes=%s, drop=%s, errs=%s, coll=%s",
			stat(e.TxPackets), stat(e.TxBytes), stat(e.TxDropped), stat(e.TxErrors), stat(e.Collisions))
		if e.DurationSec != Unknown32 {
			sb.WriteString("\n           duration=" + formatDuration(e.DurationSec, e.DurationNsec))
		}
	}
	return sb.String()
}

// PortDescRequest is the body of an OFPMP_PORT_DESC request.
type PortDescRequest struct{ mpEmpty }

// formatMP prints what ovs-ofctl prints for the OpenFlow 1.3 request,
// which has no port field.
func (PortDescRequest) formatMP() string { return " port=ANY" }

// PortDescReply is the body of an OFPMP_PORT_DESC reply.
type PortDescReply struct {
	Ports []Port `json:"ports"`
}

func (r *PortDescReply) numEntries() int { return len(r.Ports) }

func (r *PortDescReply) appendEntry(b []byte, i int) ([]byte, error) { return r.Ports[i].appendTo(b) }

func (r *PortDescReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *PortDescReply) unmarshalMP(b []byte) error {
	r.Ports = make([]Port, 0, len(b)/PortLen)
	return decodeFixed(b, "port desc", PortLen, func(e []byte) error {
		p, err := decodePort(e)
		r.Ports = append(r.Ports, p)
		return err
	})
}

// formatMP prints the ports sorted by number, as ovs-ofctl does.
func (r *PortDescReply) formatMP() string {
	ports := slices.Clone(r.Ports)
	slices.SortStableFunc(ports, func(a, b Port) int { return cmp.Compare(a.PortNo, b.PortNo) })
	var sb strings.Builder
	for i := range ports {
		sb.WriteByte('\n')
		ports[i].format(&sb)
	}
	return sb.String()
}
