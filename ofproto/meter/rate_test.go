package meter

import (
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// rateCase is one measured-rate check: frames of size bytes offered at
// offered packets/s through a meter with one drop band.
type rateCase struct {
	name    string
	flags   uint16
	rate    uint32  // kbit/s or packets/s
	size    int     // frame bytes
	offered float64 // packets/s
	want    float64 // packets/s expected to pass
}

var rateCases = []rateCase{
	// 1000 packets/s offered 2500: 1000 pass.
	{"pktps over", pktps, 1000, 100, 2500, 1000},
	// 2000 kbit/s with 250-byte frames is 1000 frames/s; 3000 offered.
	{"kbps over", kbps, 2000, 250, 3000, 1000},
	// Under the rate everything passes.
	{"pktps under", pktps, 1000, 100, 600, 600},
	{"kbps under", kbps, 8000, 500, 1500, 1500},
}

// TestMeasuredRateDummy offers packets at a controlled rate on the dummy
// datapath's clock and counts what the meter lets through to an output
// port, after a warm-up that empties the initial burst.
func TestMeasuredRateDummy(t *testing.T) {
	for _, tc := range rateCases {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(100, 0)
			dp := dummy.New(dummy.Config{Now: func() time.Time { return now }, TxQueue: 1})
			port, err := dp.AddPort(datapath.PortConfig{Name: "xg-out"})
			if err != nil {
				t.Fatal(err)
			}
			tb := NewTable(dp)
			if err := tb.Mod(madd(1, tc.flags, drop(tc.rate, 0))); err != nil {
				t.Fatal(err)
			}
			dpid, _ := tb.DatapathID(1)
			acts := []datapath.Action{datapath.Meter{ID: dpid}, datapath.Output{Port: port.Number}}
			f := frame(tc.size)
			gap := time.Duration(float64(time.Second) / tc.offered)
			passed := func() uint64 {
				ps, err := dp.Ports()
				if err != nil {
					t.Fatal(err)
				}
				// TxQueue 1: the first frame queues, the rest count as
				// dropped by the full queue; both passed the meter.
				return ps[0].Stats.TxPackets + ps[0].Stats.TxDropped
			}
			send := func(d time.Duration) {
				for end := now.Add(d); now.Before(end); now = now.Add(gap) {
					if err := dp.Execute(f, 9, acts); err != nil {
						t.Fatal(err)
					}
				}
			}
			send(2 * time.Second) // the one-second burst drains
			start := passed()
			const window = 10 * time.Second
			send(window)
			got := float64(passed()-start) / window.Seconds()
			if got < tc.want*0.9 || got > tc.want*1.1 {
				t.Fatalf("passed %.0f packets/s, want %.0f ±10%%", got, tc.want)
			}
			st, err := tb.Stats(1, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := st.Entries[0]
			if e.PacketInCount == 0 || e.PacketInCount-e.Bands[0].PacketBandCount != passed() {
				t.Fatalf("meter stats %+v disagree with %d passed", e, passed())
			}
		})
	}
}

// TestBurstFlag checks that OFPMF_BURST sizes the bucket: with a burst of
// 50 packets, 50 of a back-to-back train pass, against 1000 (one second at
// the rate) without the flag.
func TestBurstFlag(t *testing.T) {
	for _, tc := range []struct {
		flags uint16
		want  uint64
	}{{pktps | burst, 50}, {pktps, 1000}} {
		now := time.Unix(100, 0)
		dp := dummy.New(dummy.Config{Now: func() time.Time { return now }})
		tb := NewTable(dp)
		if err := tb.Mod(madd(1, tc.flags, drop(1000, 50))); err != nil {
			t.Fatal(err)
		}
		dpid, _ := tb.DatapathID(1)
		for range 2000 {
			dp.Execute(frame(64), 9, []datapath.Action{datapath.Meter{ID: dpid}})
		}
		st, _ := tb.Stats(ofp.MeterAll, nil)
		if got := st.Entries[0].PacketInCount - st.Entries[0].Bands[0].PacketBandCount; got != tc.want {
			t.Errorf("flags %#x: %d passed, want %d", tc.flags, got, tc.want)
		}
	}
}
