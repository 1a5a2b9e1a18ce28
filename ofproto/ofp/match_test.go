package ofp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net"
	"reflect"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr fails unless err is an *Error of type et and code c.
func wantErr(t testing.TB, err error, et ErrorType, c uint16) {
	t.Helper()
	if !errors.Is(err, &Error{Type: et, Code: c}) {
		t.Fatalf("err %v, want %s", err, errorName13(et, c))
	}
}

func TestMatchGolden(t *testing.T) {
	m := NewMatch(OXMInPort(1), OXMEthType(0x0800), OXMIPv4Dst(net.IP{10, 0, 0, 0}, net.CIDRMask(24, 32)))
	// type 1, length 4+8+6+12 = 30, padded to 32.
	wire := mustHex(t, "0001001e"+"80000004"+"00000001"+"80000a02"+"0800"+"80001908"+"0a000000"+"ffffff00"+"0000")
	got := m.appendTo(nil)
	if !bytes.Equal(got, wire) {
		t.Fatalf("encode:\n %x\nwant\n %x", got, wire)
	}
	dm, n, err := decodeMatch(append(wire, 0xaa))
	if err != nil || n != len(wire) {
		t.Fatalf("decode: n=%d err=%v", n, err)
	}
	if !reflect.DeepEqual(dm, m) {
		t.Fatalf("decode %+v, want %+v", dm, m)
	}
	if err := dm.Validate(); err != nil {
		t.Fatal(err)
	}
	if o, ok := dm.Lookup(OXMIPv4DstField); !ok || o.MaskUint() != 0xffffff00 {
		t.Fatalf("lookup ipv4_dst: %v %v", o, ok)
	}
	if p, ok := dm.InPort(); !ok || p != 1 {
		t.Fatalf("InPort %v %v", p, ok)
	}
	if et, ok := dm.EthType(); !ok || et != 0x0800 {
		t.Fatalf("EthType %#x %v", et, ok)
	}
	if _, ok := (&Match{}).InPort(); ok {
		t.Fatal("empty match has an in_port")
	}
	if s := formatMatch(dm); s != "ip,in_port=1,nw_dst=10.0.0.0/24" {
		t.Fatalf("format %q", s)
	}
}

func TestMatchDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		hex  string
		code uint16
	}{
		{"short", "0001", BMCBadLen},
		{"standard type", "00000004" + "00000000", BMCBadType},
		{"length below header", "00010002" + "00000000", BMCBadLen},
		{"length overruns", "00010010" + "00000000", BMCBadLen},
		{"oxm overrun", "0001000c" + "80000008" + "00000001", BMCBadLen},
		{"oxm partial header", "00010006" + "8000" + "0000", BMCBadLen},
		{"experimenter without id", "00010008" + "ffff0002" + "0000", BMCBadLen},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeMatch(mustHex(t, tt.hex))
			wantErr(t, err, ETBadMatch, tt.code)
		})
	}
}

func TestMatchOpaqueClasses(t *testing.T) {
	// An NXM reg0 (class 1, field 0) and an experimenter TLV survive a round trip.
	wire := mustHex(t, "00010018"+"00010004"+"00000005"+"ffff0e08"+"4f4e4600"+"00020002")
	m, n, err := decodeMatch(wire)
	if err != nil || n != len(wire) || len(m.Fields) != 2 {
		t.Fatalf("decode: %+v %d %v", m, n, err)
	}
	if e := m.Fields[1]; e.Experimenter != 0x4f4e4600 || e.Field != 7 || !bytes.Equal(e.Value, []byte{0, 2, 0, 2}) {
		t.Fatalf("experimenter TLV %+v", e)
	}
	if got := m.appendTo(nil); !bytes.Equal(got, wire) {
		t.Fatalf("re-encode %x, want %x", got, wire)
	}
	wantErr(t, m.Validate(), ETBadMatch, BMCBadField)
}

