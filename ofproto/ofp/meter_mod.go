package ofp

// OFPT_METER_MOD (spec 1.3.5 §7.3.4.4).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Meter-mod commands (enum ofp_meter_mod_command).
const (
	MeterAdd    uint16 = 0
	MeterModify uint16 = 1
	MeterDelete uint16 = 2
)

// Meter flags (enum ofp_meter_flags).
const (
	MeterFlagKbps  uint16 = 1 << 0
	MeterFlagPktps uint16 = 1 << 1
	MeterFlagBurst uint16 = 1 << 2
	MeterFlagStats uint16 = 1 << 3
	meterFlagsAll         = MeterFlagKbps | MeterFlagPktps | MeterFlagBurst | MeterFlagStats
)

// Meter ids (enum ofp_meter).
const (
	MeterMax        uint32 = 0xffff0000
	MeterSlowpath   uint32 = 0xfffffffd
	MeterController uint32 = 0xfffffffe
	MeterAll        uint32 = 0xffffffff
)

// MeterMod is OFPT_METER_MOD.
type MeterMod struct {
	Command uint16      `json:"command"`
	Flags   uint16      `json:"flags"`
	MeterID uint32      `json:"meter_id"`
	Bands   []MeterBand `json:"bands"`
}

func (m *MeterMod) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, m.Command)
	b = binary.BigEndian.AppendUint16(b, m.Flags)
	b = binary.BigEndian.AppendUint32(b, m.MeterID)
	return appendMeterBands(b, m.Bands)
}

func (m *MeterMod) unmarshalBody(b []byte, _ uint8) error {
	m.Command = binary.BigEndian.Uint16(b[0:2])
	m.Flags = binary.BigEndian.Uint16(b[2:4])
	m.MeterID = binary.BigEndian.Uint32(b[4:8])
	var err error
	if m.Bands, err = decodeMeterBands(b[8:]); err != nil {
		return err
	}
	return m.Validate()
}

// Validate checks what a switch must refuse in a meter-mod (spec 1.3.5
// §7.3.4.4): a known command (OFPMMFC_BAD_COMMAND), known flags and not
// both kbps and pktps (OFPMMFC_BAD_FLAGS), a meter id that names one meter
// (OFPMMFC_INVALID_METER; delete may name OFPM_ALL), and non-zero band
// rates (OFPMMFC_BAD_RATE). Decoding calls it.
func (m *MeterMod) Validate() error {
	if m.Command > MeterDelete {
		return errf(ETMeterModFailed, MMFCBadCommand, "meter command %d", m.Command)
	}
	if m.Flags&^meterFlagsAll != 0 || m.Flags&(MeterFlagKbps|MeterFlagPktps) == MeterFlagKbps|MeterFlagPktps {
		return errf(ETMeterModFailed, MMFCBadFlags, "meter flags %#x", m.Flags)
	}
	if m.MeterID == 0 || (m.MeterID > MeterMax && m.MeterID != MeterSlowpath && m.MeterID != MeterController &&
		!(m.Command == MeterDelete && m.MeterID == MeterAll)) {
		return errf(ETMeterModFailed, MMFCInvalidMeter, "meter id %#x", m.MeterID)
	}
	for _, band := range m.Bands {
		if band == nil {
			return errf(ETMeterModFailed, MMFCBadBand, "nil band")
		}
		if rate, _ := band.RateBurst(); rate == 0 {
			return errf(ETMeterModFailed, MMFCBadRate, "band rate 0")
		}
	}
	return nil
}

func meterIDString(id uint32) string {
	switch id {
	case MeterSlowpath:
		return "slowpath"
	case MeterController:
		return "controller"
	case MeterAll:
		return "all"
	}
	return fmt.Sprint(id)
}

// formatMeterFlags prints meter flags as ovs-ofctl does, each followed by
// a space.
func formatMeterFlags(f uint16) string {
	var sb strings.Builder
	for i, n := range [...]string{"kbps", "pktps", "burst", "stats"} {
		if f&(1<<i) != 0 {
			sb.WriteString(n + " ")
		}
	}
	if f&^meterFlagsAll != 0 {
		fmt.Fprintf(&sb, "flags:0x%x ", f&^meterFlagsAll)
	}
	return sb.String()
}

func (m *MeterMod) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteString(" ")
	switch m.Command {
	case MeterAdd:
		sb.WriteString("ADD")
	case MeterModify:
		sb.WriteString("MOD")
	case MeterDelete:
		sb.WriteString("DEL")
	default:
		fmt.Fprintf(&sb, "cmd:%d", m.Command)
	}
	fmt.Fprintf(&sb, " meter=%s ", meterIDString(m.MeterID))
	sb.WriteString(formatMeterFlags(m.Flags))
	sb.WriteString("bands=")
	for _, band := range m.Bands {
		sb.WriteString("\n" + formatMeterBand(band))
	}
	return sb.String()
}
