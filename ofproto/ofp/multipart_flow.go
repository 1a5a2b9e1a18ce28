package ofp

// OFPMP_FLOW (spec 1.3.5 §7.3.5.2: struct ofp_flow_stats_request and
// ofp_flow_stats) and OFPMP_AGGREGATE (§7.3.5.3: the same request, struct
// ofp_aggregate_stats_reply).

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

const (
	flowStatsRequestLen = 40 // with an empty match
	flowStatsLen        = 48 // without match and instructions
	aggregateReplyLen   = 24
	tableAll            = 0xff // OFPTT_ALL
)

// FlowStatsRequest is the body of an OFPMP_FLOW request: the flows of
// TableID (0xff: all tables) that match Match, output to OutPort and
// OutGroup (OFPP_ANY / OFPG_ANY: any) and whose cookie equals Cookie in
// the bits of CookieMask.
type FlowStatsRequest struct {
	TableID    uint8  `json:"table_id"`
	OutPort    PortNo `json:"out_port"`
	OutGroup   uint32 `json:"out_group"`
	Cookie     uint64 `json:"cookie"`
	CookieMask uint64 `json:"cookie_mask"`
	Match      Match  `json:"match"`
}

// AggregateRequest is the body of an OFPMP_AGGREGATE request.
type AggregateRequest struct{ FlowStatsRequest }

func (r *FlowStatsRequest) appendMP(b []byte) ([]byte, error) {
	if err := r.Match.checkEncodable(); err != nil {
		return b, err
	}
	b = append(b, r.TableID, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(r.OutPort))
	b = binary.BigEndian.AppendUint32(b, r.OutGroup)
	b = appendZeros(b, 4)
	b = binary.BigEndian.AppendUint64(b, r.Cookie)
	b = binary.BigEndian.AppendUint64(b, r.CookieMask)
	return r.Match.appendTo(b), nil
}

func (r *FlowStatsRequest) unmarshalMP(b []byte) error {
	if len(b) < flowStatsRequestLen {
		return badRequest(BRCBadLen, "flow stats request: body %d bytes, need %d", len(b), flowStatsRequestLen)
	}
	r.TableID = b[0]
	r.OutPort = PortNo(binary.BigEndian.Uint32(b[4:8]))
	r.OutGroup = binary.BigEndian.Uint32(b[8:12])
	r.Cookie = binary.BigEndian.Uint64(b[16:24])
	r.CookieMask = binary.BigEndian.Uint64(b[24:32])
	m, n, err := decodeMatch(b[32:])
	if err != nil {
		return err
	}
	if 32+n != len(b) {
		return badRequest(BRCBadLen, "flow stats request: %d bytes after the match", len(b)-32-n)
	}
	r.Match = m
	return nil
}

// formatMP prints as ovs-ofctl's ofputil_flow_stats_request_format,
// which leaves the cookie and out_group out.
func (r *FlowStatsRequest) formatMP() string {
	var sb strings.Builder
	if r.TableID != tableAll {
		fmt.Fprintf(&sb, " table=%d", r.TableID)
	}
	if r.OutPort != PortAny {
		fmt.Fprintf(&sb, " out_port=%s", r.OutPort)
	}
	sb.WriteString(" " + formatMatchPriority(r.Match, DefaultPriority))
	return strings.TrimRight(sb.String(), " ")
}

// FlowStats is ofp_flow_stats: one flow entry.
type FlowStats struct {
	TableID      uint8         `json:"table_id"`
	DurationSec  uint32        `json:"duration_sec"`
	DurationNsec uint32        `json:"duration_nsec"`
	Priority     uint16        `json:"priority"`
	IdleTimeout  uint16        `json:"idle_timeout"`
	HardTimeout  uint16        `json:"hard_timeout"`
	Flags        uint16        `json:"flags"`
	Cookie       uint64        `json:"cookie"`
	PacketCount  uint64        `json:"packet_count"`
	ByteCount    uint64        `json:"byte_count"`
	Match        Match         `json:"match"`
	Instructions []Instruction `json:"instructions"`
	// MatchTLVs, when not nil, is the match in wire form (Match.AppendTLVs)
	// and encoding writes it instead of Match: a switch that keeps its
	// flows' matches in that form answers a dump of every flow without
	// decoding them all (ofproto.Switch.FlowStatsMessages). Decoding fills
	// Match only.
	MatchTLVs []byte `json:"-"`
}

// FlowStatsReply is the body of an OFPMP_FLOW reply.
type FlowStatsReply struct {
	Entries []FlowStats `json:"entries"`
}

func (r *FlowStatsReply) numEntries() int { return len(r.Entries) }

func (r *FlowStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	return appendFlowStats(b, &r.Entries[i])
}

// appendFlowStats appends one ofp_flow_stats.
func appendFlowStats(b []byte, e *FlowStats) ([]byte, error) {
	if e.MatchTLVs != nil {
		if len(e.MatchTLVs) > 0xffff-4 {
			return b, fmt.Errorf("match of %d bytes", 4+len(e.MatchTLVs))
		}
	} else if err := e.Match.checkEncodable(); err != nil {
		return b, err
	}
	start := len(b)
	b = append(b, 0, 0, e.TableID, 0) // length patched below
	b = binary.BigEndian.AppendUint32(b, e.DurationSec)
	b = binary.BigEndian.AppendUint32(b, e.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, e.Priority)
	b = binary.BigEndian.AppendUint16(b, e.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, e.HardTimeout)
	b = binary.BigEndian.AppendUint16(b, e.Flags)
	b = appendZeros(b, 4)
	b = binary.BigEndian.AppendUint64(b, e.Cookie)
	b = binary.BigEndian.AppendUint64(b, e.PacketCount)
	b = binary.BigEndian.AppendUint64(b, e.ByteCount)
	if e.MatchTLVs != nil {
		b = appendMatchTLVs(b, e.MatchTLVs)
	} else {
		b = e.Match.appendTo(b)
	}
	b, err := appendInstructions(b, e.Instructions)
	if err != nil {
		return b[:start], err
	}
	return putLen16(b, start, 0, "flow stats")
}

