package packet

import (
	"sync"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// MeterState is a running meter: one token bucket per band, refilled at
// the band's rate up to its burst (OpenFlow 1.3.5 section 5.7). It is safe
// for concurrent use.
type MeterState struct {
	cfg datapath.MeterConfig

	mu     sync.Mutex // protects the fields below
	tokens []float64  // per band, in bits or packets
	last   time.Time
	stats  datapath.MeterStats
}

// NewMeterState starts a meter with full buckets.
func NewMeterState(cfg datapath.MeterConfig, now time.Time) *MeterState {
	m := &MeterState{cfg: cfg, tokens: make([]float64, len(cfg.Bands)), last: now}
	m.stats.Bands = make([]datapath.MeterBandStats, len(cfg.Bands))
	for i := range cfg.Bands {
		m.tokens[i] = m.capacity(i)
	}
	return m
}

// capacity is band i's bucket size in bits or packets.
func (m *MeterState) capacity(i int) float64 {
	b := m.cfg.Bands[i]
	burst := b.Burst
	if burst == 0 {
		burst = b.Rate
	}
	if m.cfg.PPS {
		return float64(burst)
	}
	return float64(burst) * 1000
}

// Admit measures a packet of frameLen bytes at now and returns the band
// that applies: of the bands whose bucket cannot pay for the packet, the one
// with the highest rate.
func (m *MeterState) Admit(now time.Time, frameLen int) (datapath.MeterBand, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dt := now.Sub(m.last).Seconds()
	if dt < 0 {
		dt = 0
	}
	m.last = now
	cost := float64(frameLen) * 8
	if m.cfg.PPS {
		cost = 1
	}
	m.stats.Packets++
	m.stats.Bytes += uint64(frameLen)
	best := -1
	for i, b := range m.cfg.Bands {
		rate := float64(b.Rate)
		if !m.cfg.PPS {
			rate *= 1000
		}
		m.tokens[i] = min(m.tokens[i]+rate*dt, m.capacity(i))
		if m.tokens[i] >= cost {
			m.tokens[i] -= cost
			continue
		}
		if best < 0 || b.Rate > m.cfg.Bands[best].Rate {
			best = i
		}
	}
	if best < 0 {
		return datapath.MeterBand{}, false
	}
	m.stats.Bands[best].Packets++
	m.stats.Bands[best].Bytes += uint64(frameLen)
	return m.cfg.Bands[best], true
}

// Stats returns a copy of the meter's counters.
func (m *MeterState) Stats() datapath.MeterStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats
	s.Bands = append([]datapath.MeterBandStats(nil), m.stats.Bands...)
	return s
}
