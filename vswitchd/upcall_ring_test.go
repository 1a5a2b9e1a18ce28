package vswitchd

import "testing"

func TestUpcallRingSize(t *testing.T) {
	for _, c := range []struct{ ncpu, want int }{{1, 4 << 20}, {2, 2 << 20}, {3, 1 << 20}, {8, 512 << 10}, {64, 512 << 10}} {
		if got := upcallRingSize(c.ncpu); got != c.want {
			t.Errorf("%d CPUs: %d bytes a ring, want %d", c.ncpu, got, c.want)
		}
	}
}
