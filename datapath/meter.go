package datapath

import (
	"errors"
	"fmt"
)

// MeterConfig is one meter: a token bucket per band, as OpenFlow 1.3.5
// section 5.7 describes. A packet is measured against every band; the band
// with the highest rate whose bucket cannot pay for the packet applies. With
// no band applying the packet passes unchanged.
type MeterConfig struct {
	PPS   bool // rates and bursts count packets; otherwise kilobits
	Bands []MeterBand
}

// MeterBandType is what a band does to a packet it applies to.
type MeterBandType uint8

const (
	// BandDrop drops the packet.
	BandDrop MeterBandType = iota + 1
	// BandDSCPRemark raises the drop precedence of the IP DSCP by
	// PrecLevel (the two drop-precedence bits of an AF class, RFC 2597,
	// saturating at 3); non-IP packets pass unchanged.
	BandDSCPRemark
)

func (t MeterBandType) String() string {
	switch t {
	case BandDrop:
		return "drop"
	case BandDSCPRemark:
		return "dscp_remark"
	}
	return fmt.Sprintf("MeterBandType(%d)", t)
}

// MeterBand is one band of a meter.
type MeterBand struct {
	Type      MeterBandType
	Rate      uint32 // kbit/s or packets/s
	Burst     uint32 // bucket size in kbit or packets; 0 means Rate (one second)
	PrecLevel uint8  // BandDSCPRemark only
}

// MaxMeterBands bounds the bands of one meter.
const MaxMeterBands = 8

// Validate checks the configuration.
func (c MeterConfig) Validate() error {
	if len(c.Bands) == 0 {
		return errors.New("meter: no bands")
	}
	if len(c.Bands) > MaxMeterBands {
		return fmt.Errorf("meter: %d bands, at most %d", len(c.Bands), MaxMeterBands)
	}
	for i, b := range c.Bands {
		if b.Type != BandDrop && b.Type != BandDSCPRemark {
			return fmt.Errorf("meter: band %d: unknown type %d", i, b.Type)
		}
		if b.Rate == 0 {
			return fmt.Errorf("meter: band %d: rate 0", i)
		}
	}
	return nil
}

// MeterStats count what a meter saw.
type MeterStats struct {
	Packets, Bytes uint64
	Bands          []MeterBandStats // in the order of MeterConfig.Bands
}

// MeterBandStats count the packets a band applied to.
type MeterBandStats struct {
	Packets, Bytes uint64
}
