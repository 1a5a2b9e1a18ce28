package coverage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Counter is one named event counter. Inc is safe from any goroutine and
// costs one atomic add.
type Counter struct {
	name string
	n    atomic.Uint64
}

// Inc counts one event.
func (c *Counter) Inc() { c.n.Add(1) }

// Add counts n events.
func (c *Counter) Add(n uint64) { c.n.Add(n) }

// Value returns the total.
func (c *Counter) Value() uint64 { return c.n.Load() }

// Name returns the counter's name.
func (c *Counter) Name() string { return c.name }

// mu protects counters and samples.
var (
	mu       sync.Mutex
	counters = map[string]*Counter{}
	// samples keeps totals taken by Sample, newest last, at most an
	// hour's worth at sampleEvery.
	samples []sample
)

type sample struct {
	at     time.Time
	totals map[string]uint64
}

const (
	sampleEvery = 5 * time.Second
	maxSamples  = int(time.Hour / sampleEvery)
)

// New returns the counter of that name, creating it at the first call.
func New(name string) *Counter {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := counters[name]; ok {
		return c
	}
	c := &Counter{name: name}
	counters[name] = c
	return c
}

// Entry is one counter in a listing.
type Entry struct {
	Name  string  `json:"name"`
	Total uint64  `json:"total"`
	Sec5  float64 `json:"per_sec_5s"` // events per second over the last 5 s
	Min   float64 `json:"per_sec_1m"` // ... the last minute
	Hour  float64 `json:"per_sec_1h"` // ... the last hour
}

// Sample records the totals now; the daemon calls it every 5 seconds so
// that the listing can show rates.
func Sample(now time.Time) {
	mu.Lock()
	defer mu.Unlock()
	s := sample{at: now, totals: make(map[string]uint64, len(counters))}
	for n, c := range counters {
		s.totals[n] = c.Value()
	}
	samples = append(samples, s)
	if len(samples) > maxSamples {
		samples = slices.Delete(samples, 0, len(samples)-maxSamples)
	}
}

// List returns every counter, sorted by name, with its rates at now.
func List(now time.Time) []Entry {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Entry, 0, len(counters))
	for n, c := range counters {
		v := c.Value()
		out = append(out, Entry{Name: n, Total: v,
			Sec5: rate(n, v, now, 5*time.Second), Min: rate(n, v, now, time.Minute), Hour: rate(n, v, now, time.Hour)})
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// rate is the counter's increase per second since the oldest sample within
// window (mu held); 0 without such a sample.
func rate(name string, v uint64, now time.Time, window time.Duration) float64 {
	for _, s := range samples {
		if age := now.Sub(s.at); age <= window+time.Second && age > 0 {
			return float64(v-s.totals[name]) / age.Seconds()
		}
	}
	return 0
}

// Format prints a listing as ovs-appctl coverage/show does: a header, one
// line per counter with events, then how many counters had none.
func Format(es []Entry) string {
	var b strings.Builder
	b.WriteString("Event coverage, avg rate over last: 5 seconds, last minute, last hour,  total\n")
	zero := 0
	for _, e := range es {
		if e.Total == 0 {
			zero++
			continue
		}
		fmt.Fprintf(&b, "%-32s %8.1f/sec %9.3f/sec %10.4f/sec   total: %d\n", e.Name, e.Sec5, e.Min, e.Hour, e.Total)
	}
	fmt.Fprintf(&b, "%d events never hit\n", zero)
	return b.String()
}
