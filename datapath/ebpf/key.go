package ebpf

import (
	"errors"

	"github.com/xvs-switch/xvs/datapath"
)

// bpfKey is the C struct flow_key. It overlays the fields of mutually
// exclusive headers (IPv4/IPv6/ARP addresses, ports/ICMP, ARP/ND link-layer
// addresses); Fields says which header filled them, so the conversion is
// lossless for every key datapath/packet.Extract can produce.
type bpfKey = tcportFlowKey

// errKeyNotRepresentable is returned for a FlowKey that sets a field of a
// header its Fields does not name: no frame can produce it.
var errKeyNotRepresentable = errors.New("flow key: fields set for headers not in Fields")

func keyToBPF(k datapath.FlowKey) (bpfKey, error) {
	b := keyToBPFUnchecked(k)
	if keyFromBPF(b) != k {
		return bpfKey{}, errKeyNotRepresentable
	}
	return b, nil
}

func keyToBPFUnchecked(k datapath.FlowKey) bpfKey {
	var b bpfKey
	f := k.Fields
	b.InPort = k.InPort
	b.Fields = uint32(f)
	b.TunId = k.TunnelID
	b.EthSrc, b.EthDst = k.EthSrc, k.EthDst
	b.EthType = k.EthType
	for i, v := range k.VLAN {
		b.VlanTpid[i], b.VlanTci[i] = v.TPID, v.TCI
	}
	if f.Has(datapath.FieldMPLS) {
		b.MplsLse = k.MPLSLabel<<12 | uint32(k.MPLSTC&7)<<9 | uint32(k.MPLSBOS&1)<<8 | uint32(k.MPLSTTL)
	}
	b.PbbIsid = k.PBBISID
	b.NwProto, b.NwTos, b.NwTtl, b.NwFrag = k.IPProto, k.IPTOS, k.IPTTL, uint8(k.IPFrag)
	switch {
	case f.Has(datapath.FieldARP):
		b.ArpOp = k.ARPOp
		copy(b.NwSrc[:], k.ARPSpa[:])
		copy(b.NwDst[:], k.ARPTpa[:])
		b.ArpSha, b.ArpTha = k.ARPSha, k.ARPTha
	case f.Has(datapath.FieldIPv6):
		b.NwSrc, b.NwDst = k.IPv6Src, k.IPv6Dst
	case f.Has(datapath.FieldIPv4):
		copy(b.NwSrc[:], k.IPv4Src[:])
		copy(b.NwDst[:], k.IPv4Dst[:])
	}
	b.Ipv6Label, b.Ipv6Exthdr = k.IPv6Label, k.IPv6ExtHdr
	switch {
	case f&(datapath.FieldICMP|datapath.FieldICMPv6) != 0:
		b.TpSrc, b.TpDst = uint16(k.ICMPType), uint16(k.ICMPCode)
	default:
		b.TpSrc, b.TpDst = k.TPSrc, k.TPDst
	}
	b.TcpFlags = k.TCPFlags
	if f.Has(datapath.FieldND) {
		b.NdTarget = k.NDTarget
		b.ArpSha, b.ArpTha = k.NDSLL, k.NDTLL
	}
	return b
}

func keyFromBPF(b bpfKey) datapath.FlowKey {
	var k datapath.FlowKey
	f := datapath.KeyFields(b.Fields)
	k.InPort = b.InPort
	k.Fields = f
	k.TunnelID = b.TunId
	k.EthSrc, k.EthDst = b.EthSrc, b.EthDst
	k.EthType = b.EthType
	for i := range k.VLAN {
		k.VLAN[i] = datapath.VLANTag{TPID: b.VlanTpid[i], TCI: b.VlanTci[i]}
	}
	if f.Has(datapath.FieldMPLS) {
		l := b.MplsLse
		k.MPLSLabel, k.MPLSTC, k.MPLSBOS, k.MPLSTTL = l>>12, uint8(l>>9)&7, uint8(l>>8)&1, uint8(l)
	}
	k.PBBISID = b.PbbIsid
	k.IPProto, k.IPTOS, k.IPTTL, k.IPFrag = b.NwProto, b.NwTos, b.NwTtl, datapath.Frag(b.NwFrag)
	switch {
	case f.Has(datapath.FieldARP):
		k.ARPOp = b.ArpOp
		copy(k.ARPSpa[:], b.NwSrc[:4])
		copy(k.ARPTpa[:], b.NwDst[:4])
		k.ARPSha, k.ARPTha = b.ArpSha, b.ArpTha
	case f.Has(datapath.FieldIPv6):
		k.IPv6Src, k.IPv6Dst = b.NwSrc, b.NwDst
	case f.Has(datapath.FieldIPv4):
		copy(k.IPv4Src[:], b.NwSrc[:4])
		copy(k.IPv4Dst[:], b.NwDst[:4])
	}
	k.IPv6Label, k.IPv6ExtHdr = b.Ipv6Label, b.Ipv6Exthdr
	switch {
	case f&(datapath.FieldICMP|datapath.FieldICMPv6) != 0:
		k.ICMPType, k.ICMPCode = uint8(b.TpSrc), uint8(b.TpDst)
	default:
		k.TPSrc, k.TPDst = b.TpSrc, b.TpDst
	}
	k.TCPFlags = b.TcpFlags
	if f.Has(datapath.FieldND) {
		k.NDTarget = b.NdTarget
		k.NDSLL, k.NDTLL = b.ArpSha, b.ArpTha
	}
	return k
}
