package ofp

// OFPT_FLOW_MOD (spec 1.3.5 §7.3.4.1).

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Flow-mod commands (enum ofp_flow_mod_command).
const (
	FlowAdd          uint8 = 0
	FlowModify       uint8 = 1
	FlowModifyStrict uint8 = 2
	FlowDelete       uint8 = 3
	FlowDeleteStrict uint8 = 4
)

// Flow-mod flags (enum ofp_flow_mod_flags).
const (
	FlowSendFlowRem  uint16 = 1 << 0
	FlowCheckOverlap uint16 = 1 << 1
	FlowResetCounts  uint16 = 1 << 2
	FlowNoPktCounts  uint16 = 1 << 3
	FlowNoBytCounts  uint16 = 1 << 4
	flowFlagsAll            = FlowSendFlowRem | FlowCheckOverlap | FlowResetCounts | FlowNoPktCounts | FlowNoBytCounts
)

// NoBuffer is OFP_NO_BUFFER: the message carries the whole packet.
const NoBuffer uint32 = 0xffffffff

// DefaultPriority is OFP_DEFAULT_PRIORITY.
const DefaultPriority uint16 = 0x8000

// flowModFixedLen is ofp_flow_mod without header, match and instructions.
const flowModFixedLen = 40

// FlowMod is OFPT_FLOW_MOD. Decoding validates it as a switch must
// (FlowMod.Validate), so a decoded flow-mod can be installed as is.
type FlowMod struct {
	Cookie       uint64        `json:"cookie"`
	CookieMask   uint64        `json:"cookie_mask"`
	TableID      uint8         `json:"table_id"`
	Command      uint8         `json:"command"`
	IdleTimeout  uint16        `json:"idle_timeout"`
	HardTimeout  uint16        `json:"hard_timeout"`
	Priority     uint16        `json:"priority"`
	BufferID     uint32        `json:"buffer_id"`
	OutPort      PortNo        `json:"out_port"`
	OutGroup     uint32        `json:"out_group"`
	Flags        uint16        `json:"flags"`
	Match        Match         `json:"match"`
	Instructions []Instruction `json:"instructions"`
}

func (m *FlowMod) appendBody(b []byte, _ uint8) ([]byte, error) {
	if err := m.Match.checkEncodable(); err != nil {
		return b, err
	}
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint64(b, m.CookieMask)
	b = append(b, m.TableID, m.Command)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, m.HardTimeout)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(m.OutPort))
	b = binary.BigEndian.AppendUint32(b, m.OutGroup)
	b = binary.BigEndian.AppendUint16(b, m.Flags)
	b = append(b, 0, 0)
	b = m.Match.appendTo(b)
	return appendInstructions(b, m.Instructions)
}

func (m *FlowMod) unmarshalBody(b []byte, _ uint8) error {
	m.Cookie = binary.BigEndian.Uint64(b[0:8])
	m.CookieMask = binary.BigEndian.Uint64(b[8:16])
	m.TableID, m.Command = b[16], b[17]
	m.IdleTimeout = binary.BigEndian.Uint16(b[18:20])
	m.HardTimeout = binary.BigEndian.Uint16(b[20:22])
	m.Priority = binary.BigEndian.Uint16(b[22:24])
	m.BufferID = binary.BigEndian.Uint32(b[24:28])
	m.OutPort = PortNo(binary.BigEndian.Uint32(b[28:32]))
	m.OutGroup = binary.BigEndian.Uint32(b[32:36])
	m.Flags = binary.BigEndian.Uint16(b[36:38])
	match, n, err := decodeMatch(b[flowModFixedLen:])
	if err != nil {
		return err
	}
	m.Match = match
	if m.Instructions, err = decodeInstructions(b[flowModFixedLen+n:]); err != nil {
		return err
	}
	return m.Validate()
}

