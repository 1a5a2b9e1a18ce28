package meter

import (
	"errors"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// frame returns an IPv4/UDP frame of n bytes (n >= 42).
func frame(n int) []byte {
	f := make([]byte, n)
	copy(f, []byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00})
	ip := f[14:]
	ip[0] = 0x45
	ip[1] = 10 << 2 // AF11
	ip[2], ip[3] = byte((n-14)>>8), byte(n-14)
	ip[8], ip[9] = 64, 17
	copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
	udp := ip[20:]
	udp[1], udp[3] = 9, 9
	udp[4], udp[5] = byte((n-34)>>8), byte(n-34)
	return f
}

func TestStats(t *testing.T) {
	now := time.Unix(5000, 0)
	clock := func() time.Time { return now }
	dp := newRecDP(clock)
	tb := NewTable(dp, WithClock(clock))
	// 10 packets/s, bucket of 5: of 20 packets at one instant, 5 pass.
	mustMod(t, tb, madd(3, pktps|burst|stats, drop(10, 5)))
	dpid, _ := tb.DatapathID(3)
	for range 20 {
		if err := dp.Execute(frame(100), 1, []datapath.Action{datapath.Meter{ID: dpid}}); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(1500 * time.Millisecond)
	flows := func(id uint32) int {
		if id == 3 {
			return 4
		}
		return 0
	}
	r, err := tb.Stats(3, flows)
	if err != nil {
		t.Fatal(err)
	}
	want := ofp.MeterStats{MeterID: 3, FlowCount: 4, PacketInCount: 20, ByteInCount: 2000,
		DurationSec: 1, DurationNsec: 500000000,
		Bands: []ofp.MeterBandStats{{PacketBandCount: 15, ByteBandCount: 1500}}}
	if len(r.Entries) != 1 || !equalStats(r.Entries[0], want) {
		t.Fatalf("stats = %+v, want %+v", r.Entries, want)
	}

	// A modify restarts the datapath meter but the counts carry on; the
	// duration too, since the meter is the same.
	mustMod(t, tb, mmod(3, pktps|burst|stats, drop(10, 1)))
	for range 3 {
		dp.Execute(frame(100), 1, []datapath.Action{datapath.Meter{ID: dpid}})
	}
	r, _ = tb.Stats(ofp.MeterAll, nil)
	want.FlowCount, want.PacketInCount, want.ByteInCount = 0, 23, 2300
	want.Bands[0] = ofp.MeterBandStats{PacketBandCount: 17, ByteBandCount: 1700}
	if len(r.Entries) != 1 || !equalStats(r.Entries[0], want) {
		t.Fatalf("stats after modify = %+v, want %+v", r.Entries, want)
	}
	// Another band count restarts the band counters only.
	mustMod(t, tb, mmod(3, pktps, drop(10, 0), drop(20, 0)))
	r, _ = tb.Stats(3, nil)
	if e := r.Entries[0]; e.PacketInCount != 23 || len(e.Bands) != 2 || e.Bands[0].PacketBandCount != 0 {
		t.Fatalf("stats after a band change = %+v", e)
	}
	if _, err := tb.Stats(4, nil); !errors.Is(err, &ofp.Error{Type: ofp.ETMeterModFailed, Code: ofp.MMFCUnknownMeter}) {
		t.Fatalf("stats of a missing meter: %v", err)
	}
}

func equalStats(a, b ofp.MeterStats) bool {
	if a.MeterID != b.MeterID || a.FlowCount != b.FlowCount || a.PacketInCount != b.PacketInCount ||
		a.ByteInCount != b.ByteInCount || a.DurationSec != b.DurationSec || a.DurationNsec != b.DurationNsec ||
		len(a.Bands) != len(b.Bands) {
		return false
	}
	for i := range a.Bands {
		if a.Bands[i] != b.Bands[i] {
			return false
		}
	}
	return true
}

func TestFeatures(t *testing.T) {
	f := NewTable(newRecDP(nil)).Features()
	want := ofp.MeterFeatures{MaxMeter: DefaultMaxMeters, BandTypes: 1<<1 | 1<<2,
		Capabilities: uint32(kbps | pktps | burst | stats), MaxBands: 8}
	if *f != want {
		t.Fatalf("features %+v, want %+v", *f, want)
	}
	if f := NewTable(newRecDP(nil), WithMaxMeters(10)).Features(); f.MaxMeter != 10 {
		t.Fatalf("max_meter %d with a limit of 10", f.MaxMeter)
	}
	if f := NewTable(limitedDP{newRecDP(nil)}).Features(); f.MaxMeter != 77 {
		t.Fatalf("max_meter %d from a datapath of 77", f.MaxMeter)
	}
}

type limitedDP struct{ *recDP }

func (limitedDP) MaxMeters() int { return 77 }

// TestAllLeavesOutVirtualMeters: OFPM_ALL stats and config list the
// regular meters only, as Open vSwitch does; the controller and slowpath
// meters answer when named.
func TestAllLeavesOutVirtualMeters(t *testing.T) {
	tb := NewTable(newRecDP(nil))
	mustMod(t, tb, madd(3, pktps, drop(100, 0)))
	mustMod(t, tb, madd(ofp.MeterController, pktps, drop(100, 0)))
	mustMod(t, tb, madd(ofp.MeterSlowpath, pktps, drop(100, 0)))
	st, err := tb.Stats(ofp.MeterAll, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := tb.Config(ofp.MeterAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Entries) != 1 || st.Entries[0].MeterID != 3 || len(cfg.Entries) != 1 || cfg.Entries[0].MeterID != 3 {
		t.Fatalf("OFPM_ALL: stats %+v config %+v, want meter 3 only", st.Entries, cfg.Entries)
	}
	for _, id := range []uint32{ofp.MeterController, ofp.MeterSlowpath} {
		if c, err := tb.Config(id); err != nil || len(c.Entries) != 1 || c.Entries[0].MeterID != id {
			t.Fatalf("config of %#x: %+v, %v", id, c, err)
		}
	}
}
