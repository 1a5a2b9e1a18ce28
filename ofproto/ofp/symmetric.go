package ofp

// Messages whose body is the same in OpenFlow 1.0 and 1.3: echo (spec 1.3.5
// §7.5.2-3), barrier (§7.3.8), features request (§7.3.1) and the switch
// configuration messages (§7.3.2).

import (
	"encoding/binary"
	"fmt"
)

// EchoRequest is OFPT_ECHO_REQUEST; Data is echoed back unchanged.
type EchoRequest struct {
	Data []byte `json:"data,omitempty"`
}

// EchoReply is OFPT_ECHO_REPLY.
type EchoReply struct {
	Data []byte `json:"data,omitempty"`
}

func (m *EchoRequest) appendBody(b []byte, _ uint8) ([]byte, error) { return append(b, m.Data...), nil }
func (m *EchoReply) appendBody(b []byte, _ uint8) ([]byte, error)   { return append(b, m.Data...), nil }
func (m *EchoRequest) unmarshalBody(b []byte, _ uint8) error {
	m.Data = cloneBytes(b)
	return nil
}
func (m *EchoReply) unmarshalBody(b []byte, _ uint8) error {
	m.Data = cloneBytes(b)
	return nil
}
func (m *EchoRequest) formatBody(uint8) string { return formatPayload(m.Data) }
func (m *EchoReply) formatBody(uint8) string   { return formatPayload(m.Data) }

func formatPayload(data []byte) string {
	s := fmt.Sprintf(" %d bytes of payload", len(data))
	if len(data) > 0 {
		s += "\n" + hexDump(data)
	}
	return s
}

// cloneBytes copies b, keeping nil for an empty slice so that decoded and
// constructed messages compare equal.
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// emptyBody is embedded by messages that have no body.
type emptyBody struct{}

func (emptyBody) appendBody(b []byte, _ uint8) ([]byte, error) { return b, nil }
func (emptyBody) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 0 {
		return badRequest(BRCBadLen, "%d bytes of body in a message that has none", len(b))
	}
	return nil
}

// BarrierRequest is OFPT_BARRIER_REQUEST.
type BarrierRequest struct{ emptyBody }

// BarrierReply is OFPT_BARRIER_REPLY.
type BarrierReply struct{ emptyBody }

// FeaturesRequest is OFPT_FEATURES_REQUEST.
type FeaturesRequest struct{ emptyBody }

// GetConfigRequest is OFPT_GET_CONFIG_REQUEST.
type GetConfigRequest struct{ emptyBody }

// Switch configuration flags (ofp_config_flags).
const (
	ConfigFragNormal uint16 = 0
	ConfigFragDrop   uint16 = 1
	ConfigFragReasm  uint16 = 2
	ConfigFragMask   uint16 = 3
)

// SwitchConfig is the body of OFPT_GET_CONFIG_REPLY and OFPT_SET_CONFIG.
type SwitchConfig struct {
	Flags       uint16 `json:"flags"`
	MissSendLen uint16 `json:"miss_send_len"`
}

// GetConfigReply is OFPT_GET_CONFIG_REPLY.
type GetConfigReply struct{ SwitchConfig }

// SetConfig is OFPT_SET_CONFIG.
type SetConfig struct{ SwitchConfig }

func (c *SwitchConfig) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, c.Flags)
	return binary.BigEndian.AppendUint16(b, c.MissSendLen), nil
}

func (c *SwitchConfig) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 4 {
		return badRequest(BRCBadLen, "switch config: body %d bytes, want 4", len(b))
	}
	c.Flags = binary.BigEndian.Uint16(b[0:2])
	c.MissSendLen = binary.BigEndian.Uint16(b[2:4])
	return nil
}

func (c *SwitchConfig) formatBody(uint8) string {
	frags := [...]string{"normal", "drop", "reassemble", "nx-match"}[c.Flags&ConfigFragMask]
	s := " frags=" + frags
	if c.Flags&^ConfigFragMask != 0 {
		s += fmt.Sprintf(" flags=0x%x", c.Flags&^ConfigFragMask)
	}
	return s + fmt.Sprintf(" miss_send_len=%d", c.MissSendLen)
}