// Validate checks a flow-mod as a switch must before acting on it (spec
// 1.3.5 §6.4, §7.3.4.1): a known command (OFPFMFC_BAD_COMMAND), known
// flags (OFPFMFC_BAD_FLAGS), a real table for adds and modifies
// (OFPFMFC_BAD_TABLE_ID), a valid match (Match.Validate) and, for adds and
// modifies, valid instructions (ValidateInstructions) whose set-fields fit
// the match (CheckActionsConsistency).
func (m *FlowMod) Validate() error {
	if m.Command > FlowDeleteStrict {
		return errf(ETFlowModFailed, FMFCBadCommand, "flow-mod command %d", m.Command)
	}
	if m.Flags&^flowFlagsAll != 0 {
		return errf(ETFlowModFailed, FMFCBadFlags, "flow-mod flags %#x", m.Flags)
	}
	isDelete := m.Command == FlowDelete || m.Command == FlowDeleteStrict
	if !isDelete && m.TableID > TableMax {
		return errf(ETFlowModFailed, FMFCBadTableID, "table %d", m.TableID)
	}
	if err := m.Match.Validate(); err != nil {
		return err
	}
	if isDelete {
		return nil
	}
	if err := ValidateInstructions(m.Instructions, m.TableID); err != nil {
		return err
	}
	return CheckActionsConsistency(&m.Match, m.Instructions)
}

var flowModCommands = [...]string{"ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"}

// formatFlowFlags prints flow-mod flags as ovs-ofctl does, each followed
// by a space.
func formatFlowFlags(f uint16) string {
	names := [...]string{"send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"}
	var sb strings.Builder
	for i, n := range names {
		if f&(1<<i) != 0 {
			sb.WriteString(n + " ")
		}
	}
	if f&^flowFlagsAll != 0 {
		fmt.Fprintf(&sb, "flags:%#x ", f&^flowFlagsAll)
	}
	return sb.String()
}

// formatMatchPriority prints the match preceded by "priority=N" when the
// priority is not the default, as ovs-ofctl's match_format does.
func formatMatchPriority(m Match, priority uint16) string {
	return string(appendMatchPriority(nil, &m, priority))
}

func appendMatchPriority(b []byte, m *Match, priority uint16) []byte {
	if priority == DefaultPriority {
		return appendMatch(b, m)
	}
	b = strconv.AppendUint(append(b, "priority="...), uint64(priority), 10)
	n := len(b)
	b = appendMatch(append(b, ','), m)
	if len(b) == n+1 {
		b = b[:n] // an empty match: no comma
	}
	return b
}

func (m *FlowMod) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteString(" ")
	if int(m.Command) < len(flowModCommands) {
		sb.WriteString(flowModCommands[m.Command])
	} else {
		fmt.Fprintf(&sb, "cmd:%d", m.Command)
	}
	if m.TableID != 0 {
		fmt.Fprintf(&sb, " table:%d", m.TableID)
	}
	sb.WriteString(" ")
	if s := formatMatchPriority(m.Match, m.Priority); s != "" {
		sb.WriteString(s + " ")
	}
	// ovs-ofctl reads an add's cookie as the new cookie and ignores its
	// mask; other commands select flows by cookie under the mask.
	if m.Command == FlowAdd {
		if m.Cookie != 0 && m.Cookie != ^uint64(0) {
			fmt.Fprintf(&sb, "cookie:%#x ", m.Cookie)
		}
	} else if m.CookieMask != 0 {
		fmt.Fprintf(&sb, "cookie:%#x/%#x ", m.Cookie, m.CookieMask)
	}
	if m.IdleTimeout != 0 {
		fmt.Fprintf(&sb, "idle:%d ", m.IdleTimeout)
	}
	if m.HardTimeout != 0 {
		fmt.Fprintf(&sb, "hard:%d ", m.HardTimeout)
	}
	if m.BufferID != NoBuffer {
		fmt.Fprintf(&sb, "buf:%#x ", m.BufferID)
	}
	if m.OutPort != PortAny {
		fmt.Fprintf(&sb, "out_port:%s ", m.OutPort)
	}
	// ovs-ofctl does not print out_group.
	sb.WriteString(formatFlowFlags(m.Flags))
	sb.WriteString("actions=" + formatInstructions(m.Instructions))
	return sb.String()
}
