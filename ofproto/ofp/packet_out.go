package ofp

// OFPT_PACKET_OUT of OpenFlow 1.3 (spec 1.3.5 §7.3.7).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// packetOutFixedLen is ofp_packet_out without header, actions and data.
const packetOutFixedLen = 16

// PacketOut is OFPT_PACKET_OUT in OpenFlow 1.3. Data is empty when
// BufferID names a buffered packet.
type PacketOut struct {
	BufferID uint32   `json:"buffer_id"`
	InPort   PortNo   `json:"in_port"`
	Actions  []Action `json:"actions"`
	Data     []byte   `json:"data,omitempty"`
}

func (m *PacketOut) appendBody(b []byte, _ uint8) ([]byte, error) {
	n := actionsLen(m.Actions)
	if n > 0xffff {
		return b, fmt.Errorf("%d bytes of actions", n)
	}
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(m.InPort))
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = appendZeros(b, 6)
	b, err := appendActions(b, m.Actions)
	if err != nil {
		return b, err
	}
	return append(b, m.Data...), nil
}

// unmarshalBody decodes and validates (Validate) the packet-out.
func (m *PacketOut) unmarshalBody(b []byte, _ uint8) error {
	m.BufferID = binary.BigEndian.Uint32(b[0:4])
	m.InPort = PortNo(binary.BigEndian.Uint32(b[4:8]))
	n := int(binary.BigEndian.Uint16(b[8:10]))
	if packetOutFixedLen+n > len(b) {
		return badRequest(BRCBadLen, "packet-out: actions_len %d overruns the %d bytes left", n, len(b)-packetOutFixedLen)
	}
	var err error
	if m.Actions, err = decodeActions(b[packetOutFixedLen : packetOutFixedLen+n]); err != nil {
		return err
	}
	m.Data = cloneBytes(b[packetOutFixedLen+n:])
	return m.Validate()
}

// Validate checks a packet-out as a switch must (spec 1.3.5 §7.3.7): the
// in_port is a real port, OFPP_CONTROLLER or OFPP_LOCAL (OFPBRC_BAD_PORT),
// a buffered packet-out carries no data (the spec leaves that case open;
// xvs refuses the ambiguity with OFPBRC_BAD_PACKET), and the actions are
// valid (ValidateActions).
func (m *PacketOut) Validate() error {
	p := m.InPort
	if p == 0 || (p > PortMax && p != PortController && p != PortLocal && p != PortAny) {
		return badRequest(BRCBadPort, "packet-out in_port %s", p)
	}
	if m.BufferID != NoBuffer && len(m.Data) > 0 {
		return badRequest(BRCBadPacket, "packet-out names buffer %#x and carries %d bytes", m.BufferID, len(m.Data))
	}
	return ValidateActions(m.Actions)
}

func (m *PacketOut) formatBody(uint8) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " in_port=%s actions=%s", m.InPort, formatActions(m.Actions))
	if m.BufferID != NoBuffer {
		fmt.Fprintf(&sb, " buffer=0x%08x", m.BufferID)
		return sb.String()
	}
	fmt.Fprintf(&sb, " data_len=%d", len(m.Data))
	if len(m.Data) > 0 {
		sb.WriteString("\n" + formatPacket(m.Data))
	}
	return sb.String()
}
