package packet

import (
	"encoding/binary"

	"github.com/xvs-switch/xvs/datapath"
)

// Limits of the bounded loops, shared with the BPF parser.
const (
	// MaxVLANTags is how many VLAN tags are parsed (outermost first).
	MaxVLANTags = 2
	// MaxIPv6ExtHdrs is how many IPv6 extension headers are walked.
	MaxIPv6ExtHdrs = 8
	// MaxNDOptions is how many ND options are examined.
	MaxNDOptions = 4
)

// Extract returns the flow key of a frame that arrived on inPort. It never
// fails: runts, truncated headers and unknown ethertypes are keyed on what
// parsed. The rules, which the BPF parser follows exactly:
//
//  1. InPort is inPort; every other field starts zero. A frame shorter than
//     14 bytes yields only InPort (Fields 0).
//  2. Ethernet: EthDst, EthSrc and the type at offset 12; FieldEth.
//  3. VLAN: while the type is 0x8100 or 0x88a8 and fewer than two tags were
//     parsed: if 4 bytes follow, the tag (TPID = the type, TCI) goes into
//     VLAN[i] with FieldVLAN0/1 and the type becomes the next 2 bytes;
//     otherwise parsing stops with EthType = the TPID. A third tag is not
//     parsed: EthType is its TPID.
//  4. EthType is the type; a type below 0x0600 (802.3 length) gives
//     EthTypeNone and parsing stops. LLC/SNAP is not parsed.
//  5. MPLS (0x8847, 0x8848): with 4 bytes, the top entry's label, TC, BOS and
//     TTL; FieldMPLS. Nothing below the top entry is parsed.
//  6. PBB (0x88e7): with 4 bytes, the I-SID (low 24 bits of the I-TAG);
//     FieldPBB. The customer frame is not parsed.
//  7. ARP and RARP (0x0806, 0x8035): with 28 bytes and htype 1, ptype
//     0x0800, hlen 6, plen 4: ARPOp, ARPSha, ARPSpa, ARPTha, ARPTpa;
//     FieldARP. Otherwise nothing.
//  8. IPv4 (0x0800): needs 20 bytes, version 4, IHL >= 5 and IHL*4 bytes
//     present; otherwise nothing. IPv4Src/Dst, IPProto, IPTOS, IPTTL;
//     FieldIPv4. IPFrag: offset != 0 is FragLater, else MF is FragFirst,
//     else FragNone. The total length field is not consulted. L4 starts at
//     IHL*4 unless FragLater (then parsing stops).
//  9. IPv6 (0x86dd): needs 40 bytes and version 6; otherwise nothing.
//     IPv6Src/Dst, IPv6Label, IPTOS (traffic class), IPTTL (hop limit);
//     FieldIPv6. Then extension headers are walked, at most MaxIPv6ExtHdrs:
//     hop-by-hop (0), destination (60) and routing (43) are (len+1)*8 bytes,
//     fragment (44) 8 bytes, AH (51) (len+2)*4 bytes; each needs its 2 (8 for
//     fragment) first bytes and its whole length present, else the walk
//     stops before it. ESP (50) and no-next-header (59) set their flag and
//     stop the walk; any other value is the upper-layer protocol. IPProto is
//     the next-header value where the walk stopped. A fragment header sets
//     IPFrag as for IPv4 (offset = bytes 2-3 >> 3, M = byte 3 bit 0); after
//     a FragLater fragment header the walk and parsing stop. IPv6ExtHdr gets
//     the flag of each header walked, plus ExtHdrUnrep when a header repeats
//     (a destination header may appear twice: once before a routing header
//     and once last) and ExtHdrUnseq when a header comes before one that
//     RFC 8200 section 4.1 orders earlier. Order ranks: hop 1, destination 2,
//     routing 3, fragment 4, AH 5, ESP 6, destination 7 — a destination
//     header takes rank 2 unless a header of rank 3..6 came before it; a
//     header of rank lower than the highest seen sets Unseq; a destination
//     header taking a rank an earlier one took sets Unrep.
//  10. L4, chosen by IPProto (unless FragLater):
//     TCP (6) with 20 bytes: TPSrc, TPDst, TCPFlags (bytes 12-13 & 0x0fff);
//     FieldTCP. UDP (17) with 8 bytes: ports; FieldUDP. SCTP (132) with 12
//     bytes: ports; FieldSCTP. ICMP (1, IPv4 only) with 4 bytes: ICMPType,
//     ICMPCode; FieldICMP. ICMPv6 (58, IPv6 only) with 4 bytes: type and
//     code; FieldICMPv6.
//  11. ND: an ICMPv6 type 135 (NS) or 136 (NA) with code 0 and 24 bytes:
//     NDTarget; FieldND. Then up to MaxNDOptions options from byte 24: each
//     needs 2 bytes, a non-zero length, and length*8 bytes present, else the
//     scan stops; an option of length 1 and type 1 in an NS sets NDSLL, type
//     2 in an NA sets NDTLL (a later one overwrites an earlier one).
//
// On well-formed frames these rules give what Open vSwitch's flow
// extraction gives (datapath's TestExtractLikeOVS checks it), except on
// purpose: 802.3 frames are not looked into (OVS reads an LLC/SNAP type);
// an IPv4 header whose total length exceeds the frame is still keyed (OVS
// drops it); a later IPv6 fragment keeps the fragment header's next header
// as IPProto, as IPv4 does (OVS reports 44); PBB's I-SID is keyed.
func Extract(frame []byte, inPort uint32) datapath.FlowKey {
	var k datapath.FlowKey
	k.InPort = inPort
	parse(frame, &k)
	return k
}

