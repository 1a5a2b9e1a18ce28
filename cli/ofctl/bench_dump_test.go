package ofctl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// benchFlows are n flow-stats entries like tests/bench's control-plane
// flows (tests/bench writeFlows), with statistics.
func benchFlows(tb testing.TB, n int) []ofp.FlowStats {
	es := make([]ofp.FlowStats, 0, n)
	for i := range n {
		text := fmt.Sprintf("priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d",
			i%1000+100, (i/65536)%256, (i/256)%256, i%256, i%60000+1, i%4000+1, i%2+1)
		fs, err := ofp.ParseFlow(text, ofp.FlowAdd)
		if err != nil {
			tb.Fatal(err)
		}
		es = append(es, ofp.FlowStats{Priority: fs.Priority, Match: fs.Match, Instructions: fs.Instructions,
			DurationSec: uint32(i % 100), DurationNsec: uint32(i * 7919 % 1e9), PacketCount: uint64(i % 3), ByteCount: uint64(i % 3 * 60)})
	}
	return es
}

// replySwitch is a switch that only says hello (OpenFlow 1.3) and answers
// every multipart request with the same reply parts (their xid patched).
type replySwitch struct {
	ln    net.Listener
	parts [][]byte
}

func newReplySwitch(tb testing.TB, body ofp.MultipartBody) *replySwitch {
	ln, err := net.Listen("unix", filepath.Join(tb.TempDir(), "s.mgmt"))
	if err != nil {
		tb.Fatal(err)
	}
	s := &replySwitch{ln: ln}
	for b, err := range ofp.SplitMultipart(ofp.Version13, 0, &ofp.MultipartReply{Body: body}) {
		if err != nil {
			tb.Fatal(err)
		}
		s.parts = append(s.parts, b)
	}
	tb.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

func (s *replySwitch) target() string { return "unix:" + s.ln.Addr().String() }

func (s *replySwitch) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *replySwitch) session(c net.Conn) {
	defer c.Close()
	// Each session patches xids into its own copy: sessions overlap (a
	// client's connection is still closing when the next one comes).
	parts := make([][]byte, len(s.parts))
	for i, p := range s.parts {
		parts[i] = append([]byte(nil), p...)
	}
	hello, _ := ofp.Marshal(ofp.Version13, 0, ofp.NewHello(ofp.Version13))
	if _, err := c.Write(hello); err != nil {
		return
	}
	for {
		raw, err := ofp.ReadMessage(c, nil)
		if err != nil {
			return
		}
		h, err := ofp.DecodeHeader(raw)
		if err != nil || h.Type != 18 { // OFPT_MULTIPART_REQUEST
			continue
		}
		for _, p := range parts {
			binary.BigEndian.PutUint32(p[4:8], h.Xid)
			if _, err := c.Write(p); err != nil {
				return
			}
		}
	}
}

// BenchmarkDumpFlowsClient is `xvs ofctl dump-flows` of 100,000 flows
// (tests/bench's control-plane dump) against a switch that answers at
// once: the client's whole share (read, decode, format, write).
func BenchmarkDumpFlowsClient(b *testing.B) {
	s := newReplySwitch(b, &ofp.FlowStatsReply{Entries: benchFlows(b, 100000)})
	var errOut bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		if rc := Main([]string{"-O", "OpenFlow13", "dump-flows", s.target()}, nil, io.Discard, &errOut); rc != 0 {
			b.Fatalf("exit %d: %s", rc, errOut.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/flow")
}
