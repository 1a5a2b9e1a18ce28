package coverage

import (
	"strings"
	"testing"
	"time"
)

func TestCountersAndRates(t *testing.T) {
	a := New("xv_test_a")
	if New("xv_test_a") != a {
		t.Fatal("New with the same name must return the same counter")
	}
	New("xv_test_never")
	t0 := time.Now()
	Sample(t0)
	for range 10 {
		a.Inc()
	}
	a.Add(5)
	var got Entry
	for _, e := range List(t0.Add(5 * time.Second)) {
		if e.Name == "xv_test_a" {
			got = e
		}
	}
	if got.Total != 15 {
		t.Fatalf("total %d, want 15", got.Total)
	}
	if got.Sec5 != 3 {
		t.Fatalf("5 s rate %v, want 3/sec (15 events over 5 s)", got.Sec5)
	}
	out := Format(List(t0.Add(5 * time.Second)))
	if !strings.Contains(out, "xv_test_a") || !strings.Contains(out, "total: 15") || strings.Contains(out, "xv_test_never") {
		t.Fatalf("format:\n%s", out)
	}
	if !strings.Contains(out, "events never hit") {
		t.Fatalf("format lacks the never-hit line:\n%s", out)
	}
}
