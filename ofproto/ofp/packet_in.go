package ofp

// OFPT_PACKET_IN of OpenFlow 1.3 (spec 1.3.5 §7.4.1).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Packet-in reasons (enum ofp_packet_in_reason).
const (
	PacketInNoMatch    uint8 = 0
	PacketInAction     uint8 = 1
	PacketInInvalidTTL uint8 = 2
)

// PacketIn is OFPT_PACKET_IN in OpenFlow 1.3. Match carries the
// packet's pipeline fields (in_port, metadata, tunnel id, ...).
type PacketIn struct {
	BufferID uint32 `json:"buffer_id"`
	TotalLen uint16 `json:"total_len"`
	Reason   uint8  `json:"reason"`
	TableID  uint8  `json:"table_id"`
	Cookie   uint64 `json:"cookie"`
	Match    Match  `json:"match"`
	Data     []byte `json:"data,omitempty"`
}

// appendBody encodes without allocating when b has room: the match is
// written TLV by TLV and the data copied once.
func (m *PacketIn) appendBody(b []byte, _ uint8) ([]byte, error) {
	if err := m.Match.checkEncodable(); err != nil {
		return b, err
	}
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, m.TotalLen)
	b = append(b, m.Reason, m.TableID)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = m.Match.appendTo(b)
	b = append(b, 0, 0)
	return append(b, m.Data...), nil
}

func (m *PacketIn) unmarshalBody(b []byte, _ uint8) error {
	m.BufferID = binary.BigEndian.Uint32(b[0:4])
	m.TotalLen = binary.BigEndian.Uint16(b[4:6])
	m.Reason, m.TableID = b[6], b[7]
	m.Cookie = binary.BigEndian.Uint64(b[8:16])
	match, n, err := decodeMatch(b[16:])
	if err != nil {
		return err
	}
	m.Match = match
	rest := b[16+n:]
	if len(rest) < 2 {
		return badRequest(BRCBadLen, "packet-in: no room for the 2 pad bytes after the match")
	}
	m.Data = cloneBytes(rest[2:])
	return nil
}

var packetInReasons = [...]string{"no_match", "action", "invalid_ttl"}

func (m *PacketIn) formatBody(uint8) string {
	var sb strings.Builder
	if m.TableID != 0 {
		fmt.Fprintf(&sb, " table_id=%d", m.TableID)
	}
	if m.Cookie != ^uint64(0) {
		fmt.Fprintf(&sb, " cookie=%#x", m.Cookie)
	}
	fmt.Fprintf(&sb, " total_len=%d %s", m.TotalLen, formatMatch(m.Match))
	reason := fmt.Sprint(m.Reason)
	if int(m.Reason) < len(packetInReasons) {
		reason = packetInReasons[m.Reason]
	}
	fmt.Fprintf(&sb, " (via %s) data_len=%d", reason, len(m.Data))
	// ovs-ofctl flags lengths that cannot both be right.
	if m.BufferID == NoBuffer {
		sb.WriteString(" (unbuffered)")
		if int(m.TotalLen) != len(m.Data) {
			sb.WriteString(" (***total_len != data_len***)")
		}
	} else {
		fmt.Fprintf(&sb, " buffer=0x%08x", m.BufferID)
		if int(m.TotalLen) < len(m.Data) {
			sb.WriteString(" (***total_len < data_len***)")
		}
	}
	// ovs-ofctl summarises the packet even when there is none.
	sb.WriteString("\n" + formatPacket(m.Data))
	return sb.String()
}
