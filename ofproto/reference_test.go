package ofproto

// A reference check of the pipeline's table lookup: random rules and
// random packets; the classifier over the field layout must pick the same
// rule as a trivial linear matcher that reads each OXM field straight from
// the flow key.

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// refField returns field f of a packet in network byte order, or false
// when the packet lacks the header.
func refField(k *datapath.FlowKey, inPort uint32, md uint64, f uint8) ([]byte, bool) {
	b16 := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	b32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	has := k.Fields.Has
	ip := has(datapath.FieldIPv4) || has(datapath.FieldIPv6)
	switch f {
	case ofp.OXMInPortField, ofp.OXMInPhyPortField:
		return b32(inPort), true
	case ofp.OXMMetadataField:
		return binary.BigEndian.AppendUint64(nil, md), true
	case ofp.OXMTunnelIDField:
		return binary.BigEndian.AppendUint64(nil, k.TunnelID), true
	case ofp.OXMEthDstField:
		return k.EthDst[:], true
	case ofp.OXMEthSrcField:
		return k.EthSrc[:], true
	case ofp.OXMEthTypeField:
		return b16(k.EthType), true
	case ofp.OXMVlanVIDField:
		if has(datapath.FieldVLAN0) {
			return b16(k.VLAN[0].VID() | ofp.VIDPresent), true
		}
		return b16(0), true
	case ofp.OXMVlanPCPField:
		return []byte{k.VLAN[0].PCP()}, has(datapath.FieldVLAN0)
	case ofp.OXMIPDSCPField:
		return []byte{k.IPTOS >> 2}, ip
	case ofp.OXMIPECNField:
		return []byte{k.IPTOS & 3}, ip
	case ofp.OXMIPProtoField:
		return []byte{k.IPProto}, ip
	case ofp.OXMIPv4SrcField:
		return k.IPv4Src[:], has(datapath.FieldIPv4)
	case ofp.OXMIPv4DstField:
		return k.IPv4Dst[:], has(datapath.FieldIPv4)
	case ofp.OXMTCPSrcField:
		return b16(k.TPSrc), has(datapath.FieldTCP)
	case ofp.OXMTCPDstField:
		return b16(k.TPDst), has(datapath.FieldTCP)
	case ofp.OXMUDPSrcField:
		return b16(k.TPSrc), has(datapath.FieldUDP)
	case ofp.OXMUDPDstField:
		return b16(k.TPDst), has(datapath.FieldUDP)
	case ofp.OXMICMPv4TypeField:
		return []byte{k.ICMPType}, has(datapath.FieldICMP)
	case ofp.OXMICMPv4CodeField:
		return []byte{k.ICMPCode}, has(datapath.FieldICMP)
	case ofp.OXMARPOpField:
		return b16(k.ARPOp), has(datapath.FieldARP)
	case ofp.OXMARPSPAField:
		return k.ARPSpa[:], has(datapath.FieldARP)
	case ofp.OXMARPTPAField:
		return k.ARPTpa[:], has(datapath.FieldARP)
	case ofp.OXMIPv6SrcField:
		return k.IPv6Src[:], has(datapath.FieldIPv6)
	case ofp.OXMIPv6DstField:
		return k.IPv6Dst[:], has(datapath.FieldIPv6)
	case ofp.OXMIPv6FlabelField:
		return b32(k.IPv6Label), has(datapath.FieldIPv6)
	}
	panic("refField: field not generated")
}

// refMatches is the linear matcher: every TLV of m against the packet.
func refMatches(m *ofp.Match, k *datapath.FlowKey, inPort uint32) bool {
	for _, o := range m.Fields {
		v, ok := refField(k, inPort, 0, o.Field)
		if !ok {
			return false
		}
		for i := range v {
			mask := byte(0xff)
			if o.HasMask {
				mask = o.Mask[i]
			}
			if v[i]&mask != o.Value[i] {
				return false
			}
		}
	}
	return true
}

