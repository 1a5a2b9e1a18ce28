package ofp

// OFPT_QUEUE_GET_CONFIG_REQUEST and _REPLY of OpenFlow 1.0 (spec 1.0.0
// §5.3.4, struct ofp_queue_get_config_request/_reply) with the queue
// descriptions of §5.2.2 (struct ofp_packet_queue, ofp_queue_prop_*).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// OFPQT_* queue property types of 1.0.
const (
	QT10None    uint16 = 0
	QT10MinRate uint16 = 1
)

// QueueGetConfigRequest10 asks for the queues configured on Port.
type QueueGetConfigRequest10 struct {
	Port PortNo10 `json:"port"`
}

func (m *QueueGetConfigRequest10) appendBody(b []byte, _ uint8) ([]byte, error) {
	return append(binary.BigEndian.AppendUint16(b, uint16(m.Port)), 0, 0), nil
}

func (m *QueueGetConfigRequest10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 4 {
		return badRequest(BRC10BadLen, "queue_get_config_request: body %d bytes, want 4", len(b))
	}
	m.Port = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	// "Should refer to a valid physical port (i.e. < OFPP_MAX)" (§5.3.4).
	if m.Port >= Port10Max {
		return errf(ET10QueueOpFailed, QOFC10BadPort, "queue_get_config_request: port %s is not a physical port", m.Port.String())
	}
	return nil
}

func (m *QueueGetConfigRequest10) formatBody(uint8) string { return " port=" + m.Port.String() }

// QueueGetConfigReply10 lists the queues of Port.
type QueueGetConfigReply10 struct {
	Port   PortNo10        `json:"port"`
	Queues []PacketQueue10 `json:"queues,omitempty"`
}

// PacketQueue10 is struct ofp_packet_queue.
type PacketQueue10 struct {
	QueueID    uint32        `json:"queue_id"`
	Properties []QueueProp10 `json:"properties,omitempty"`
}

// QueueProp10 is one queue property. For OFPQT_MIN_RATE, Rate is the
// guaranteed rate in 1/10 of a percent (>1000: disabled); other types keep
// their body (after the 8-byte property header) in Data.
type QueueProp10 struct {
	Property uint16 `json:"property"`
	Rate     uint16 `json:"rate,omitempty"`
	Data     []byte `json:"data,omitempty"`
}

func (m *QueueGetConfigReply10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(m.Port))
	b = appendZeros(b, 6)
	for _, q := range m.Queues {
		start := len(b)
		b = binary.BigEndian.AppendUint32(b, q.QueueID)
		b = append(b, 0, 0, 0, 0) // len, patched below; pad
		for _, p := range q.Properties {
			n := 8 + len(p.Data)
			if p.Property == QT10MinRate {
				n = 16
			} else if n%8 != 0 {
				return b, fmt.Errorf("queue %d: property %d of %d bytes is not a multiple of 8", q.QueueID, p.Property, n)
			}
			b = binary.BigEndian.AppendUint16(b, p.Property)
			b = binary.BigEndian.AppendUint16(b, uint16(n))
			b = appendZeros(b, 4)
			if p.Property == QT10MinRate {
				b = binary.BigEndian.AppendUint16(b, p.Rate)
				b = appendZeros(b, 6)
			} else {
				b = append(b, p.Data...)
			}
		}
		n := len(b) - start
		if n > 0xffff {
			return b, fmt.Errorf("queue %d: %d bytes", q.QueueID, n)
		}
		binary.BigEndian.PutUint16(b[start+4:], uint16(n))
	}
	return b, nil
}

func (m *QueueGetConfigReply10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < 8 {
		return badRequest(BRC10BadLen, "queue_get_config_reply: body %d bytes", len(b))
	}
	m.Port = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	m.Queues = nil
	for b = b[8:]; len(b) > 0; {
		if len(b) < 8 {
			return badRequest(BRC10BadLen, "queue: %d trailing bytes", len(b))
		}
		n := int(binary.BigEndian.Uint16(b[4:6]))
		if n < 8 || n > len(b) {
			return badRequest(BRC10BadLen, "queue: length %d with %d bytes left", n, len(b))
		}
		q := PacketQueue10{QueueID: binary.BigEndian.Uint32(b[0:4])}
		for pb := b[8:n]; len(pb) > 0; {
			if len(pb) < 8 {
				return badRequest(BRC10BadLen, "queue %d: %d trailing property bytes", q.QueueID, len(pb))
			}
			t := binary.BigEndian.Uint16(pb[0:2])
			pn := int(binary.BigEndian.Uint16(pb[2:4]))
			if pn < 8 || pn%8 != 0 || pn > len(pb) || (t == QT10MinRate && pn != 16) {
				return badRequest(BRC10BadLen, "queue %d: property %d of length %d with %d bytes left", q.QueueID, t, pn, len(pb))
			}
			p := QueueProp10{Property: t}
			if t == QT10MinRate {
				p.Rate = binary.BigEndian.Uint16(pb[8:10])
			} else {
				p.Data = cloneBytes(pb[8:pn])
			}
			q.Properties = append(q.Properties, p)
			pb = pb[pn:]
		}
		m.Queues = append(m.Queues, q)
		b = b[n:]
	}
	return nil
}

func (m *QueueGetConfigReply10) formatBody(uint8) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " port=%s", m.Port.String())
	for _, q := range m.Queues {
		fmt.Fprintf(&sb, "\nqueue %d:", q.QueueID)
		for _, p := range q.Properties {
			switch {
			case p.Property == QT10MinRate && p.Rate > 1000:
				sb.WriteString(" min_rate:(disabled)")
			case p.Property == QT10MinRate:
				fmt.Fprintf(&sb, " min_rate:%d.%d%%", p.Rate/10, p.Rate%10)
			}
		}
	}
	return sb.String()
}
