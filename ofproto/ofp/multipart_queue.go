package ofp

// OFPMP_QUEUE (spec 1.3.5 §7.3.5.8): per-queue counters, struct
// ofp_queue_stats_request and ofp_queue_stats.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const (
	queueStatsRequestLen = 8
	queueStatsLen        = 40
)

// QueueStatsRequest is the body of an OFPMP_QUEUE request.
type QueueStatsRequest struct {
	PortNo  PortNo `json:"port_no"`
	QueueID uint32 `json:"queue_id"`
}

func (r *QueueStatsRequest) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, uint32(r.PortNo))
	return binary.BigEndian.AppendUint32(b, r.QueueID), nil
}

func (r *QueueStatsRequest) unmarshalMP(b []byte) error {
	if len(b) != queueStatsRequestLen {
		return badRequest(BRCBadLen, "queue stats request: body %d bytes, want %d", len(b), queueStatsRequestLen)
	}
	r.PortNo = PortNo(binary.BigEndian.Uint32(b[0:4]))
	r.QueueID = binary.BigEndian.Uint32(b[4:8])
	return nil
}

func queueName(q uint32) string {
	if q == QueueAll {
		return "ALL"
	}
	return fmt.Sprint(q)
}

func (r *QueueStatsRequest) formatMP() string {
	return fmt.Sprintf(" port=%s queue=%s", r.PortNo, queueName(r.QueueID))
}

// QueueStats is ofp_queue_stats.
type QueueStats struct {
	PortNo       PortNo `json:"port_no"`
	QueueID      uint32 `json:"queue_id"`
	TxBytes      uint64 `json:"tx_bytes"`
	TxPackets    uint64 `json:"tx_packets"`
	TxErrors     uint64 `json:"tx_errors"`
	DurationSec  uint32 `json:"duration_sec"`
	DurationNsec uint32 `json:"duration_nsec"`
}

// QueueStatsReply is the body of an OFPMP_QUEUE reply.
type QueueStatsReply struct {
	Entries []QueueStats `json:"entries"`
}

func (r *QueueStatsReply) numEntries() int { return len(r.Entries) }

func (r *QueueStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	b = binary.BigEndian.AppendUint32(b, uint32(e.PortNo))
	b = binary.BigEndian.AppendUint32(b, e.QueueID)
	b = binary.BigEndian.AppendUint64(b, e.TxBytes)
	b = binary.BigEndian.AppendUint64(b, e.TxPackets)
	b = binary.BigEndian.AppendUint64(b, e.TxErrors)
	b = binary.BigEndian.AppendUint32(b, e.DurationSec)
	return binary.BigEndian.AppendUint32(b, e.DurationNsec), nil
}

func (r *QueueStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *QueueStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]QueueStats, 0, len(b)/queueStatsLen)
	return decodeFixed(b, "queue stats", queueStatsLen, func(e []byte) error {
		r.Entries = append(r.Entries, QueueStats{
			PortNo:       PortNo(binary.BigEndian.Uint32(e[0:4])),
			QueueID:      binary.BigEndian.Uint32(e[4:8]),
			TxBytes:      binary.BigEndian.Uint64(e[8:16]),
			TxPackets:    binary.BigEndian.Uint64(e[16:24]),
			TxErrors:     binary.BigEndian.Uint64(e[24:32]),
			DurationSec:  binary.BigEndian.Uint32(e[32:36]),
			DurationNsec: binary.BigEndian.Uint32(e[36:40]),
		})
		return nil
	})
}

func (r *QueueStatsReply) formatMP() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " %d queues", len(r.Entries))
	for _, e := range r.Entries {
		fmt.Fprintf(&sb, "\n  port %s queue %s: bytes=%s, pkts=%s, errors=%s, duration=",
			e.PortNo, queueName(e.QueueID), stat(e.TxBytes), stat(e.TxPackets), stat(e.TxErrors))
		if e.DurationSec == Unknown32 {
			sb.WriteString("?")
		} else {
			sb.WriteString(formatDuration(e.DurationSec, e.DurationNsec))
		}
	}
	return sb.String()
}