// layout is where the headers of a frame are, as parse found them. Offsets
// are -1 when the header is absent.
type layout struct {
	ethType int // offset of the final type field (12, 16 or 20)
	vlan    int // offset of the outermost VLAN tag's TPID
	l3      int // offset of the MPLS, IPv4, IPv6, ARP or PBB header
	l3Type  uint16
	l4      int // offset of the TCP, UDP, SCTP, ICMP or ICMPv6 header
	l4Proto uint8
}

// parse fills k following the rules of Extract and returns the layout.
func parse(b []byte, k *datapath.FlowKey) layout {
	l := layout{ethType: -1, vlan: -1, l3: -1, l4: -1}
	if len(b) < 14 {
		return l
	}
	copy(k.EthDst[:], b[0:6])
	copy(k.EthSrc[:], b[6:12])
	k.Fields |= datapath.FieldEth
	off := 12
	typ := be16(b[off:])
	for i := 0; i < MaxVLANTags && (typ == datapath.EthTypeVLAN || typ == datapath.EthTypeQinQ); i++ {
		if len(b) < off+6 {
			break
		}
		if i == 0 {
			l.vlan = off
		}
		k.VLAN[i] = datapath.VLANTag{TPID: typ, TCI: be16(b[off+2:])}
		k.Fields |= datapath.FieldVLAN0 << i
		off += 4
		typ = be16(b[off:])
	}
	l.ethType = off
	if typ < 0x0600 {
		k.EthType = datapath.EthTypeNone
		return l
	}
	k.EthType = typ
	off += 2
	p := b[off:]
	switch typ {
	case datapath.EthTypeMPLS, datapath.EthTypeMPLSMcast:
		if len(p) < 4 {
			return l
		}
		lse := be32(p)
		k.MPLSLabel = lse >> 12
		k.MPLSTC = uint8(lse>>9) & 7
		k.MPLSBOS = uint8(lse>>8) & 1
		k.MPLSTTL = uint8(lse)
		k.Fields |= datapath.FieldMPLS
		l.l3, l.l3Type = off, typ
	case datapath.EthTypePBB:
		if len(p) < 4 {
			return l
		}
		k.PBBISID = be32(p) & 0xffffff
		k.Fields |= datapath.FieldPBB
		l.l3, l.l3Type = off, typ
	case datapath.EthTypeARP, datapath.EthTypeRARP:
		if len(p) < 28 || be16(p) != 1 || be16(p[2:]) != datapath.EthTypeIPv4 || p[4] != 6 || p[5] != 4 {
			return l
		}
		k.ARPOp = be16(p[6:])
		copy(k.ARPSha[:], p[8:14])
		copy(k.ARPSpa[:], p[14:18])
		copy(k.ARPTha[:], p[18:24])
		copy(k.ARPTpa[:], p[24:28])
		k.Fields |= datapath.FieldARP
		l.l3, l.l3Type = off, typ
	case datapath.EthTypeIPv4:
		if len(p) < 20 || p[0]>>4 != 4 {
			return l
		}
		ihl := int(p[0]&0x0f) * 4
		if ihl < 20 || len(p) < ihl {
			return l
		}
		k.IPTOS = p[1]
		k.IPTTL = p[8]
		k.IPProto = p[9]
		copy(k.IPv4Src[:], p[12:16])
		copy(k.IPv4Dst[:], p[16:20])
		k.Fields |= datapath.FieldIPv4
		l.l3, l.l3Type = off, typ
		fo := be16(p[6:])
		switch {
		case fo&0x1fff != 0:
			k.IPFrag = datapath.FragLater
			return l
		case fo&0x2000 != 0:
			k.IPFrag = datapath.FragFirst
		}
		parseL4(b, off+ihl, k, &l)
	case datapath.EthTypeIPv6:
		if len(p) < 40 || p[0]>>4 != 6 {
			return l
		}
		vtf := be32(p)
		k.IPTOS = uint8(vtf >> 20)
		k.IPv6Label = vtf & 0xfffff
		k.IPTTL = p[7]
		copy(k.IPv6Src[:], p[8:24])
		copy(k.IPv6Dst[:], p[24:40])
		k.Fields |= datapath.FieldIPv6
		l.l3, l.l3Type = off, typ
		l4off, ok := walkIPv6Ext(b, off+40, p[6], k)
		if ok {
			parseL4(b, l4off, k, &l)
		}
	}
	return l
}

