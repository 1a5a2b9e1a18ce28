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
// looked up and the rule it hit (nil: miss). The key is kept whole only
// when earlier actions had changed the packet; otherwise it is the
// translated flow key's own, with the metadata of the moment, and
// lookupKey rebuilds it (a cache entry saves most of 200 bytes a lookup).
type lookupDep struct {
	table    uint8
	metadata uint64
	key      *classifier.Key // nil: pipeKey(translated key, in_port, metadata)
	hit      *rule
}

// lookupKey returns the key of lookup l of a translation of fk.
func (s *Switch) lookupKey(l *lookupDep, fk *datapath.FlowKey) classifier.Key {
	if l.key != nil {
		return *l.key
	}
	in := uint32(0)
	if p := s.byDP[fk.InPort]; p != nil {
		in = p.ofport
	}
	return pipeKey(fk, in, l.metadata)
}

// bucketDep is one group bucket a translation went through.
type bucketDep struct {
	group  uint32
	bucket int
	// bucketOnly credits the bucket and not the group: the second and
	// later buckets of an ALL group, whose packet the group counts once.
	bucketOnly bool
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
	orig     datapath.FlowKey // the packet as it arrived
	inPort   uint32           // OpenFlow ingress port
	metadata uint64
	out      []datapath.Action
	aset     actionSet
	d        deps
	wc       classifier.Key // union of the classifier masks consulted
	learn    bool           // NORMAL learns (real packets only)
	shared   bool           // s.mu is only read-locked: NORMAL may not change the MAC table
	needLock bool           // NORMAL had to learn under shared: translate again under s.mu.Lock
	tr       *Trace
	depth    int
	r        *rule // the rule whose actions run now (nil: packet-out)
	tableID  uint8
	stopped  bool // an invalid TTL ended processing
	pktOut   bool // translating a packet-out's actions
	inTables bool // a packet-out's output:TABLE is running the tables
	changes  []normal.Change
	// impure: something other than outputs to ports ran (a header
	// edit or TTL action, a group, a meter, NORMAL, the controller),
	// which may depend on more of the packet than the wildcards record.
	impure bool
}

// xlateResult is a finished translation.
type xlateResult struct {
	actions []datapath.Action
	deps    deps
	wc      classifier.Key
	changes []normal.Change // MAC table changes learning made
	// needLock: a shared translation found that learning would change
	// the MAC table; it changed nothing, and the upcall must be
	// translated again under s.mu.Lock.
	needLock bool
	// portWide: the actions hold for every packet of the ingress port
	// (datapath.PutPortWide).
	portWide bool
}

// newXlate prepares a translation of key, which arrived on datapath port
// key.InPort (or, for packet-outs, on OpenFlow port inPort).
func (s *Switch) newXlate(key datapath.FlowKey, inPort uint32, learn bool, tr *Trace) *xctx {
	return &xctx{s: s, key: key, orig: key, inPort: inPort, learn: learn, tr: tr}
}

// translate runs a packet that arrived on a datapath port through the
// pipeline from table 0. s.mu is held.
func (s *Switch) translate(key datapath.FlowKey, learn bool, tr *Trace) xlateResult {
	return s.translateX(key, learn, false, tr)
}

// translateShared is translate with learning for an upcall handler that
// holds s.mu.RLock only (see xlateResult.needLock).
func (s *Switch) translateShared(key datapath.FlowKey) xlateResult {
	return s.translateX(key, true, true, nil)
}

func (s *Switch) translateX(key datapath.FlowKey, learn, shared bool, tr *Trace) xlateResult {
	in := uint32(0)
	if p := s.byDP[key.InPort]; p != nil {
		in = p.ofport
	}
	x := s.newXlate(key, in, learn, tr)
	x.shared = shared
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
	res := xlateResult{actions: trimTrailingEdits(x.out), deps: x.d, wc: x.wc, changes: x.changes, needLock: x.needLock}
	// impure is set by every action but output (header edits, TTL
	// actions, groups: action), by meters, and by outputs that are not
	// to a port: NORMAL, CONTROLLER (also a table miss's), TABLE.
	_, lone := datapath.PortWideOutput(res.actions)
	res.portWide = lone && !x.impure && portOnly(&x.wc)
	return res
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
			// No table-miss flow entry. Spec 1.3.5 §5.4 drops the
			// packet; Open vSwitch ends the pipeline there as if an
			// empty table-miss flow had matched, so the action set
			// written so far still runs (from table 0 it is empty).
			// xvs does as Open vSwitch, against which it is checked
			// (interop_test.go). OVS also tells OpenFlow 1.0
			// controllers of the miss.
			x.implicitMiss(t)
			break
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
	l := lookupDep{table: t, metadata: x.metadata, hit: r}
	if x.key != x.orig {
		// A copy, so that k itself stays on the stack when the key is
		// not kept (most lookups).
		kc := k
		l.key = &kc
	}
	if x.d.lookups == nil {
		x.d.lookups = make([]lookupDep, 0, 4)
	}
	x.d.lookups = append(x.d.lookups, l)
	x.traceLookup(t, r)
	return r
}

// meter sends the packet through meter id (instruction meter, §5.7).
func (x *xctx) meter(id uint32) {
	x.impure = true
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
	if _, ok := a.(*ofp.ActionOutput); !ok {
		x.impure = true
	}
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
		// Spec 1.3.5 §5.12 would copy the VID and PCP of the tag the new
		// one covers; Open vSwitch pushes VID 0 and PCP 0 whatever is
		// below (a set-field follows to give it a VID), and xvs does as
		// Open vSwitch, against which it is checked (interop_test.go).
		x.emit(datapath.PushVLAN{TPID: a.EtherType})
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
	default:
		x.setFieldMore(o)
	}
}

// settable lists the set-field targets xvs executes (the last rows are
// those of xlate_setfield.go); flow-mods, group-mods and packet-outs with
// others fail with OFPBAC_BAD_SET_TYPE. ofp's codec refuses mpls_bos
// before a flow-mod gets here (read-only in Open vSwitch, which xvs
// follows); its mapping is kept for when the codec lets it through.
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
	ofp.OXMARPOpField: true, ofp.OXMARPSPAField: true, ofp.OXMARPTPAField: true,
	ofp.OXMARPSHAField: true, ofp.OXMARPTHAField: true,
	ofp.OXMIPv6NDTargetField: true, ofp.OXMIPv6NDSLLField: true, ofp.OXMIPv6NDTLLField: true,
	ofp.OXMIPv6FlabelField: true, ofp.OXMPBBISIDField: true, ofp.OXMMPLSBOSField: true,
}
