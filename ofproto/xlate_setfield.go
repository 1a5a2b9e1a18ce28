package ofproto

// Set-field actions (spec 1.3.5 §7.2.5, OFPAT_SET_FIELD) of the fields
// whose rewrite the datapath offers as its own actions besides the common
// ones of xlate.go: ARP (arp_op, arp_spa, arp_tpa, arp_sha, arp_tha),
// neighbor discovery (ipv6_nd_target, ipv6_nd_sll, ipv6_nd_tll), the IPv6
// flow label, the PBB I-SID and the MPLS bottom-of-stack bit. The fast path
// runs some of them; the datapath hands the packets of lists it cannot run
// to its own userspace (datapath/ebpf fastPathRuns), so every one of them
// executes wherever the entry is cached.

import (
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// setFieldMore emits the datapath action of a set-field of this file's
// fields. The OXM is valid (ofp checked its length and range).
func (x *xctx) setFieldMore(o *ofp.OXM) {
	v := beUint(o.Value)
	switch o.Field {
	case ofp.OXMARPOpField:
		x.emit(datapath.SetARPOp{Op: uint16(v)})
	case ofp.OXMARPSPAField:
		x.emit(datapath.SetARPSpa{Addr: [4]byte(o.Value)})
	case ofp.OXMARPTPAField:
		x.emit(datapath.SetARPTpa{Addr: [4]byte(o.Value)})
	case ofp.OXMARPSHAField:
		x.emit(datapath.SetARPSha{Addr: [6]byte(o.Value)})
	case ofp.OXMARPTHAField:
		x.emit(datapath.SetARPTha{Addr: [6]byte(o.Value)})
	case ofp.OXMIPv6NDTargetField:
		x.emit(datapath.SetNDTarget{Addr: [16]byte(o.Value)})
	case ofp.OXMIPv6NDSLLField:
		x.emit(datapath.SetNDSLL{Addr: [6]byte(o.Value)})
	case ofp.OXMIPv6NDTLLField:
		x.emit(datapath.SetNDTLL{Addr: [6]byte(o.Value)})
	case ofp.OXMIPv6FlabelField:
		x.emit(datapath.SetIPv6Label{Label: uint32(v) & 0xfffff})
	case ofp.OXMPBBISIDField:
		x.emit(datapath.SetPBBISID{ISID: uint32(v) & 0xffffff})
	case ofp.OXMMPLSBOSField:
		x.emit(datapath.SetMPLSBOS{BOS: uint8(v) & 1})
	}
}

// applyKeySetField is applyKey for this file's actions: the key changes
// where the frame does (datapath/packet). The ND link-layer options are an
// exception: the key cannot tell a missing option from a zero address, so
// it takes the new address even when the frame has no option to rewrite,
// as Open vSwitch's flow does.
func applyKeySetField(k *datapath.FlowKey, a datapath.Action) {
	f := k.Fields
	arp := f.Has(datapath.FieldARP)
	nd := f.Has(datapath.FieldND)
	switch a := a.(type) {
	case datapath.SetARPOp:
		if arp {
			k.ARPOp = a.Op
		}
	case datapath.SetARPSpa:
		if arp {
			k.ARPSpa = a.Addr
		}
	case datapath.SetARPTpa:
		if arp {
			k.ARPTpa = a.Addr
		}
	case datapath.SetARPSha:
		if arp {
			k.ARPSha = a.Addr
		}
	case datapath.SetARPTha:
		if arp {
			k.ARPTha = a.Addr
		}
	case datapath.SetNDTarget:
		if nd {
			k.NDTarget = a.Addr
		}
	case datapath.SetNDSLL:
		if nd && k.ICMPType == 135 {
			k.NDSLL = a.Addr
		}
	case datapath.SetNDTLL:
		if nd && k.ICMPType == 136 {
			k.NDTLL = a.Addr
		}
	case datapath.SetIPv6Label:
		if f.Has(datapath.FieldIPv6) {
			k.IPv6Label = a.Label
		}
	case datapath.SetPBBISID:
		if f.Has(datapath.FieldPBB) {
			k.PBBISID = a.ISID
		}
	case datapath.SetMPLSBOS:
		if f.Has(datapath.FieldMPLS) {
			k.MPLSBOS = a.BOS
		}
	}
}

// restoreSetFields is restoreKey for this file's fields: it emits what
// turns cur's values back into want's, for the headers want has.
func restoreSetFields(cur, want *datapath.FlowKey, emit func(datapath.Action)) {
	w := want.Fields
	if w.Has(datapath.FieldARP) && cur.Fields.Has(datapath.FieldARP) {
		if cur.ARPOp != want.ARPOp {
			emit(datapath.SetARPOp{Op: want.ARPOp})
		}
		if cur.ARPSpa != want.ARPSpa {
			emit(datapath.SetARPSpa{Addr: want.ARPSpa})
		}
		if cur.ARPTpa != want.ARPTpa {
			emit(datapath.SetARPTpa{Addr: want.ARPTpa})
		}
		if cur.ARPSha != want.ARPSha {
			emit(datapath.SetARPSha{Addr: want.ARPSha})
		}
		if cur.ARPTha != want.ARPTha {
			emit(datapath.SetARPTha{Addr: want.ARPTha})
		}
	}
	if w.Has(datapath.FieldND) && cur.Fields.Has(datapath.FieldND) {
		if cur.NDTarget != want.NDTarget {
			emit(datapath.SetNDTarget{Addr: want.NDTarget})
		}
		if cur.NDSLL != want.NDSLL {
			emit(datapath.SetNDSLL{Addr: want.NDSLL})
		}
		if cur.NDTLL != want.NDTLL {
			emit(datapath.SetNDTLL{Addr: want.NDTLL})
		}
	}
	if w.Has(datapath.FieldIPv6) && cur.Fields.Has(datapath.FieldIPv6) && cur.IPv6Label != want.IPv6Label {
		emit(datapath.SetIPv6Label{Label: want.IPv6Label})
	}
	if w.Has(datapath.FieldPBB) && cur.Fields.Has(datapath.FieldPBB) && cur.PBBISID != want.PBBISID {
		emit(datapath.SetPBBISID{ISID: want.PBBISID})
	}
	if w.Has(datapath.FieldMPLS) && cur.Fields.Has(datapath.FieldMPLS) && cur.MPLSBOS != want.MPLSBOS {
		emit(datapath.SetMPLSBOS{BOS: want.MPLSBOS})
	}
}