// extRank gives the RFC 8200 section 4.1 order of extension headers; the
// destination header has two ranks (2 before routing, 7 last).
func extRank(nh uint8, maxRank int) (flag uint16, rank int) {
	switch nh {
	case 0:
		return datapath.ExtHdrHop, 1
	case 60:
		if maxRank >= 3 {
			return datapath.ExtHdrDest, 7
		}
		return datapath.ExtHdrDest, 2
	case 43:
		return datapath.ExtHdrRouter, 3
	case 44:
		return datapath.ExtHdrFrag, 4
	case 51:
		return datapath.ExtHdrAuth, 5
	case 50:
		return datapath.ExtHdrESP, 6
	}
	return 0, 0
}

// walkIPv6Ext walks the extension headers from off, sets IPProto, IPFrag and
// IPv6ExtHdr, and returns the L4 offset and whether L4 may be parsed.
func walkIPv6Ext(b []byte, off int, nh uint8, k *datapath.FlowKey) (int, bool) {
	maxRank := 0
	destRanks := 0 // bit r set: a destination header took rank r
	for i := 0; i < MaxIPv6ExtHdrs; i++ {
		if nh == 59 {
			k.IPv6ExtHdr |= datapath.ExtHdrNoNext
			break
		}
		flag, rank := extRank(nh, maxRank)
		if flag == 0 {
			break
		}
		if nh != 50 { // ESP has no parseable length: flag it and stop
			need := 2
			if nh == 44 {
				need = 8
			}
			if len(b) < off+need {
				break
			}
			var hlen int
			switch nh {
			case 44:
				hlen = 8
			case 51:
				hlen = (int(b[off+1]) + 2) * 4
			default:
				hlen = (int(b[off+1]) + 1) * 8
			}
			if len(b) < off+hlen {
				break
			}
		}
		if nh == 60 {
			if destRanks&(1<<rank) != 0 {
				k.IPv6ExtHdr |= datapath.ExtHdrUnrep
			}
			destRanks |= 1 << rank
		} else if k.IPv6ExtHdr&flag != 0 {
			k.IPv6ExtHdr |= datapath.ExtHdrUnrep
		}
		if rank < maxRank {
			k.IPv6ExtHdr |= datapath.ExtHdrUnseq
		}
		maxRank = max(maxRank, rank)
		k.IPv6ExtHdr |= flag
		if nh == 50 {
			break
		}
		next := b[off]
		switch nh {
		case 44:
			fo := be16(b[off+2:])
			if fo>>3 != 0 {
				k.IPFrag = datapath.FragLater
				k.IPProto = next
				return 0, false
			}
			if fo&1 != 0 {
				k.IPFrag = datapath.FragFirst
			}
			off += 8
		case 51:
			off += (int(b[off+1]) + 2) * 4
		default:
			off += (int(b[off+1]) + 1) * 8
		}
		nh = next
	}
	k.IPProto = nh
	return off, true
}

func parseL4(b []byte, off int, k *datapath.FlowKey, l *layout) {
	p := b[off:]
	ipv6 := k.Fields.Has(datapath.FieldIPv6)
	switch {
	case k.IPProto == datapath.ProtoTCP && len(p) >= 20:
		k.TPSrc, k.TPDst = be16(p), be16(p[2:])
		k.TCPFlags = be16(p[12:]) & 0x0fff
		k.Fields |= datapath.FieldTCP
	case k.IPProto == datapath.ProtoUDP && len(p) >= 8:
		k.TPSrc, k.TPDst = be16(p), be16(p[2:])
		k.Fields |= datapath.FieldUDP
	case k.IPProto == datapath.ProtoSCTP && len(p) >= 12:
		k.TPSrc, k.TPDst = be16(p), be16(p[2:])
		k.Fields |= datapath.FieldSCTP
	case k.IPProto == datapath.ProtoICMP && !ipv6 && len(p) >= 4:
		k.ICMPType, k.ICMPCode = p[0], p[1]
		k.Fields |= datapath.FieldICMP
	case k.IPProto == datapath.ProtoICMPv6 && ipv6 && len(p) >= 4:
		k.ICMPType, k.ICMPCode = p[0], p[1]
		k.Fields |= datapath.FieldICMPv6
		if (p[0] == 135 || p[0] == 136) && p[1] == 0 && len(p) >= 24 {
			parseND(p, k)
		}
	default:
		return
	}
	l.l4, l.l4Proto = off, k.IPProto
}

func parseND(p []byte, k *datapath.FlowKey) {
	copy(k.NDTarget[:], p[8:24])
	k.Fields |= datapath.FieldND
	o := 24
	for i := 0; i < MaxNDOptions; i++ {
		if len(p) < o+2 || p[o+1] == 0 || len(p) < o+int(p[o+1])*8 {
			return
		}
		if p[o+1] == 1 {
			switch {
			case p[o] == 1 && p[0] == 135:
				copy(k.NDSLL[:], p[o+2:o+8])
			case p[o] == 2 && p[0] == 136:
				copy(k.NDTLL[:], p[o+2:o+8])
			}
		}
		o += int(p[o+1]) * 8
	}
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
