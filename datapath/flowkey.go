package datapath

// FlowKey is the exact-match key of the flow cache: every header field the
// parser extracts from a frame. It is fixed-size and comparable, so it can be
// a Go map key. Fields of headers that did not parse are zero, and Fields
// says which headers did: a frame is keyed on what parsed, never rejected.
//
// Fields of mutually exclusive headers (IPv4 / IPv6 / ARP, TCP / UDP / SCTP /
// ICMP) are zero when their header is absent, so a BPF key struct may
// overlay them in a union without losing information. The rules that fill
// this struct are in the doc comment of datapath/packet.Extract.
type FlowKey struct {
	InPort   uint32    // datapath port number the frame arrived on
	Fields   KeyFields // which headers parsed
	TunnelID uint64    // tunnel metadata (FieldTunnel); never parsed from the frame

	// Ethernet (FieldEth).
	EthDst [6]byte
	EthSrc [6]byte
	// EthType is the ethertype after the VLAN tags that were parsed (the
	// TPID of a third tag, for example); EthTypeNone for 802.3 frames
	// whose type/length field is a length (< 0x0600).
	EthType uint16
	// VLAN holds up to two 802.1Q/802.1ad tags, outermost first
	// (FieldVLAN0, FieldVLAN1).
	VLAN [2]VLANTag

	// MPLS: the top label stack entry (FieldMPLS).
	MPLSLabel uint32 // 20 bits
	MPLSTC    uint8  // 3 bits
	MPLSBOS   uint8  // 0 or 1
	MPLSTTL   uint8  // kept so that copy-TTL-in and dec-MPLS-TTL can be decided in the key

	// PBB: the I-SID of the 802.1ah I-TAG (FieldPBB).
	PBBISID uint32 // 24 bits

	// IP, shared by IPv4 and IPv6 (FieldIPv4 or FieldIPv6).
	IPProto uint8 // IPv4 protocol; IPv6: the next header after the extension headers
	IPTOS   uint8 // IPv4 TOS / IPv6 traffic class: DSCP<<2 | ECN
	IPTTL   uint8 // IPv4 TTL / IPv6 hop limit
	IPFrag  Frag

	IPv4Src, IPv4Dst [4]byte

	IPv6Src, IPv6Dst [16]byte
	IPv6Label        uint32 // 20 bits
	IPv6ExtHdr       uint16 // OXM ipv6_exthdr pseudo-field flags (ExtHdr*)

	// Transport: TCP, UDP or SCTP ports (FieldTCP, FieldUDP, FieldSCTP).
	TPSrc, TPDst uint16
	TCPFlags     uint16 // the 12 flag bits of the TCP header (FieldTCP)

	// ICMPv4 or ICMPv6 (FieldICMP, FieldICMPv6).
	ICMPType, ICMPCode uint8

	// ARP and RARP for Ethernet/IPv4 (FieldARP).
	ARPOp          uint16
	ARPSpa, ARPTpa [4]byte
	ARPSha, ARPTha [6]byte

	// IPv6 neighbour discovery (FieldND): the target of a solicitation or
	// advertisement and its source / target link-layer address options.
	NDTarget     [16]byte
	NDSLL, NDTLL [6]byte
}

// VLANTag is one 802.1Q (TPID 0x8100) or 802.1ad (TPID 0x88a8) tag.
type VLANTag struct {
	TPID uint16
	TCI  uint16 // PCP(3) DEI(1) VID(12)
}

// VID returns the VLAN identifier.
func (v VLANTag) VID() uint16 { return v.TCI & 0x0fff }

// PCP returns the priority code point.
func (v VLANTag) PCP() uint8 { return uint8(v.TCI >> 13) }

// DEI returns the drop eligible indicator.
func (v VLANTag) DEI() bool { return v.TCI&0x1000 != 0 }

// MakeTCI builds a tag control information word.
func MakeTCI(vid uint16, pcp uint8, dei bool) uint16 {
	t := vid&0x0fff | uint16(pcp&7)<<13
	if dei {
		t |= 0x1000
	}
	return t
}

// KeyFields says which headers of a FlowKey were parsed.
type KeyFields uint32

const (
	FieldEth    KeyFields = 1 << iota // 14-byte Ethernet header
	FieldVLAN0                        // outer VLAN tag
	FieldVLAN1                        // inner VLAN tag
	FieldMPLS                         // top MPLS label stack entry
	FieldPBB                          // 802.1ah I-TAG
	FieldIPv4                         // IPv4 header (options included)
	FieldIPv6                         // IPv6 fixed header (extension headers walked)
	FieldARP                          // ARP/RARP for Ethernet and IPv4
	FieldTCP                          // 20-byte TCP header
	FieldUDP                          // 8-byte UDP header
	FieldSCTP                         // 12-byte SCTP common header
	FieldICMP                         // ICMPv4 type and code
	FieldICMPv6                       // ICMPv6 type and code
	FieldND                           // ND target (and options) of an NS or NA
	FieldTunnel                       // TunnelID is valid
)

// Has reports whether every field in f is present.
func (k KeyFields) Has(f KeyFields) bool { return k&f == f }

// EthTypeNone is the EthType of 802.3 frames (a length, not a type),
// following Open vSwitch's FLOW_DL_TYPE_NONE.
const EthTypeNone = 0x05ff

// Ethertypes the parser understands.
const (
	EthTypeIPv4      = 0x0800
	EthTypeARP       = 0x0806
	EthTypeRARP      = 0x8035
	EthTypeVLAN      = 0x8100 // 802.1Q C-tag
	EthTypeQinQ      = 0x88a8 // 802.1ad S-tag
	EthTypeIPv6      = 0x86dd
	EthTypeMPLS      = 0x8847
	EthTypeMPLSMcast = 0x8848
	EthTypePBB       = 0x88e7 // 802.1ah I-TAG
)

// IP protocol numbers the parser understands.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
	ProtoSCTP   = 132
)

// Frag is the fragment state of an IP packet.
type Frag uint8

const (
	FragNone  Frag = iota // not a fragment
	FragFirst             // offset 0, more fragments: L4 is parsed
	FragLater             // offset != 0: L4 is not parsed
)

func (f Frag) String() string {
	switch f {
	case FragNone:
		return "no"
	case FragFirst:
		return "first"
	case FragLater:
		return "later"
	}
	return "invalid"
}

// IPv6 extension header flags: the OXM ipv6_exthdr pseudo-field, OpenFlow
// 1.3.5 section 7.2.3.8 (enum ofp_ipv6exthdr_flags).
const (
	ExtHdrNoNext = 1 << 0 // next header 59 seen
	ExtHdrESP    = 1 << 1
	ExtHdrAuth   = 1 << 2
	ExtHdrDest   = 1 << 3
	ExtHdrFrag   = 1 << 4
	ExtHdrRouter = 1 << 5
	ExtHdrHop    = 1 << 6
	ExtHdrUnrep  = 1 << 7 // a header appeared more often than allowed
	ExtHdrUnseq  = 1 << 8 // headers out of the order RFC 8200 section 4.1 recommends
)

// DSCP returns the IP DSCP (IPv4 or IPv6).
func (k *FlowKey) DSCP() uint8 { return k.IPTOS >> 2 }

// ECN returns the IP ECN bits (IPv4 or IPv6).
func (k *FlowKey) ECN() uint8 { return k.IPTOS & 3 }
