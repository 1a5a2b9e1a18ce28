package packet

import (
	"encoding/binary"
	"slices"

	"github.com/xvs-switch/xvs/datapath"
)

// Env receives what running an action list produces. Nil functions discard.
type Env struct {
	// Output gets a frame to transmit on port; the slice is the callee's.
	Output func(port uint32, frame []byte)
	// Upcall gets a frame for userspace (ReasonUserspace with the action's
	// cookie, or ReasonInvalidTTL); the slice is the callee's.
	Upcall func(reason datapath.UpcallReason, cookie uint64, frame []byte)
	// Meter measures a frame of frameLen bytes against meter id and
	// returns the band that applies, if any. Nil or a missing meter: pass.
	Meter func(id uint32, frameLen int) (datapath.MeterBand, bool)
}

// Execute runs an action list on a copy of frame. Actions are applied in
// order; see datapath.Action for the semantics of each. The list is assumed
// valid (datapath.ValidateActions). SlowPath markers are ignored.
func Execute(frame []byte, actions []datapath.Action, env Env) {
	x := executor{b: slices.Clone(frame), env: env}
	for _, a := range actions {
		if !x.run(a) {
			return
		}
	}
}

type executor struct {
	b   []byte
	env Env
}

func (x *executor) layout() (layout, datapath.FlowKey) {
	var k datapath.FlowKey
	l := parse(x.b, &k)
	return l, k
}

// run applies one action and reports whether the list goes on.
func (x *executor) run(a datapath.Action) bool {
	b := x.b
	switch a := a.(type) {
	case datapath.Output:
		if x.env.Output != nil {
			x.env.Output(a.Port, slices.Clone(b))
		}
	case datapath.Userspace:
		x.upcall(datapath.ReasonUserspace, a.Cookie)
	case datapath.Meter:
		if x.env.Meter == nil {
			break
		}
		band, ok := x.env.Meter(a.ID, len(b))
		if !ok {
			break
		}
		if band.Type == datapath.BandDrop {
			return false
		}
		x.remark(band.PrecLevel)
	case datapath.SetEthSrc:
		if len(b) >= 14 {
			copy(b[6:12], a.Addr[:])
		}
	case datapath.SetEthDst:
		if len(b) >= 14 {
			copy(b[0:6], a.Addr[:])
		}
	case datapath.PushVLAN:
		if len(b) >= 14 {
			tag := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, a.TPID), a.TCI)
			x.b = slices.Insert(b, 12, tag...)
		}
	case datapath.PopVLAN:
		if l, _ := x.layout(); l.vlan >= 0 {
			x.b = slices.Delete(b, 12, 16)
		}
	case datapath.SetVLANVID:
		if l, _ := x.layout(); l.vlan >= 0 {
			tci := binary.BigEndian.Uint16(b[14:])
			binary.BigEndian.PutUint16(b[14:], tci&0xf000|a.VID&0x0fff)
		}
	case datapath.SetVLANPCP:
		if l, _ := x.layout(); l.vlan >= 0 {
			tci := binary.BigEndian.Uint16(b[14:])
			binary.BigEndian.PutUint16(b[14:], tci&0x1fff|uint16(a.PCP&7)<<13)
		}
	case datapath.SetIPv4Src:
		x.setIPv4Addr(12, a.Addr)
	case datapath.SetIPv4Dst:
		x.setIPv4Addr(16, a.Addr)
	case datapath.SetIPv6Src:
		x.setIPv6Addr(8, a.Addr)
	case datapath.SetIPv6Dst:
		x.setIPv6Addr(24, a.Addr)
	case datapath.SetIPDSCP:
		x.setTOS(0x03, a.DSCP<<2)
	case datapath.SetIPECN:
		x.setTOS(0xfc, a.ECN&3)
	case datapath.SetIPTTL:
		x.setTTL(func(uint8) uint8 { return a.TTL })
	case datapath.DecTTL:
		return x.decTTL()
	case datapath.SetTPSrc:
		x.setPort(0, a.Port)
	case datapath.SetTPDst:
		x.setPort(2, a.Port)
	case datapath.SetICMPType:
		x.setICMP(0, a.Type)
	case datapath.SetICMPCode:
		x.setICMP(1, a.Code)
	case datapath.PushMPLS:
		x.pushMPLS(a)
	case datapath.PopMPLS:
		if l, _ := x.layout(); l.l3 >= 0 && isMPLS(l.l3Type) {
			binary.BigEndian.PutUint16(b[l.ethType:], a.EthType)
			x.b = slices.Delete(b, l.l3, l.l3+4)
		}
	case datapath.SetMPLSLabel:
		x.setLSE(0x00000fff, a.Label<<12)
	case datapath.SetMPLSTC:
		x.setLSE(0xfffff1ff, uint32(a.TC&7)<<9)
	case datapath.SetMPLSTTL:
		x.setLSE(0xffffff00, uint32(a.TTL))
	case datapath.DecMPLSTTL:
		if l, k := x.layout(); l.l3 >= 0 && isMPLS(l.l3Type) {
			if k.MPLSTTL <= 1 {
				x.upcall(datapath.ReasonInvalidTTL, 0)
				return false
			}
			b[l.l3+3] = k.MPLSTTL - 1
		}
	case datapath.CopyTTLIn:
		x.copyTTL(true)
	case datapath.CopyTTLOut:
		x.copyTTL(false)
	case datapath.PushPBB:
		if len(b) >= 14 {
			hdr := make([]byte, 18)
			copy(hdr[0:12], b[0:12])
			binary.BigEndian.PutUint16(hdr[12:], datapath.EthTypePBB)
			binary.BigEndian.PutUint32(hdr[14:], a.ISID&0xffffff)
			x.b = append(hdr, b...)
		}
	case datapath.PopPBB:
		if l, _ := x.layout(); l.l3 >= 0 && l.l3Type == datapath.EthTypePBB && len(b) >= l.l3+4+14 {
			x.b = b[l.l3+4:]
		}
	default:
		x.setField(a)
	}
	return true
}

