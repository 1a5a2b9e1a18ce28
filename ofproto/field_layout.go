package ofproto

// The layout of the OpenFlow 1.3 basic match fields (spec 1.3.5 §7.2.3.7,
// table 12) and the pipeline's metadata in a classifier.Key. Every field
// has a fixed place (word and bit shift), fields of at most 64 bits inside
// one word, the 128-bit IPv6 addresses over two. A flow's ofp.Match and a
// packet's pipeline state are both written into this layout, so a table
// lookup is one classifier lookup.

import (
	"encoding/binary"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// slot is where one OXM field lives: size bytes (as on the wire) at bit
// shift of word; 16-byte fields take word and word+1 (high half first).
type slot struct {
	word, shift, size uint8
}

// layout is indexed by OXM basic field number.
var layout = [...]slot{
	ofp.OXMInPortField:       {0, 0, 4},
	ofp.OXMInPhyPortField:    {0, 32, 4},
	ofp.OXMMetadataField:     {1, 0, 8},
	ofp.OXMEthDstField:       {2, 0, 6},
	ofp.OXMEthTypeField:      {2, 48, 2},
	ofp.OXMEthSrcField:       {3, 0, 6},
	ofp.OXMVlanVIDField:      {3, 48, 2},
	ofp.OXMIPv4SrcField:      {4, 0, 4},
	ofp.OXMIPv4DstField:      {4, 32, 4},
	ofp.OXMVlanPCPField:      {5, 0, 1},
	ofp.OXMIPDSCPField:       {5, 8, 1},
	ofp.OXMIPECNField:        {5, 16, 1},
	ofp.OXMIPProtoField:      {5, 24, 1},
	ofp.OXMTCPSrcField:       {5, 32, 2},
	ofp.OXMTCPDstField:       {5, 48, 2},
	ofp.OXMUDPSrcField:       {6, 0, 2},
	ofp.OXMUDPDstField:       {6, 16, 2},
	ofp.OXMSCTPSrcField:      {6, 32, 2},
	ofp.OXMSCTPDstField:      {6, 48, 2},
	ofp.OXMICMPv4TypeField:   {7, 0, 1},
	ofp.OXMICMPv4CodeField:   {7, 8, 1},
	ofp.OXMARPOpField:        {7, 16, 2},
	ofp.OXMARPSPAField:       {7, 32, 4},
	ofp.OXMARPTPAField:       {8, 0, 4},
	ofp.OXMICMPv6TypeField:   {8, 32, 1},
	ofp.OXMICMPv6CodeField:   {8, 40, 1},
	ofp.OXMIPv6ExthdrField:   {8, 48, 2},
	ofp.OXMARPSHAField:       {9, 0, 6},
	ofp.OXMMPLSTCField:       {9, 48, 1},
	ofp.OXMMPLSBOSField:      {9, 56, 1},
	ofp.OXMARPTHAField:       {10, 0, 6},
	ofp.OXMIPv6SrcField:      {11, 0, 16},
	ofp.OXMIPv6DstField:      {13, 0, 16},
	ofp.OXMIPv6FlabelField:   {15, 0, 4},
	ofp.OXMMPLSLabelField:    {15, 32, 4},
	ofp.OXMIPv6NDTargetField: {16, 0, 16},
	ofp.OXMIPv6NDSLLField:    {18, 0, 6},
	ofp.OXMIPv6NDTLLField:    {19, 0, 6},
	ofp.OXMTunnelIDField:     {20, 0, 8},
	ofp.OXMPBBISIDField:      {21, 0, 3},
}

// numFields is the number of OXM basic fields (0..39).
const numFields = len(layout)

// beUint reads up to 8 big-endian bytes.
func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// put writes the value bytes of field f (network order, slot size) into k.
func put(k *classifier.Key, f uint8, b []byte) {
	s := layout[f]
	if s.size == 16 {
		k[s.word] |= binary.BigEndian.Uint64(b[0:8])
		k[s.word+1] |= binary.BigEndian.Uint64(b[8:16])
		return
	}
	k[s.word] |= beUint(b) << s.shift
}

// putUint writes an integer value of field f into k.
func putUint(k *classifier.Key, f uint8, v uint64) {
	k[layout[f].word] |= v << layout[f].shift
}

// get reads field f of k as size bytes in network order.
func get(k *classifier.Key, f uint8) []byte {
	s := layout[f]
	b := make([]byte, s.size)
	if s.size == 16 {
		binary.BigEndian.PutUint64(b[0:8], k[s.word])
		binary.BigEndian.PutUint64(b[8:16], k[s.word+1])
		return b
	}
	v := k[s.word] >> s.shift
	for i := int(s.size) - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
	return b
}

// fieldMask returns the all-ones value of field f in its slot.
func fieldMask(k *classifier.Key, f uint8) {
	s := layout[f]
	if s.size == 16 {
		k[s.word], k[s.word+1] = ^uint64(0), ^uint64(0)
		return
	}
	var ones uint64 = ^uint64(0)
	if s.size < 8 {
		ones = 1<<(8*uint(s.size)) - 1
	}
	k[s.word] |= ones << s.shift
}

// fieldUsed reports whether any bit of field f is set in k.
func fieldUsed(k *classifier.Key, f uint8) bool {
	var m classifier.Key
	fieldMask(&m, f)
	for i := range k {
		if k[i]&m[i] != 0 {
			return true
		}
	}
	return false
}

// matchKey lays out an ofp.Match. The match must have passed
// ofp.Match.Validate (sizes, masks and prerequisites); fields of other
// classes are refused with OFPBMC_BAD_FIELD, as xvs matches none.
func matchKey(m *ofp.Match) (classifier.Match, error) {
	var v, mask classifier.Key
	for i := range m.Fields {
		o := &m.Fields[i]
		if !o.IsBasic() || int(o.Field) >= numFields {
			return classifier.Match{}, ofp.NewError(ofp.ETBadMatch, ofp.BMCBadField, nil)
		}
		s := layout[o.Field]
		if len(o.Value) != int(s.size) || (o.HasMask && len(o.Mask) != int(s.size)) {
			return classifier.Match{}, ofp.NewError(ofp.ETBadMatch, ofp.BMCBadLen, nil)
		}
		put(&v, o.Field, o.Value)
		if o.HasMask && !o.IsExact() {
			put(&mask, o.Field, o.Mask)
		} else {
			// Exact, or masked by all of a narrow field's bits
			// (ipv6_label=0x12345/0xfffff): one rule, as in OVS.
			fieldMask(&mask, o.Field)
		}
	}
	return classifier.NewMatch(v, mask), nil
}

// pipeKey lays out a packet for a table lookup: the header fields of its
// current flow key, the ingress OpenFlow port and the pipeline metadata.
// Fields of headers the packet lacks stay zero, which is also what a match
// on OFPVID_NONE means for vlan_vid.
func pipeKey(fk *datapath.FlowKey, inPort uint32, metadata uint64) classifier.Key {
	var k classifier.Key
	f := fk.Fields
	putUint(&k, ofp.OXMInPortField, uint64(inPort))
	putUint(&k, ofp.OXMInPhyPortField, uint64(inPort))
	putUint(&k, ofp.OXMMetadataField, metadata)
	putUint(&k, ofp.OXMTunnelIDField, fk.TunnelID)
	if !f.Has(datapath.FieldEth) {
		return k
	}
	put(&k, ofp.OXMEthDstField, fk.EthDst[:])
	put(&k, ofp.OXMEthSrcField, fk.EthSrc[:])
	putUint(&k, ofp.OXMEthTypeField, uint64(fk.EthType))
	if f.Has(datapath.FieldVLAN0) {
		putUint(&k, ofp.OXMVlanVIDField, uint64(fk.VLAN[0].VID()|ofp.VIDPresent))
		putUint(&k, ofp.OXMVlanPCPField, uint64(fk.VLAN[0].PCP()))
	}
	if f.Has(datapath.FieldMPLS) {
		putUint(&k, ofp.OXMMPLSLabelField, uint64(fk.MPLSLabel))
		putUint(&k, ofp.OXMMPLSTCField, uint64(fk.MPLSTC))
		putUint(&k, ofp.OXMMPLSBOSField, uint64(fk.MPLSBOS))
	}
	if f.Has(datapath.FieldPBB) {
		putUint(&k, ofp.OXMPBBISIDField, uint64(fk.PBBISID))
	}
	if f&(datapath.FieldIPv4|datapath.FieldIPv6) != 0 {
		putUint(&k, ofp.OXMIPDSCPField, uint64(fk.DSCP()))
		putUint(&k, ofp.OXMIPECNField, uint64(fk.ECN()))
		putUint(&k, ofp.OXMIPProtoField, uint64(fk.IPProto))
	}
	if f.Has(datapath.FieldIPv4) {
		put(&k, ofp.OXMIPv4SrcField, fk.IPv4Src[:])
		put(&k, ofp.OXMIPv4DstField, fk.IPv4Dst[:])
	}
	if f.Has(datapath.FieldIPv6) {
		put(&k, ofp.OXMIPv6SrcField, fk.IPv6Src[:])
		put(&k, ofp.OXMIPv6DstField, fk.IPv6Dst[:])
		putUint(&k, ofp.OXMIPv6FlabelField, uint64(fk.IPv6Label))
		putUint(&k, ofp.OXMIPv6ExthdrField, uint64(fk.IPv6ExtHdr))
	}
	switch {
	case f.Has(datapath.FieldTCP):
		putUint(&k, ofp.OXMTCPSrcField, uint64(fk.TPSrc))
		putUint(&k, ofp.OXMTCPDstField, uint64(fk.TPDst))
	case f.Has(datapath.FieldUDP):
		putUint(&k, ofp.OXMUDPSrcField, uint64(fk.TPSrc))
		putUint(&k, ofp.OXMUDPDstField, uint64(fk.TPDst))
	case f.Has(datapath.FieldSCTP):
		putUint(&k, ofp.OXMSCTPSrcField, uint64(fk.TPSrc))
		putUint(&k, ofp.OXMSCTPDstField, uint64(fk.TPDst))
	case f.Has(datapath.FieldICMP):
		putUint(&k, ofp.OXMICMPv4TypeField, uint64(fk.ICMPType))
		putUint(&k, ofp.OXMICMPv4CodeField, uint64(fk.ICMPCode))
	case f.Has(datapath.FieldICMPv6):
		putUint(&k, ofp.OXMICMPv6TypeField, uint64(fk.ICMPType))
		putUint(&k, ofp.OXMICMPv6CodeField, uint64(fk.ICMPCode))
	}
	if f.Has(datapath.FieldND) {
		put(&k, ofp.OXMIPv6NDTargetField, fk.NDTarget[:])
		put(&k, ofp.OXMIPv6NDSLLField, fk.NDSLL[:])
		put(&k, ofp.OXMIPv6NDTLLField, fk.NDTLL[:])
	}
	if f.Has(datapath.FieldARP) {
		putUint(&k, ofp.OXMARPOpField, uint64(fk.ARPOp))
		put(&k, ofp.OXMARPSPAField, fk.ARPSpa[:])
		put(&k, ofp.OXMARPTPAField, fk.ARPTpa[:])
		put(&k, ofp.OXMARPSHAField, fk.ARPSha[:])
		put(&k, ofp.OXMARPTHAField, fk.ARPTha[:])
	}
	return k
}
