package meter

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// recDP is a dummy datapath that records the meters set and can fail.
type recDP struct {
	*dummy.Datapath
	set     map[uint32]datapath.MeterConfig
	failSet error
}

func newRecDP(now func() time.Time) *recDP {
	return &recDP{Datapath: dummy.New(dummy.Config{Now: now}), set: map[uint32]datapath.MeterConfig{}}
}

func (r *recDP) SetMeter(id uint32, cfg datapath.MeterConfig) error {
	if r.failSet != nil {
		return r.failSet
	}
	if err := r.Datapath.SetMeter(id, cfg); err != nil {
		return err
	}
	r.set[id] = cfg
	return nil
}

func (r *recDP) DeleteMeter(id uint32) error {
	delete(r.set, id)
	return r.Datapath.DeleteMeter(id)
}

func drop(rate, burst uint32) ofp.MeterBand { return &ofp.MeterBandDrop{Rate: rate, BurstSize: burst} }
func remark(rate, burst uint32, prec uint8) ofp.MeterBand {
	return &ofp.MeterBandDSCPRemark{Rate: rate, BurstSize: burst, PrecLevel: prec}
}

func madd(id uint32, flags uint16, bands ...ofp.MeterBand) *ofp.MeterMod {
	return &ofp.MeterMod{Command: ofp.MeterAdd, Flags: flags, MeterID: id, Bands: bands}
}

func mmod(id uint32, flags uint16, bands ...ofp.MeterBand) *ofp.MeterMod {
	m := madd(id, flags, bands...)
	m.Command = ofp.MeterModify
	return m
}

func mdel(id uint32) *ofp.MeterMod { return &ofp.MeterMod{Command: ofp.MeterDelete, MeterID: id} }

func mustMod(t *testing.T, tb *Table, mm *ofp.MeterMod) {
	t.Helper()
	if err := tb.Mod(mm); err != nil {
		t.Fatalf("mod %+v: %v", mm, err)
	}
}

const kbps, pktps, burst, stats = ofp.MeterFlagKbps, ofp.MeterFlagPktps, ofp.MeterFlagBurst, ofp.MeterFlagStats

func TestModErrors(t *testing.T) {
	nine := make([]ofp.MeterBand, MaxBands+1)
	for i := range nine {
		nine[i] = drop(uint32(100*(i+1)), 0)
	}
	tests := []struct {
		name    string
		opts    []Option
		setup   []*ofp.MeterMod
		failSet error
		mod     *ofp.MeterMod
		code    uint16
	}{
		{"add existing", nil, []*ofp.MeterMod{madd(1, kbps, drop(10, 0))}, nil, madd(1, kbps, drop(20, 0)), ofp.MMFCMeterExists},
		{"meter 0", nil, nil, nil, madd(0, kbps, drop(10, 0)), ofp.MMFCInvalidMeter},
		{"above OFPM_MAX", nil, nil, nil, madd(ofp.MeterMax+1, kbps, drop(10, 0)), ofp.MMFCInvalidMeter},
		{"add OFPM_ALL", nil, nil, nil, madd(ofp.MeterAll, kbps, drop(10, 0)), ofp.MMFCInvalidMeter},
		{"modify missing", nil, nil, nil, mmod(4, kbps, drop(10, 0)), ofp.MMFCUnknownMeter},
		{"unknown command", nil, nil, nil, &ofp.MeterMod{Command: 3, MeterID: 1}, ofp.MMFCBadCommand},
		{"kbps and pktps", nil, nil, nil, madd(1, kbps|pktps, drop(10, 0)), ofp.MMFCBadFlags},
		{"unknown flag", nil, nil, nil, madd(1, kbps|0x40, drop(10, 0)), ofp.MMFCBadFlags},
		{"rate 0", nil, nil, nil, madd(1, kbps, drop(10, 0), drop(0, 0)), ofp.MMFCBadRate},
		{"rate too high", nil, nil, nil, madd(1, pktps, drop(MaxRate+1, 0)), ofp.MMFCBadRate},
		{"burst too big", nil, nil, nil, madd(1, kbps|burst, drop(10, MaxBurst+1)), ofp.MMFCBadBurst},
		{"experimenter band", nil, nil, nil,
			madd(1, kbps, &ofp.MeterBandExperimenter{Rate: 10, Experimenter: 0x2320}), ofp.MMFCBadBand},
		{"nil band", nil, nil, nil, madd(1, kbps, nil), ofp.MMFCBadBand},
		{"too many bands", nil, nil, nil, madd(1, kbps, nine...), ofp.MMFCOutOfBands},
		{"table full", []Option{WithMaxMeters(2)},
			[]*ofp.MeterMod{madd(1, kbps, drop(10, 0)), madd(2, kbps, drop(10, 0))}, nil,
			madd(3, kbps, drop(10, 0)), ofp.MMFCOutOfMeters},
		{"datapath full", nil, nil, errors.New("map full"), madd(1, kbps, drop(10, 0)), ofp.MMFCOutOfMeters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dp := newRecDP(nil)
			tb := NewTable(dp, tc.opts...)
			for _, s := range tc.setup {
				mustMod(t, tb, s)
			}
			dp.failSet = tc.failSet
			before := tb.IDs()
			err := tb.Mod(tc.mod)
			var oe *ofp.Error
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an *ofp.Error", err)
			}
			if oe.Type != ofp.ETMeterModFailed || oe.Code != tc.code {
				t.Fatalf("err = %v (type %d code %d), want METER_MOD_FAILED code %d", err, oe.Type, oe.Code, tc.code)
			}
			if after := tb.IDs(); !slices.Equal(before, after) || len(dp.set) != len(before) {
				t.Fatalf("failed mod changed something: meters %v -> %v, datapath %v", before, after, dp.set)
			}
		})
	}
	if err := NewTable(newRecDP(nil)).Mod(nil); err == nil {
		t.Error("nil meter-mod accepted")
	}
}

