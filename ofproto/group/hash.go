package group

// The flow hash that picks a select group's bucket. OpenFlow leaves the
// selection algorithm to the switch (§5.6.1, "switch-computed selection
// algorithm, e.g. hash on some user-configured tuple"); xvs hashes the
// fields that identify a connection, symmetrically, like Open vSwitch's
// symmetric_l4 hash: both directions of a connection choose the same
// bucket, which keeps stateful middleboxes behind a select group working.

import (
	"bytes"
	"encoding/binary"

	"github.com/xvs-switch/xvs/datapath"
)

// FlowHash returns the select-group hash of a packet's key: Ethernet
// addresses and type, the outer VLAN id, IP addresses and protocol, and
// transport ports, each address and port pair taken in sorted order so that
// swapping source and destination gives the same hash. Packets that differ
// only in other fields (TTL, TCP flags, in_port) hash alike.
//
// FlowHashMask lists the key bits it reads, for a wildcard mask.
func FlowHash(k *datapath.FlowKey) uint32 {
	var buf [96]byte
	b := buf[:0]
	lo, hi := sortPair(k.EthSrc[:], k.EthDst[:])
	b = append(append(b, lo...), hi...)
	b = binary.BigEndian.AppendUint16(b, k.EthType)
	if k.Fields&datapath.FieldVLAN0 != 0 {
		b = binary.BigEndian.AppendUint16(b, k.VLAN[0].VID())
	}
	switch {
	case k.Fields&datapath.FieldIPv4 != 0:
		lo, hi = sortPair(k.IPv4Src[:], k.IPv4Dst[:])
		b = append(append(b, lo...), hi...)
		b = append(b, k.IPProto)
	case k.Fields&datapath.FieldIPv6 != 0:
		lo, hi = sortPair(k.IPv6Src[:], k.IPv6Dst[:])
		b = append(append(b, lo...), hi...)
		b = append(b, k.IPProto)
	}
	if k.Fields&(datapath.FieldTCP|datapath.FieldUDP|datapath.FieldSCTP) != 0 {
		p, q := k.TPSrc, k.TPDst
		if p > q {
			p, q = q, p
		}
		b = binary.BigEndian.AppendUint16(b, p)
		b = binary.BigEndian.AppendUint16(b, q)
	}
	// FNV-1a over the bytes, finished with a 64-bit mixer so that nearby
	// keys (consecutive ports) spread over the whole range.
	h := uint64(0xcbf29ce484222325)
	for _, c := range b {
		h ^= uint64(c)
		h *= 0x100000001b3
	}
	return uint32(mix64(h))
}

func sortPair(a, b []byte) ([]byte, []byte) {
	if bytes.Compare(a, b) > 0 {
		return b, a
	}
	return a, b
}

// FlowHashMask returns the key bits FlowHash reads (the presence bits in
// Fields included).
func FlowHashMask() datapath.Mask {
	var m datapath.Mask
	k := (*datapath.FlowKey)(&m)
	k.Fields = datapath.FieldVLAN0 | datapath.FieldIPv4 | datapath.FieldIPv6 |
		datapath.FieldTCP | datapath.FieldUDP | datapath.FieldSCTP
	k.EthSrc = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	k.EthDst = k.EthSrc
	k.EthType = 0xffff
	k.VLAN[0].TCI = 0x0fff
	k.IPv4Src = [4]byte{0xff, 0xff, 0xff, 0xff}
	k.IPv4Dst = k.IPv4Src
	for i := range k.IPv6Src {
		k.IPv6Src[i], k.IPv6Dst[i] = 0xff, 0xff
	}
	k.IPProto = 0xff
	k.TPSrc, k.TPDst = 0xffff, 0xffff
	return m
}