func (x *executor) upcall(r datapath.UpcallReason, cookie uint64) {
	if x.env.Upcall != nil {
		x.env.Upcall(r, cookie, slices.Clone(x.b))
	}
}

func isMPLS(t uint16) bool { return t == datapath.EthTypeMPLS || t == datapath.EthTypeMPLSMcast }

// ipPayloadEnd is where the IP payload ends: the total (IPv4) or payload
// (IPv6) length, clamped to the frame, so Ethernet padding is left out.
func (x *executor) ipPayloadEnd(l layout) int {
	var end int
	switch l.l3Type {
	case datapath.EthTypeIPv4:
		end = l.l3 + int(binary.BigEndian.Uint16(x.b[l.l3+2:]))
	case datapath.EthTypeIPv6:
		end = l.l3 + 40 + int(binary.BigEndian.Uint16(x.b[l.l3+4:]))
	}
	if end > len(x.b) || end <= l.l4 {
		end = len(x.b)
	}
	return end
}

// fixL4Pseudo folds an address change into the L4 checksum, for the
// protocols whose checksum covers the IP pseudo-header.
func (x *executor) fixL4Pseudo(l layout, old, new []byte) {
	if l.l4 < 0 {
		return
	}
	b := x.b
	switch l.l4Proto {
	case datapath.ProtoTCP:
		csumReplace(b, l.l4+16, old, new)
	case datapath.ProtoUDP:
		udpCsumReplace(b, l.l4+6, old, new)
	case datapath.ProtoICMPv6:
		csumReplace(b, l.l4+2, old, new)
	}
}

func (x *executor) setIPv4Addr(at int, addr [4]byte) {
	l, _ := x.layout()
	if l.l3 < 0 || l.l3Type != datapath.EthTypeIPv4 {
		return
	}
	p := x.b[l.l3+at : l.l3+at+4]
	old := slices.Clone(p)
	copy(p, addr[:])
	csumReplace(x.b, l.l3+10, old, addr[:])
	x.fixL4Pseudo(l, old, addr[:])
}

func (x *executor) setIPv6Addr(at int, addr [16]byte) {
	l, _ := x.layout()
	if l.l3 < 0 || l.l3Type != datapath.EthTypeIPv6 {
		return
	}
	p := x.b[l.l3+at : l.l3+at+16]
	old := slices.Clone(p)
	copy(p, addr[:])
	x.fixL4Pseudo(l, old, addr[:])
}

// setTOS sets the IPv4 TOS or IPv6 traffic class to tos&^keep | set, where
// keep says which old bits stay.
func (x *executor) setTOS(keep, set uint8) {
	l, k := x.layout()
	if l.l3 < 0 {
		return
	}
	tos := k.IPTOS&keep | set
	b := x.b
	switch l.l3Type {
	case datapath.EthTypeIPv4:
		old := slices.Clone(b[l.l3 : l.l3+2])
		b[l.l3+1] = tos
		csumReplace(b, l.l3+10, old, b[l.l3:l.l3+2])
	case datapath.EthTypeIPv6:
		vtf := binary.BigEndian.Uint32(b[l.l3:])
		binary.BigEndian.PutUint32(b[l.l3:], vtf&^(0xff<<20)|uint32(tos)<<20)
	}
}

// setTTL rewrites the IPv4 TTL or IPv6 hop limit.
func (x *executor) setTTL(f func(uint8) uint8) {
	l, k := x.layout()
	if l.l3 >= 0 {
		x.writeTTL(l, f(k.IPTTL))
	}
}

