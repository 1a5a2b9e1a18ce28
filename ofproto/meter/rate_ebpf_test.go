package meter

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/ebpf"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestMeasuredRateEBPF offers packets in real time to the eBPF datapath's
// meter code (Execute runs the BPF action code with BPF_PROG_RUN) and
// checks the rate the meter passes, from the meter's own counters.
func TestMeasuredRateEBPF(t *testing.T) {
	testenv.RequireRoot(t)
	if testing.Short() {
		t.Skip("real-time rate measurement")
	}
	b := make([]byte, 4)
	rand.Read(b)
	pin := filepath.Join("/sys/fs/bpf", "xg-"+hex.EncodeToString(b))
	t.Cleanup(func() { os.RemoveAll(pin) })
	dp, err := ebpf.New(ebpf.Config{Name: "xg-meter", PinDir: pin, MaxFlows: 64})
	if err != nil {
		t.Fatalf("ebpf datapath: %v", err)
	}
	t.Cleanup(func() { dp.Close() })

	for _, tc := range []rateCase{
		{"pktps over", pktps | burst, 1000, 100, 2500, 1000},
		{"kbps over", kbps | burst, 2000, 250, 2500, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := NewTable(dp)
			// A burst of 50 ms at the rate keeps what a scheduling hiccup of
			// the sender can carry over small.
			bucket := tc.rate / 20
			if err := tb.Mod(madd(1, tc.flags, drop(tc.rate, bucket))); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tb.Mod(mdel(1)) })
			dpid, _ := tb.DatapathID(1)
			acts := []datapath.Action{datapath.Meter{ID: dpid}}
			f := frame(tc.size)
			gap := time.Duration(float64(time.Second) / tc.offered)
			passed := func() uint64 {
				st, err := tb.Stats(1, nil)
				if err != nil {
					t.Fatal(err)
				}
				e := st.Entries[0]
				return e.PacketInCount - e.Bands[0].PacketBandCount
			}
			// send offers packets paced on the wall clock for d; a sender
			// that falls behind catches up at once, so the offered rate
			// stays above the meter's.
			// send offers packets paced on the wall clock for d and
			// returns the longest pause between two sends. A sender that
			// falls behind catches up at once, so the offered rate stays
			// above the meter's.
			next := time.Now()
			send := func(d time.Duration) (stall time.Duration) {
				last := time.Now()
				for end := time.Now().Add(d); time.Now().Before(end); next = next.Add(gap) {
					if w := time.Until(next); w > 0 {
						time.Sleep(w)
					}
					if err := dp.Execute(f, 1, acts); err != nil {
						t.Fatal(err)
					}
					now := time.Now()
					stall = max(stall, now.Sub(last))
					last = now
				}
				return stall
			}
			send(time.Second)
			// A pause of the sender longer than the bucket holds (50 ms)
			// loses tokens that the catch-up burst cannot use: such a
			// window says nothing about the meter, so it is measured
			// again (a loaded machine descheduled the sender).
			var got float64
			for try := 1; ; try++ {
				start, t0 := passed(), time.Now()
				stall := send(3 * time.Second)
				got = float64(passed()-start) / time.Since(t0).Seconds()
				if stall < 40*time.Millisecond || try == 5 {
					break
				}
				t.Logf("try %d: the sender paused %v; measuring again", try, stall)
			}
			if got < tc.want*0.9 || got > tc.want*1.1 {
				t.Fatalf("passed %.0f packets/s, want %.0f ±10%%", got, tc.want)
			}
			t.Logf("passed %.0f packets/s of %.0f offered (meter %d %s)", got, tc.offered, tc.rate, map[bool]string{true: "pktps", false: "kbps"}[tc.flags&pktps != 0])
		})
	}
}

// TestEBPFCapacity checks that DefaultMaxMeters is what the eBPF
// datapath's meters map holds: that many distinct meters fit, one more
// does not.
func TestEBPFCapacity(t *testing.T) {
	testenv.RequireRoot(t)
	b := make([]byte, 4)
	rand.Read(b)
	pin := filepath.Join("/sys/fs/bpf", "xg-"+hex.EncodeToString(b))
	t.Cleanup(func() { os.RemoveAll(pin) })
	dp, err := ebpf.New(ebpf.Config{Name: "xg-cap", PinDir: pin, MaxFlows: 64})
	if err != nil {
		t.Fatalf("ebpf datapath: %v", err)
	}
	t.Cleanup(func() { dp.Close() })
	// The table fills the datapath through OpenFlow meter-mods; the
	// limit it reports first is its own, so lift it to reach the map's.
	tb := NewTable(dp, WithMaxMeters(DefaultMaxMeters+1))
	for id := uint32(1); id <= DefaultMaxMeters; id++ {
		if err := tb.Mod(madd(id, pktps, drop(100, 0))); err != nil {
			t.Fatalf("meter %d of %d: %v", id, DefaultMaxMeters, err)
		}
	}
	err = tb.Mod(madd(DefaultMaxMeters+1, pktps, drop(100, 0)))
	if !errors.Is(err, &ofp.Error{Type: ofp.ETMeterModFailed, Code: ofp.MMFCOutOfMeters}) {
		t.Fatalf("meter %d: err = %v, want OUT_OF_METERS from the full datapath map", DefaultMaxMeters+1, err)
	}
	if err := tb.Mod(mdel(0xffffffff)); err != nil {
		t.Fatal(err)
	}
}