func (r *FlowStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

// flowStatsFixed decodes the fixed part of an ofp_flow_stats entry (e is
// at least flowStatsLen bytes): everything but the match and the
// instructions.
func flowStatsFixed(e []byte) FlowStats {
	return FlowStats{
		TableID:      e[2],
		DurationSec:  binary.BigEndian.Uint32(e[4:8]),
		DurationNsec: binary.BigEndian.Uint32(e[8:12]),
		Priority:     binary.BigEndian.Uint16(e[12:14]),
		IdleTimeout:  binary.BigEndian.Uint16(e[14:16]),
		HardTimeout:  binary.BigEndian.Uint16(e[16:18]),
		Flags:        binary.BigEndian.Uint16(e[18:20]),
		Cookie:       binary.BigEndian.Uint64(e[24:32]),
		PacketCount:  binary.BigEndian.Uint64(e[32:40]),
		ByteCount:    binary.BigEndian.Uint64(e[40:48]),
	}
}

func (r *FlowStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]FlowStats, 0, countEntries(b, 0, flowStatsLen+8))
	return decodeEntries(b, "flow stats", 0, flowStatsLen+8, func(e []byte) error {
		s := flowStatsFixed(e)
		m, n, err := decodeMatch(e[flowStatsLen:])
		if err != nil {
			return err
		}
		s.Match = m
		if s.Instructions, err = decodeInstructions(e[flowStatsLen+n:]); err != nil {
			return err
		}
		r.Entries = append(r.Entries, s)
		return nil
	})
}

// formatMP prints each flow as ovs-ofctl's ofputil_flow_stats_format,
// one line per entry.
func (r *FlowStatsReply) formatMP() string { return string(r.appendMPText(nil)) }

// appendMPText appends formatMP's text to b. Nothing on the way goes
// through fmt or a string of its own: ovs-ofctl dump-flows of 100,000
// flows formats them all, and the strings of each field were most of
// the client's time.
func (r *FlowStatsReply) appendMPText(b []byte) []byte {
	for i := range r.Entries {
		e := &r.Entries[i]
		b = appendFlowStatsHead(b, e)
		b = appendInstructionsText(b, e.Instructions)
	}
	return b
}

// appendFlowStatsHead appends an entry's line up to and including
// "actions=": its instructions' text follows.
func appendFlowStatsHead(b []byte, e *FlowStats) []byte {
	b = append(b, "\n cookie=0x"...)
	b = strconv.AppendUint(b, e.Cookie, 16)
	b = append(b, ", duration="...)
	b = appendDuration(b, e.DurationSec, e.DurationNsec)
	b = append(b, ", table="...)
	b = strconv.AppendUint(b, uint64(e.TableID), 10)
	b = append(b, ", n_packets="...)
	b = appendStat(b, e.PacketCount)
	b = append(b, ", n_bytes="...)
	b = appendStat(b, e.ByteCount)
	b = append(b, ", "...)
	if e.IdleTimeout != 0 {
		b = append(b, "idle_timeout="...)
		b = strconv.AppendUint(b, uint64(e.IdleTimeout), 10)
		b = append(b, ", "...)
	}
	if e.HardTimeout != 0 {
		b = append(b, "hard_timeout="...)
		b = strconv.AppendUint(b, uint64(e.HardTimeout), 10)
		b = append(b, ", "...)
	}
	if e.Flags != 0 {
		b = append(b, formatFlowFlags(e.Flags)...)
	}
	n := len(b)
	if b = appendMatchPriority(b, &e.Match, e.Priority); len(b) > n {
		b = append(b, ' ')
	}
	b = append(b, "actions="...)
	return b
}

// AggregateReply is the body of an OFPMP_AGGREGATE reply.
type AggregateReply struct {
	PacketCount uint64 `json:"packet_count"`
	ByteCount   uint64 `json:"byte_count"`
	FlowCount   uint32 `json:"flow_count"`
}

func (r *AggregateReply) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, r.PacketCount)
	b = binary.BigEndian.AppendUint64(b, r.ByteCount)
	b = binary.BigEndian.AppendUint32(b, r.FlowCount)
	return appendZeros(b, 4), nil
}

func (r *AggregateReply) unmarshalMP(b []byte) error {
	if len(b) != aggregateReplyLen {
		return badRequest(BRCBadLen, "aggregate reply: body %d bytes, want %d", len(b), aggregateReplyLen)
	}
	r.PacketCount = binary.BigEndian.Uint64(b[0:8])
	r.ByteCount = binary.BigEndian.Uint64(b[8:16])
	r.FlowCount = binary.BigEndian.Uint32(b[16:20])
	return nil
}

func (r *AggregateReply) formatMP() string {
	return fmt.Sprintf(" packet_count=%d byte_count=%d flow_count=%d", r.PacketCount, r.ByteCount, r.FlowCount)
}

// Validate checks a flow or aggregate stats request as a switch must: the
// match is one a flow-mod could carry (Match.Validate's OFPBMC_* errors).
// Every table id is valid (0-254 a table, OFPTT_ALL all of them).
func (r *FlowStatsRequest) Validate() error { return r.Match.Validate() }
