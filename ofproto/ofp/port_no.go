package ofp

// Port numbers (spec 1.3.5 §7.2.1 enum ofp_port_no; 1.0.0 §5.2.1 enum
// ofp_port). OpenFlow 1.3 numbers ports with 32 bits, 1.0 with 16; the
// reserved ports sit at the top of each range.

import "strconv"

// PortNo is an OpenFlow 1.3 port number.
type PortNo uint32

// Reserved OpenFlow 1.3 ports (OFPP_*).
const (
	PortMax        PortNo = 0xffffff00
	PortInPort     PortNo = 0xfffffff8
	PortTable      PortNo = 0xfffffff9
	PortNormal     PortNo = 0xfffffffa
	PortFlood      PortNo = 0xfffffffb
	PortAll        PortNo = 0xfffffffc
	PortController PortNo = 0xfffffffd
	PortLocal      PortNo = 0xfffffffe
	PortAny        PortNo = 0xffffffff
)

// PortNo10 is an OpenFlow 1.0 port number.
type PortNo10 uint16

// Reserved OpenFlow 1.0 ports (OFPP_*); OFPP_NONE is 1.3's OFPP_ANY.
const (
	Port10Max        PortNo10 = 0xff00
	Port10InPort     PortNo10 = 0xfff8
	Port10Table      PortNo10 = 0xfff9
	Port10Normal     PortNo10 = 0xfffa
	Port10Flood      PortNo10 = 0xfffb
	Port10All        PortNo10 = 0xfffc
	Port10Controller PortNo10 = 0xfffd
	Port10Local      PortNo10 = 0xfffe
	Port10None       PortNo10 = 0xffff
)

var reservedPortNames = [...]string{"IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "LOCAL", "ANY"}

// String names reserved ports as ovs-ofctl does (IN_PORT, NORMAL, LOCAL,
// ANY, ...) and prints others as decimal.
func (p PortNo) String() string {
	if p >= PortInPort {
		return reservedPortNames[p-PortInPort]
	}
	return strconv.FormatUint(uint64(p), 10)
}

// appendText appends String's text to b.
func (p PortNo) appendText(b []byte) []byte {
	if p >= PortInPort {
		return append(b, reservedPortNames[p-PortInPort]...)
	}
	return strconv.AppendUint(b, uint64(p), 10)
}

// String names reserved 1.0 ports as ovs-ofctl does: OFPP_NONE prints as
// ANY, the name 1.3 gave it.
func (p PortNo10) String() string {
	if p >= Port10InPort {
		return reservedPortNames[p-Port10InPort]
	}
	return strconv.FormatUint(uint64(p), 10)
}

// To13 maps a 1.0 port number to 1.3's numbering.
func (p PortNo10) To13() PortNo {
	if p >= Port10Max {
		return PortNo(p) + (PortMax - PortNo(Port10Max))
	}
	return PortNo(p)
}

// To10 maps a 1.3 port number to 1.0's; ok is false when it does not fit.
func (p PortNo) To10() (q PortNo10, ok bool) {
	switch {
	case p >= PortMax:
		return PortNo10(p - (PortMax - PortNo(Port10Max))), true
	case p < PortNo(Port10Max):
		return PortNo10(p), true
	}
	return 0, false
}
