package ofp

// Meter bands (spec 1.3.5 §7.3.4.4, struct ofp_meter_band_*), shared by
// meter-mod and the meter-config multipart reply.

import (
	"encoding/binary"
	"fmt"
)

// MeterBandType is ofp_meter_band_type.
type MeterBandType uint16

// OFPMBT_*.
const (
	MBTDrop         MeterBandType = 1
	MBTDSCPRemark   MeterBandType = 2
	MBTExperimenter MeterBandType = 0xffff
)

// meterBandLen is the size of the drop and dscp-remark bands, and the
// least an experimenter band takes.
const meterBandLen = 16

// MeterBand is one band; the concrete types are MeterBandDrop,
// MeterBandDSCPRemark and MeterBandExperimenter, used by pointer.
type MeterBand interface {
	// Type returns the OFPMBT_* number.
	Type() MeterBandType
	// RateBurst returns the band's rate and burst size.
	RateBurst() (rate, burst uint32)
	wireLen() int
	appendBody(b []byte) []byte // after type, len, rate, burst
}

// MeterBandDrop drops packets above Rate.
type MeterBandDrop struct {
	Rate      uint32 `json:"rate"`
	BurstSize uint32 `json:"burst_size"`
}

// MeterBandDSCPRemark raises the drop precedence of packets above Rate.
type MeterBandDSCPRemark struct {
	Rate      uint32 `json:"rate"`
	BurstSize uint32 `json:"burst_size"`
	PrecLevel uint8  `json:"prec_level"`
}

// MeterBandExperimenter is an experimenter band, kept opaque.
type MeterBandExperimenter struct {
	Rate         uint32 `json:"rate"`
	BurstSize    uint32 `json:"burst_size"`
	Experimenter uint32 `json:"experimenter"`
	Data         []byte `json:"data,omitempty"`
}

func (*MeterBandDrop) Type() MeterBandType         { return MBTDrop }
func (*MeterBandDSCPRemark) Type() MeterBandType   { return MBTDSCPRemark }
func (*MeterBandExperimenter) Type() MeterBandType { return MBTExperimenter }

func (m *MeterBandDrop) RateBurst() (uint32, uint32)         { return m.Rate, m.BurstSize }
func (m *MeterBandDSCPRemark) RateBurst() (uint32, uint32)   { return m.Rate, m.BurstSize }
func (m *MeterBandExperimenter) RateBurst() (uint32, uint32) { return m.Rate, m.BurstSize }

func (*MeterBandDrop) wireLen() int           { return meterBandLen }
func (*MeterBandDSCPRemark) wireLen() int     { return meterBandLen }
func (m *MeterBandExperimenter) wireLen() int { return meterBandLen + len(m.Data) }

func (*MeterBandDrop) appendBody(b []byte) []byte         { return appendPad4(b) }
func (m *MeterBandDSCPRemark) appendBody(b []byte) []byte { return append(b, m.PrecLevel, 0, 0, 0) }
func (m *MeterBandExperimenter) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, m.Experimenter), m.Data...)
}

// appendMeterBands appends a band list.
func appendMeterBands(b []byte, bands []MeterBand) ([]byte, error) {
	for i, m := range bands {
		if m == nil {
			return b, fmt.Errorf("band %d is nil", i)
		}
		n := m.wireLen()
		if n%8 != 0 || n > 0xffff {
			return b, fmt.Errorf("band %d: length %d", i, n)
		}
		rate, burst := m.RateBurst()
		b = binary.BigEndian.AppendUint16(b, uint16(m.Type()))
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = binary.BigEndian.AppendUint32(b, rate)
		b = binary.BigEndian.AppendUint32(b, burst)
		b = m.appendBody(b)
	}
	return b, nil
}

// decodeMeterBands decodes a band list: an unknown band type is
// OFPMMFC_BAD_BAND; a band of the wrong length or overrunning b is
// OFPBRC_BAD_LEN.
func decodeMeterBands(b []byte) ([]MeterBand, error) {
	var bands []MeterBand
	for len(b) > 0 {
		if len(b) < meterBandLen {
			return nil, badRequest(BRCBadLen, "meter band: %d bytes left, need %d", len(b), meterBandLen)
		}
		t := MeterBandType(binary.BigEndian.Uint16(b[0:2]))
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < meterBandLen || n%8 != 0 || n > len(b) {
			return nil, badRequest(BRCBadLen, "meter band length %d (%d bytes left)", n, len(b))
		}
		rate, burst := binary.BigEndian.Uint32(b[4:8]), binary.BigEndian.Uint32(b[8:12])
		switch t {
		case MBTDrop:
			bands = append(bands, &MeterBandDrop{Rate: rate, BurstSize: burst})
		case MBTDSCPRemark:
			bands = append(bands, &MeterBandDSCPRemark{Rate: rate, BurstSize: burst, PrecLevel: b[12]})
		case MBTExperimenter:
			bands = append(bands, &MeterBandExperimenter{Rate: rate, BurstSize: burst,
				Experimenter: binary.BigEndian.Uint32(b[12:16]), Data: cloneBytes(b[16:n])})
		default:
			return nil, errf(ETMeterModFailed, MMFCBadBand, "unknown meter band type %d", t)
		}
		if t != MBTExperimenter && n != meterBandLen {
			return nil, badRequest(BRCBadLen, "meter band type %d: length %d, want %d", t, n, meterBandLen)
		}
		b = b[n:]
	}
	return bands, nil
}

// formatMeterBand prints a band as ovs-ofctl does: "type=drop rate=10".
func formatMeterBand(m MeterBand) string {
	rate, burst := m.RateBurst()
	var s string
	switch m := m.(type) {
	case *MeterBandDrop:
		s = fmt.Sprintf("type=drop rate=%d", rate)
	case *MeterBandDSCPRemark:
		s = fmt.Sprintf("type=dscp_remark rate=%d prec_level=%d", rate, m.PrecLevel)
	case *MeterBandExperimenter:
		s = fmt.Sprintf("type=experimenter rate=%d experimenter=%#x", rate, m.Experimenter)
	}
	if burst != 0 {
		s += fmt.Sprintf(" burst_size=%d", burst)
	}
	return s
}
