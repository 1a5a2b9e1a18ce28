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

// TestGroupMeterErrorsAgreeWithOVS: group-mods and meter-mods that xvs
// refuses at decoding, with the error ovs-ofctl gives where it checks the
// same thing while decoding. Some checks ovs-ofctl leaves to the switch
// (ovs ""): xvs makes them at decoding too.
func TestGroupMeterErrorsAgreeWithOVS(t *testing.T) {
	bucket := func(w uint16, port PortNo, group uint32, as ...Action) Bucket {
		return Bucket{Weight: w, WatchPort: port, WatchGroup: group, Actions: as}
	}
	for _, tt := range []struct {
		name     string
		m        Message
		xvs, ovs string
	}{
		{"ff bucket watches nothing", &GroupMod{Type: GroupTypeFastFailover, GroupID: 1,
			Buckets: []Bucket{bucket(0, PortAny, GroupAny)}}, "OFPGMFC_INVALID_GROUP", "OFPGMFC_INVALID_GROUP"},
		{"indirect with two buckets", &GroupMod{Type: GroupTypeIndirect, GroupID: 1,
			Buckets: []Bucket{bucket(0, PortAny, GroupAny), bucket(0, PortAny, GroupAny)}}, "OFPGMFC_INVALID_GROUP", "OFPGMFC_INVALID_GROUP"},
		{"weight in all group", &GroupMod{Type: GroupTypeAll, GroupID: 1,
			Buckets: []Bucket{bucket(3, PortAny, GroupAny)}}, "OFPGMFC_INVALID_GROUP", "OFPGMFC_INVALID_GROUP"},
		{"bad group type", &GroupMod{Type: 7, GroupID: 1}, "OFPGMFC_BAD_TYPE", "OFPGMFC_BAD_TYPE"},
		{"add OFPG_ALL", &GroupMod{Type: GroupTypeAll, GroupID: GroupAll}, "OFPGMFC_INVALID_GROUP", ""},
		{"bucket output to port 0", &GroupMod{Type: GroupTypeAll, GroupID: 1,
			Buckets: []Bucket{bucket(0, PortAny, GroupAny, &ActionOutput{})}}, "OFPBAC_BAD_OUT_PORT", ""},
		{"select weight 0 is fine", &GroupMod{Type: GroupTypeSelect, GroupID: 1,
			Buckets: []Bucket{bucket(0, PortAny, GroupAny)}}, "", ""},
		{"ff watching a port is fine", &GroupMod{Type: GroupTypeFastFailover, GroupID: 1,
			Buckets: []Bucket{bucket(0, 1, GroupAny, &ActionOutput{Port: 1})}}, "", ""},
		{"meter kbps and pktps", &MeterMod{MeterID: 1, Flags: MeterFlagKbps | MeterFlagPktps,
			Bands: []MeterBand{&MeterBandDrop{Rate: 1}}}, "OFPMMFC_BAD_FLAGS", "OFPMMFC_BAD_FLAGS"},
		{"meter bad command", &MeterMod{Command: 4, MeterID: 1}, "OFPMMFC_BAD_COMMAND", "OFPMMFC_BAD_COMMAND"},
		{"meter id 0", &MeterMod{MeterID: 0, Flags: MeterFlagKbps, Bands: []MeterBand{&MeterBandDrop{Rate: 1}}},
			"OFPMMFC_INVALID_METER", ""},
		{"meter rate 0", &MeterMod{MeterID: 1, Flags: MeterFlagKbps, Bands: []MeterBand{&MeterBandDrop{}}},
			"OFPMMFC_BAD_RATE", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wire := mustMarshal(Version13, 1, tt.m)
			xvs := ""
			if _, _, err := Unmarshal(wire); err != nil {
				e := err.(*Error)
				xvs = errorName13(e.Type, e.Code)
			}
			ovs := ""
			if m := ovsDecodeError.FindStringSubmatch(ovsOfpPrintRaw(t, wire)); m != nil {
				ovs = m[1]
			}
			if xvs != tt.xvs || ovs != tt.ovs {
				t.Errorf("xvs %q, ovs-ofctl %q; want %q, %q", xvs, ovs, tt.xvs, tt.ovs)
			}
		})
	}
}
