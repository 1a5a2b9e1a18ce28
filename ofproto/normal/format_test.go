package normal

import (
	"strings"
	"testing"
	"time"
)

// The expected texts are what ovs-appctl fdb/show and fdb/stats-show of
// Open vSwitch 3.1 printed for the same table.
func TestFormatEntries(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(0, 0, clk.Now)
	mt.Learn(0, mac(2), 2)
	clk.Advance(1500 * time.Millisecond)
	mt.Learn(0, mac(5), 2)
	mt.Learn(0, mac(1), 1)
	mt.Learn(10, mac(3), local)
	if _, _, err := mt.AddStatic(10, mac(0x98), 3); err != nil {
		t.Fatal(err)
	}
	got := FormatEntries(mt.Entries(), nil)
	want := ` port  VLAN  MAC                Age
    2     0  50:54:00:00:00:02    1
    2     0  50:54:00:00:00:05    0
    1     0  50:54:00:00:00:01    0
LOCAL    10  50:54:00:00:00:03    0
    3    10  50:54:00:00:00:98  static
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	named := FormatEntries(mt.Entries()[:1], func(p uint32) string { return "p" + PortName(p) })
	if !strings.Contains(named, "   p2     0  50:54:00:00:00:02") {
		t.Fatalf("port names: %q", named)
	}
}

func TestFormatStats(t *testing.T) {
	got := FormatStats("xnbr0", Stats{Current: 5, Max: 8192, Static: 3, Learned: 7, Moved: 2, Expired: 1, Evicted: 4})
	want := `Statistics for bridge "xnbr0":
  Current/maximum MAC entries in the table: 5/8192
  Current static MAC entries in the table : 3
  Total number of learned MAC entries     : 7
  Total number of expired MAC entries     : 1
  Total number of evicted MAC entries     : 4
  Total number of port moved MAC entries  : 2
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
