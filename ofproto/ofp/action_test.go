package ofp

import (
	"bytes"
	"net"
	"reflect"
	"testing"
)

func TestActionsGolden(t *testing.T) {
	as := []Action{
		&ActionOutput{Port: 2},
		&ActionSetField{Field: OXMVlanVID(VIDPresent | 10)},
		&ActionGroup{GroupID: 7},
		&ActionPushVLAN{EtherType: 0x8100},
		&ActionDecNwTTL{},
	}
	wire := mustHex(t, ""+
		"0000001000000002000000000000"+"0000"+ // output:2 (max_len 0)
		"00190010"+"80000c02"+"100a"+"000000000000"+ // set_field vlan_vid, padded to 16
		"0016000800000007"+ // group 7
		"0011000881000000"+ // push_vlan
		"0018000800000000") // dec_nw_ttl
	got, err := appendActions(nil, as)
	if err != nil || !bytes.Equal(got, wire) {
		t.Fatalf("encode %x %v\nwant   %x", got, err, wire)
	}
	das, err := decodeActions(wire)
	if err != nil || !reflect.DeepEqual(das, as) {
		t.Fatalf("decode %v %v", das, err)
	}
	if err := ValidateActions(das); err != nil {
		t.Fatal(err)
	}
	if s := formatActions(das); s != "output:2,set_field:4106->vlan_vid,group:7,push_vlan:0x8100,dec_ttl" {
		t.Fatalf("format %q", s)
	}
}

func TestActionsRoundTripAllTypes(t *testing.T) {
	as := []Action{
		&ActionOutput{Port: PortController, MaxLen: ControllerMaxLenNoBuffer},
		&ActionCopyTTLOut{}, &ActionCopyTTLIn{}, &ActionSetMPLSTTL{TTL: 9}, &ActionDecMPLSTTL{},
		&ActionPushVLAN{EtherType: 0x88a8}, &ActionPopVLAN{}, &ActionPushMPLS{EtherType: 0x8847},
		&ActionPopMPLS{EtherType: 0x0800}, &ActionSetQueue{QueueID: 3}, &ActionGroup{GroupID: 1},
		&ActionSetNwTTL{TTL: 4}, &ActionDecNwTTL{},
		&ActionSetField{Field: OXMIPv4Src(net.IP{1, 2, 3, 4}, nil)},
		&ActionSetField{Field: OXMIPv6Dst(net.ParseIP("fe80::1"), nil)},
		&ActionPushPBB{EtherType: 0x88e7}, &ActionPopPBB{},
		&ActionExperimenter{Experimenter: 0x2320, Data: []byte{0, 1, 0, 0, 0, 0, 0, 0}},
	}
	wire, err := appendActions(nil, as)
	if err != nil {
		t.Fatal(err)
	}
	if len(wire) != actionsLen(as) {
		t.Fatalf("actionsLen %d, wrote %d", actionsLen(as), len(wire))
	}
	das, err := decodeActions(wire)
	if err != nil || !reflect.DeepEqual(das, as) {
		t.Fatalf("decode %v %v", das, err)
	}
}

func TestActionsMalformed(t *testing.T) {
	for _, tt := range []struct {
		name string
		hex  string
		code uint16
	}{
		{"zero length", "0000000000000000", BACBadLen},
		{"length not multiple of 8", "0000000c000000020000000000000000", BACBadLen},
		{"overrun", "0000001800000002000000000000" + "0000", BACBadLen},
		{"trailing bytes", "0018000800000000" + "0000", BACBadLen},
		{"output too short", "0000000800000002", BACBadLen},
		{"group too long", "00160010000000070000000000000000", BACBadLen},
		{"unknown type", "0001000800000000", BACBadType},
		{"set_field oxm overrun", "00190008" + "80000c08", BACBadSetLen},
		{"set_field too much padding", "00190018" + "80000a02" + "0800" + "0000000000000000000000000000", BACBadSetLen},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeActions(mustHex(t, tt.hex))
			wantErr(t, err, ETBadAction, tt.code)
		})
	}
}

func TestValidateActions(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    Action
		code uint16
	}{
		{"output port 0", &ActionOutput{Port: 0}, BACBadOutPort},
		{"output ANY", &ActionOutput{Port: PortAny}, BACBadOutPort},
		{"output between max and reserved", &ActionOutput{Port: PortMax + 1}, BACBadOutPort},
		{"group ALL", &ActionGroup{GroupID: GroupAll}, BACBadOutGroup},
		{"push_vlan 0x0800", &ActionPushVLAN{EtherType: 0x0800}, BACBadArgument},
		{"set_field unknown", &ActionSetField{Field: basicOXM(60, []byte{1}, nil)}, BACBadSetType},
		{"set_field nxm", &ActionSetField{Field: OXM{Class: OXMClassNXM1, Value: be32(1)}}, BACBadSetType},
		{"set_field bad len", &ActionSetField{Field: basicOXM(OXMTCPDstField, be32(1), nil)}, BACBadSetLen},
		{"set_field masked", &ActionSetField{Field: OXMIPv4Dst(net.IP{1, 1, 1, 0}, net.CIDRMask(24, 32))}, BACBadSetArgument},
		{"set_field dscp 64", &ActionSetField{Field: OXMIPDSCP(64)}, BACBadSetArgument},
		{"set_field vlan_vid without present", &ActionSetField{Field: OXMVlanVID(5)}, BACBadSetArgument},
		{"set_field in_port", &ActionSetField{Field: OXMInPort(5)}, BACBadSetArgument},
		{"set_field eth_type", &ActionSetField{Field: OXMEthType(0x0800)}, BACBadSetArgument},
		{"set_field ip_proto", &ActionSetField{Field: OXMIPProto(6)}, BACBadSetArgument},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, ValidateActions([]Action{tt.a}), ETBadAction, tt.code)
		})
	}
}
