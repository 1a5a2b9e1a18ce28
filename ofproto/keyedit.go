package ofproto

// Translation follows the packet through the pipeline as a flow key: every
// datapath action it emits is also applied to the key, so later table
// lookups and outputs see the packet as the datapath will have edited it.
// applyKey mirrors datapath/packet.Execute on the key, and restoreKey emits
// the actions that undo a bucket's edits (a group of type ALL gives every
// bucket its own copy of the packet, spec 1.3.5 §5.6.1).

import "github.com/xvs-switch/xvs/datapath"

// applyKey changes k as action a changes the frame.
func applyKey(k *datapath.FlowKey, a datapath.Action) {
	f := k.Fields
	ip := f&(datapath.FieldIPv4|datapath.FieldIPv6) != 0
	l4 := f&(datapath.FieldTCP|datapath.FieldUDP|datapath.FieldSCTP) != 0
	icmp := f&(datapath.FieldICMP|datapath.FieldICMPv6) != 0
	switch a := a.(type) {
	case datapath.PushVLAN:
		if !f.Has(datapath.FieldEth) {
			return
		}
		k.VLAN[1] = k.VLAN[0]
		k.VLAN[0] = datapath.VLANTag{TPID: a.TPID, TCI: a.TCI}
		if f.Has(datapath.FieldVLAN0) {
			k.Fields |= datapath.FieldVLAN1
		}
		k.Fields |= datapath.FieldVLAN0
	case datapath.PopVLAN:
		if !f.Has(datapath.FieldVLAN0) {
			return
		}
		k.VLAN[0], k.VLAN[1] = k.VLAN[1], datapath.VLANTag{}
		if !f.Has(datapath.FieldVLAN1) {
			k.Fields &^= datapath.FieldVLAN0
		}
		k.Fields &^= datapath.FieldVLAN1
	case datapath.SetVLANVID:
		if f.Has(datapath.FieldVLAN0) {
			k.VLAN[0].TCI = k.VLAN[0].TCI&^0x0fff | a.VID
		}
	case datapath.SetVLANPCP:
		if f.Has(datapath.FieldVLAN0) {
			k.VLAN[0].TCI = k.VLAN[0].TCI&^0xe000 | uint16(a.PCP)<<13
		}
	case datapath.SetEthSrc:
		if f.Has(datapath.FieldEth) {
			k.EthSrc = a.Addr
		}
	case datapath.SetEthDst:
		if f.Has(datapath.FieldEth) {
			k.EthDst = a.Addr
		}
	case datapath.SetIPv4Src:
		if f.Has(datapath.FieldIPv4) {
			k.IPv4Src = a.Addr
		}
	case datapath.SetIPv4Dst:
		if f.Has(datapath.FieldIPv4) {
			k.IPv4Dst = a.Addr
		}
	case datapath.SetIPv6Src:
		if f.Has(datapath.FieldIPv6) {
			k.IPv6Src = a.Addr
		}
	case datapath.SetIPv6Dst:
		if f.Has(datapath.FieldIPv6) {
			k.IPv6Dst = a.Addr
		}
	case datapath.SetIPDSCP:
		if ip {
			k.IPTOS = k.IPTOS&3 | a.DSCP<<2
		}
	case datapath.SetIPECN:
		if ip {
			k.IPTOS = k.IPTOS&^3 | a.ECN&3
		}
	case datapath.SetIPTTL:
		if ip {
			k.IPTTL = a.TTL
		}
	case datapath.DecTTL:
		if ip && k.IPTTL > 1 {
			k.IPTTL--
		}
	case datapath.SetTPSrc:
		if l4 {
			k.TPSrc = a.Port
		}
	case datapath.SetTPDst:
		if l4 {
			k.TPDst = a.Port
		}
	case datapath.SetICMPType:
		if icmp {
			k.ICMPType = a.Type
		}
	case datapath.SetICMPCode:
		if icmp {
			k.ICMPCode = a.Code
		}
	case datapath.PushMPLS:
		if !f.Has(datapath.FieldEth) {
			return
		}
		bos := uint8(1)
		if f.Has(datapath.FieldMPLS) {
			bos = 0
		}
		// What was under the new entry is no longer parsed as L3.
		if !f.Has(datapath.FieldMPLS) {
			clearL3(k)
		}
		k.Fields |= datapath.FieldMPLS
		k.EthType = a.EthType
		k.MPLSLabel, k.MPLSTC, k.MPLSTTL, k.MPLSBOS = a.Label, a.TC, a.TTL, bos
	case datapath.PopMPLS:
		if !f.Has(datapath.FieldMPLS) {
			return
		}
		k.EthType = a.EthType
		if k.MPLSBOS == 1 || a.EthType != datapath.EthTypeMPLS && a.EthType != datapath.EthTypeMPLSMcast {
			// The payload's headers are unknown to the key until the
			// packet is parsed again; translation sees them as absent.
			k.Fields &^= datapath.FieldMPLS
			k.MPLSLabel, k.MPLSTC, k.MPLSTTL, k.MPLSBOS = 0, 0, 0, 0
		}
	case datapath.SetMPLSLabel:
		if f.Has(datapath.FieldMPLS) {
			k.MPLSLabel = a.Label
		}
	case datapath.SetMPLSTC:
		if f.Has(datapath.FieldMPLS) {
			k.MPLSTC = a.TC
		}
	case datapath.SetMPLSTTL:
		if f.Has(datapath.FieldMPLS) {
			k.MPLSTTL = a.TTL
		}
	case datapath.DecMPLSTTL:
		if f.Has(datapath.FieldMPLS) && k.MPLSTTL > 1 {
			k.MPLSTTL--
		}
	case datapath.CopyTTLIn:
		if f.Has(datapath.FieldMPLS) && k.MPLSBOS == 1 && ip {
			k.IPTTL = k.MPLSTTL
		}
	case datapath.CopyTTLOut:
		if f.Has(datapath.FieldMPLS) && k.MPLSBOS == 1 && ip {
			k.MPLSTTL = k.IPTTL
		}
	case datapath.PushPBB:
		if f.Has(datapath.FieldEth) {
			clearL3(k)
			k.Fields &^= datapath.FieldVLAN0 | datapath.FieldVLAN1 | datapath.FieldMPLS
			k.VLAN = [2]datapath.VLANTag{}
			k.Fields |= datapath.FieldPBB
			k.EthType = datapath.EthTypePBB
			k.PBBISID = a.ISID
		}
	case datapath.PopPBB:
		if f.Has(datapath.FieldPBB) {
			k.Fields &^= datapath.FieldPBB
			k.PBBISID = 0
			k.EthType = datapath.EthTypeNone
		}
	}
}

