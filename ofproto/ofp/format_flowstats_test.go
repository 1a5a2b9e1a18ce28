package ofp

import (
	"fmt"
	"testing"
)

// TestFormatDuration checks the fmt-free duration against the %d.%09d
// form with trailing zeros cut to milliseconds, which it replaced.
func TestFormatDuration(t *testing.T) {
	old := func(sec, nsec uint32) string {
		s := fmt.Sprintf("%d", sec)
		if nsec > 0 {
			frac := fmt.Sprintf("%09d", nsec)
			for len(frac) > 3 && frac[len(frac)-1] == '0' {
				frac = frac[:len(frac)-1]
			}
			s += "." + frac
		}
		return s + "s"
	}
	for _, c := range [][2]uint32{{0, 0}, {1, 1}, {12, 500000000}, {3, 123456789}, {0, 1000}, {7, 999999999}, {1, 4000000000}, {^uint32(0), 10}} {
		if got, want := formatDuration(c[0], c[1]), old(c[0], c[1]); got != want {
			t.Errorf("formatDuration(%d, %d) = %q, want %q", c[0], c[1], got, want)
		}
	}
	if got := string(appendStat(nil, Unknown64)) + " " + string(appendStat(nil, 42)); got != "? 42" {
		t.Errorf("appendStat: %q", got)
	}
}

// BenchmarkFlowStatsReplyFormat formats 400 entries like tests/bench's
// control-plane flows: what xvs ofctl dump-flows does with each 64 KiB
// part of a reply.
func BenchmarkFlowStatsReplyFormat(b *testing.B) {
	es := benchFlowStatsEntries(b, 400)
	m := &MultipartReply{Body: &FlowStatsReply{Entries: es}}
	h := Header{Version: Version13, Type: 19}
	b.ReportAllocs()
	for b.Loop() {
		_ = Format(h, m)
	}
}

// benchFlowStatsEntries makes n flow-stats entries like tests/bench's
// control-plane flows.
func benchFlowStatsEntries(b *testing.B, n int) []FlowStats {
	b.Helper()
	var es []FlowStats
	for i := range n {
		text := fmt.Sprintf("priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d",
			i%1000+100, (i/65536)%256, (i/256)%256, i%256, i%60000+1, i%4000+1, i%2+1)
		fs, err := ParseFlow(text, FlowAdd)
		if err != nil {
			b.Fatal(err)
		}
		es = append(es, FlowStats{Priority: fs.Priority, Match: fs.Match, Instructions: fs.Instructions, DurationSec: 3, DurationNsec: 123456789})
	}
	return es
}
