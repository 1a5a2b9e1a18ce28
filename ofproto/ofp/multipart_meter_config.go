package ofp

// OFPMP_METER_CONFIG (spec 1.3.5 §7.3.5.13): struct ofp_meter_config, each
// meter with its flags and bands. The request is ofp_meter_multipart_request.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const meterConfigLen = 8 // without bands

// MeterConfigRequest is the body of an OFPMP_METER_CONFIG request.
type MeterConfigRequest struct{ MeterRequest }

// MeterConfig is ofp_meter_config. Flags are MeterFlag* bits.
type MeterConfig struct {
	Flags   uint16      `json:"flags"`
	MeterID uint32      `json:"meter_id"`
	Bands   []MeterBand `json:"bands"`
}

// MeterConfigReply is the body of an OFPMP_METER_CONFIG reply.
type MeterConfigReply struct {
	Entries []MeterConfig `json:"entries"`
}

func (r *MeterConfigReply) numEntries() int { return len(r.Entries) }

func (r *MeterConfigReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	start := len(b)
	b = append(b, 0, 0) // length patched below
	b = binary.BigEndian.AppendUint16(b, e.Flags)
	b = binary.BigEndian.AppendUint32(b, e.MeterID)
	b, err := appendMeterBands(b, e.Bands)
	if err != nil {
		return b[:start], err
	}
	return putLen16(b, start, 0, "meter config")
}

func (r *MeterConfigReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *MeterConfigReply) unmarshalMP(b []byte) error {
	r.Entries = make([]MeterConfig, 0, countEntries(b, 0, meterConfigLen))
	return decodeEntries(b, "meter config", 0, meterConfigLen, func(e []byte) error {
		bands, err := decodeMeterBands(e[meterConfigLen:])
		if err != nil {
			return err
		}
		r.Entries = append(r.Entries, MeterConfig{
			Flags:   binary.BigEndian.Uint16(e[2:4]),
			MeterID: binary.BigEndian.Uint32(e[4:8]),
			Bands:   bands,
		})
		return nil
	})
}

// formatMP prints each meter as ovs-ofctl's ofputil_format_meter_config:
// flags, then one line per band, with the burst size only when the meter
// has OFPMF_BURST.
func (r *MeterConfigReply) formatMP() string {
	var sb strings.Builder
	for i := range r.Entries {
		e := &r.Entries[i]
		fmt.Fprintf(&sb, "\nmeter=%s ", meterName(e.MeterID))
		flags := e.Flags
		for _, f := range []uint16{MeterFlagKbps, MeterFlagPktps, MeterFlagBurst, MeterFlagStats} {
			if flags&f != 0 {
				sb.WriteString(meterFlagNames[uint32(f)] + " ")
			}
		}
		if rest := flags &^ meterFlagsAll; rest != 0 {
			fmt.Fprintf(&sb, "flags:0x%x ", rest)
		}
		sb.WriteString("bands=")
		for _, band := range e.Bands {
			rate, burst := band.RateBurst()
			sb.WriteString("\ntype=")
			switch band.Type() {
			case MBTDrop:
				sb.WriteString("drop")
			case MBTDSCPRemark:
				sb.WriteString("dscp_remark")
			default:
				fmt.Fprintf(&sb, "%d", band.Type())
			}
			fmt.Fprintf(&sb, " rate=%d", rate)
			if flags&MeterFlagBurst != 0 {
				fmt.Fprintf(&sb, " burst_size=%d", burst)
			}
			if d, ok := band.(*MeterBandDSCPRemark); ok {
				fmt.Fprintf(&sb, " prec_level=%d", d.PrecLevel)
			}
		}
		sb.WriteByte('\n')
	}
	return strings.TrimSuffix(sb.String(), "\n")
}
