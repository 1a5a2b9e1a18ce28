package ofp

import "testing"

// oxmID returns the id of an OpenFlow-basic field, masked or not, with
// the length ovs-ofctl expects.
func oxmID(field uint8, masked bool) OXMID {
	f, _ := basicField(field)
	h := uint32(OXMClassOpenFlowBasic)<<16 | uint32(field)<<9 | uint32(f.size)
	if masked {
		h = h&^0xff | 0x100 | uint32(2*f.size)
	}
	return OXMID{Header: h}
}

// tfTable builds a table with every property ovs-ofctl requires.
func tfTable(id uint8, name string, next []uint8, match, wild, setFields []OXMID, maxEntries uint32) TableFeatures {
	ins := []InstructionID{{Type: 1}, {Type: 2}, {Type: 3}, {Type: 4}, {Type: 5}, {Type: 6}}
	acts := []ActionID{{Type: 0}, {Type: 22}, {Type: 25}, {Type: 17}, {Type: 18}}
	return TableFeatures{TableID: id, Name: name, MaxEntries: maxEntries, Properties: []TableFeatureProp{
		{Type: TFPInstructions, Instructions: ins},
		{Type: TFPInstructionsMiss, Instructions: ins},
		{Type: TFPNextTables, NextTables: next},
		{Type: TFPNextTablesMiss, NextTables: next},
		{Type: TFPWriteActions, Actions: acts},
		{Type: TFPWriteActionsMiss, Actions: acts},
		{Type: TFPApplyActions, Actions: acts},
		{Type: TFPApplyActionsMiss, Actions: acts[:1]},
		{Type: TFPMatch, OXMs: match},
		{Type: TFPWildcards, OXMs: wild},
		{Type: TFPWriteSetfield, OXMs: setFields},
		{Type: TFPWriteSetfieldMiss, OXMs: setFields},
		{Type: TFPApplySetfield, OXMs: setFields},
		{Type: TFPApplySetfieldMiss, OXMs: nil},
	}}
}

// TestTableFeaturesInterop compares the text of table features with
// ovs-ofctl's for the cases its model prints differently: ditto runs,
// "(same ...)" parts, masks and wildcards, folded field names, next-table
// ranges, and ids Open vSwitch does not know.
func TestTableFeaturesInterop(t *testing.T) {
	var all []OXMID
	for _, o := range tfFieldOrder {
		all = append(all, oxmID(o.field, false))
	}
	match := []OXMID{oxmID(OXMInPortField, false), oxmID(OXMEthDstField, true), oxmID(OXMEthSrcField, false),
		oxmID(OXMEthTypeField, false), oxmID(OXMIPv4SrcField, true), oxmID(OXMIPv4DstField, true), oxmID(OXMTCPSrcField, false)}
	wild := []OXMID{oxmID(OXMEthSrcField, false), oxmID(OXMEthDstField, false), oxmID(OXMTCPSrcField, false), oxmID(OXMVlanVIDField, false)}
	sets := []OXMID{oxmID(OXMEthSrcField, false), oxmID(OXMEthDstField, false), oxmID(OXMVlanVIDField, false)}
	next := func(ids ...uint8) []uint8 { return ids }

	unknown := tfTable(7, "", next(8), match, wild, sets, 10)
	unknown.Properties[0].Instructions = append(unknown.Properties[0].Instructions, InstructionID{Type: 0xffff, Experimenter: 0x2320})
	unknown.Properties[6].Actions = append(unknown.Properties[6].Actions, ActionID{Type: 11}, ActionID{Type: 0xffff, Experimenter: 1})
	unknown.Properties[8].OXMs = append(unknown.Properties[8].OXMs, OXMID{Header: 0x80006404}, oxmID(OXMPBBISIDField, false))

	cases := map[string][]TableFeatures{
		"ditto runs": {
			tfTable(0, "classifier", next(1, 2, 3, 5, 7, 8, 9), match, wild, sets, 1000000),
			tfTable(1, "", next(1, 2, 3, 5, 7, 8, 9), match, wild, sets, 1000000),
			tfTable(2, "", next(1, 2, 3, 5, 7, 8, 9), match, wild, sets, 1000000),
			tfTable(3, "named", next(1, 2, 3, 5, 7, 8, 9), match, wild, sets, 1000000),
			tfTable(4, "", next(5), match, wild, sets, 1000000),
			tfTable(5, "", next(5), match, wild, sets, 5),
			tfTable(6, "", next(5), all, all, all, 5),
			unknown,
			tfTable(8, "", nil, nil, nil, nil, 0),
		},
		"all fields":      {tfTable(0, "", next(254), all, nil, all, 1)},
		"no miss actions": {tfTable(0, "", next(1), match, nil, nil, 1)},
	}
	for name, tables := range cases {
		t.Run(name, func(t *testing.T) {
			checkInterop(t, Version13, &MultipartReply{Body: &TableFeaturesReply{Tables: tables}})
			checkInterop(t, Version13, &MultipartRequest{Body: &TableFeaturesRequest{Tables: tables}})
		})
	}
}
