package datapath

// Mask has the shape of a FlowKey; a set bit means the key bit mattered to
// the decision that produced an entry's actions. The exact-match cache uses
// ExactMask; a port-wide entry (PutPortWide) PortMask.
type Mask FlowKey

// PortMask returns the mask of a port-wide entry (PutPortWide): the
// in_port alone.
func PortMask() Mask {
	var m Mask
	(*FlowKey)(&m).InPort = ^uint32(0)
	return m
}

// PortWideOutput returns the port of a list that is one output and
// nothing else: the only list a port-wide entry holds.
func PortWideOutput(actions []Action) (uint32, bool) {
	if len(actions) != 1 {
		return 0, false
	}
	o, ok := actions[0].(Output)
	return o.Port, ok
}

// ExactMask returns the mask with every bit set.
func ExactMask() Mask {
	var m Mask
	k := (*FlowKey)(&m)
	k.InPort = ^uint32(0)
	k.Fields = ^KeyFields(0)
	k.TunnelID = ^uint64(0)
	k.EthDst = ones6
	k.EthSrc = ones6
	k.EthType = 0xffff
	k.VLAN = [2]VLANTag{{0xffff, 0xffff}, {0xffff, 0xffff}}
	k.MPLSLabel, k.MPLSTC, k.MPLSBOS, k.MPLSTTL = ^uint32(0), 0xff, 0xff, 0xff
	k.PBBISID = ^uint32(0)
	k.IPProto, k.IPTOS, k.IPTTL, k.IPFrag = 0xff, 0xff, 0xff, 0xff
	k.IPv4Src, k.IPv4Dst = ones4, ones4
	k.IPv6Src, k.IPv6Dst = ones16, ones16
	k.IPv6Label, k.IPv6ExtHdr = ^uint32(0), 0xffff
	k.TPSrc, k.TPDst, k.TCPFlags = 0xffff, 0xffff, 0xffff
	k.ICMPType, k.ICMPCode = 0xff, 0xff
	k.ARPOp = 0xffff
	k.ARPSpa, k.ARPTpa = ones4, ones4
	k.ARPSha, k.ARPTha = ones6, ones6
	k.NDTarget = ones16
	k.NDSLL, k.NDTLL = ones6, ones6
	return m
}

var (
	ones4  = [4]byte{0xff, 0xff, 0xff, 0xff}
	ones6  = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	ones16 = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

// Apply returns k with every bit that m clears set to zero.
func (m Mask) Apply(k FlowKey) FlowKey {
	mk := FlowKey(m)
	k.InPort &= mk.InPort
	k.Fields &= mk.Fields
	k.TunnelID &= mk.TunnelID
	and(k.EthDst[:], mk.EthDst[:])
	and(k.EthSrc[:], mk.EthSrc[:])
	k.EthType &= mk.EthType
	for i := range k.VLAN {
		k.VLAN[i].TPID &= mk.VLAN[i].TPID
		k.VLAN[i].TCI &= mk.VLAN[i].TCI
	}
	k.MPLSLabel &= mk.MPLSLabel
	k.MPLSTC &= mk.MPLSTC
	k.MPLSBOS &= mk.MPLSBOS
	k.MPLSTTL &= mk.MPLSTTL
	k.PBBISID &= mk.PBBISID
	k.IPProto &= mk.IPProto
	k.IPTOS &= mk.IPTOS
	k.IPTTL &= mk.IPTTL
	k.IPFrag &= mk.IPFrag
	and(k.IPv4Src[:], mk.IPv4Src[:])
	and(k.IPv4Dst[:], mk.IPv4Dst[:])
	and(k.IPv6Src[:], mk.IPv6Src[:])
	and(k.IPv6Dst[:], mk.IPv6Dst[:])
	k.IPv6Label &= mk.IPv6Label
	k.IPv6ExtHdr &= mk.IPv6ExtHdr
	k.TPSrc &= mk.TPSrc
	k.TPDst &= mk.TPDst
	k.TCPFlags &= mk.TCPFlags
	k.ICMPType &= mk.ICMPType
	k.ICMPCode &= mk.ICMPCode
	k.ARPOp &= mk.ARPOp
	and(k.ARPSpa[:], mk.ARPSpa[:])
	and(k.ARPTpa[:], mk.ARPTpa[:])
	and(k.ARPSha[:], mk.ARPSha[:])
	and(k.ARPTha[:], mk.ARPTha[:])
	and(k.NDTarget[:], mk.NDTarget[:])
	and(k.NDSLL[:], mk.NDSLL[:])
	and(k.NDTLL[:], mk.NDTLL[:])
	return k
}

func and(dst, m []byte) {
	for i := range dst {
		dst[i] &= m[i]
	}
}
