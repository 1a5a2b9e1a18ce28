package ofp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// withLen returns a copy of wire with its header length fixed up.
func withLen(wire []byte) []byte {
	wire = append([]byte(nil), wire...)
	binary.BigEndian.PutUint16(wire[2:4], uint16(len(wire)))
	return wire
}

// TestMalformed13: each OpenFlow 1.3 message, broken in one way, fails to
// decode with the error a switch must send, carrying the message's first
// bytes.
func TestMalformed13(t *testing.T) {
	fmWire := mustMarshal(Version13, 1, newTestFlowMod())
	fmFixed := HeaderLen + flowModFixedLen // where the match starts
	patch := func(b []byte, off int, v ...byte) []byte {
		c := append([]byte(nil), b...)
		copy(c[off:], v)
		return c
	}
	pout := mustMarshal(Version13, 1, &PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{&ActionOutput{Port: 2}}})
	for _, tt := range []struct {
		name string
		wire []byte
		et   ErrorType
		code uint16
	}{
		{"features reply truncated", withLen(mustMarshal(Version13, 1, &FeaturesReply{})[:20]), ETBadRequest, BRCBadLen},
		{"features reply too long", withLen(append(mustMarshal(Version13, 1, &FeaturesReply{}), 0)), ETBadRequest, BRCBadLen},
		{"flow-mod truncated header", withLen(fmWire[:40]), ETBadRequest, BRCBadLen},
		{"flow-mod match overruns", withLen(fmWire[:fmFixed+16]), ETBadMatch, BMCBadLen},
		{"flow-mod match type standard", patch(fmWire, fmFixed, 0, 0), ETBadMatch, BMCBadType},
		{"flow-mod oxm length overrun", patch(fmWire, fmFixed+4+3, 0x40), ETBadMatch, BMCBadLen},
		{"flow-mod bad command", patch(fmWire, HeaderLen+17, 9), ETFlowModFailed, FMFCBadCommand},
		{"flow-mod bad flags", patch(fmWire, HeaderLen+36, 0x80, 0), ETFlowModFailed, FMFCBadFlags},
		{"flow-mod add to table ALL", patch(fmWire, HeaderLen+16, 0xff), ETFlowModFailed, FMFCBadTableID},
		{"flow-mod instruction truncated", withLen(fmWire[:len(fmWire)-8]), ETBadInstruction, BICBadLen},
		{"flow-mod instruction zero length", patch(fmWire, len(fmWire)-56+2, 0, 0), ETBadInstruction, BICBadLen},
		{"flow-mod unknown instruction", patch(fmWire, len(fmWire)-56, 0, 9), ETBadInstruction, BICUnknownInst},
		{"flow-mod action length not multiple of 8", patch(fmWire, len(fmWire)-16+2, 0, 12), ETBadAction, BACBadLen},
		{"flow-mod zero-length action", patch(fmWire, len(fmWire)-16+2, 0, 0), ETBadAction, BACBadLen},
		{"flow-mod unknown action", patch(fmWire, len(fmWire)-16, 0, 99), ETBadAction, BACBadType},
		{"flow-mod output port 0", patch(fmWire, len(fmWire)-32+4, 0, 0, 0, 0), ETBadAction, BACBadOutPort},
		{"flow-mod dup field", mustMarshalRaw(newFlowModMatch(OXMInPort(1), OXMInPort(2))), ETBadMatch, BMCDupField},
		{"flow-mod prereq", mustMarshalRaw(newFlowModMatch(OXMTCPDst(80))), ETBadMatch, BMCBadPrereq},
		{"packet-out actions_len overrun", patch(pout, HeaderLen+8, 0, 0x20), ETBadRequest, BRCBadLen},
		{"packet-out bad in_port", patch(pout, HeaderLen+4, 0, 0, 0, 0), ETBadRequest, BRCBadPort},
		{"packet-in no pad after match", withLen(mustMarshal(Version13, 1, &PacketIn{Match: NewMatch(OXMInPort(1))})[:40]),
			ETBadRequest, BRCBadLen},
		{"flow-removed trailing bytes", withLen(append(mustMarshal(Version13, 1, &FlowRemoved{}), 0, 0, 0, 0, 0, 0, 0, 0)),
			ETBadRequest, BRCBadLen},
		{"group-mod bucket overrun", patch(mustMarshal(Version13, 1, &GroupMod{Buckets: []Bucket{{}}}), HeaderLen+8, 0, 0x40),
			ETGroupModFailed, GMFCBadBucket},
		{"group-mod bucket short", withLen(append(mustMarshal(Version13, 1, &GroupMod{}), 0, 8, 0, 0, 0, 0, 0, 0)),
			ETGroupModFailed, GMFCBadBucket},
		{"meter-mod unknown band", patch(mustMarshal(Version13, 1, &MeterMod{Bands: []MeterBand{&MeterBandDrop{Rate: 1}}}),
			HeaderLen+8, 0, 7), ETMeterModFailed, MMFCBadBand},
		{"meter-mod band length", patch(mustMarshal(Version13, 1, &MeterMod{Bands: []MeterBand{&MeterBandDrop{Rate: 1}}}),
			HeaderLen+10, 0, 24), ETBadRequest, BRCBadLen},
		{"table-mod short", withLen(mustMarshal(Version13, 1, &TableMod{})[:12]), ETBadRequest, BRCBadLen},
		{"role request long", withLen(append(mustMarshal(Version13, 1, &RoleRequest{}), 0)), ETBadRequest, BRCBadLen},
		{"get-async request with body", withLen(append(mustMarshal(Version13, 1, &GetAsyncRequest{}), 0)), ETBadRequest, BRCBadLen},
		{"set-async short", withLen(mustMarshal(Version13, 1, &SetAsync{})[:28]), ETBadRequest, BRCBadLen},
		{"queue reply queue overrun", withLen(append(mustMarshal(Version13, 1, &QueueGetConfigReply{}),
			0, 0, 0, 1, 0, 0, 0, 1, 0, 0x40, 0, 0, 0, 0, 0, 0)), ETBadRequest, BRCBadLen},
		{"queue reply bad property", withLen(append(mustMarshal(Version13, 1, &QueueGetConfigReply{}),
			0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 1, 0, 9, 0, 0, 0, 0)), ETBadRequest, BRCBadLen},
		{"experimenter short", withLen(mustMarshal(Version13, 1, &Experimenter{})[:12]), ETBadRequest, BRCBadLen},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Unmarshal(tt.wire)
			var e *Error
			if !errors.As(err, &e) || e.Type != tt.et || e.Code != tt.code {
				t.Fatalf("err %v, want %s", err, errorName13(tt.et, tt.code))
			}
			if !bytes.Equal(e.Data, tt.wire[:min(len(tt.wire), 64)]) {
				t.Fatalf("error data %x, want the message's first bytes", e.Data)
			}
		})
	}
}