// clearL3 forgets the headers after Ethernet, VLAN and MPLS: after an
// encapsulation the key no longer describes them.
func clearL3(k *datapath.FlowKey) {
	keep := k.Fields & (datapath.FieldEth | datapath.FieldVLAN0 | datapath.FieldVLAN1 | datapath.FieldMPLS | datapath.FieldTunnel)
	fresh := datapath.FlowKey{
		InPort: k.InPort, Fields: keep, TunnelID: k.TunnelID,
		EthDst: k.EthDst, EthSrc: k.EthSrc, EthType: k.EthType, VLAN: k.VLAN,
		MPLSLabel: k.MPLSLabel, MPLSTC: k.MPLSTC, MPLSBOS: k.MPLSBOS, MPLSTTL: k.MPLSTTL,
	}
	*k = fresh
}

// restoreKey returns the actions that turn a frame whose key is cur back
// into one whose key is want, for the fields the datapath can set. Header
// stacks (VLAN, MPLS, PBB) are unwound and rebuilt.
func restoreKey(cur, want *datapath.FlowKey) []datapath.Action {
	var out []datapath.Action
	emit := func(a datapath.Action) {
		out = append(out, a)
		applyKey(cur, a)
	}
	// Encapsulations added since: remove them, outermost first.
	for cur.Fields.Has(datapath.FieldPBB) && !want.Fields.Has(datapath.FieldPBB) {
		emit(datapath.PopPBB{})
	}
	vlanBits := datapath.FieldVLAN0 | datapath.FieldVLAN1
	if cur.Fields&vlanBits != want.Fields&vlanBits || cur.VLAN != want.VLAN {
		sameCount := cur.Fields&vlanBits == want.Fields&vlanBits
		if sameCount && cur.VLAN[1] == want.VLAN[1] && cur.VLAN[0].TPID == want.VLAN[0].TPID {
			if cur.VLAN[0].VID() != want.VLAN[0].VID() {
				emit(datapath.SetVLANVID{VID: want.VLAN[0].VID()})
			}
			if cur.VLAN[0].TCI != want.VLAN[0].TCI {
				emit(datapath.SetVLANPCP{PCP: want.VLAN[0].PCP()})
			}
		}
	}
	if cur.Fields&datapath.FieldMPLS != 0 && want.Fields&datapath.FieldMPLS == 0 {
		emit(datapath.PopMPLS{EthType: want.EthType})
	} else if cur.Fields&datapath.FieldMPLS == 0 && want.Fields&datapath.FieldMPLS != 0 {
		emit(datapath.PushMPLS{EthType: want.EthType, Label: want.MPLSLabel, TC: want.MPLSTC, TTL: want.MPLSTTL})
	}
	if cur.Fields&vlanBits != want.Fields&vlanBits || cur.VLAN != want.VLAN {
		for cur.Fields.Has(datapath.FieldVLAN0) {
			emit(datapath.PopVLAN{})
		}
		if want.Fields.Has(datapath.FieldVLAN1) {
			emit(datapath.PushVLAN{TPID: want.VLAN[1].TPID, TCI: want.VLAN[1].TCI})
		}
		if want.Fields.Has(datapath.FieldVLAN0) {
			emit(datapath.PushVLAN{TPID: want.VLAN[0].TPID, TCI: want.VLAN[0].TCI})
		}
	}
	if cur.Fields.Has(datapath.FieldMPLS) && want.Fields.Has(datapath.FieldMPLS) {
		if cur.MPLSLabel != want.MPLSLabel {
			emit(datapath.SetMPLSLabel{Label: want.MPLSLabel})
		}
		if cur.MPLSTC != want.MPLSTC {
			emit(datapath.SetMPLSTC{TC: want.MPLSTC})
		}
		if cur.MPLSTTL != want.MPLSTTL {
			emit(datapath.SetMPLSTTL{TTL: want.MPLSTTL})
		}
	}
	if cur.EthSrc != want.EthSrc {
		emit(datapath.SetEthSrc{Addr: want.EthSrc})
	}
	if cur.EthDst != want.EthDst {
		emit(datapath.SetEthDst{Addr: want.EthDst})
	}
	if cur.IPv4Src != want.IPv4Src && want.Fields.Has(datapath.FieldIPv4) {
		emit(datapath.SetIPv4Src{Addr: want.IPv4Src})
	}
	if cur.IPv4Dst != want.IPv4Dst && want.Fields.Has(datapath.FieldIPv4) {
		emit(datapath.SetIPv4Dst{Addr: want.IPv4Dst})
	}
	if cur.IPv6Src != want.IPv6Src && want.Fields.Has(datapath.FieldIPv6) {
		emit(datapath.SetIPv6Src{Addr: want.IPv6Src})
	}
	if cur.IPv6Dst != want.IPv6Dst && want.Fields.Has(datapath.FieldIPv6) {
		emit(datapath.SetIPv6Dst{Addr: want.IPv6Dst})
	}
	if cur.IPTOS>>2 != want.IPTOS>>2 {
		emit(datapath.SetIPDSCP{DSCP: want.IPTOS >> 2})
	}
	if cur.IPTOS&3 != want.IPTOS&3 {
		emit(datapath.SetIPECN{ECN: want.IPTOS & 3})
	}
	if cur.IPTTL != want.IPTTL {
		emit(datapath.SetIPTTL{TTL: want.IPTTL})
	}
	if cur.TPSrc != want.TPSrc {
		emit(datapath.SetTPSrc{Port: want.TPSrc})
	}
	if cur.TPDst != want.TPDst {
		emit(datapath.SetTPDst{Port: want.TPDst})
	}
	if cur.ICMPType != want.ICMPType {
		emit(datapath.SetICMPType{Type: want.ICMPType})
	}
	if cur.ICMPCode != want.ICMPCode {
		emit(datapath.SetICMPCode{Code: want.ICMPCode})
	}
	// Pipeline-only state (tunnel id) needs no action.
	cur.TunnelID = want.TunnelID
	return out
}
