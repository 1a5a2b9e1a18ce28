package ofp

// Meter multipart bodies (spec 1.3.5): OFPMP_METER (§7.3.5.12, struct
// ofp_meter_multipart_request, ofp_meter_stats with ofp_meter_band_stats)
// and OFPMP_METER_FEATURES (§7.3.5.14, struct ofp_meter_features).
// OFPMP_METER_CONFIG is in multipart_meter_config.go.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const (
	meterRequestLen  = 8
	meterStatsLen    = 40 // without band stats
	meterBandStatLen = 16
	meterFeaturesLen = 16
)

// meterName prints a meter id as ovs-ofctl's ofputil_format_meter_id.
func meterName(id uint32) string {
	switch {
	case id <= MeterMax:
		return fmt.Sprint(id)
	case id == MeterSlowpath:
		return "slowpath"
	case id == MeterController:
		return "controller"
	case id == MeterAll:
		return "all"
	}
	return "unknown"
}

// MeterRequest is ofp_meter_multipart_request; MeterAll asks for every
// meter.
type MeterRequest struct {
	MeterID uint32 `json:"meter_id"`
}

func (r *MeterRequest) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, r.MeterID)
	return appendZeros(b, 4), nil
}

func (r *MeterRequest) unmarshalMP(b []byte) error {
	if len(b) != meterRequestLen {
		return badRequest(BRCBadLen, "meter request: body %d bytes, want %d", len(b), meterRequestLen)
	}
	r.MeterID = binary.BigEndian.Uint32(b[0:4])
	return nil
}

func (r *MeterRequest) formatMP() string { return " meter=" + meterName(r.MeterID) }

// MeterStatsRequest is the body of an OFPMP_METER request.
type MeterStatsRequest struct{ MeterRequest }

// MeterBandStats is ofp_meter_band_stats.
type MeterBandStats struct {
	PacketBandCount uint64 `json:"packet_band_count"`
	ByteBandCount   uint64 `json:"byte_band_count"`
}

// MeterStats is ofp_meter_stats.
type MeterStats struct {
	MeterID       uint32           `json:"meter_id"`
	FlowCount     uint32           `json:"flow_count"`
	PacketInCount uint64           `json:"packet_in_count"`
	ByteInCount   uint64           `json:"byte_in_count"`
	DurationSec   uint32           `json:"duration_sec"`
	DurationNsec  uint32           `json:"duration_nsec"`
	Bands         []MeterBandStats `json:"band_stats,omitempty"`
}

// MeterStatsReply is the body of an OFPMP_METER reply.
type MeterStatsReply struct {
	Entries []MeterStats `json:"entries"`
}

func (r *MeterStatsReply) numEntries() int { return len(r.Entries) }

func (r *MeterStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, e.MeterID)
	b = appendZeros(b, 8) // len, patched below; pad
	b = binary.BigEndian.AppendUint32(b, e.FlowCount)
	b = binary.BigEndian.AppendUint64(b, e.PacketInCount)
	b = binary.BigEndian.AppendUint64(b, e.ByteInCount)
	b = binary.BigEndian.AppendUint32(b, e.DurationSec)
	b = binary.BigEndian.AppendUint32(b, e.DurationNsec)
	for _, s := range e.Bands {
		b = binary.BigEndian.AppendUint64(b, s.PacketBandCount)
		b = binary.BigEndian.AppendUint64(b, s.ByteBandCount)
	}
	return putLen16(b, start, 4, "meter stats")
}