func newFlowModMatch(fields ...OXM) *FlowMod {
	m := newTestFlowMod()
	m.Match = NewMatch(fields...)
	m.Instructions = nil
	return m
}

// mustMarshalRaw encodes m without the checks that decoding applies.
func mustMarshalRaw(m Message) []byte { return mustMarshal(Version13, 1, m) }

// TestValidateMessages covers the Validate methods of messages whose
// decoding leaves semantic checks to the caller.
func TestValidateMessages(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		et   ErrorType
		code uint16
	}{
		{"group bad command", (&GroupMod{Command: 3}).Validate(), ETGroupModFailed, GMFCBadCommand},
		{"group bad type", (&GroupMod{Type: 4}).Validate(), ETGroupModFailed, GMFCBadType},
		{"group add ALL", (&GroupMod{GroupID: GroupAll}).Validate(), ETGroupModFailed, GMFCInvalidGroup},
		{"group bucket action", (&GroupMod{Buckets: []Bucket{{Actions: []Action{&ActionOutput{}}}}}).Validate(),
			ETBadAction, BACBadOutPort},
		{"meter bad command", (&MeterMod{Command: 3, MeterID: 1}).Validate(), ETMeterModFailed, MMFCBadCommand},
		{"meter kbps and pktps", (&MeterMod{Flags: 3, MeterID: 1}).Validate(), ETMeterModFailed, MMFCBadFlags},
		{"meter id 0", (&MeterMod{}).Validate(), ETMeterModFailed, MMFCInvalidMeter},
		{"meter add ALL", (&MeterMod{MeterID: MeterAll}).Validate(), ETMeterModFailed, MMFCInvalidMeter},
		{"meter rate 0", (&MeterMod{MeterID: 1, Bands: []MeterBand{&MeterBandDrop{}}}).Validate(), ETMeterModFailed, MMFCBadRate},
		{"table config", (&TableMod{Config: 4}).Validate(), ETTableModFailed, TMFCBadConfig},
		{"role", (&Role{Role: 4}).Validate(), ETRoleRequestFailed, RRFCBadRole},
		{"queue port 0", (&QueueGetConfigRequest{}).Validate(), ETQueueOpFailed, QOFCBadPort},
		{"queue port LOCAL", (&QueueGetConfigRequest{Port: PortLocal}).Validate(), ETQueueOpFailed, QOFCBadPort},
	} {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.err, tt.et, tt.code) })
	}
	if err := (&GroupMod{Command: GroupDelete, GroupID: GroupAll}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (&MeterMod{Command: MeterDelete, MeterID: MeterAll}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (&QueueGetConfigRequest{Port: PortAny}).Validate(); err != nil {
		t.Fatal(err)
	}
}
