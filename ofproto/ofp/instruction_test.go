package ofp

import (
	"bytes"
	"reflect"
	"testing"
)

func TestInstructionsGolden(t *testing.T) {
	is := []Instruction{
		&InstMeter{MeterID: 3},
		&InstApplyActions{Actions: []Action{&ActionOutput{Port: 1}}},
		&InstClearActions{},
		&InstWriteActions{Actions: []Action{&ActionGroup{GroupID: 2}}},
		&InstWriteMetadata{Metadata: 1, Mask: 0xff},
		&InstGotoTable{TableID: 4},
	}
	wire := mustHex(t, ""+
		"0006000800000003"+
		"0004001800000000"+"00000010000000010000000000000000"+
		"0005000800000000"+
		"0003001000000000"+"0016000800000002"+
		"0002001800000000"+"0000000000000001"+"00000000000000ff"+
		"0001000804000000")
	got, err := appendInstructions(nil, is)
	if err != nil || !bytes.Equal(got, wire) {
		t.Fatalf("encode %x %v\nwant   %x", got, err, wire)
	}
	dis, err := decodeInstructions(wire)
	if err != nil || !reflect.DeepEqual(dis, is) {
		t.Fatalf("decode %v %v", dis, err)
	}
	if err := ValidateInstructions(dis, 0); err != nil {
		t.Fatal(err)
	}
	want := "meter:3,output:1,clear_actions,write_actions(group:2),write_metadata:0x1/0xff,goto_table:4"
	if s := formatInstructions(dis); s != want {
		t.Fatalf("format %q, want %q", s, want)
	}
}

func TestInstructionsMalformed(t *testing.T) {
	for _, tt := range []struct {
		name string
		hex  string
		et   ErrorType
		code uint16
	}{
		{"zero length", "0001000000000000", ETBadInstruction, BICBadLen},
		{"not multiple of 8", "0001000c0400000000000000", ETBadInstruction, BICBadLen},
		{"overrun", "0004002000000000", ETBadInstruction, BICBadLen},
		{"short tail", "000100080400000000", ETBadInstruction, BICBadLen},
		{"write_metadata short", "0002001000000000" + "0000000000000001", ETBadInstruction, BICBadLen},
		{"unknown", "0007000800000000", ETBadInstruction, BICUnknownInst},
		{"bad action inside", "00040010000000000000000000000000", ETBadAction, BACBadLen},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeInstructions(mustHex(t, tt.hex))
			wantErr(t, err, tt.et, tt.code)
		})
	}
}

func TestValidateInstructions(t *testing.T) {
	wantErr(t, ValidateInstructions([]Instruction{&InstGotoTable{TableID: 1}, &InstGotoTable{TableID: 2}}, 0),
		ETBadInstruction, BICUnsupInst)
	wantErr(t, ValidateInstructions([]Instruction{&InstGotoTable{TableID: 3}}, 3), ETBadInstruction, BICBadTableID)
	wantErr(t, ValidateInstructions([]Instruction{&InstExperimenter{Experimenter: 1}}, 0), ETBadInstruction, BICBadExperimenter)
	wantErr(t, ValidateInstructions([]Instruction{&InstApplyActions{Actions: []Action{&ActionOutput{}}}}, 0),
		ETBadAction, BACBadOutPort)
}