func (r *MeterStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *MeterStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]MeterStats, 0, countEntries(b, 4, meterStatsLen))
	return decodeEntries(b, "meter stats", 4, meterStatsLen, func(e []byte) error {
		if (len(e)-meterStatsLen)%meterBandStatLen != 0 {
			return badRequest(BRCBadLen, "meter stats: entry of %d bytes is not whole band stats", len(e))
		}
		s := MeterStats{
			MeterID:       binary.BigEndian.Uint32(e[0:4]),
			FlowCount:     binary.BigEndian.Uint32(e[12:16]),
			PacketInCount: binary.BigEndian.Uint64(e[16:24]),
			ByteInCount:   binary.BigEndian.Uint64(e[24:32]),
			DurationSec:   binary.BigEndian.Uint32(e[32:36]),
			DurationNsec:  binary.BigEndian.Uint32(e[36:40]),
		}
		for c := e[meterStatsLen:]; len(c) > 0; c = c[meterBandStatLen:] {
			s.Bands = append(s.Bands, MeterBandStats{binary.BigEndian.Uint64(c[0:8]), binary.BigEndian.Uint64(c[8:16])})
		}
		r.Entries = append(r.Entries, s)
		return nil
	})
}

func (r *MeterStatsReply) formatMP() string {
	var sb strings.Builder
	for _, e := range r.Entries {
		fmt.Fprintf(&sb, "\nmeter:%s flow_count:%d packet_in_count:%d byte_in_count:%d duration:%s bands:\n",
			meterName(e.MeterID), e.FlowCount, e.PacketInCount, e.ByteInCount, formatDuration(e.DurationSec, e.DurationNsec))
		for i, s := range e.Bands {
			fmt.Fprintf(&sb, "%d: packet_count:%d byte_count:%d\n", i, s.PacketBandCount, s.ByteBandCount)
		}
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// MeterFeaturesRequest is the body of an OFPMP_METER_FEATURES request.
type MeterFeaturesRequest struct{ mpEmpty }

// MeterFeatures is the body of an OFPMP_METER_FEATURES reply. BandTypes
// has bit n set when band type n (OFPMBT_*) is supported.
type MeterFeatures struct {
	MaxMeter     uint32 `json:"max_meter"`
	BandTypes    uint32 `json:"band_types"`
	Capabilities uint32 `json:"capabilities"`
	MaxBands     uint8  `json:"max_bands"`
	MaxColor     uint8  `json:"max_color"`
}

func (f *MeterFeatures) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, f.MaxMeter)
	b = binary.BigEndian.AppendUint32(b, f.BandTypes)
	b = binary.BigEndian.AppendUint32(b, f.Capabilities)
	return append(b, f.MaxBands, f.MaxColor, 0, 0), nil
}

func (f *MeterFeatures) unmarshalMP(b []byte) error {
	if len(b) != meterFeaturesLen {
		return badRequest(BRCBadLen, "meter features: body %d bytes, want %d", len(b), meterFeaturesLen)
	}
	f.MaxMeter = binary.BigEndian.Uint32(b[0:4])
	f.BandTypes = binary.BigEndian.Uint32(b[4:8])
	f.Capabilities = binary.BigEndian.Uint32(b[8:12])
	f.MaxBands, f.MaxColor = b[12], b[13]
	return nil
}

var (
	meterBandTypeBitNames = map[uint32]string{1 << 1: "drop", 1 << 2: "dscp_remark"}
	// meterFlagNames are the capabilities of ofp_meter_features, which are
	// MeterFlag* bits.
	meterFlagNames = map[uint32]string{uint32(MeterFlagKbps): "kbps", uint32(MeterFlagPktps): "pktps", uint32(MeterFlagBurst): "burst", uint32(MeterFlagStats): "stats"}
)

func (f *MeterFeatures) formatMP() string {
	s := fmt.Sprintf("\nmax_meter:%d max_bands:%d max_color:%d", f.MaxMeter, f.MaxBands, f.MaxColor)
	if f.BandTypes != 0 {
		s += "\nband_types: " + bitNames(f.BandTypes, func(b uint32) string { return meterBandTypeBitNames[b] })
	}
	if f.Capabilities != 0 {
		s += "\ncapabilities: " + bitNames(f.Capabilities, func(b uint32) string { return meterFlagNames[b] })
	}
	return s
}
