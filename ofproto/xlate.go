package ofproto

// Translation: one packet's trip through the OpenFlow pipeline (spec 1.3.5
// §5.1 figure 2 and 3) turned into a datapath action list, with what the
// trip consulted and depended on.

import (
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// maxGroupDepth bounds group chaining during translation (the group table
// already refuses loops; this guards against anything it missed).
const maxGroupDepth = 32

// lookupDep is one table lookup of a translation: the table, the key it
// looked up and the rule it hit (nil: miss).
type lookupDep struct {
	table uint8
	key   classifier.Key
	hit   *rule
}

// bucketDep is one group bucket a translation went through.
type bucketDep struct {
	group  uint32
	bucket int
}

// macDep is one NORMAL destination lookup.
type macDep struct {
	vlan uint16
	mac  [6]byte
}

// learnDep is one source NORMAL learned (or would have).
type learnDep struct {
	vlan uint16
	mac  [6]byte
	port uint32
}

// deps is what a translation depended on: a change to any of it may change
// the translation. It also says what to credit the packets with.
type deps struct {
	lookups []lookupDep
	groups  []uint32
	buckets []bucketDep
	meters  []uint32
	dsts    []macDep
	learned []learnDep
}

// xctx is the state of one translation.
type xctx struct {
	s        *Switch
	key      datapath.FlowKey // the packet as the actions so far left it
	inPort   uint32           // OpenFlow ingress port
	metadata uint64
	out      []datapath.Action
	aset     actionSet
	d        deps
	wc       classifier.Key // union of the classifier masks consulted
	learn    bool           // NORMAL learns (real packets only)
	tr       *Trace
	depth    int
	r        *rule // the rule whose actions run now (nil: packet-out)
	tableID  uint8
	stopped  bool // an invalid TTL ended processing
	pktOut   bool // translating a packet-out's actions
	inTables bool // a packet-out's output:TABLE is running the tables
	changes  []normal.Change
}

// xlateResult is a finished translation.
type xlateResult struct {
	actions []datapath.Action
	deps    deps
	wc      classifier.Key
	changes []normal.Change // MAC table changes learning made
}

// newXlate prepares a translation of key, which arrived on datapath port
// key.InPort (or, for packet-outs, on OpenFlow port inPort).
func (s *Switch) newXlate(key datapath.FlowKey, inPort uint32, learn bool, tr *Trace) *xctx {
	return &xctx{s: s, key: key, inPort: inPort, learn: learn, tr: tr}
}

// translate runs a packet that arrived on a datapath port through the
// pipeline from table 0. s.mu is held.
func (s *Switch) translate(key datapath.FlowKey, learn bool, tr *Trace) xlateResult {
	in := uint32(0)
	if p := s.byDP[key.InPort]; p != nil {
		in = p.ofport
	}
	x := s.newXlate(key, in, learn, tr)
	if in == 0 {
		x.note("no OpenFlow port for datapath port %d: drop", key.InPort)
		return x.result()
	}
	if p := s.ports[in]; p.config&ofp.PortConfigNoRecv != 0 {
		// OFPPC_NO_RECV: drop everything received (spec 1.3.5 §7.2.1).
		x.note("in_port %d has no_recv: drop", in)
		return x.result()
	}
	x.pipeline(0)
	return x.result()
}

func (x *xctx) result() xlateResult {
	return xlateResult{actions: trimTrailingEdits(x.out), deps: x.d, wc: x.wc, changes: x.changes}
}

// trimTrailingEdits drops header edits after the last action that lets the
// packet out: they change nothing anyone sees (restores after a group's
// last bucket, mostly).
func trimTrailingEdits(as []datapath.Action) []datapath.Action {
	n := len(as)
	for n > 0 {
		switch as[n-1].(type) {
		case datapath.Output, datapath.Userspace, datapath.Meter:
			return as[:n]
		}
		n--
	}
	return as[:0]
}

// emit appends a datapath action and applies it to the key.
func (x *xctx) emit(a datapath.Action) {
	x.out = append(x.out, a)
	applyKey(&x.key, a)
}

// pipeline runs the tables from start: lookup, instructions in the order
// of spec 1.3.5 §5.9 (meter, apply-actions, clear-actions, write-actions,
// write-metadata, goto-table), then the action set when no goto follows.
func (x *xctx) pipeline(start uint8) {
	t := start
	for !x.stopped {
		r := x.lookup(t)
		if r == nil {
			// No table-miss flow entry: the packet is dropped (§5.4).
			// Open vSwitch still tells OpenFlow 1.0 controllers.
			x.implicitMiss(t)
			return
		}
		x.r, x.tableID = r, t
		if r.meter != 0 {
			x.meter(r.meter)
		}
		x.actions(r.apply)
		if x.stopped {
			return
		}
		if r.clear {
			x.aset = actionSet{}
		}
		if r.hasWrite {
			x.aset.write(r.write)
		}
		if r.mdMask != 0 {
			x.metadata = x.metadata&^r.mdMask | r.mdValue
		}
		if r.gotoT < 0 {
			break
		}
		t = uint8(r.gotoT)
	}
	if !x.stopped {
		x.runActionSet()
	}
}

// lookup finds the rule of table t for the packet as it is now.
func (x *xctx) lookup(t uint8) *rule {
	k := pipeKey(&x.key, x.inPort, x.metadata)
	var wc classifier.Key
	cr := x.s.tables[t].cls.Lookup(&k, &wc)
	x.wc = x.wc.Or(wc)
	var r *rule
	if cr != nil {
		r = cr.Value
	}
	x.d.lookups = append(x.d.lookups, lookupDep{table: t, key: k, hit: r})
	x.traceLookup(t, r)
	return r
}

// meter sends the packet through meter id (instruction meter, §5.7).
func (x *xctx) meter(id uint32) {
	x.d.meters = append(x.d.meters, id)
	if dp, ok := x.s.meters.DatapathID(id); ok {
		x.emit(datapath.Meter{ID: dp})
	}
}

// actions runs an action list in order (apply-actions, bucket actions,
// packet-out actions).
func (x *xctx) actions(list []ofp.Action) {
	for _, a := range list {
		if x.stopped {
			return
		}
		x.action(a)
	}
}

func (x *xctx) action(a ofp.Action) {
	k := &x.key
	ip := k.Fields&(datapath.FieldIPv4|datapath.FieldIPv6) != 0
	mpls := k.Fields.Has(datapath.FieldMPLS)
	switch a := a.(type) {
	case *ofp.ActionOutput:
		x.output(a.Port, a.MaxLen)
	case *ofp.ActionGroup:
		x.group(a.GroupID)
	case *ofp.ActionSetField:
		x.setField(&a.Field)
	case *ofp.ActionPushVLAN:
		// The new tag copies the VID and PCP of the tag it covers, or is
		// 0 (spec 1.3.5 §5.12, table 6).
		var tci uint16
		if k.Fields.Has(datapath.FieldVLAN0) {
			tci = k.VLAN[0].TCI
		}
		x.emit(datapath.PushVLAN{TPID: a.EtherType, TCI: tci})
	case *ofp.ActionPopVLAN:
		x.emit(datapath.PopVLAN{})
	case *ofp.ActionPushMPLS:
		p := datapath.PushMPLS{EthType: a.EtherType, TTL: 64}
		switch {
		case mpls:
			p.Label, p.TC, p.TTL = k.MPLSLabel, k.MPLSTC, k.MPLSTTL
		case ip:
			p.TTL = k.IPTTL
		}
		x.emit(p)
	case *ofp.ActionPopMPLS:
		x.emit(datapath.PopMPLS{EthType: a.EtherType})
	case *ofp.ActionSetMPLSTTL:
		x.emit(datapath.SetMPLSTTL{TTL: a.TTL})
	case *ofp.ActionDecMPLSTTL:
		if mpls && k.MPLSTTL <= 1 {
			x.invalidTTL()
			return
		}
		x.emit(datapath.DecMPLSTTL{})
	case *ofp.ActionSetNwTTL:
		x.emit(datapath.SetIPTTL{TTL: a.TTL})
	case *ofp.ActionDecNwTTL:
		if ip && k.IPTTL <= 1 {
			x.invalidTTL()
			return
		}
		x.emit(datapath.DecTTL{})
	case *ofp.ActionCopyTTLIn:
		x.emit(datapath.CopyTTLIn{})
	case *ofp.ActionCopyTTLOut:
		x.emit(datapath.CopyTTLOut{})
	case *ofp.ActionPushPBB:
		x.emit(datapath.PushPBB{ISID: k.PBBISID})
	case *ofp.ActionPopPBB:
		x.emit(datapath.PopPBB{})
	case *ofp.ActionSetQueue:
		// Queues are not implemented: the packet goes out unqueued.
		x.note("set_queue:%d ignored (no queues)", a.QueueID)
	}
}

// invalidTTL handles a TTL decrement of a packet whose TTL is 0 or 1: the
// packet is dropped and, spec 1.3.5 §5.12 and §7.4.1, sent to the
// controller with reason OFPR_INVALID_TTL.
func (x *xctx) invalidTTL() {
	x.note("invalid TTL: drop, packet-in (invalid_ttl)")
	x.controller(ofp.PacketInInvalidTTL, ofp.ControllerMaxLenNoBuffer, false)
	x.stopped = true
}

// setField applies a set-field action: to the packet, or to the pipeline
// state (metadata, tunnel id).
func (x *xctx) setField(o *ofp.OXM) {
	v := beUint(o.Value)
	switch o.Field {
	case ofp.OXMMetadataField:
		x.metadata = v
	case ofp.OXMTunnelIDField:
		x.key.TunnelID = v
		x.key.Fields |= datapath.FieldTunnel
	case ofp.OXMEthDstField:
		x.emit(datapath.SetEthDst{Addr: [6]byte(o.Value)})
	case ofp.OXMEthSrcField:
		x.emit(datapath.SetEthSrc{Addr: [6]byte(o.Value)})
	case ofp.OXMVlanVIDField:
		x.emit(datapath.SetVLANVID{VID: uint16(v) & 0x0fff})
	case ofp.OXMVlanPCPField:
		x.emit(datapath.SetVLANPCP{PCP: uint8(v) & 7})
	case ofp.OXMIPDSCPField:
		x.emit(datapath.SetIPDSCP{DSCP: uint8(v) & 63})
	case ofp.OXMIPECNField:
		x.emit(datapath.SetIPECN{ECN: uint8(v) & 3})
	case ofp.OXMIPv4SrcField:
		x.emit(datapath.SetIPv4Src{Addr: [4]byte(o.Value)})
	case ofp.OXMIPv4DstField:
		x.emit(datapath.SetIPv4Dst{Addr: [4]byte(o.Value)})
	case ofp.OXMIPv6SrcField:
		x.emit(datapath.SetIPv6Src{Addr: [16]byte(o.Value)})
	case ofp.OXMIPv6DstField:
		x.emit(datapath.SetIPv6Dst{Addr: [16]byte(o.Value)})
	case ofp.OXMTCPSrcField, ofp.OXMUDPSrcField, ofp.OXMSCTPSrcField:
		x.emit(datapath.SetTPSrc{Port: uint16(v)})
	case ofp.OXMTCPDstField, ofp.OXMUDPDstField, ofp.OXMSCTPDstField:
		x.emit(datapath.SetTPDst{Port: uint16(v)})
	case ofp.OXMICMPv4TypeField, ofp.OXMICMPv6TypeField:
		x.emit(datapath.SetICMPType{Type: uint8(v)})
	case ofp.OXMICMPv4CodeField, ofp.OXMICMPv6CodeField:
		x.emit(datapath.SetICMPCode{Code: uint8(v)})
	case ofp.OXMMPLSLabelField:
		x.emit(datapath.SetMPLSLabel{Label: uint32(v) & 0xfffff})
	case ofp.OXMMPLSTCField:
		x.emit(datapath.SetMPLSTC{TC: uint8(v) & 7})
	}
}

// settable lists the set-field targets xvs executes; flow-mods with others
// fail with OFPBAC_BAD_SET_TYPE.
var settable = map[uint8]bool{
	ofp.OXMMetadataField: true, ofp.OXMTunnelIDField: true,
	ofp.OXMEthDstField: true, ofp.OXMEthSrcField: true,
	ofp.OXMVlanVIDField: true, ofp.OXMVlanPCPField: true,
	ofp.OXMIPDSCPField: true, ofp.OXMIPECNField: true,
	ofp.OXMIPv4SrcField: true, ofp.OXMIPv4DstField: true,
	ofp.OXMIPv6SrcField: true, ofp.OXMIPv6DstField: true,
	ofp.OXMTCPSrcField: true, ofp.OXMTCPDstField: true,
	ofp.OXMUDPSrcField: true, ofp.OXMUDPDstField: true,
	ofp.OXMSCTPSrcField: true, ofp.OXMSCTPDstField: true,
	ofp.OXMICMPv4TypeField: true, ofp.OXMICMPv4CodeField: true,
	ofp.OXMICMPv6TypeField: true, ofp.OXMICMPv6CodeField: true,
	ofp.OXMMPLSLabelField: true, ofp.OXMMPLSTCField: true,
}

// output sends the packet to an OpenFlow port, reserved ones included
// (spec 1.3.5 §4.5).
func (x *xctx) output(port ofp.PortNo, maxLen uint16) {
	switch port {
	case ofp.PortInPort:
		x.outputPort(x.inPort, true)
	case ofp.PortTable:
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
const portConfigNoFlood ofp.PortConfig = 1 << 4

// controller sends the packet to the controllers through a datapath
// userspace action whose cookie names the packet-in to build, so that a
// cached entry sends packet-ins from the fast path too.
func (x *xctx) controller(reason uint8, maxLen uint16, miss bool) {
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
		if i == 0 {
			// group.Table.Credit counts the group with the bucket, and
			// it has no bucket-only credit: an ALL group's packet counts
			// once in the group, and in its first bucket only.
			x.d.buckets = append(x.d.buckets, bucketDep{group: id, bucket: b.Index})
		}
		x.aset = actionSet{}
		x.actions(b.Bucket.Actions)
		x.stopped = false
		for _, a := range restoreKey(&x.key, &saveKey) {
			x.out = append(x.out, a)
		}
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
