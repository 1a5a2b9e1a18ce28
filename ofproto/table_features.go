package ofproto

// What xvs's flow tables support, as an OFPMP_TABLE_FEATURES reply (spec
// 1.3.5 §7.3.5.5): the builders here describe the pipeline, they do not
// configure it. A request that tries to change the features is refused by
// the pipeline (OFPTFFC_EPERM); the reply is always these.

import (
	"fmt"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// NTables is the number of flow tables (0-253), as Open vSwitch has.
const NTables = 254

// TableMaxEntries is the max_entries each table reports.
const TableMaxEntries = ofp.DefaultTableMaxEntries

// matchFields lists the OpenFlow-basic fields of table 12 (spec 1.3.5
// §7.2.3.7) with their size and whether a flow may mask them: every one
// of them can be matched and wildcarded in every table.
var matchFields = [...]struct {
	field    uint8
	size     int
	maskable bool
}{
	{ofp.OXMInPortField, 4, false}, {ofp.OXMInPhyPortField, 4, false}, {ofp.OXMMetadataField, 8, true},
	{ofp.OXMEthDstField, 6, true}, {ofp.OXMEthSrcField, 6, true}, {ofp.OXMEthTypeField, 2, false},
	{ofp.OXMVlanVIDField, 2, true}, {ofp.OXMVlanPCPField, 1, false}, {ofp.OXMIPDSCPField, 1, false},
	{ofp.OXMIPECNField, 1, false}, {ofp.OXMIPProtoField, 1, false}, {ofp.OXMIPv4SrcField, 4, true},
	{ofp.OXMIPv4DstField, 4, true}, {ofp.OXMTCPSrcField, 2, false}, {ofp.OXMTCPDstField, 2, false},
	{ofp.OXMUDPSrcField, 2, false}, {ofp.OXMUDPDstField, 2, false}, {ofp.OXMSCTPSrcField, 2, false},
	{ofp.OXMSCTPDstField, 2, false}, {ofp.OXMICMPv4TypeField, 1, false}, {ofp.OXMICMPv4CodeField, 1, false},
	{ofp.OXMARPOpField, 2, false}, {ofp.OXMARPSPAField, 4, true}, {ofp.OXMARPTPAField, 4, true},
	{ofp.OXMARPSHAField, 6, true}, {ofp.OXMARPTHAField, 6, true}, {ofp.OXMIPv6SrcField, 16, true},
	{ofp.OXMIPv6DstField, 16, true}, {ofp.OXMIPv6FlabelField, 4, true}, {ofp.OXMICMPv6TypeField, 1, false},
	{ofp.OXMICMPv6CodeField, 1, false}, {ofp.OXMIPv6NDTargetField, 16, false}, {ofp.OXMIPv6NDSLLField, 6, false},
	{ofp.OXMIPv6NDTLLField, 6, false}, {ofp.OXMMPLSLabelField, 4, false}, {ofp.OXMMPLSTCField, 1, false},
	{ofp.OXMMPLSBOSField, 1, false}, {ofp.OXMPBBISIDField, 3, true}, {ofp.OXMTunnelIDField, 8, true},
	{ofp.OXMIPv6ExthdrField, 2, true},
}

// setFields are the fields set-field actions may write: those the
// datapath can rewrite in a frame (datapath.Action: Ethernet addresses,
// VLAN, IP DSCP/ECN, IPv4 and IPv6 addresses, L4 ports, ICMP type and
// code, MPLS label and TC).
var setFields = [...]uint8{
	ofp.OXMEthDstField, ofp.OXMEthSrcField, ofp.OXMVlanVIDField, ofp.OXMVlanPCPField,
	ofp.OXMIPDSCPField, ofp.OXMIPECNField, ofp.OXMIPv4SrcField, ofp.OXMIPv4DstField,
	ofp.OXMTCPSrcField, ofp.OXMTCPDstField, ofp.OXMUDPSrcField, ofp.OXMUDPDstField,
	ofp.OXMSCTPSrcField, ofp.OXMSCTPDstField, ofp.OXMICMPv4TypeField, ofp.OXMICMPv4CodeField,
	ofp.OXMIPv6SrcField, ofp.OXMIPv6DstField, ofp.OXMICMPv6TypeField, ofp.OXMICMPv6CodeField,
	ofp.OXMMPLSLabelField, ofp.OXMMPLSTCField,
}

// actionTypes are the 1.3 actions (spec 1.3.5 §7.2.5) the pipeline
// executes: all but experimenter actions.
var actionTypes = [...]ofp.ActionType{
	ofp.ATOutput, ofp.ATCopyTTLOut, ofp.ATCopyTTLIn, ofp.ATSetMPLSTTL, ofp.ATDecMPLSTTL,
	ofp.ATPushVLAN, ofp.ATPopVLAN, ofp.ATPushMPLS, ofp.ATPopMPLS, ofp.ATSetQueue, ofp.ATGroup,
	ofp.ATSetNwTTL, ofp.ATDecNwTTL, ofp.ATSetField, ofp.ATPushPBB, ofp.ATPopPBB,
}

// instructionTypes are the instructions (spec 1.3.5 §7.2.4) a flow may
// carry, in every table; goto_table is left out of the last table's list,
// which has no table to go to.
var instructionTypes = [...]ofp.InstructionType{
	ofp.ITGotoTable, ofp.ITWriteMetadata, ofp.ITWriteActions, ofp.ITApplyActions, ofp.ITClearActions, ofp.ITMeter,
}

// oxmID is the OXM header naming a basic field, masked or not, with the
// length Open vSwitch expects (the value's, doubled when masked).
func oxmID(field uint8, size int, masked bool) ofp.OXMID {
	h := uint32(ofp.OXMClassOpenFlowBasic)<<16 | uint32(field)<<9 | uint32(size)
	if masked {
		h = h&^0xff | 0x100 | uint32(2*size)
	}
	return ofp.OXMID{Header: h}
}

// TableFeatures returns the features of tables 0..nTables-1 (at most
// 254): every table matches and wildcards all 40 basic fields (masked
// where table 12 allows), metadata may be matched and written in full,
// goto_table may name any later table, and hits and misses support the
// same instructions, actions and set-fields. Tables are named "tableN",
// as Open vSwitch names tables without a configured name.
func TableFeatures(nTables int) []ofp.TableFeatures {
	nTables = max(0, min(nTables, NTables))
	var match, wild, set []ofp.OXMID
	for _, f := range matchFields {
		match = append(match, oxmID(f.field, f.size, f.maskable))
		wild = append(wild, oxmID(f.field, f.size, false))
	}
	for _, sf := range setFields {
		for _, f := range matchFields {
			if f.field == sf {
				set = append(set, oxmID(f.field, f.size, false))
			}
		}
	}
	var acts []ofp.ActionID
	for _, a := range actionTypes {
		acts = append(acts, ofp.ActionID{Type: uint16(a)})
	}
	out := make([]ofp.TableFeatures, 0, nTables)
	for id := 0; id < nTables; id++ {
		var ins []ofp.InstructionID
		for _, t := range instructionTypes {
			if t == ofp.ITGotoTable && id == nTables-1 {
				continue
			}
			ins = append(ins, ofp.InstructionID{Type: uint16(t)})
		}
		var next ofp.TableIDs
		for n := id + 1; n < nTables; n++ {
			next = append(next, uint8(n))
		}
		out = append(out, ofp.TableFeatures{
			TableID:       uint8(id),
			Name:          fmt.Sprintf("table%d", id),
			MetadataMatch: ^uint64(0),
			MetadataWrite: ^uint64(0),
			MaxEntries:    TableMaxEntries,
			Properties: []ofp.TableFeatureProp{
				{Type: ofp.TFPInstructions, Instructions: ins},
				{Type: ofp.TFPInstructionsMiss, Instructions: ins},
				{Type: ofp.TFPNextTables, NextTables: next},
				{Type: ofp.TFPNextTablesMiss, NextTables: next},
				{Type: ofp.TFPWriteActions, Actions: acts},
				{Type: ofp.TFPWriteActionsMiss, Actions: acts},
				{Type: ofp.TFPApplyActions, Actions: acts},
				{Type: ofp.TFPApplyActionsMiss, Actions: acts},
				{Type: ofp.TFPMatch, OXMs: match},
				{Type: ofp.TFPWildcards, OXMs: wild},
				{Type: ofp.TFPWriteSetfield, OXMs: set},
				{Type: ofp.TFPWriteSetfieldMiss, OXMs: set},
				{Type: ofp.TFPApplySetfield, OXMs: set},
				{Type: ofp.TFPApplySetfieldMiss, OXMs: set},
			},
		})
	}
	return out
}

// TableFeaturesReply returns the whole OFPMP_TABLE_FEATURES reply body for
// nTables tables; the caller splits it with ofp.SplitMultipart.
func TableFeaturesReply(nTables int) *ofp.TableFeaturesReply {
	return &ofp.TableFeaturesReply{Tables: TableFeatures(nTables)}
}
