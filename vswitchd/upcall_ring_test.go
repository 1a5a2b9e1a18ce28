package vswitchd

import "testing"

func TestUpcallRingSize(t *testing.T) {
	for _, c := range []struct{ ncpu, want int }{{1, 16 << 20}, {2, 8 << 20}, {3, 4 << 20}, {16, 1 << 20}, {64, 1 << 20}} {
		if got := upcallRingSize(c.ncpu); got != c.want {
			t.Errorf("%d CPUs: %d bytes a ring, want %d", c.ncpu, got, c.want)
		}
	}
}
