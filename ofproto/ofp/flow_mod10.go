package ofp

// OFPT_FLOW_MOD of OpenFlow 1.0 (spec 1.0.0 §5.3.3, struct ofp_flow_mod):
// a match, cookie, command, timeouts, priority, buffer, out_port, flags
// and the action list.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// OFPFC_* flow-mod commands (same numbers in 1.0 and 1.3).
const (
	FC10Add          uint16 = 0
	FC10Modify       uint16 = 1
	FC10ModifyStrict uint16 = 2
	FC10Delete       uint16 = 3
	FC10DeleteStrict uint16 = 4
)

// OFPFF_* flow-mod flags of 1.0.
const (
	FF10SendFlowRem  uint16 = 1 << 0
	FF10CheckOverlap uint16 = 1 << 1
	FF10Emerg        uint16 = 1 << 2
)

// BufferNone10 in buffer_id means the message carries no buffered packet.
const BufferNone10 uint32 = 0xffffffff

// flowMod10Len is sizeof(struct ofp_flow_mod), header included.
const flowMod10Len = 72

// FlowMod10 is OFPT_FLOW_MOD of OpenFlow 1.0.
type FlowMod10 struct {
	Match       Match10   `json:"match"`
	Cookie      uint64    `json:"cookie"`
	Command     uint16    `json:"command"`
	IdleTimeout uint16    `json:"idle_timeout"`
	HardTimeout uint16    `json:"hard_timeout"`
	Priority    uint16    `json:"priority"`
	BufferID    uint32    `json:"buffer_id"`
	OutPort     PortNo10  `json:"out_port"`
	Flags       uint16    `json:"flags"`
	Actions     Actions10 `json:"actions"`
}

func (m *FlowMod10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = m.Match.append(b)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint16(b, m.Command)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, m.HardTimeout)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, uint16(m.OutPort))
	b = binary.BigEndian.AppendUint16(b, m.Flags)
	return appendActions10(b, m.Actions)
}

func (m *FlowMod10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < flowMod10Len-HeaderLen {
		return badRequest(BRC10BadLen, "flow_mod: body %d bytes", len(b))
	}
	m.Match.decode(b)
	b = b[Match10Len:]
	m.Cookie = binary.BigEndian.Uint64(b[0:8])
	m.Command = binary.BigEndian.Uint16(b[8:10])
	m.IdleTimeout = binary.BigEndian.Uint16(b[10:12])
	m.HardTimeout = binary.BigEndian.Uint16(b[12:14])
	m.Priority = binary.BigEndian.Uint16(b[14:16])
	m.BufferID = binary.BigEndian.Uint32(b[16:20])
	m.OutPort = PortNo10(binary.BigEndian.Uint16(b[20:22]))
	m.Flags = binary.BigEndian.Uint16(b[22:24])
	if m.Command > FC10DeleteStrict {
		return errf(ET10FlowModFailed, FMFC10BadCommand, "flow_mod: command %d", m.Command)
	}
	// Emergency flows never time out (spec 1.0.0 §4.6).
	if m.Flags&FF10Emerg != 0 && (m.IdleTimeout != 0 || m.HardTimeout != 0) {
		return errf(ET10FlowModFailed, FMFC10BadEmergTimeout, "flow_mod: emergency flow with timeouts %d/%d", m.IdleTimeout, m.HardTimeout)
	}
	as, err := UnmarshalActions10(b[24:])
	if err != nil {
		return err
	}
	m.Actions = as
	return nil
}

var flowModCommandNames10 = [...]string{"ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"}

func (m *FlowMod10) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteByte(' ')
	if int(m.Command) < len(flowModCommandNames10) {
		sb.WriteString(flowModCommandNames10[m.Command])
	} else {
		fmt.Fprintf(&sb, "cmd:%d", m.Command)
	}
	sb.WriteByte(' ')
	if s := formatMatch10(m.Match, int(m.EffectivePriority()), true); s != "" {
		sb.WriteString(s + " ")
	}
	if m.Cookie != 0 && m.Cookie != ^uint64(0) { // all ones: "no new cookie" to OVS
		fmt.Fprintf(&sb, "cookie:%#x ", m.Cookie)
	}
	if m.IdleTimeout != 0 {
		fmt.Fprintf(&sb, "idle:%d ", m.IdleTimeout)
	}
	if m.HardTimeout != 0 {
		fmt.Fprintf(&sb, "hard:%d ", m.HardTimeout)
	}
	if m.BufferID != BufferNone10 {
		fmt.Fprintf(&sb, "buf:%#x ", m.BufferID)
	}
	if m.OutPort != Port10None {
		fmt.Fprintf(&sb, "out_port:%s ", m.OutPort.String())
	}
	sb.WriteString(formatFlowModFlags10(m.Flags))
	sb.WriteString("actions=" + formatActions10(m.Actions))
	return sb.String()
}

// formatFlowModFlags10 prints flags as words, each followed by a space.
func formatFlowModFlags10(f uint16) string {
	var sb strings.Builder
	for _, n := range []struct {
		bit  uint16
		name string
	}{{FF10SendFlowRem, "send_flow_rem"}, {FF10CheckOverlap, "check_overlap"}, {FF10Emerg, "emerg"}} {
		if f&n.bit != 0 {
			sb.WriteString(n.name + " ")
			f &^= n.bit
		}
	}
	if f != 0 {
		fmt.Fprintf(&sb, "flags:%#x ", f)
	}
	return sb.String()
}

// EffectivePriority is the flow's priority as a 1.0 switch applies it: an
// exact-match flow (no wildcard bit set) always has the highest priority
// (spec 1.0.0 §3.4).
func (m *FlowMod10) EffectivePriority() uint16 {
	if m.Match.Wildcards&FW10All == 0 {
		return 0xffff
	}
	return m.Priority
}
