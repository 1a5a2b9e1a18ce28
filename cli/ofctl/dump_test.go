package ofctl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// dump-flows prints each part of a flow-stats reply as ofp.Format prints
// the decoded part (the printer that reads the parts' bytes must agree),
// with and without --no-stats.
func TestDumpFlowsParts(t *testing.T) {
	s := newReplySwitch(t, &ofp.FlowStatsReply{Entries: benchFlows(t, 2000)})
	var want strings.Builder
	for i, p := range s.parts {
		h, m, err := ofp.Unmarshal(p)
		if err != nil {
			t.Fatal(err)
		}
		h.Xid = 2 // the client's first request after the hello
		if i == 0 && h.Type != 19 {
			t.Fatalf("type %d", h.Type)
		}
		want.WriteString(ofp.Format(h, m) + "\n")
	}
	if len(s.parts) < 3 {
		t.Fatalf("%d parts: want several", len(s.parts))
	}
	var out, errOut bytes.Buffer
	if rc := Main([]string{"-O", "OpenFlow13", "dump-flows", s.target()}, nil, &out, &errOut); rc != 0 {
		t.Fatalf("exit %d: %s", rc, errOut.String())
	}
	if out.String() != want.String() {
		t.Fatalf("dump-flows printed %d bytes, Format %d:\n%.400s\nwant\n%.400s", out.Len(), want.Len(), out.String(), want.String())
	}
	out.Reset()
	if rc := Main([]string{"-O", "OpenFlow13", "dump-flows", "--no-stats", s.target()}, nil, &out, &errOut); rc != 0 {
		t.Fatalf("exit %d: %s", rc, errOut.String())
	}
	if got := strings.Count(out.String(), "\n"); got != 2000 || strings.Contains(out.String(), "n_packets") || strings.Contains(out.String(), "OFPST_FLOW") {
		t.Fatalf("--no-stats: %d lines:\n%.300s", got, out.String())
	}
}
