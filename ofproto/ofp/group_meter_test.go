package ofp

import "testing"

func TestGroupModInterop(t *testing.T) {
	for _, m := range []*GroupMod{
		{Command: GroupAdd, Type: GroupTypeAll, GroupID: 1, Buckets: []Bucket{
			{WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 1}}},
			{WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 2}}}}},
		{Command: GroupModify, Type: GroupTypeSelect, GroupID: 2, Buckets: []Bucket{
			{Weight: 5, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 1}}},
			{Weight: 7, WatchPort: PortAny, WatchGroup: GroupAny}}},
		{Command: GroupAdd, Type: GroupTypeFastFailover, GroupID: 3, Buckets: []Bucket{
			{WatchPort: 1, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 1}}},
			{WatchPort: PortAny, WatchGroup: 9, Actions: []Action{&ActionGroup{GroupID: 9}}}}},
		{Command: GroupAdd, Type: GroupTypeIndirect, GroupID: 4, Buckets: []Bucket{
			{WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionPushVLAN{EtherType: 0x8100}, &ActionOutput{Port: 3}}}}},
		{Command: GroupDelete, Type: GroupTypeAll, GroupID: GroupAll},
		{Command: GroupDelete, GroupID: 5},
	} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		checkInterop(t, Version13, m)
	}
}

func TestMeterModInterop(t *testing.T) {
	for _, m := range []*MeterMod{
		{Command: MeterAdd, Flags: MeterFlagKbps | MeterFlagBurst | MeterFlagStats, MeterID: 1,
			Bands: []MeterBand{&MeterBandDrop{Rate: 1000, BurstSize: 100}}},
		{Command: MeterModify, Flags: MeterFlagPktps, MeterID: 2,
			Bands: []MeterBand{&MeterBandDSCPRemark{Rate: 10, PrecLevel: 1}, &MeterBandDrop{Rate: 20}}},
		{Command: MeterDelete, MeterID: MeterAll},
		{Command: MeterAdd, Flags: MeterFlagKbps, MeterID: MeterController, Bands: []MeterBand{&MeterBandDrop{Rate: 5}}},
	} {
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		checkInterop(t, Version13, m)
	}
}
