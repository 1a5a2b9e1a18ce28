package ofp

import (
	"strings"
	"testing"
)

func TestMiscInterop(t *testing.T) {
	for _, m := range []Message{
		&TableMod{TableID: 1}, &TableMod{TableID: 254, Config: 3}, &TableMod{TableID: TableAll},
		&RoleRequest{Role{Role: RoleMaster, GenerationID: 5}}, &RoleRequest{Role{Role: RoleNoChange}},
		&RoleRequest{Role{Role: RoleEqual, GenerationID: 1}}, &RoleReply{Role{Role: RoleSlave, GenerationID: ^uint64(0)}},
		&GetAsyncRequest{},
		&GetAsyncReply{AsyncConfig{PacketInMask: [2]uint32{7, 1}, PortStatusMask: [2]uint32{7, 1}, FlowRemovedMask: [2]uint32{15, 3}}},
		&SetAsync{AsyncConfig{PacketInMask: [2]uint32{2, 0}, FlowRemovedMask: [2]uint32{4, 8}}},
		&GetAsyncReply{},
		&QueueGetConfigRequest{Port: 1}, &QueueGetConfigRequest{Port: PortAny},
		&QueueGetConfigReply{Port: 1, Queues: []PacketQueue{
			{QueueID: 7, Port: 1, Properties: []QueueProp{{Type: QueuePropMinRate, Rate: 50}, {Type: QueuePropMaxRate, Rate: 100}}},
			{QueueID: 8, Port: 1},
			{QueueID: 9, Port: 1, Properties: []QueueProp{{Type: QueuePropMinRate, Rate: 0xffff}, {Type: QueuePropMaxRate, Rate: 1000}}},
		}},
		&QueueGetConfigReply{Port: PortAny},
		// Errors a switch sends about 1.3 messages, whole and cut to 64 bytes.
		&Error{Type: ETBadMatch, Code: BMCBadPrereq, Data: mustMarshal(Version13, 9, newTestFlowMod())[:64]},
		&Error{Type: ETBadAction, Code: BACBadOutPort, Data: mustMarshal(Version13, 9,
			&PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{&ActionOutput{Port: 2}}})},
		&Error{Type: ETGroupModFailed, Code: GMFCGroupExists, Data: mustMarshal(Version13, 9, &GroupMod{GroupID: 1})},
		&Error{Type: ETMeterModFailed, Code: MMFCBadRate, Data: mustMarshal(Version13, 9, &MeterMod{MeterID: 1})},
		&Error{Type: ETRoleRequestFailed, Code: RRFCStale, Data: mustMarshal(Version13, 9, &RoleRequest{Role{Role: RoleMaster}})},
	} {
		checkInterop(t, Version13, m)
	}
}

// ovs-ofctl decodes only Open vSwitch's own experimenter messages: for
// others it must at least read the framing and name the experimenter id.
func TestExperimenterInterop(t *testing.T) {
	testenvOVS(t)
	m := &Experimenter{Experimenter: 0x00abcdef, ExpType: 5, Data: []byte("xvs")}
	wire := mustMarshal(Version13, 1, m)
	out := ovsOfpPrintRaw(t, wire)
	if !strings.Contains(out, "unknown vendor 0xabcdef") || !strings.Contains(out, "OFPBRC_BAD_VENDOR") {
		t.Fatalf("ovs-ofctl did not read the experimenter id:\n%s", out)
	}
	h, dm, err := Unmarshal(wire)
	if err != nil {
		t.Fatal(err)
	}
	want := "OFPT_EXPERIMENTER (OF1.3) (xid=0x1): experimenter=0xabcdef exp_type=5\n" + hexDump([]byte("xvs"))
	if got := Format(h, dm); got != want {
		t.Fatalf("format %q, want %q", got, want)
	}
}
