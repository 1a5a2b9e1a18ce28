package ofproto

// Multipart requests (spec 1.3.5 §7.3.5). Statistics are exact when read:
// the datapath counters of the cache entries involved are pulled and
// credited first.

import (
	"slices"

	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Multipart answers one whole multipart request; the caller splits the
// reply with ofp.SplitMultipart. Errors are *ofp.Error.
func (s *Switch) Multipart(req ofp.MultipartBody) (ofp.MultipartBody, error) {
	s.mu.Lock()
	defer s.unlock()
	switch r := req.(type) {
	case *ofp.DescRequest:
		return Desc(s.cfg.Name), nil
	case *ofp.FlowStatsRequest:
		return s.flowStats(r)
	case *ofp.AggregateRequest:
		return s.aggregate(&r.FlowStatsRequest)
	case *ofp.TableStatsRequest:
		return s.tableStats(), nil
	case *ofp.PortStatsRequest:
		return s.portStats(r.PortNo)
	case *ofp.PortDescRequest:
		rep := &ofp.PortDescReply{Ports: []ofp.Port{}}
		for _, p := range s.sortedPorts() {
			rep.Ports = append(rep.Ports, p.ofpPort())
		}
		return rep, nil
	case *ofp.QueueStatsRequest:
		// No queues: every port has none (§7.3.5.8 lets the reply be empty).
		if r.PortNo != ofp.PortAny && s.ports[uint32(r.PortNo)] == nil {
			return nil, ofp.NewError(ofp.ETQueueOpFailed, ofp.QOFCBadPort, nil)
		}
		return &ofp.QueueStatsReply{}, nil
	case *ofp.GroupStatsRequest:
		s.pull(s.selectEntries(func(e *cacheEntry) bool { return len(e.deps.groups) > 0 }))
		return s.groups.Stats(r.GroupID), nil
	case *ofp.GroupDescRequest:
		return s.groups.Desc(), nil
	case *ofp.GroupFeaturesRequest:
		return s.groups.Features(), nil
	case *ofp.MeterStatsRequest:
		return s.meters.Stats(r.MeterID, s.meterFlowCount())
	case *ofp.MeterConfigRequest:
		return s.meters.Config(r.MeterID)
	case *ofp.MeterFeaturesRequest:
		return s.meters.Features(), nil
	case *ofp.TableFeaturesRequest:
		if len(r.Tables) > 0 {
			// The tables' features are fixed (§7.3.5.5.1 lets a
			// switch refuse a change).
			return nil, ofp.NewError(ofp.ETTableFeaturesFail, ofp.TFFCEperm, nil)
		}
		return TableFeaturesReply(numTables), nil
	case *ofp.ExperimenterRequest:
		return nil, ofp.NewError(ofp.ETBadRequest, ofp.BRCBadExperimenter, nil)
	}
	return nil, ofp.NewError(ofp.ETBadRequest, ofp.BRCBadMultipart, nil)
}

// statsRules selects the rules of a flow or aggregate request (§7.3.5.2):
// table, covered match, out_port, out_group and cookie, like a non-strict
// delete; ordered by table, then as lookups prefer them (priority, then
// age). A request for every flow of a table walks the table's cached
// order (classifier.Sorted) and sorts nothing.
func (s *Switch) statsRules(r *ofp.FlowStatsRequest) ([]*rule, error) {
	if r.TableID != ofp.TableAll && r.TableID >= numTables {
		return nil, ofp.NewError(ofp.ETBadRequest, ofp.BRCBadTableID, nil)
	}
	if err := r.Match.Validate(); err != nil {
		return nil, err
	}
	cm, err := matchKey(&r.Match)
	if err != nil {
		return nil, err
	}
	fm := &ofp.FlowMod{Cookie: r.Cookie, CookieMask: r.CookieMask, OutPort: r.OutPort, OutGroup: r.OutGroup}
	keep := selectFilter(fm, true)
	first, last := int(r.TableID), int(r.TableID)
	if r.TableID == ofp.TableAll {
		first, last = 0, numTables-1
	}
	n := 0
	for t := first; t <= last; t++ {
		n += s.tables[t].cls.Len()
	}
	rules := make([]*rule, 0, n)
	for t := first; t <= last; t++ {
		cls := s.tables[t].cls
		if cls.Len() == 0 {
			continue
		}
		if cm.Mask == (classifier.Key{}) {
			for _, cr := range cls.Sorted() {
				if keep(cr.Value) {
					rules = append(rules, cr.Value)
				}
			}
			continue
		}
		crs := cls.Covered(cm)
		slices.SortFunc(crs, classifier.Compare[*rule])
		for _, cr := range crs {
			if keep(cr.Value) {
				rules = append(rules, cr.Value)
			}
		}
	}
	s.pull(s.entriesHitting(rules))
	return rules, nil
}

func (s *Switch) flowStats(r *ofp.FlowStatsRequest) (*ofp.FlowStatsReply, error) {
	rules, err := s.statsRules(r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rep := &ofp.FlowStatsReply{Entries: make([]ofp.FlowStats, 0, len(rules))}
	// The matches' fields are decoded into shared slabs: a few large
	// allocations for a dump of every flow instead of one per flow.
	slab := make([]ofp.OXM, 0, min(4*len(rules), 1<<16))
	for _, x := range rules {
		var fs ofp.FlowStats
		fs, slab = x.flowStats(s.since(now, x.created), slab)
		rep.Entries = append(rep.Entries, fs)
	}
	return rep, nil
}

// FlowStatsMessages answers an OFPMP_FLOW request of an OpenFlow 1.3
// session: the reply's messages for xid, each rule encoded straight into
// them with its match as the rule keeps it (wire form). Multipart's reply
// says the same, but a dump of 100,000 flows would first build 100,000
// entries and decode every match: ~12 MB of entries to fill, scan and
// collect, and most of the time before the first message could go out.
// The rules are read under the Switch's lock, as for Multipart.
func (s *Switch) FlowStatsMessages(r *ofp.FlowStatsRequest, xid uint32) ([][]byte, error) {
	s.mu.Lock()
	defer s.unlock()
	rules, err := s.statsRules(r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	w := ofp.NewFlowStatsMessages(xid)
	for _, x := range rules {
		fs := x.flowStatsTLVs(s.since(now, x.created))
		if err := w.Add(&fs); err != nil {
			return nil, err
		}
	}
	return w.Messages(), nil
}

func (s *Switch) aggregate(r *ofp.FlowStatsRequest) (*ofp.AggregateReply, error) {
	rules, err := s.statsRules(r)
	if err != nil {
		return nil, err
	}
	rep := &ofp.AggregateReply{FlowCount: uint32(len(rules))}
	for _, x := range rules {
		// Flows that do not count (OFPFF_NO_*_COUNTS) add nothing.
		if x.flags&ofp.FlowNoPktCounts == 0 {
			rep.PacketCount += x.packets
		}
		if x.flags&ofp.FlowNoBytCounts == 0 {
			rep.ByteCount += x.bytes
		}
	}
	return rep, nil
}

func (s *Switch) tableStats() *ofp.TableStatsReply {
	s.pullAll()
	rep := &ofp.TableStatsReply{Entries: make([]ofp.TableStats, numTables)}
	for i, t := range s.tables {
		active := 0
		if t.cls.Len() > 0 {
			active = len(s.rulesIn(uint8(i)))
		}
		rep.Entries[i] = ofp.TableStats{TableID: uint8(i), ActiveCount: uint32(active),
			LookupCount: t.lookups, MatchedCount: t.matched}
	}
	return rep
}

// rulesIn returns the visible rules of table t.
func (s *Switch) rulesIn(t uint8) []*rule {
	var out []*rule
	s.tables[t].cls.Each(func(cr *classifier.Rule[*rule]) bool {
		if !cr.Value.hidden {
			out = append(out, cr.Value)
		}
		return true
	})
	return out
}

func (s *Switch) portStats(no ofp.PortNo) (*ofp.PortStatsReply, error) {
	ps := s.sortedPorts()
	if no != ofp.PortAny {
		p := s.ports[uint32(no)]
		if p == nil {
			return nil, ofp.NewError(ofp.ETBadRequest, ofp.BRCBadPort, nil)
		}
		ps = []*port{p}
	}
	stats := s.dpPortStats()
	now := s.now()
	rep := &ofp.PortStatsReply{Entries: []ofp.PortStats{}}
	for _, p := range ps {
		st := stats[p.dpPort]
		d := now.Sub(p.added)
		rep.Entries = append(rep.Entries, ofp.PortStats{PortNo: ofp.PortNo(p.ofport),
			RxPackets: st.RxPackets, TxPackets: st.TxPackets, RxBytes: st.RxBytes, TxBytes: st.TxBytes,
			RxDropped: st.RxDropped, TxDropped: st.TxDropped,
			DurationSec: uint32(d.Seconds()), DurationNsec: uint32(d.Nanoseconds() % 1e9)})
	}
	return rep, nil
}

// meterFlowCount counts the flows using each meter (meter stats'
// flow_count).
func (s *Switch) meterFlowCount() func(uint32) int {
	counts := map[uint32]int{}
	for _, r := range s.rulesWhere(func(r *rule) bool { return r.meter != 0 }) {
		counts[r.meter]++
	}
	return func(id uint32) int { return counts[id] }
}
