package ofp

// OFPT_STATS_REQUEST/REPLY of OpenFlow 1.0 (spec 1.0.0 §5.3.5) <->
// OFPT_MULTIPART_REQUEST/REPLY bodies of 1.3 (spec 1.3.5 §7.3.5). 1.0 has
// six stats types, each of which has a 1.3 multipart type of the same
// number: desc, flow, aggregate, table, port and queue. Open vSwitch adds
// a seventh, OFPST_PORT_DESC (13), the 1.3 port-description multipart
// (also 13), which its tools send to 1.0 switches; xvs answers it as
// ovs-vswitchd does. Vendor stats are refused with OFPBRC_BAD_VENDOR:
// xvs implements no vendor extension.

import "fmt"

// DefaultTableMaxEntries is the max_entries a table reports when nothing
// else limits it (Open vSwitch reports the same 1,000,000).
const DefaultTableMaxEntries uint32 = 1_000_000

// ToMultipart converts a 1.0 stats request to the body of the 1.3
// multipart request that asks the same. Flow and aggregate requests keep
// the table (0xff: all) and out_port (OFPP_NONE: any) and select any
// cookie and group; a port stats request for OFPP_NONE asks for every
// port, as does a queue stats request for OFPP_ALL (Open vSwitch reads
// both so).
func (r *StatsRequest10) ToMultipart() (MultipartBody, error) {
	missing := func() (MultipartBody, error) {
		return nil, err10(ET10BadRequest, BRC10BadLen, "%s request without its body", statsName10(r.Type))
	}
	switch r.Type {
	case ST10Desc:
		return &DescRequest{}, nil
	case ST10Table:
		return &TableStatsRequest{}, nil
	case ST10PortDesc:
		return &PortDescRequest{}, nil
	case ST10Flow, ST10Aggregate:
		if r.Flow == nil {
			return missing()
		}
		m, err := r.Flow.Match.ToMatch()
		if err != nil {
			return nil, err
		}
		fr := FlowStatsRequest{TableID: r.Flow.TableID, OutPort: r.Flow.OutPort.To13(), OutGroup: GroupAny, Match: m}
		if r.Type == ST10Aggregate {
			return &AggregateRequest{fr}, nil
		}
		return &fr, nil
	case ST10Port:
		if r.Port == nil {
			return missing()
		}
		return &PortStatsRequest{PortNo: r.Port.PortNo.To13()}, nil
	case ST10Queue:
		if r.Queue == nil {
			return missing()
		}
		p := r.Queue.PortNo.To13()
		if r.Queue.PortNo == Port10All {
			p = PortAny
		}
		return &QueueStatsRequest{PortNo: p, QueueID: r.Queue.QueueID}, nil
	case ST10Vendor:
		v := uint32(0)
		if r.Vendor != nil {
			v = r.Vendor.Vendor
		}
		return nil, err10(ET10BadRequest, BRC10BadVendor, "vendor stats of vendor %#08x are not supported", v)
	}
	return nil, err10(ET10BadRequest, BRC10BadStat, "unknown stats type %d", r.Type)
}

