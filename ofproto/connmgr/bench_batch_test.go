package connmgr

import (
	"net"
	"path/filepath"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// BenchmarkFlowModsPopulatedCache: flow-mods streamed into a session, as
// `xvs ofctl add-flows` sends them, while the Switch caches 100,000
// entries (new UDP flows from port 1, forwarded by one rule): the
// bench's control plane after its packet-rate scenarios. Connmgr's
// batches make each flow-mod's revalidation one pass per batch. Run with
// -benchtime 100000x.
func BenchmarkFlowModsPopulatedCache(b *testing.B) {
	const entries = 100000
	dp := dummy.New(dummy.Config{Name: "xc0", MaxFlows: 1 << 18, TxQueue: 1})
	sw, err := ofproto.New(ofproto.Config{Name: "xc0", Datapath: dp, FailMode: ofproto.FailSecure, RevalidateInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Close() })
	for _, name := range []string{"xc-p1", "xc-p2"} {
		if _, err := sw.AddPort(ofproto.PortSpec{Name: name}); err != nil {
			b.Fatal(err)
		}
	}
	udp := &ofp.FlowMod{Command: ofp.FlowAdd, Priority: 10, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
		Match:        ofp.NewMatch(ofp.OXMInPort(1), ofp.OXMEthType(0x0800), ofp.OXMIPProto(17)),
		Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: 2}}}}}
	if err := sw.FlowMod(udp); err != nil {
		b.Fatal(err)
	}
	var in uint32
	for _, p := range sw.Ports() {
		if p.OFPort == 1 {
			in = p.DPPort
		}
	}
	frame := dptest.UDP4(b, 1, 2)
	base := packet.Extract(frame, in)
	for i := range entries {
		key := base
		key.TPSrc, key.IPv4Src[2], key.IPv4Src[1] = uint16(i), byte(i>>16), byte(i>>24)
		u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: in, Key: key, Frame: frame}
		if err := sw.HandleUpcall(&u); err != nil {
			b.Fatal(err)
		}
	}
	if cs := sw.CacheStats(); cs.Flows != entries {
		b.Fatalf("cache holds %d entries, want %d", cs.Flows, entries)
	}
	dir := b.TempDir()
	m, err := New(Config{Bridge: "xc0", Switch: sw, RunDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	p := dialPeer(b, "unix", filepath.Join(dir, "xc0.mgmt"), ofp.Version13)
	p.barrier()
	var stream []byte
	for i := range b.N {
		fm := &ofp.FlowMod{Command: ofp.FlowAdd, Priority: uint16(1 + i%60000), BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
			Match: ofp.NewMatch(ofp.OXMEthType(0x0800), ofp.OXMIPProto(6), ofp.OXMIPv4Dst(net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), nil),
				ofp.OXMTCPDst(uint16(1+i%1000))),
			Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortNo(1 + i%2)}}}}}
		stream = append(stream, mustMarshal(b, ofp.Version13, uint32(i+1), fm)...)
	}
	const barrierXid = 0xfff00000
	stream = append(stream, mustMarshal(b, ofp.Version13, barrierXid, &ofp.BarrierRequest{})...)
	b.ResetTimer()
	go p.conn.Write(stream)
	for {
		h, m := p.recv()
		if _, ok := m.(*ofp.Error); ok {
			b.Fatalf("error %v", m)
		}
		if _, ok := m.(*ofp.BarrierReply); ok && h.Xid == barrierXid {
			break
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