func (x *executor) writeTTL(l layout, ttl uint8) {
	b := x.b
	switch l.l3Type {
	case datapath.EthTypeIPv4:
		old := slices.Clone(b[l.l3+8 : l.l3+10])
		b[l.l3+8] = ttl
		csumReplace(b, l.l3+10, old, b[l.l3+8:l.l3+10])
	case datapath.EthTypeIPv6:
		b[l.l3+7] = ttl
	}
}

func (x *executor) decTTL() bool {
	l, k := x.layout()
	if l.l3 < 0 || (l.l3Type != datapath.EthTypeIPv4 && l.l3Type != datapath.EthTypeIPv6) {
		return true
	}
	if k.IPTTL <= 1 {
		x.upcall(datapath.ReasonInvalidTTL, 0)
		return false
	}
	x.writeTTL(l, k.IPTTL-1)
	return true
}

// remark raises the drop precedence of the DSCP (RFC 2597: bits 1-2 of the
// DSCP), saturating at 3.
func (x *executor) remark(prec uint8) {
	_, k := x.layout()
	dscp := k.DSCP()
	dp := min(int(dscp>>1&3)+int(prec), 3)
	x.setTOS(0x03, (dscp&^0x06|uint8(dp)<<1)<<2)
}

func (x *executor) setPort(at int, port uint16) {
	l, _ := x.layout()
	if l.l4 < 0 {
		return
	}
	b := x.b
	p := b[l.l4+at : l.l4+at+2]
	old := slices.Clone(p)
	binary.BigEndian.PutUint16(p, port)
	switch l.l4Proto {
	case datapath.ProtoTCP:
		csumReplace(b, l.l4+16, old, p)
	case datapath.ProtoUDP:
		udpCsumReplace(b, l.l4+6, old, p)
	case datapath.ProtoSCTP:
		sctpRecompute(b[l.l4:x.ipPayloadEnd(l)])
	default:
		copy(p, old) // ICMP has no ports
	}
}

func (x *executor) setICMP(at int, v uint8) {
	l, _ := x.layout()
	if l.l4 < 0 || (l.l4Proto != datapath.ProtoICMP && l.l4Proto != datapath.ProtoICMPv6) {
		return
	}
	b := x.b
	old := slices.Clone(b[l.l4 : l.l4+2])
	b[l.l4+at] = v
	csumReplace(b, l.l4+2, old, b[l.l4:l.l4+2])
}

func (x *executor) pushMPLS(a datapath.PushMPLS) {
	l, _ := x.layout()
	if l.ethType < 0 {
		return
	}
	b := x.b
	var bos uint32 = 1
	if isMPLS(binary.BigEndian.Uint16(b[l.ethType:])) {
		bos = 0
	}
	lse := a.Label<<12 | uint32(a.TC&7)<<9 | bos<<8 | uint32(a.TTL)
	binary.BigEndian.PutUint16(b[l.ethType:], a.EthType)
	x.b = slices.Insert(b, l.ethType+2, binary.BigEndian.AppendUint32(nil, lse)...)
}

// setLSE rewrites the top label stack entry to lse&keep | set.
func (x *executor) setLSE(keep, set uint32) {
	l, _ := x.layout()
	if l.l3 < 0 || !isMPLS(l.l3Type) {
		return
	}
	p := x.b[l.l3:]
	binary.BigEndian.PutUint32(p, binary.BigEndian.Uint32(p)&keep|set)
}

// copyTTL copies the top MPLS TTL inwards (to the next entry, or to the IP
// header below the bottom of the stack, recognised by its version nibble)
// or outwards.
func (x *executor) copyTTL(in bool) {
	l, k := x.layout()
	if l.l3 < 0 || !isMPLS(l.l3Type) {
		return
	}
	b := x.b
	inner := l.l3 + 4
	if k.MPLSBOS == 0 {
		if len(b) < inner+4 {
			return
		}
		if in {
			b[inner+3] = k.MPLSTTL
		} else {
			b[l.l3+3] = b[inner+3]
		}
		return
	}
	if len(b) <= inner {
		return
	}
	il := layout{l3: inner}
	switch b[inner] >> 4 {
	case 4:
		if len(b) < inner+20 {
			return
		}
		il.l3Type = datapath.EthTypeIPv4
		if !in {
			b[l.l3+3] = b[inner+8]
			return
		}
	case 6:
		if len(b) < inner+40 {
			return
		}
		il.l3Type = datapath.EthTypeIPv6
		if !in {
			b[l.l3+3] = b[inner+7]
			return
		}
	default:
		return
	}
	x.writeTTL(il, k.MPLSTTL)
}
