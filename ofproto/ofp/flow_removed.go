package ofp

// OFPT_FLOW_REMOVED of OpenFlow 1.3 (spec 1.3.5 §7.4.2).

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Flow-removed reasons (enum ofp_flow_removed_reason).
const (
	FlowRemovedIdleTimeout uint8 = 0
	FlowRemovedHardTimeout uint8 = 1
	FlowRemovedDelete      uint8 = 2
	FlowRemovedGroupDelete uint8 = 3
)

// FlowRemoved is OFPT_FLOW_REMOVED in OpenFlow 1.3.
type FlowRemoved struct {
	Cookie       uint64 `json:"cookie"`
	Priority     uint16 `json:"priority"`
	Reason       uint8  `json:"reason"`
	TableID      uint8  `json:"table_id"`
	DurationSec  uint32 `json:"duration_sec"`
	DurationNsec uint32 `json:"duration_nsec"`
	IdleTimeout  uint16 `json:"idle_timeout"`
	HardTimeout  uint16 `json:"hard_timeout"`
	PacketCount  uint64 `json:"packet_count"`
	ByteCount    uint64 `json:"byte_count"`
	Match        Match  `json:"match"`
}

func (m *FlowRemoved) appendBody(b []byte, _ uint8) ([]byte, error) {
	if err := m.Match.checkEncodable(); err != nil {
		return b, err
	}
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = append(b, m.Reason, m.TableID)
	b = binary.BigEndian.AppendUint32(b, m.DurationSec)
	b = binary.BigEndian.AppendUint32(b, m.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, m.HardTimeout)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	b = binary.BigEndian.AppendUint64(b, m.ByteCount)
	return m.Match.appendTo(b), nil
}

func (m *FlowRemoved) unmarshalBody(b []byte, _ uint8) error {
	m.Cookie = binary.BigEndian.Uint64(b[0:8])
	m.Priority = binary.BigEndian.Uint16(b[8:10])
	m.Reason, m.TableID = b[10], b[11]
	m.DurationSec = binary.BigEndian.Uint32(b[12:16])
	m.DurationNsec = binary.BigEndian.Uint32(b[16:20])
	m.IdleTimeout = binary.BigEndian.Uint16(b[20:22])
	m.HardTimeout = binary.BigEndian.Uint16(b[22:24])
	m.PacketCount = binary.BigEndian.Uint64(b[24:32])
	m.ByteCount = binary.BigEndian.Uint64(b[32:40])
	match, n, err := decodeMatch(b[40:])
	if err != nil {
		return err
	}
	if 40+n != len(b) {
		return badRequest(BRCBadLen, "flow-removed: %d bytes after the match", len(b)-40-n)
	}
	m.Match = match
	return nil
}

var flowRemovedReasons = [...]string{"idle", "hard", "delete", "group_delete"}

func (m *FlowRemoved) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteString(" " + formatMatchPriority(m.Match, m.Priority))
	reason := fmt.Sprint(m.Reason)
	if int(m.Reason) < len(flowRemovedReasons) {
		reason = flowRemovedReasons[m.Reason]
	}
	fmt.Fprintf(&sb, " reason=%s", reason)
	fmt.Fprintf(&sb, " table_id=%d", m.TableID)
	if m.Cookie != 0 {
		fmt.Fprintf(&sb, " cookie:%#x", m.Cookie)
	}
	sb.WriteString(" duration" + formatDuration(m.DurationSec, m.DurationNsec))
	fmt.Fprintf(&sb, " idle%d", m.IdleTimeout)
	if m.HardTimeout != 0 {
		fmt.Fprintf(&sb, " hard%d", m.HardTimeout)
	}
	fmt.Fprintf(&sb, " pkts%d bytes%d", m.PacketCount, m.ByteCount)
	return sb.String()
}

// formatDuration prints seconds and nanoseconds as ovs-ofctl does:
// "1.500s": trailing zeros of the fraction dropped down to 3 digits.
func formatDuration(sec, nsec uint32) string {
	return string(appendDuration(nil, sec, nsec))
}

// appendDuration appends formatDuration's text.
func appendDuration(b []byte, sec, nsec uint32) []byte {
	b = strconv.AppendUint(b, uint64(sec), 10)
	if nsec > 0 {
		// %09d: zero-padded to 9 digits (more for an nsec out of range).
		var tmp [10]byte
		d := strconv.AppendUint(tmp[:0], uint64(nsec), 10)
		var fb [20]byte
		frac := append(fb[:0], "000000000"[:max(0, 9-len(d))]...)
		frac = append(frac, d...)
		for len(frac) > 3 && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
		b = append(b, '.')
		b = append(b, frac...)
	}
	return append(b, 's')
}
