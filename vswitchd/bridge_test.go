package vswitchd

import (
	"testing"
	"time"
)

// TestRevalidateWait: short passes keep the period; long ones space the
// next periodic pass so the revalidator uses at most 1/50 of a CPU, up to
// four periods apart.
func TestRevalidateWait(t *testing.T) {
	const p = 500 * time.Millisecond
	for _, c := range []struct{ took, want time.Duration }{
		{0, p},
		{time.Millisecond, p - time.Millisecond},
		{10 * time.Millisecond, p - 10*time.Millisecond},
		{20 * time.Millisecond, time.Second - 20*time.Millisecond},
		{30 * time.Millisecond, 1500*time.Millisecond - 30*time.Millisecond},
		{100 * time.Millisecond, 4*p - 100*time.Millisecond},
		{3 * time.Second, 0},
	} {
		if got := revalidateWait(p, c.took); got != c.want {
			t.Errorf("revalidateWait(%v, %v) = %v, want %v", p, c.took, got, c.want)
		}
	}
}
