package connmgr

// Packet-in rate limiting, as Open vSwitch's controller_rate_limit and
// controller_burst_limit: a token bucket per session for table misses and
// another for controller actions, so that a flood of misses cannot starve
// packet-ins that flows ask for. Open vSwitch queues what exceeds the rate
// (up to the burst) and sends it later; xvs drops and counts it, because
// a packet-in that arrives late is rarely worth more than none, and a
// queue is latency for all later ones.

import (
	"sync"
	"time"
)

type tokenBucket struct {
	rate  float64 // tokens per second
	burst float64
	level float64
	last  time.Time
}

func (b *tokenBucket) take(now time.Time) bool {
	if b.last.IsZero() {
		b.level = b.burst
	} else if d := now.Sub(b.last); d > 0 {
		b.level = min(b.burst, b.level+d.Seconds()*b.rate)
	}
	b.last = now
	if b.level >= 1 {
		b.level--
		return true
	}
	return false
}

// pinLimiter limits one session's packet-ins.
type pinLimiter struct {
	now func() time.Time

	mu           sync.Mutex // mu protects the buckets
	miss, action tokenBucket
}

// newPinLimiter applies Open vSwitch's bounds: a rate of at least 100/s
// and a burst of at least 25, a quarter of the rate by default.
func newPinLimiter(rate, burst int, now func() time.Time) *pinLimiter {
	rate = max(rate, minRateLimit)
	if burst <= 0 {
		burst = rate / 4
	}
	burst = max(burst, minBurstLimit)
	b := tokenBucket{rate: float64(rate), burst: float64(burst)}
	return &pinLimiter{now: now, miss: b, action: b}
}

// allow takes a token from the bucket for the packet-in's kind.
func (l *pinLimiter) allow(miss bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if miss {
		return l.miss.take(l.now())
	}
	return l.action.take(l.now())
}