// StatsReplyTo10 converts the body of a multipart reply to the 1.0 stats
// reply. Flow stats entries whose match or instructions 1.0 cannot say
// (flows that 1.3 controllers added with goto_table, write_actions,
// metadata matches, ...) are left out of the 1.0 reply: a 1.0 controller
// could neither read nor reproduce them. Table stats get 1.0's fields
// that 1.3 moved to table features: every field wildcardable and
// DefaultTableMaxEntries. Ports (stats and descriptions) and queues whose
// numbers do not fit 16 bits are left out. Any other body is refused with OFPBRC_BAD_STAT.
func StatsReplyTo10(body MultipartBody) (*StatsReply10, error) {
	switch b := body.(type) {
	case *Desc:
		return &StatsReply10{Type: ST10Desc, Desc: &DescStats10{
			MfrDesc: b.MfrDesc, HWDesc: b.HWDesc, SWDesc: b.SWDesc, SerialNum: b.SerialNum, DPDesc: b.DPDesc,
		}}, nil
	case *FlowStatsReply:
		out := &StatsReply10{Type: ST10Flow, Flows: []FlowStats10{}}
		for i := range b.Entries {
			if f, err := FlowStatsTo10(&b.Entries[i]); err == nil {
				out.Flows = append(out.Flows, f)
			}
		}
		return out, nil
	case *AggregateReply:
		return &StatsReply10{Type: ST10Aggregate, Aggregate: &AggregateStats10{
			PacketCount: b.PacketCount, ByteCount: b.ByteCount, FlowCount: b.FlowCount,
		}}, nil
	case *TableStatsReply:
		out := &StatsReply10{Type: ST10Table, Tables: []TableStats10{}}
		for _, t := range b.Entries {
			out.Tables = append(out.Tables, TableStats10{
				TableID: t.TableID, Name: fmt.Sprintf("table%d", t.TableID), Wildcards: FW10All,
				MaxEntries: DefaultTableMaxEntries, ActiveCount: t.ActiveCount,
				LookupCount: t.LookupCount, MatchedCount: t.MatchedCount,
			})
		}
		return out, nil
	case *PortStatsReply:
		out := &StatsReply10{Type: ST10Port, Ports: []PortStats10{}}
		for _, p := range b.Entries {
			no, ok := p.PortNo.To10()
			if !ok {
				continue
			}
			out.Ports = append(out.Ports, PortStats10{
				PortNo: no, RxPackets: p.RxPackets, TxPackets: p.TxPackets, RxBytes: p.RxBytes, TxBytes: p.TxBytes,
				RxDropped: p.RxDropped, TxDropped: p.TxDropped, RxErrors: p.RxErrors, TxErrors: p.TxErrors,
				RxFrameErr: p.RxFrameErr, RxOverErr: p.RxOverErr, RxCRCErr: p.RxCRCErr, Collisions: p.Collisions,
			})
		}
		return out, nil
	case *QueueStatsReply:
		out := &StatsReply10{Type: ST10Queue, Queues: []QueueStats10{}}
		for _, q := range b.Entries {
			no, ok := q.PortNo.To10()
			if !ok {
				continue
			}
			out.Queues = append(out.Queues, QueueStats10{
				PortNo: no, QueueID: q.QueueID, TxBytes: q.TxBytes, TxPackets: q.TxPackets, TxErrors: q.TxErrors,
			})
		}
		return out, nil
	case *PortDescReply:
		out := &StatsReply10{Type: ST10PortDesc, PortDesc: []Port10{}}
		for _, p := range b.Ports {
			if p10, err := PortTo10(p); err == nil {
				out.PortDesc = append(out.PortDesc, p10)
			}
		}
		return out, nil
	case nil:
		return nil, err10(ET10BadRequest, BRC10BadStat, "no multipart body")
	}
	return nil, err10(ET10BadRequest, BRC10BadStat, "%T has no OpenFlow 1.0 stats form", body)
}

// FlowStatsTo10 converts one flow stats entry. Its instructions must be
// at most one apply-actions whose actions ActionsTo10 converts; anything
// else is refused with OFPBAC_BAD_TYPE.
func FlowStatsTo10(f *FlowStats) (FlowStats10, error) {
	m, err := MatchTo10(f.Match)
	if err != nil {
		return FlowStats10{}, err
	}
	var as Actions10 = Actions10{}
	for _, in := range f.Instructions {
		apply, ok := in.(*InstApplyActions)
		if !ok || apply == nil {
			return FlowStats10{}, err10(ET10BadAction, BAC10BadType, "flow stats: instruction %T has no OpenFlow 1.0 form", in)
		}
		if as, err = ActionsTo10(apply.Actions); err != nil {
			return FlowStats10{}, err
		}
	}
	return FlowStats10{
		TableID: f.TableID, Match: m, DurationSec: f.DurationSec, DurationNsec: f.DurationNsec,
		Priority: f.Priority, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout,
		Cookie: f.Cookie, PacketCount: f.PacketCount, ByteCount: f.ByteCount, Actions: as,
	}, nil
}