func TestProgramsDatapath(t *testing.T) {
	dp := newRecDP(nil)
	tb := NewTable(dp)
	mustMod(t, tb, madd(10, kbps, drop(1000, 500)))                              // burst_size without OFPMF_BURST: ignored
	mustMod(t, tb, madd(20, pktps|burst|stats, drop(100, 50), remark(50, 0, 2))) // burst 0: default
	mustMod(t, tb, madd(30, 0, remark(64, 0, 0)))                                // neither kbps nor pktps: kbps
	mustMod(t, tb, madd(ofp.MeterController, pktps, drop(100, 0)))
	mustMod(t, tb, madd(ofp.MeterSlowpath, pktps, drop(100, 0)))
	mustMod(t, tb, madd(40, kbps)) // no bands: nothing in the datapath

	want := map[uint32]datapath.MeterConfig{
		10: {Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 1000}}},
		20: {PPS: true, Bands: []datapath.MeterBand{
			{Type: datapath.BandDrop, Rate: 100, Burst: 50},
			{Type: datapath.BandDSCPRemark, Rate: 50, PrecLevel: 2}}},
		30:                  {Bands: []datapath.MeterBand{{Type: datapath.BandDSCPRemark, Rate: 64}}},
		ofp.MeterController: {PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 100}}},
		ofp.MeterSlowpath:   {PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 100}}},
	}
	got := map[uint32]datapath.MeterConfig{}
	dpIDs := map[uint32]bool{}
	for _, id := range tb.IDs() {
		dpid, ok := tb.DatapathID(id)
		if !ok || dpIDs[dpid] {
			t.Fatalf("meter %d: datapath id %d, %v (ids so far %v)", id, dpid, ok, dpIDs)
		}
		dpIDs[dpid] = true
		if cfg, ok := dp.set[dpid]; ok {
			got[id] = cfg
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("datapath meters:\n got %+v\nwant %+v", got, want)
	}
	if _, ok := tb.DatapathID(99); ok || tb.Exists(99) || !tb.Exists(40) {
		t.Fatal("Exists/DatapathID wrong for missing or bandless meters")
	}

	// Modify keeps the datapath id and reprograms.
	before, _ := tb.DatapathID(10)
	mustMod(t, tb, mmod(10, pktps, drop(7, 0)))
	after, _ := tb.DatapathID(10)
	if before != after || !reflect.DeepEqual(dp.set[after], datapath.MeterConfig{PPS: true, Bands: []datapath.MeterBand{{Type: datapath.BandDrop, Rate: 7}}}) {
		t.Fatalf("modify: id %d -> %d, config %+v", before, after, dp.set[after])
	}
	// Modify to no bands removes the datapath meter; back again adds it.
	mustMod(t, tb, mmod(10, pktps))
	if _, ok := dp.set[after]; ok {
		t.Fatal("bandless meter still in the datapath")
	}
	mustMod(t, tb, mmod(10, pktps, drop(8, 0)))
	if _, ok := dp.set[after]; !ok {
		t.Fatal("meter not back in the datapath")
	}

	// Delete one: gone from both; deleting it again is no error.
	dpid20, _ := tb.DatapathID(20)
	r, err := tb.Apply(mdel(20))
	if err != nil || !slices.Equal(r.Deleted, []uint32{20}) || tb.Exists(20) {
		t.Fatalf("delete 20: %+v, %v", r, err)
	}
	if _, err := dp.MeterStats(dpid20); !errors.Is(err, datapath.ErrNoSuchMeter) {
		t.Fatalf("datapath meter %d after delete: %v", dpid20, err)
	}
	if r, err := tb.Apply(mdel(20)); err != nil || len(r.Deleted) != 0 {
		t.Fatalf("delete missing: %+v, %v", r, err)
	}
	// A freed datapath id is reused.
	mustMod(t, tb, madd(21, kbps, drop(1, 0)))
	if id, _ := tb.DatapathID(21); id != dpid20 {
		t.Fatalf("new meter got datapath id %d, want the freed %d", id, dpid20)
	}
	// Delete all.
	r, err = tb.Apply(mdel(ofp.MeterAll))
	if err != nil || len(r.Deleted) != 6 || len(tb.IDs()) != 0 || len(dp.set) != 0 {
		t.Fatalf("delete all: %+v, %v, left %v in the table, %v in the datapath", r, err, tb.IDs(), dp.set)
	}
}