func TestMatchValidate(t *testing.T) {
	ip := OXMEthType(0x0800)
	tcp := OXMIPProto(6)
	for _, tt := range []struct {
		name   string
		fields []OXM
		code   uint16 // 0: valid
	}{
		{"empty", nil, 0},
		{"tcp ok", []OXM{ip, tcp, OXMTCPDst(80)}, 0},
		{"prereq after use is fine", []OXM{OXMTCPDst(80), tcp, ip}, 0},
		{"ip_proto without eth_type", []OXM{tcp}, BMCBadPrereq},
		{"tcp_dst with udp", []OXM{ip, OXMIPProto(17), OXMTCPDst(80)}, BMCBadPrereq},
		{"ipv4 on ipv6", []OXM{OXMEthType(0x86dd), OXMIPv4Src(net.IP{1, 2, 3, 4}, nil)}, BMCBadPrereq},
		{"nd_target needs type 135/136", []OXM{OXMEthType(0x86dd), OXMIPProto(58), OXMICMPv6Type(1),
			basicOXM(OXMIPv6NDTargetField, make([]byte, 16), nil)}, BMCBadPrereq},
		{"vlan_pcp without vid", []OXM{OXMVlanPCP(3)}, BMCBadPrereq},
		{"icmpv6 on ipv4", []OXM{ip, OXMIPProto(58), OXMICMPv6Type(1)}, BMCBadPrereq},
		{"icmpv4 on ipv6", []OXM{OXMEthType(0x86dd), OXMIPProto(1), OXMICMPv4Type(1)}, BMCBadPrereq},
		{"nd_sll with code 1", []OXM{OXMEthType(0x86dd), OXMIPProto(58), OXMICMPv6Type(135), OXMICMPv6Code(1),
			basicOXM(OXMIPv6NDSLLField, make([]byte, 6), nil)}, BMCBadPrereq},
		{"vlan_pcp with vid none", []OXM{OXMVlanVID(VIDNone), OXMVlanPCP(3)}, BMCBadPrereq},
		{"vlan_pcp with any tag", []OXM{OXMVlanVIDMasked(VIDPresent, VIDPresent), OXMVlanPCP(3)}, 0},
		{"in_phy_port needs in_port", []OXM{basicOXM(OXMInPhyPortField, be32(1), nil)}, BMCBadPrereq},
		{"dup", []OXM{OXMInPort(1), OXMInPort(2)}, BMCDupField},
		{"unknown basic field", []OXM{basicOXM(40, []byte{1}, nil)}, BMCBadField},
		{"bad len", []OXM{basicOXM(OXMEthTypeField, []byte{8}, nil)}, BMCBadLen},
		{"masked in_port", []OXM{basicOXM(OXMInPortField, be32(1), be32(0xff))}, BMCBadMask},
		{"value outside mask", []OXM{ip, OXMIPv4Dst(net.IP{10, 0, 0, 1}, net.CIDRMask(24, 32))}, BMCBadWildcards},
		{"dscp 64", []OXM{ip, OXMIPDSCP(64)}, BMCBadValue},
		{"ecn 4", []OXM{ip, OXMIPECN(4)}, BMCBadValue},
		{"vid without present", []OXM{OXMVlanVID(10)}, BMCBadValue},
		{"vid too big", []OXM{OXMVlanVID(0x2000)}, BMCBadValue},
		{"vid present", []OXM{OXMVlanVID(VIDPresent | 10)}, 0},
		{"mpls label 21 bits", []OXM{OXMEthType(0x8847), OXMMPLSLabel(1 << 20)}, BMCBadValue},
		{"nxm class", []OXM{{Class: OXMClassNXM1, Field: 0, Value: be32(1)}}, BMCBadField},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMatch(tt.fields...)
			err := m.Validate()
			if tt.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, ETBadMatch, tt.code)
		})
	}
}

// TestMatchAllBasicFields encodes every one of the 40 basic fields (masked
// where table 12 allows) and checks the round trip and validation.
func TestMatchAllBasicFields(t *testing.T) {
	for f := range oxmFields {
		def := &oxmFields[f]
		for _, masked := range []bool{false, true} {
			if masked && !def.maskable {
				continue
			}
			val := make([]byte, def.size)
			val[len(val)-1] = 1
			if f == int(OXMVlanVIDField) {
				val = be16(VIDPresent | 1)
			}
			var mask []byte
			if masked {
				mask = bytes.Repeat([]byte{0xff}, def.size)
				if def.maxValue != 0 {
					mask = beN(def.maxValue, def.size)
				}
			}
			o := basicOXM(uint8(f), val, mask)
			fields := prereqsFor(uint8(f))
			m := NewMatch(append(fields, o)...)
			if err := m.Validate(); err != nil {
				t.Fatalf("%s masked=%v: %v", def.name, masked, err)
			}
			dm, _, err := decodeMatch(m.appendTo(nil))
			if err != nil || !reflect.DeepEqual(dm, m) {
				t.Fatalf("%s masked=%v: round trip %+v %v", def.name, masked, dm, err)
			}
		}
	}
}

func beN(v uint64, n int) []byte {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
	return b
}

// prereqsFor returns TLVs that satisfy field f's prerequisites.
func prereqsFor(f uint8) []OXM {
	var out []OXM
	switch f {
	case OXMVlanPCPField:
		return []OXM{OXMVlanVID(VIDPresent | 5)}
	case OXMIPv6NDTargetField, OXMIPv6NDSLLField:
		return []OXM{OXMEthType(0x86dd), OXMIPProto(58), OXMICMPv6Type(135)}
	case OXMIPv6NDTLLField:
		return []OXM{OXMEthType(0x86dd), OXMIPProto(58), OXMICMPv6Type(136)}
	}
	p := oxmFields[f].prereq
	if p == nil {
		return nil
	}
	if p.field == OXMIPProtoField {
		eth := uint16(0x0800)
		if p.values[0] == 58 {
			eth = 0x86dd
		}
		return []OXM{OXMEthType(eth), OXMIPProto(uint8(p.values[0]))}
	}
	if p.values == nil {
		return append(out, OXMInPort(1))
	}
	return append(out, basicOXM(p.field, beN(p.values[0], oxmFields[p.field].size), nil))
}
