package ofp

// OFPT_PACKET_IN (spec 1.0.0 §5.4.1, struct ofp_packet_in) and
// OFPT_PACKET_OUT (§5.3.6, struct ofp_packet_out) of OpenFlow 1.0.

import (
	"encoding/binary"
	"fmt"
)

// OFPR_* packet-in reasons of 1.0.
const (
	PacketInReason10NoMatch uint8 = 0
	PacketInReason10Action  uint8 = 1
)

// PacketIn10 is OFPT_PACKET_IN of OpenFlow 1.0. TotalLen is the frame's
// full length; Data may hold only its first bytes when BufferID names a
// buffer on the switch.
type PacketIn10 struct {
	BufferID uint32   `json:"buffer_id"`
	TotalLen uint16   `json:"total_len"`
	InPort   PortNo10 `json:"in_port"`
	Reason   uint8    `json:"reason"`
	Data     []byte   `json:"data,omitempty"`
}

// packetIn10Len is the fixed part of ofp_packet_in, header included; the
// data starts right after the pad byte (offset 18).
const packetIn10Len = 18

func (m *PacketIn10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, m.TotalLen)
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	b = append(b, m.Reason, 0)
	return append(b, m.Data...), nil
}

func (m *PacketIn10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < packetIn10Len-HeaderLen {
		return badRequest(BRC10BadLen, "packet_in: body %d bytes", len(b))
	}
	m.BufferID = binary.BigEndian.Uint32(b[0:4])
	m.TotalLen = binary.BigEndian.Uint16(b[4:6])
	m.InPort = PortNo10(binary.BigEndian.Uint16(b[6:8]))
	m.Reason = b[8]
	m.Data = cloneBytes(b[10:])
	return nil
}

func (m *PacketIn10) formatBody(uint8) string {
	// 1.0 defines reasons 0 and 1; ovs-ofctl names the later versions'
	// reasons too, by its own numbering.
	reason := fmt.Sprintf("%d", m.Reason)
	if names := [...]string{"no_match", "action", "invalid_ttl", "action_set", "group", "packet_out", "", ""}; int(m.Reason) < len(names) {
		reason = names[m.Reason]
	}
	s := fmt.Sprintf(" total_len=%d in_port=%s (via %s) data_len=%d", m.TotalLen, m.InPort.String(), reason, len(m.Data))
	if m.BufferID == BufferNone10 {
		s += " (unbuffered)"
		if int(m.TotalLen) != len(m.Data) {
			s += " (***total_len != data_len***)"
		}
	} else {
		s += fmt.Sprintf(" buffer=0x%08x", m.BufferID)
	}
	return s + formatPacketData10(m.Data)
}

// formatPacketData10 prints, on a line of its own, the flow of a frame
// carried in a message, as ovs-ofctl does.
func formatPacketData10(data []byte) string { return "\n" + formatPacket(data) }

// PacketOut10 is OFPT_PACKET_OUT of OpenFlow 1.0: apply Actions to the
// packet in BufferID, or to Data when BufferID is BufferNone10.
type PacketOut10 struct {
	BufferID uint32    `json:"buffer_id"`
	InPort   PortNo10  `json:"in_port"`
	Actions  Actions10 `json:"actions"`
	Data     []byte    `json:"data,omitempty"`
}

// packetOut10Len is sizeof(struct ofp_packet_out), header included.
const packetOut10Len = 16

func (m *PacketOut10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	n := actionsLen10(m.Actions)
	if n > 0xffff {
		return b, fmt.Errorf("packet_out: %d bytes of actions", n)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b, err := appendActions10(b, m.Actions)
	if err != nil {
		return b, err
	}
	return append(b, m.Data...), nil
}

func (m *PacketOut10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < packetOut10Len-HeaderLen {
		return badRequest(BRC10BadLen, "packet_out: body %d bytes", len(b))
	}
	m.BufferID = binary.BigEndian.Uint32(b[0:4])
	m.InPort = PortNo10(binary.BigEndian.Uint16(b[4:6]))
	n := int(binary.BigEndian.Uint16(b[6:8]))
	b = b[8:]
	if n > len(b) {
		return badRequest(BRC10BadLen, "packet_out: actions_len %d, %d bytes left", n, len(b))
	}
	if n%8 != 0 {
		return errf(ET10BadAction, BAC10BadLen, "packet_out: actions_len %d is not a multiple of 8", n)
	}
	as, err := UnmarshalActions10(b[:n])
	if err != nil {
		return err
	}
	m.Actions = as
	m.Data = cloneBytes(b[n:])
	return nil
}

func (m *PacketOut10) formatBody(uint8) string {
	s := fmt.Sprintf(" in_port=%s actions=%s", m.InPort.String(), formatActions10(m.Actions))
	if m.BufferID != BufferNone10 {
		return s + fmt.Sprintf(" buffer=0x%08x", m.BufferID)
	}
	s += fmt.Sprintf(" data_len=%d", len(m.Data))
	if len(m.Data) == 0 {
		return s // unlike packet-in, ovs-ofctl prints no flow for no frame
	}
	return s + formatPacketData10(m.Data)
}
