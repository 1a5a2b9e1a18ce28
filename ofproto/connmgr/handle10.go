package connmgr

// Handling of one OpenFlow 1.0 message (spec 1.0.0 §5.3, §5.5). Requests
// are converted to their 1.3 forms with package ofp's convert10 functions
// and go to the same Switch methods as 1.3 requests; replies come back
// converted. Errors the Switch returns use 1.3's numbering and are mapped
// onto 1.0's by ofp.Error10, which leaves the 1.0 errors of the decoders
// and conversions as they are.

import (
	"bytes"
	"slices"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func (s *session) handle10(h ofp.Header, raw []byte) {
	xid := h.Xid
	_, msg, err := ofp.Unmarshal(raw)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	fail := func(err error) {
		if err != nil {
			s.sendError(xid, err, raw, false)
		}
	}
	switch m := msg.(type) {
	case *ofp.EchoRequest:
		s.send(xid, &ofp.EchoReply{Data: m.Data})
	case *ofp.EchoReply:
	case *ofp.Error:
		s.m.log.Debug("peer sent an error", "peer", s.peer, "error", m.Error())
	case *ofp.Vendor10:
		s.sendError(xid, newError(ofp.ET10BadRequest, ofp.BRC10BadVendor, "vendor %#x: no vendor messages are supported", m.Vendor), raw, true)
	case *ofp.FeaturesRequest:
		s.features10(xid, raw)
	case *ofp.GetConfigRequest:
		s.send(xid, &ofp.GetConfigReply{SwitchConfig: s.switchConfig()})
	case *ofp.SetConfig:
		if err := s.setConfig(m.SwitchConfig); err != nil {
			// 1.0 has no OFPET_SWITCH_CONFIG_FAILED.
			s.sendError(xid, newError(ofp.ET10BadRequest, ofp.BRC10Eperm, "%v", err), raw, true)
		}
	case *ofp.BarrierRequest:
		s.send(xid, &ofp.BarrierReply{})
	case *ofp.FlowMod10:
		fm, err := m.ToFlowMod()
		if err != nil {
			s.sendError(xid, err, raw, false)
			return
		}
		if m.AddIfNoMatch10() {
			// 1.0's modify adds the flow when none matches (spec 1.0.0
			// §4.6); 1.3's does not.
			found, err := s.flowExists(fm, m.Command == ofp.FC10ModifyStrict)
			if err != nil {
				fail(err)
				return
			}
			if !found {
				fm.Command = ofp.FlowAdd
			}
		}
		// FlowMod10: 1.0 lets strip_vlan and mod_* act on flows whose
		// match does not fix the header (no MATCH_INCONSISTENT in 1.0).
		fail(s.flowMod10(fm))
	case *ofp.PacketOut10:
		po, err := m.ToPacketOut()
		if err != nil {
			s.sendError(xid, err, raw, false)
			return
		}
		fail(s.m.sw.PacketOut(po))
	case *ofp.PortMod10:
		pm, err := m.ToPortMod()
		if err != nil {
			s.sendError(xid, err, raw, false)
			return
		}
		// PortMod10 validates with 1.0's bits (OFPPC_NO_FLOOD) itself.
		fail(s.m.sw.PortMod10(pm))
	case *ofp.StatsRequest10:
		s.stats10(xid, m, raw)
	case *ofp.QueueGetConfigRequest10:
		s.queueConfig10(xid, m, raw)
	default:
		s.sendError(xid, newError(ofp.ET10BadRequest, ofp.BRC10BadType, "%s is not a request a switch accepts",
			ofp.Name(h.Version, h.Type)), raw, true)
	}
}

// features10 answers a 1.0 features request, which lists the ports
// (1.3 moved them to the port-description multipart).
func (s *session) features10(xid uint32, raw []byte) {
	body, err := s.m.sw.Multipart(&ofp.PortDescRequest{})
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	var ports []ofp.Port
	if pd, ok := body.(*ofp.PortDescReply); ok {
		ports = pd.Ports
	}
	fr, err := ofp.FeaturesReplyTo10(s.m.sw.FeaturesReply(), ports)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	s.send(xid, fr)
}

// stats10 answers a 1.0 stats request through the 1.3 multipart it
// corresponds to, splitting a long reply (OFPSF_REPLY_MORE).
func (s *session) stats10(xid uint32, req *ofp.StatsRequest10, raw []byte) {
	body, err := req.ToMultipart()
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	reply, err := s.m.sw.Multipart(body)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	r10, err := ofp.StatsReplyTo10(reply)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	parts, err := r10.Split(0)
	if err != nil {
		s.m.log.Error("stats reply does not split", "err", err)
		s.sendError(xid, newError(ofp.ET10BadRequest, ofp.BRC10Eperm, "reply: %v", err), raw, true)
		return
	}
	for _, p := range parts {
		b, err := ofp.Append(nil, ofp.Version10, xid, p)
		if err != nil {
			s.m.log.Error("stats reply does not encode", "err", err)
			return
		}
		if !s.out.push(b) {
			return
		}
	}
}

// flowExists says whether a flow-mod of 1.0's modify kind selects a flow
// of table 0: loosely (any flow at least as specific as its match, which
// is what a flow-stats request selects) or strictly (same priority and
// the same match).
func (s *session) flowExists(fm *ofp.FlowMod, strict bool) (bool, error) {
	body, err := s.m.sw.Multipart(&ofp.FlowStatsRequest{TableID: fm.TableID, OutPort: ofp.PortAny,
		OutGroup: ofp.GroupAny, Match: fm.Match})
	if err != nil {
		return false, err
	}
	r, ok := body.(*ofp.FlowStatsReply)
	if !ok {
		return false, nil
	}
	if !strict {
		return len(r.Entries) > 0, nil
	}
	want := sortedOXMs(fm.Match)
	for i := range r.Entries {
		e := &r.Entries[i]
		if e.Priority == fm.Priority && slices.EqualFunc(sortedOXMs(e.Match), want, equalOXM) {
			return true, nil
		}
	}
	return false, nil
}

func sortedOXMs(m ofp.Match) []ofp.OXM {
	f := slices.Clone(m.Fields)
	slices.SortFunc(f, func(a, b ofp.OXM) int {
		if a.Class != b.Class {
			return int(a.Class) - int(b.Class)
		}
		return int(a.Field) - int(b.Field)
	})
	return f
}

func equalOXM(a, b ofp.OXM) bool {
	return a.Class == b.Class && a.Field == b.Field && a.HasMask == b.HasMask && a.Experimenter == b.Experimenter &&
		bytes.Equal(a.Value, b.Value) && bytes.Equal(a.Mask, b.Mask)
}
