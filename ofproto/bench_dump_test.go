package ofproto

import (
	"fmt"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// benchFlows adds n flows to table 0: "priority=p,ip,nw_dst=10.x.y.z,
// actions=output:2" over a handful of priorities, as a large dump-flows
// sees them.
func benchFlows(b *testing.B, sw *Switch, n int) {
	b.Helper()
	out := []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: 2, MaxLen: 0}}}}
	for i := range n {
		fm := &ofp.FlowMod{Command: ofp.FlowAdd, Priority: uint16(100 + i%7), BufferID: ofp.NoBuffer,
			OutPort: ofp.PortAny, OutGroup: ofp.GroupAny, Instructions: out,
			Match: ofp.Match{Fields: []ofp.OXM{
				{Class: ofp.OXMClassOpenFlowBasic, Field: ofp.OXMEthTypeField, Value: []byte{0x08, 0x00}},
				{Class: ofp.OXMClassOpenFlowBasic, Field: ofp.OXMIPv4DstField, Value: []byte{10, byte(i >> 16), byte(i >> 8), byte(i)}},
			}}}
		if err := sw.FlowMod(fm); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlowStats100k: one flow-stats request for all of 100,000 flows
// (the server's part of ovs-ofctl dump-flows before encoding).
func BenchmarkFlowStats100k(b *testing.B) {
	sw, req := benchDump100k(b)
	for range b.N {
		rep, err := sw.Multipart(req)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(rep.(*ofp.FlowStatsReply).Entries); n != 100000 {
			b.Fatalf("%d entries", n)
		}
	}
}

// BenchmarkFlowStatsMessages100k: the same as a 1.3 session asks for it,
// encoded into messages (FlowStatsMessages).
func BenchmarkFlowStatsMessages100k(b *testing.B) {
	sw, req := benchDump100k(b)
	for range b.N {
		msgs, err := sw.FlowStatsMessages(req, 1)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(msgs); n < 100 {
			b.Fatalf("%d messages", n)
		}
	}
}

// BenchmarkDumpFlows100k: DumpFlows (bridge/dump-flows) of 100,000 flows.
func BenchmarkDumpFlows100k(b *testing.B) {
	sw := benchSwitch(b)
	benchFlows(b, sw, 100000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n := len(sw.DumpFlows(false)); n != 100000 {
			b.Fatalf("%d flows", n)
		}
	}
}

// BenchmarkFlowStats100kAfterChange: the same after a flow-mod changed
// the table, so the table's order is rebuilt (the worst case).
func BenchmarkFlowStats100kAfterChange(b *testing.B) {
	sw, req := benchDump100k(b)
	for i := range b.N {
		b.StopTimer()
		benchAdd(b, sw, fmt.Sprintf("priority=%d,udp,actions=output:3", i%1000))
		b.StartTimer()
		if _, err := sw.Multipart(req); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDump100k is a switch with 100,000 flows and a request for all of
// their stats, the timer reset after them.
func benchDump100k(b *testing.B) (*Switch, *ofp.FlowStatsRequest) {
	b.Helper()
	sw := benchSwitch(b)
	benchFlows(b, sw, 100000)
	b.ReportAllocs()
	b.ResetTimer()
	return sw, &ofp.FlowStatsRequest{TableID: ofp.TableAll, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}
}
