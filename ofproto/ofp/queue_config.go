package ofp

// OFPT_QUEUE_GET_CONFIG_REQUEST and _REPLY of OpenFlow 1.3 (spec 1.3.5
// §7.3.6) and the queue description they carry (§7.2.2: ofp_packet_queue
// and its properties min_rate, max_rate and experimenter).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Queue property types (enum ofp_queue_properties).
const (
	QueuePropMinRate      uint16 = 1
	QueuePropMaxRate      uint16 = 2
	QueuePropExperimenter uint16 = 0xffff
)

// QueueAll is OFPQ_ALL.
const QueueAll uint32 = 0xffffffff

// packetQueueHeaderLen is ofp_packet_queue without properties;
// queuePropHeaderLen is ofp_queue_prop_header.
const (
	packetQueueHeaderLen = 16
	queuePropHeaderLen   = 8
)

// QueueGetConfigRequest is OFPT_QUEUE_GET_CONFIG_REQUEST.
type QueueGetConfigRequest struct {
	Port PortNo `json:"port"`
}

// QueueGetConfigReply is OFPT_QUEUE_GET_CONFIG_REPLY.
type QueueGetConfigReply struct {
	Port   PortNo        `json:"port"`
	Queues []PacketQueue `json:"queues"`
}

// PacketQueue is one ofp_packet_queue.
type PacketQueue struct {
	QueueID    uint32      `json:"queue_id"`
	Port       PortNo      `json:"port"`
	Properties []QueueProp `json:"properties"`
}

// QueueProp is one queue property. For min_rate and max_rate, Rate is in
// tenths of a percent (above 1000: disabled); for experimenter properties
// Experimenter and Data (after the id and its padding) are set; Data is
// padded to a multiple of 8 on the wire and decodes with that padding.
type QueueProp struct {
	Type         uint16 `json:"type"`
	Rate         uint16 `json:"rate,omitempty"`
	Experimenter uint32 `json:"experimenter,omitempty"`
	Data         []byte `json:"data,omitempty"`
}

func (p *QueueProp) wireLen() int {
	if p.Type == QueuePropMinRate || p.Type == QueuePropMaxRate {
		return 16
	}
	n := queuePropHeaderLen + 8 + len(p.Data)
	return n + pad8(n)
}

func (m *QueueGetConfigRequest) appendBody(b []byte, _ uint8) ([]byte, error) {
	return appendPad4(binary.BigEndian.AppendUint32(b, uint32(m.Port))), nil
}

func (m *QueueGetConfigRequest) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 8 {
		return badRequest(BRCBadLen, "queue get-config request: body %d bytes, want 8", len(b))
	}
	m.Port = PortNo(binary.BigEndian.Uint32(b[0:4]))
	return nil
}

// Validate refuses a port that is neither a real port nor OFPP_ANY
// (OFPQOFC_BAD_PORT, spec 1.3.5 §7.3.6).
func (m *QueueGetConfigRequest) Validate() error {
	if m.Port == 0 || (m.Port > PortMax && m.Port != PortAny) {
		return errf(ETQueueOpFailed, QOFCBadPort, "queue get-config for port %s", m.Port)
	}
	return nil
}

func (m *QueueGetConfigRequest) formatBody(uint8) string { return " port=" + m.Port.String() }

func (m *QueueGetConfigReply) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = appendPad4(binary.BigEndian.AppendUint32(b, uint32(m.Port)))
	for _, q := range m.Queues {
		n := packetQueueHeaderLen
		for i := range q.Properties {
			n += q.Properties[i].wireLen()
		}
		if n > 0xffff {
			return b, fmt.Errorf("queue %d: %d bytes", q.QueueID, n)
		}
		b = binary.BigEndian.AppendUint32(b, q.QueueID)
		b = binary.BigEndian.AppendUint32(b, uint32(q.Port))
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = appendZeros(b, 6)
		for i := range q.Properties {
			p := &q.Properties[i]
			b = binary.BigEndian.AppendUint16(b, p.Type)
			b = binary.BigEndian.AppendUint16(b, uint16(p.wireLen()))
			b = appendPad4(b)
			switch p.Type {
			case QueuePropMinRate, QueuePropMaxRate:
				b = binary.BigEndian.AppendUint16(b, p.Rate)
				b = appendZeros(b, 6)
			default:
				b = appendPad4(binary.BigEndian.AppendUint32(b, p.Experimenter))
				b = append(b, p.Data...)
				b = appendPad8(b, queuePropHeaderLen+8+len(p.Data))
			}
		}
	}
	return b, nil
}