// Small alphabets so that rules and packets meet often.
var (
	refMACs  = [][6]byte{{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	refIPs   = [][4]byte{{10, 0, 0, 1}, {10, 0, 0, 2}, {10, 0, 1, 1}, {192, 168, 0, 1}}
	refIP6s  = [][16]byte{{0xfd, 15: 1}, {0xfd, 15: 2}, {0xfe, 0x80, 15: 1}}
	refPorts = []uint16{53, 80, 443}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// randomKey draws a packet.
func randomKey(rng *rand.Rand, nports int) (datapath.FlowKey, uint32) {
	in := uint32(1 + rng.IntN(nports))
	k := datapath.FlowKey{Fields: datapath.FieldEth, EthSrc: pick(rng, refMACs), EthDst: pick(rng, refMACs)}
	if rng.IntN(3) == 0 {
		k.Fields |= datapath.FieldVLAN0
		k.VLAN[0] = datapath.VLANTag{TPID: 0x8100, TCI: datapath.MakeTCI(uint16(10+rng.IntN(2)), uint8(rng.IntN(2)), false)}
	}
	switch rng.IntN(4) {
	case 0, 1:
		k.EthType, k.Fields = datapath.EthTypeIPv4, k.Fields|datapath.FieldIPv4
		k.IPv4Src, k.IPv4Dst = pick(rng, refIPs), pick(rng, refIPs)
	case 2:
		k.EthType, k.Fields = datapath.EthTypeIPv6, k.Fields|datapath.FieldIPv6
		k.IPv6Src, k.IPv6Dst = pick(rng, refIP6s), pick(rng, refIP6s)
		k.IPv6Label = uint32(rng.IntN(2))
	default:
		k.EthType, k.Fields = datapath.EthTypeARP, k.Fields|datapath.FieldARP
		k.ARPOp = uint16(1 + rng.IntN(2))
		k.ARPSpa, k.ARPTpa = pick(rng, refIPs), pick(rng, refIPs)
		return k, in
	}
	k.IPTOS = uint8(rng.IntN(2)) << 2
	switch rng.IntN(3) {
	case 0:
		k.IPProto, k.Fields = datapath.ProtoTCP, k.Fields|datapath.FieldTCP
		k.TPSrc, k.TPDst = pick(rng, refPorts), pick(rng, refPorts)
	case 1:
		k.IPProto, k.Fields = datapath.ProtoUDP, k.Fields|datapath.FieldUDP
		k.TPSrc, k.TPDst = pick(rng, refPorts), pick(rng, refPorts)
	default:
		if k.Fields.Has(datapath.FieldIPv4) {
			k.IPProto, k.Fields = datapath.ProtoICMP, k.Fields|datapath.FieldICMP
			k.ICMPType = uint8(rng.IntN(2) * 8)
		} else {
			k.IPProto = 99
		}
	}
	return k, in
}

func oxm(f uint8, v []byte, mask []byte) ofp.OXM {
	o := ofp.OXM{Class: ofp.OXMClassOpenFlowBasic, Field: f, Value: append([]byte(nil), v...)}
	if mask != nil {
		o.HasMask, o.Mask = true, mask
		for i := range o.Value {
			o.Value[i] &= mask[i]
		}
	}
	return o
}

// prefixMask returns an n-byte mask of the leading bits.
func prefixMask(rng *rand.Rand, n int) []byte {
	m := make([]byte, n)
	bits := 1 + rng.IntN(8*n)
	for i := range m {
		switch {
		case bits >= 8:
			m[i], bits = 0xff, bits-8
		case bits > 0:
			m[i], bits = byte(0xff<<(8-bits)), 0
		}
	}
	return m
}

// randomMatch draws a match that satisfies the prerequisites of table 12.
func randomMatch(rng *rand.Rand, nports int) ofp.Match {
	var fs []ofp.OXM
	b16 := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	maybe := func() bool { return rng.IntN(3) == 0 }
	if maybe() {
		fs = append(fs, oxm(ofp.OXMInPortField, binary.BigEndian.AppendUint32(nil, uint32(1+rng.IntN(nports))), nil))
	}
	if maybe() {
		m := pick(rng, refMACs)
		var mask []byte
		if rng.IntN(2) == 0 {
			mask = []byte{1, 0, 0, 0, 0, 0} // multicast bit
		}
		fs = append(fs, oxm(ofp.OXMEthDstField, m[:], mask))
	}
	if maybe() {
		m := pick(rng, refMACs)
		fs = append(fs, oxm(ofp.OXMEthSrcField, m[:], nil))
	}
	if maybe() {
		switch rng.IntN(3) {
		case 0:
			fs = append(fs, oxm(ofp.OXMVlanVIDField, b16(0), nil)) // untagged
		case 1:
			fs = append(fs, oxm(ofp.OXMVlanVIDField, b16(ofp.VIDPresent), b16(ofp.VIDPresent))) // any tag
		default:
			fs = append(fs, oxm(ofp.OXMVlanVIDField, b16(ofp.VIDPresent|uint16(10+rng.IntN(2))), nil))
			if maybe() {
				fs = append(fs, oxm(ofp.OXMVlanPCPField, []byte{uint8(rng.IntN(2))}, nil))
			}
		}
	}
	switch rng.IntN(5) {
	case 0, 1:
		fs = append(fs, oxm(ofp.OXMEthTypeField, b16(datapath.EthTypeIPv4), nil))
		if maybe() {
			a := pick(rng, refIPs)
			fs = append(fs, oxm(ofp.OXMIPv4SrcField, a[:], prefixMask(rng, 4)))
		}
		if maybe() {
			a := pick(rng, refIPs)
			fs = append(fs, oxm(ofp.OXMIPv4DstField, a[:], nil))
		}
		if maybe() {
			fs = append(fs, oxm(ofp.OXMIPDSCPField, []byte{uint8(rng.IntN(2))}, nil))
		}
		fs = l4Match(rng, fs, true)
	case 2:
		fs = append(fs, oxm(ofp.OXMEthTypeField, b16(datapath.EthTypeIPv6), nil))
		if maybe() {
			a := pick(rng, refIP6s)
			fs = append(fs, oxm(ofp.OXMIPv6DstField, a[:], prefixMask(rng, 16)))
		}
		if maybe() {
			fs = append(fs, oxm(ofp.OXMIPv6FlabelField, binary.BigEndian.AppendUint32(nil, uint32(rng.IntN(2))), nil))
		}
		fs = l4Match(rng, fs, false)
	case 3:
		fs = append(fs, oxm(ofp.OXMEthTypeField, b16(datapath.EthTypeARP), nil))
		if maybe() {
			fs = append(fs, oxm(ofp.OXMARPOpField, b16(uint16(1+rng.IntN(2))), nil))
		}
		if maybe() {
			a := pick(rng, refIPs)
			fs = append(fs, oxm(ofp.OXMARPTPAField, a[:], prefixMask(rng, 4)))
		}
	}
	return ofp.NewMatch(fs...)
}

func l4Match(rng *rand.Rand, fs []ofp.OXM, v4 bool) []ofp.OXM {
	b16 := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	switch rng.IntN(4) {
	case 0:
		fs = append(fs, oxm(ofp.OXMIPProtoField, []byte{datapath.ProtoTCP}, nil))
		if rng.IntN(2) == 0 {
			fs = append(fs, oxm(ofp.OXMTCPDstField, b16(pick(rng, refPorts)), nil))
		}
	case 1:
		fs = append(fs, oxm(ofp.OXMIPProtoField, []byte{datapath.ProtoUDP}, nil))
		if rng.IntN(2) == 0 {
			fs = append(fs, oxm(ofp.OXMUDPSrcField, b16(pick(rng, refPorts)), nil))
		}
	case 2:
		if v4 {
			fs = append(fs, oxm(ofp.OXMIPProtoField, []byte{datapath.ProtoICMP}, nil))
			fs = append(fs, oxm(ofp.OXMICMPv4TypeField, []byte{uint8(rng.IntN(2) * 8)}, nil))
		}
	}
	return fs
}

type refRule struct {
	match  ofp.Match
	prio   uint16
	cookie uint64
	seq    int
}

func TestLookupAgreesWithLinearMatcher(t *testing.T) {
	const nports = 3
	rng := rand.New(rand.NewPCG(7, 11))
	r := newRig(t, nports, FailSecure)
	var ref []*refRule
	seq, hits, lookups := 0, 0, 0
	for step := 0; step < 4000; step++ {
		switch op := rng.IntN(10); {
		case op < 4 || len(ref) == 0:
			seq++
			m := randomMatch(rng, nports)
			prio := uint16(rng.IntN(6))
			fm := &ofp.FlowMod{Command: ofp.FlowAdd, Cookie: uint64(seq), Priority: prio, BufferID: ofp.NoBuffer,
				OutPort: ofp.PortAny, OutGroup: ofp.GroupAny, Match: m,
				Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortController}}}}}
			if err := r.sw.FlowMod(fm); err != nil {
				t.Fatalf("step %d: add %v: %v", step, m, err)
			}
			// An identical match and priority replaces, keeping the
			// older rule's place among equals.
			replaced := false
			for _, x := range ref {
				if x.prio == prio && sameMatch(&x.match, &m) {
					x.cookie, replaced = uint64(seq), true
				}
			}
			if !replaced {
				ref = append(ref, &refRule{match: m, prio: prio, cookie: uint64(seq), seq: seq})
			}
		case op < 5:
			i := rng.IntN(len(ref))
			x := ref[i]
			fm := &ofp.FlowMod{Command: ofp.FlowDeleteStrict, TableID: 0, Priority: x.prio, BufferID: ofp.NoBuffer,
				OutPort: ofp.PortAny, OutGroup: ofp.GroupAny, Match: x.match}
			if err := r.sw.FlowMod(fm); err != nil {
				t.Fatal(err)
			}
			ref = append(ref[:i], ref[i+1:]...)
		default:
			k, in := randomKey(rng, nports)
			r.sw.mu.Lock()
			pk := pipeKey(&k, in, 0)
			cr := r.sw.tables[0].cls.Lookup(&pk, nil)
			r.sw.mu.Unlock()
			var want *refRule
			for _, x := range ref {
				if refMatches(&x.match, &k, in) && (want == nil || x.prio > want.prio || x.prio == want.prio && x.seq < want.seq) {
					want = x
				}
			}
			lookups++
			if want != nil {
				hits++
			}
			switch {
			case cr == nil && want == nil:
			case cr == nil || want == nil || cr.Value.cookie != want.cookie:
				t.Fatalf("step %d: packet %v in_port %d: lookup %v, linear matcher %+v", step, k, in, cr, want)
			}
		}
	}
	if hits < lookups/4 {
		t.Fatalf("only %d of %d packets matched a rule: the check proves little", hits, lookups)
	}
	if n := len(r.flowStats("")); n != len(ref) {
		t.Fatalf("%d flows, reference %d", n, len(ref))
	}
}

// sameMatch compares two matches as sets of TLVs.
func sameMatch(a, b *ofp.Match) bool {
	ca, _ := matchKey(a)
	cb, _ := matchKey(b)
	return ca == cb
}
