package packet

import (
	"encoding/binary"
	"slices"

	"github.com/xvs-switch/xvs/datapath"
)

// Execution of the set-field actions of datapath/action_setfield.go: ARP,
// neighbor discovery, the IPv6 flow label, the PBB I-SID and the MPLS
// bottom-of-stack bit.

// ARP field offsets in the packet (RFC 826, for Ethernet and IPv4).
const (
	arpOp  = 6
	arpSha = 8
	arpSpa = 14
	arpTha = 18
	arpTpa = 24
)

// setField runs the actions of action_setfield.go; others are no-ops.
func (x *executor) setField(a datapath.Action) {
	switch a := a.(type) {
	case datapath.SetARPOp:
		x.setARP(arpOp, binary.BigEndian.AppendUint16(nil, a.Op))
	case datapath.SetARPSpa:
		x.setARP(arpSpa, a.Addr[:])
	case datapath.SetARPTpa:
		x.setARP(arpTpa, a.Addr[:])
	case datapath.SetARPSha:
		x.setARP(arpSha, a.Addr[:])
	case datapath.SetARPTha:
		x.setARP(arpTha, a.Addr[:])
	case datapath.SetNDTarget:
		if l, ok := x.nd(); ok {
			x.setICMPv6Bytes(l, l.l4+8, a.Addr[:])
		}
	case datapath.SetNDSLL:
		x.setNDOption(135, 1, a.Addr)
	case datapath.SetNDTLL:
		x.setNDOption(136, 2, a.Addr)
	case datapath.SetIPv6Label:
		if l, _ := x.layout(); l.l3 >= 0 && l.l3Type == datapath.EthTypeIPv6 {
			vtf := binary.BigEndian.Uint32(x.b[l.l3:])
			binary.BigEndian.PutUint32(x.b[l.l3:], vtf&^0xfffff|a.Label&0xfffff)
		}
	case datapath.SetPBBISID:
		if l, _ := x.layout(); l.l3 >= 0 && l.l3Type == datapath.EthTypePBB {
			itag := binary.BigEndian.Uint32(x.b[l.l3:])
			binary.BigEndian.PutUint32(x.b[l.l3:], itag&^0xffffff|a.ISID&0xffffff)
		}
	case datapath.SetMPLSBOS:
		x.setLSE(0xfffffeff, uint32(a.BOS&1)<<8)
	}
}

// setARP writes v at offset at of an ARP packet Extract parses (Ethernet
// hardware, IPv4 protocol addresses); ARP has no checksum.
func (x *executor) setARP(at int, v []byte) {
	l, _ := x.layout()
	if l.l3 < 0 || (l.l3Type != datapath.EthTypeARP && l.l3Type != datapath.EthTypeRARP) {
		return
	}
	copy(x.b[l.l3+at:], v)
}

// nd returns the layout of a neighbor solicitation or advertisement that
// Extract keys as one (FieldND).
func (x *executor) nd() (layout, bool) {
	l, k := x.layout()
	return l, l.l4 >= 0 && k.Fields.Has(datapath.FieldND)
}

// setICMPv6Bytes writes v at offset at, inside an ICMPv6 message at an even
// distance from its start, and folds the change into the ICMPv6 checksum
// (RFC 4443 §2.3).
func (x *executor) setICMPv6Bytes(l layout, at int, v []byte) {
	p := x.b[at : at+len(v)]
	old := slices.Clone(p)
	copy(p, v)
	csumReplace(x.b, l.l4+2, old, v)
}

// setNDOption rewrites the link-layer address of every option of type opt
// in an ND message of type msg, among those Extract looks at (RFC 4861
// §4.6.1: an Ethernet address option is 8 bytes, length 1). A message
// without one is left alone.
func (x *executor) setNDOption(msg, opt uint8, addr [6]byte) {
	l, ok := x.nd()
	if !ok || x.b[l.l4] != msg {
		return
	}
	p := x.b[l.l4:]
	o := 24
	for i := 0; i < MaxNDOptions; i++ {
		if len(p) < o+2 || p[o+1] == 0 || len(p) < o+int(p[o+1])*8 {
			return
		}
		if p[o] == opt && p[o+1] == 1 {
			x.setICMPv6Bytes(l, l.l4+o+2, addr[:])
		}
		o += int(p[o+1]) * 8
	}
}
