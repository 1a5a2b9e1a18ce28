package ofproto

import (
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// formatFlowStats prints one flow as ovs-ofctl dump-flows does, through
// ofp's ofp-print of a flow-stats reply (one formatter for both).
func formatFlowStats(fs ofp.FlowStats) string {
	msg := &ofp.MultipartReply{Body: &ofp.FlowStatsReply{Entries: []ofp.FlowStats{fs}}}
	t, err := ofp.TypeOf(ofp.Version13, msg)
	if err != nil {
		return ""
	}
	s := ofp.Format(ofp.Header{Version: ofp.Version13, Type: t}, msg)
	if _, rest, ok := strings.Cut(s, "\n"); ok {
		return strings.TrimSpace(rest)
	}
	return s
}

// formatRuleMatch prints a rule's match and priority as ofproto/trace
// does: "ip,nw_dst=10.0.0.2, priority 100, cookie 0x5".
func formatRuleMatch(r *rule) string {
	match, _ := r.decodedMatch(nil)
	line := formatFlowStats(ofp.FlowStats{Priority: uint16(r.priority), Match: match})
	// "cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, MATCH actions=drop"
	if i := strings.Index(line, "n_bytes=0, "); i >= 0 {
		line = line[i+len("n_bytes=0, "):]
	}
	if i := strings.LastIndex(line, " actions="); i >= 0 {
		line = line[:i]
	} else if strings.HasPrefix(line, "actions=") {
		line = ""
	}
	// Keep the match, move the priority out as trace prints it.
	var parts []string
	for _, p := range strings.Split(line, ",") {
		if p != "" && !strings.HasPrefix(p, "priority=") {
			parts = append(parts, p)
		}
	}
	m := strings.Join(parts, ",")
	if r.hidden {
		m = "(hidden) " + m
	}
	if m != "" {
		m += ", "
	}
	return m + "priority " + itoa(int64(r.priority)) + ", cookie " + hex(r.cookie)
}

// formatInstructions prints a rule's instructions as dump-flows prints
// them after "actions=".
func formatInstructions(r *rule) string {
	line := formatFlowStats(ofp.FlowStats{Priority: uint16(r.priority), Instructions: r.insts})
	if i := strings.LastIndex(line, "actions="); i >= 0 {
		return line[i+len("actions="):]
	}
	return line
}
