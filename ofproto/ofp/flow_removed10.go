package ofp

// OFPT_FLOW_REMOVED of OpenFlow 1.0 (spec 1.0.0 §5.4.2, struct
// ofp_flow_removed): the removed flow's match, cookie, priority, why, how
// long it lived and what it counted.

import (
	"encoding/binary"
	"fmt"
)

// OFPRR_* flow-removed reasons of 1.0.
const (
	RR10IdleTimeout uint8 = 0
	RR10HardTimeout uint8 = 1
	RR10Delete      uint8 = 2
)

// FlowRemoved10 is OFPT_FLOW_REMOVED of OpenFlow 1.0.
type FlowRemoved10 struct {
	Match        Match10 `json:"match"`
	Cookie       uint64  `json:"cookie"`
	Priority     uint16  `json:"priority"`
	Reason       uint8   `json:"reason"`
	DurationSec  uint32  `json:"duration_sec"`
	DurationNsec uint32  `json:"duration_nsec"`
	IdleTimeout  uint16  `json:"idle_timeout"`
	PacketCount  uint64  `json:"packet_count"`
	ByteCount    uint64  `json:"byte_count"`
}

// flowRemoved10Len is sizeof(struct ofp_flow_removed), header included.
const flowRemoved10Len = 88

func (m *FlowRemoved10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = m.Match.append(b)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = append(b, m.Reason, 0)
	b = binary.BigEndian.AppendUint32(b, m.DurationSec)
	b = binary.BigEndian.AppendUint32(b, m.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	return binary.BigEndian.AppendUint64(b, m.ByteCount), nil
}

func (m *FlowRemoved10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != flowRemoved10Len-HeaderLen {
		return badRequest(BRC10BadLen, "flow_removed: body %d bytes, want %d", len(b), flowRemoved10Len-HeaderLen)
	}
	m.Match.decode(b)
	b = b[Match10Len:]
	m.Cookie = binary.BigEndian.Uint64(b[0:8])
	m.Priority = binary.BigEndian.Uint16(b[8:10])
	m.Reason = b[10]
	m.DurationSec = binary.BigEndian.Uint32(b[12:16])
	m.DurationNsec = binary.BigEndian.Uint32(b[16:20])
	m.IdleTimeout = binary.BigEndian.Uint16(b[20:22])
	m.PacketCount = binary.BigEndian.Uint64(b[24:32])
	m.ByteCount = binary.BigEndian.Uint64(b[32:40])
	return nil
}

func (m *FlowRemoved10) formatBody(uint8) string {
	reason := fmt.Sprintf("%d", m.Reason)
	if int(m.Reason) < 3 {
		reason = [...]string{"idle", "hard", "delete"}[m.Reason]
	}
	s := " " + formatMatch10(m.Match, int(m.Priority), false) + " reason=" + reason
	if m.Cookie != 0 {
		s += fmt.Sprintf(" cookie:%#x", m.Cookie)
	}
	s += " duration" + formatDuration(m.DurationSec, m.DurationNsec)
	s += fmt.Sprintf(" idle%d", m.IdleTimeout)
	return s + fmt.Sprintf(" pkts%d bytes%d", m.PacketCount, m.ByteCount)
}
