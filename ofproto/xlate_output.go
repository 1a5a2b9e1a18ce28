package ofproto

// Where translated packets go: outputs to ports and reserved ports
// (spec 1.3.5 §4.5), the controller, and groups (§5.6).

import (
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// output sends the packet to an OpenFlow port, reserved ones included
// (spec 1.3.5 §4.5).
func (x *xctx) output(port ofp.PortNo, maxLen uint16) {
	switch port {
	case ofp.PortInPort:
		x.outputPort(x.inPort, true)
	case ofp.PortTable:
		x.impure = true
		// Only meaningful in a packet-out (§4.5): submit the packet to
		// the first flow table.
		if x.pktOut && !x.inTables {
			x.note("output:TABLE: resubmit to table 0")
			saveSet, saveKey, saveMD := x.aset, x.key, x.metadata
			x.aset, x.inTables = actionSet{}, true
			x.pipeline(0)
			x.out = append(x.out, restoreKey(&x.key, &saveKey)...)
			x.aset, x.inTables, x.r, x.stopped = saveSet, false, nil, false
			x.key, x.metadata = saveKey, saveMD
		}
	case ofp.PortNormal:
		x.normal()
	case ofp.PortFlood, ofp.PortAll:
		x.flood(port == ofp.PortAll)
	case ofp.PortController:
		reason := ofp.PacketInAction
		if x.r != nil && x.r.isTableMiss() {
			// §7.4.1: a table-miss flow entry's output to the
			// controller gives reason OFPR_NO_MATCH.
			reason = ofp.PacketInNoMatch
		}
		x.controller(reason, maxLen, false)
	case ofp.PortAny:
	default:
		x.outputPort(uint32(port), false)
	}
}

// outputPort outputs to one port. Output to the ingress port happens only
// through OFPP_IN_PORT (§4.5); ports administratively down or with
// OFPPC_NO_FWD get nothing.
func (x *xctx) outputPort(ofport uint32, allowIn bool) {
	p := x.s.ports[ofport]
	switch {
	case p == nil:
		x.note("output:%d: no such port, skipped", ofport)
	case ofport == x.inPort && !allowIn:
		x.note("output:%d: skipping output to input port", ofport)
	case p.config&(ofp.PortConfigDown|ofp.PortConfigNoFwd) != 0:
		x.note("output:%d: port down or no_fwd, skipped", ofport)
	default:
		x.emit(datapath.Output{Port: p.dpPort})
	}
}

// flood outputs to every port but the ingress one: OFPP_ALL to all of
// them, OFPP_FLOOD also skipping ports with no_flood or down links.
func (x *xctx) flood(all bool) {
	for _, p := range x.s.sortedPorts() {
		if p.ofport == x.inPort || p.config&(ofp.PortConfigDown|ofp.PortConfigNoFwd) != 0 {
			continue
		}
		if !all && (p.config&portConfigNoFlood != 0 || !p.linkUp) {
			continue
		}
		x.emit(datapath.Output{Port: p.dpPort})
	}
}

// portConfigNoFlood is OpenFlow 1.0's OFPPC_NO_FLOOD, which 1.3 dropped
// but Open vSwitch keeps for ports excluded from OFPP_FLOOD.
const portConfigNoFlood = ofp.PortConfigNoFlood10

// controller sends the packet to the controllers through a datapath
// userspace action whose cookie names the packet-in to build, so that a
// cached entry sends packet-ins from the fast path too.
func (x *xctx) controller(reason uint8, maxLen uint16, miss bool) {
	x.impure = true
	if p := x.s.ports[x.inPort]; p != nil && p.config&ofp.PortConfigNoPacketIn != 0 {
		x.note("in_port has no_packet_in: no packet-in")
		return
	}
	pi := pinInfo{reason: reason, maxLen: maxLen, miss: miss, inPort: x.inPort,
		metadata: x.metadata, tunnel: x.key.TunnelID, table: x.tableID, cookie: ^uint64(0)}
	if x.r != nil {
		pi.cookie = x.r.cookie
		pi.table = x.r.table
	}
	x.emit(datapath.Userspace{Cookie: x.s.pinCookie(pi)})
}

// implicitMiss handles a table miss without a table-miss flow entry: the
// packet is dropped; Open vSwitch still sends it to OpenFlow 1.0
// controllers (PacketInEvent.Miss), which only matters while one is
// connected.
func (x *xctx) implicitMiss(t uint8) {
	x.tableID = t
	x.r = nil
	if x.s.ctrlConnected > 0 && !x.pktOut {
		x.controller(ofp.PacketInNoMatch, ofp.ControllerMaxLenNoBuffer, true)
	}
}

// group runs the packet through a group: every selected bucket on its own
// copy of the packet (spec 1.3.5 §5.6.1), bucket actions in order, as
// Open vSwitch runs them.
func (x *xctx) group(id uint32) {
	x.d.groups = append(x.d.groups, id)
	if x.depth >= maxGroupDepth {
		x.note("group:%d: too deeply nested, dropped", id)
		return
	}
	sel := x.s.groups.Select(id, flowHash(&x.key), x.s.liveness())
	x.noteGroup(id, len(sel))
	saveKey, saveMD, saveSet := x.key, x.metadata, x.aset
	x.depth++
	if len(sel) == 0 {
		x.d.buckets = append(x.d.buckets, bucketDep{group: id, bucket: -1})
	}
	for i, b := range sel {
		// The group counts the packet once, every bucket that ran it
		// counts it too.
		x.d.buckets = append(x.d.buckets, bucketDep{group: id, bucket: b.Index, bucketOnly: i > 0})
		x.aset = actionSet{}
		x.actions(b.Bucket.Actions)
		x.stopped = false
		x.out = append(x.out, restoreKey(&x.key, &saveKey)...)
		x.key, x.metadata = saveKey, saveMD
	}
	x.aset = saveSet
	x.depth--
}

// flowHash hashes the fields that identify a connection, for select
// groups: a connection keeps its bucket.
func flowHash(k *datapath.FlowKey) uint32 {
	h := uint64(14695981039346656037)
	mix := func(b ...byte) {
		for _, c := range b {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	mix(k.EthSrc[:]...)
	mix(k.EthDst[:]...)
	mix(byte(k.EthType>>8), byte(k.EthType))
	mix(k.IPv4Src[:]...)
	mix(k.IPv4Dst[:]...)
	mix(k.IPv6Src[:]...)
	mix(k.IPv6Dst[:]...)
	mix(k.IPProto, byte(k.TPSrc>>8), byte(k.TPSrc), byte(k.TPDst>>8), byte(k.TPDst))
	return uint32(h ^ h>>32)
}
