package ofproto

import "github.com/xvs-switch/xvs/ofproto/ofp"

// FeaturesReply answers OFPT_FEATURES_REQUEST (spec 1.3.5 §7.3.1): the
// datapath id, no packet buffers, 254 tables and the statistics xvs keeps.
func (s *Switch) FeaturesReply() *ofp.FeaturesReply {
	s.mu.Lock()
	defer s.unlock()
	return &ofp.FeaturesReply{
		DatapathID:   s.datapathID(),
		NBuffers:     0,
		NTables:      numTables,
		Capabilities: ofp.CapFlowStats | ofp.CapTableStats | ofp.CapPortStats | ofp.CapGroupStats,
	}
}

// FlowInfo is one flow of DumpFlows.
type FlowInfo struct {
	Hidden bool          // a fail-mode flow controllers do not see
	Stats  ofp.FlowStats // the flow as a flow-stats entry (counters fresh)
}

// String prints the flow as ovs-ofctl dump-flows does (ovs-appctl
// bridge/dump-flows for hidden ones).
func (f FlowInfo) String() string {
	s := formatFlowStats(f.Stats)
	if f.Hidden {
		return s + " (hidden)"
	}
	return s
}

// DumpFlows lists every flow by table, then priority (highest first), with
// fresh counters; hidden flows (fail-open) only when asked.
func (s *Switch) DumpFlows(hidden bool) []FlowInfo {
	s.mu.Lock()
	defer s.unlock()
	s.pullAll()
	now := s.now()
	n := 0
	for _, t := range s.tables {
		n += t.cls.Len()
	}
	out := make([]FlowInfo, 0, n)
	slab := make([]ofp.OXM, 0, min(4*n, 1<<16)) // as flowStats
	for _, t := range s.tables {
		if t.cls.Len() == 0 {
			continue
		}
		for _, cr := range t.cls.Sorted() {
			r := cr.Value
			if r.hidden && !hidden {
				continue
			}
			var fs ofp.FlowStats
			fs, slab = r.flowStats(s.since(now, r.created), slab)
			if r.hidden {
				fs.Priority = 0xffff
			}
			out = append(out, FlowInfo{Hidden: r.hidden, Stats: fs})
		}
	}
	return out
}