func (m *QueueGetConfigReply) unmarshalBody(b []byte, _ uint8) error {
	m.Port = PortNo(binary.BigEndian.Uint32(b[0:4]))
	m.Queues = nil
	for rest := b[8:]; len(rest) > 0; {
		if len(rest) < packetQueueHeaderLen {
			return badRequest(BRCBadLen, "queue: %d bytes left, need %d", len(rest), packetQueueHeaderLen)
		}
		n := int(binary.BigEndian.Uint16(rest[8:10]))
		if n < packetQueueHeaderLen || n > len(rest) {
			return badRequest(BRCBadLen, "queue length %d (%d bytes left)", n, len(rest))
		}
		q := PacketQueue{QueueID: binary.BigEndian.Uint32(rest[0:4]), Port: PortNo(binary.BigEndian.Uint32(rest[4:8]))}
		props, err := decodeQueueProps(rest[packetQueueHeaderLen:n])
		if err != nil {
			return err
		}
		q.Properties = props
		m.Queues = append(m.Queues, q)
		rest = rest[n:]
	}
	return nil
}

// decodeQueueProps decodes a queue's properties. The spec names no error
// for a bad property in a reply (a switch never receives one); a malformed
// or unknown property is OFPBRC_BAD_LEN, like other framing errors.
func decodeQueueProps(b []byte) ([]QueueProp, error) {
	var props []QueueProp
	for len(b) > 0 {
		if len(b) < queuePropHeaderLen {
			return nil, badRequest(BRCBadLen, "queue property: %d bytes left", len(b))
		}
		t := binary.BigEndian.Uint16(b[0:2])
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < queuePropHeaderLen || n%8 != 0 || n > len(b) {
			return nil, badRequest(BRCBadLen, "queue property length %d (%d bytes left)", n, len(b))
		}
		p := QueueProp{Type: t}
		switch t {
		case QueuePropMinRate, QueuePropMaxRate:
			if n != 16 {
				return nil, badRequest(BRCBadLen, "queue rate property of %d bytes", n)
			}
			p.Rate = binary.BigEndian.Uint16(b[8:10])
		case QueuePropExperimenter:
			if n < 16 {
				return nil, badRequest(BRCBadLen, "experimenter queue property of %d bytes", n)
			}
			p.Experimenter = binary.BigEndian.Uint32(b[8:12])
			p.Data = cloneBytes(b[16:n])
		default:
			return nil, badRequest(BRCBadLen, "unknown queue property type %d", t)
		}
		props = append(props, p)
		b = b[n:]
	}
	return props, nil
}

func formatQueueRate(name string, rate uint16) string {
	if rate > 1000 {
		return ""
	}
	return fmt.Sprintf(" %s:%.1f%%", name, float64(rate)/10)
}

func (m *QueueGetConfigReply) formatBody(uint8) string {
	var sb strings.Builder
	if m.Port != PortAny {
		sb.WriteString(" port=" + m.Port.String())
	}
	for _, q := range m.Queues {
		fmt.Fprintf(&sb, "\nqueue %d:", q.QueueID)
		for _, p := range q.Properties {
			switch p.Type {
			case QueuePropMinRate:
				sb.WriteString(formatQueueRate("min_rate", p.Rate))
			case QueuePropMaxRate:
				sb.WriteString(formatQueueRate("max_rate", p.Rate))
			}
		}
	}
	return sb.String()
}