func TestConfigEcho(t *testing.T) {
	tb := NewTable(newRecDP(nil))
	mods := []*ofp.MeterMod{
		madd(5, pktps|burst|stats, drop(100, 50), remark(50, 7, 1)),
		madd(2, kbps, drop(1000, 33)), // burst_size echoed though unused
		madd(9, 0),
	}
	for _, m := range mods {
		mustMod(t, tb, m)
	}
	r, err := tb.Config(ofp.MeterAll)
	if err != nil {
		t.Fatal(err)
	}
	want := []ofp.MeterConfig{
		{Flags: kbps, MeterID: 2, Bands: mods[1].Bands},
		{Flags: pktps | burst | stats, MeterID: 5, Bands: mods[0].Bands},
		{Flags: 0, MeterID: 9, Bands: []ofp.MeterBand{}},
	}
	if !reflect.DeepEqual(r.Entries, want) {
		t.Fatalf("config = %s\nwant %s", dump(r.Entries), dump(want))
	}
	// The reply survives the wire.
	wire, err := ofp.Marshal(ofp.Version13, 1, &ofp.MultipartReply{Body: r})
	if err != nil {
		t.Fatal(err)
	}
	_, msg, err := ofp.Unmarshal(wire)
	if err != nil {
		t.Fatal(err)
	}
	got := msg.(*ofp.MultipartReply).Body.(*ofp.MeterConfigReply)
	if !reflect.DeepEqual(got.Entries[:2], want[:2]) || got.Entries[2].MeterID != 9 || len(got.Entries[2].Bands) != 0 {
		t.Fatalf("config after the wire = %s", dump(got.Entries))
	}
	// The table keeps its own copy of the bands.
	mods[1].Bands[0].(*ofp.MeterBandDrop).Rate = 1
	if one, _ := tb.Config(2); one.Entries[0].Bands[0].(*ofp.MeterBandDrop).Rate != 1000 {
		t.Fatal("table shares the caller's bands")
	}
	if _, err := tb.Config(3); !errors.Is(err, &ofp.Error{Type: ofp.ETMeterModFailed, Code: ofp.MMFCUnknownMeter}) {
		t.Fatalf("config of a missing meter: %v", err)
	}
}

func dump(es []ofp.MeterConfig) string {
	s := ""
	for _, e := range es {
		s += fmt.Sprintf("{id %d flags %#x bands", e.MeterID, e.Flags)
		for _, b := range e.Bands {
			s += fmt.Sprintf(" %T%+v", b, b)
		}
		s += "} "
	}
	return s
}
