package packet_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	dp "github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// run executes actions on frame and returns the outputs and upcalls.
func run(frame []byte, acts []dp.Action, meter func(uint32, int) (dp.MeterBand, bool)) (outs [][]byte, ups []dp.UpcallReason) {
	packet.Execute(frame, acts, packet.Env{
		Output: func(_ uint32, f []byte) { outs = append(outs, f) },
		Upcall: func(r dp.UpcallReason, _ uint64, _ []byte) { ups = append(ups, r) },
		Meter:  meter,
	})
	return outs, ups
}

func sctpFrame(t *testing.T, sport, dport uint16) []byte {
	s := &layers.SCTP{SrcPort: layers.SCTPPort(sport), DstPort: layers.SCTPPort(dport), VerificationTag: 42}
	f := dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), dptest.IPv4(layers.IPProtocolSCTP), s,
		&layers.SCTPData{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeData, Length: 20}, TSN: 1, PayloadProtocol: 0},
		dptest.Payload(4))
	// Fill the CRC32c as a sender would, whatever gopacket left there.
	p := f[14+20:]
	binary.LittleEndian.PutUint32(p[8:], 0)
	binary.LittleEndian.PutUint32(p[8:], crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)))
	return f
}

func sctpValid(f []byte) bool {
	p := slices.Clone(f[14+20:])
	want := binary.LittleEndian.Uint32(p[8:])
	binary.LittleEndian.PutUint32(p[8:], 0)
	return crc32.Checksum(p, crc32.MakeTable(crc32.Castagnoli)) == want
}

func TestSCTPPortRewriteRecomputesCRC(t *testing.T) {
	in := sctpFrame(t, 100, 200)
	if !sctpValid(in) {
		t.Fatal("test frame has a bad CRC")
	}
	outs, _ := run(in, []dp.Action{dp.SetTPSrc{Port: 7}, dp.SetTPDst{Port: 8}, dp.Output{Port: 1}}, nil)
	k := packet.Extract(outs[0], 1)
	if !k.Fields.Has(dp.FieldSCTP) || k.TPSrc != 7 || k.TPDst != 8 {
		t.Fatalf("ports not rewritten: %v", k)
	}
	if !sctpValid(outs[0]) {
		t.Error("CRC32c wrong after the rewrite")
	}
}

func TestMPLSStack(t *testing.T) {
	udp := dptest.NewStack("ip4", "udp").Build(t)
	outs, _ := run(udp, []dp.Action{
		dp.PushMPLS{EthType: dp.EthTypeMPLS, Label: 1, TTL: 10},
		dp.PushMPLS{EthType: dp.EthTypeMPLS, Label: 2, TTL: 20},
		dp.Output{Port: 1},
		dp.CopyTTLIn{}, // 20 into the inner entry
		dp.Output{Port: 1},
		dp.PopMPLS{EthType: dp.EthTypeMPLS},
		dp.CopyTTLIn{}, // 20 into IPv4, checksum fixed
		dp.PopMPLS{EthType: dp.EthTypeIPv4},
		dp.Output{Port: 1},
	}, nil)
	if len(outs) != 3 {
		t.Fatalf("%d outputs", len(outs))
	}
	k := packet.Extract(outs[0], 1)
	if k.MPLSLabel != 2 || k.MPLSBOS != 0 || k.MPLSTTL != 20 {
		t.Errorf("top of a two-entry stack: %v", k)
	}
	if lse := binary.BigEndian.Uint32(outs[0][18:]); lse>>12 != 1 || lse>>8&1 != 1 || uint8(lse) != 10 {
		t.Errorf("bottom entry %#x, want label 1 bos 1 ttl 10", lse)
	}
	if ttl := outs[1][18+3]; ttl != 20 {
		t.Errorf("copy_ttl_in to the inner entry gave %d", ttl)
	}
	p := dptest.Decode(t, outs[2])
	if ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ip.TTL != 20 {
		t.Errorf("IPv4 TTL %d after copy_ttl_in", ip.TTL)
	}
	if !bytes.Equal(outs[2][:14+8], udp[:14+8]) {
		t.Error("pops did not restore the header")
	}
}

func TestInvalidTTLStopsTheList(t *testing.T) {
	s := dptest.NewStack("ip4", "udp")
	s.MPLS = &layers.MPLS{Label: 5, StackBottom: true, TTL: 1}
	outs, ups := run(s.Build(t), []dp.Action{dp.Output{Port: 1}, dp.DecMPLSTTL{}, dp.Output{Port: 2}}, nil)
	if len(outs) != 1 || len(ups) != 1 || ups[0] != dp.ReasonInvalidTTL {
		t.Errorf("outputs %d upcalls %v; want 1 and invalid_ttl", len(outs), ups)
	}
	// Non-IP frames ignore dec_ttl.
	arp := dptest.ARPRequest(t)
	outs, ups = run(arp, []dp.Action{dp.DecTTL{}, dp.Output{Port: 1}}, nil)
	if len(outs) != 1 || len(ups) != 0 || !bytes.Equal(outs[0], arp) {
		t.Errorf("dec_ttl on ARP: %d outputs, upcalls %v", len(outs), ups)
	}
}

func TestDSCPRemarkSaturates(t *testing.T) {
	for _, c := range []struct{ in, prec, want uint8 }{
		{10, 1, 12}, {10, 2, 14}, {10, 3, 14}, {14, 1, 14}, {0, 1, 2}, {46, 1, 46 | 6},
	} {
		s := dptest.NewStack("ip4", "tcp")
		s.IPv4.TOS = c.in<<2 | 1
		outs, _ := run(s.Build(t), []dp.Action{dp.Meter{ID: 1}, dp.Output{Port: 1}}, func(uint32, int) (dp.MeterBand, bool) {
			return dp.MeterBand{Type: dp.BandDSCPRemark, PrecLevel: c.prec}, true
		})
		k := packet.Extract(outs[0], 1)
		if k.DSCP() != c.want || k.ECN() != 1 {
			t.Errorf("dscp %d prec %d: got dscp %d ecn %d, want %d ecn 1", c.in, c.prec, k.DSCP(), k.ECN(), c.want)
		}
		dptest.Decode(t, outs[0])
	}
}

func TestMeterKbps(t *testing.T) {
	now := time.Unix(0, 0)
	// 8 kbit/s with a burst of 8 kbit: 1000 bytes pass at once, then 125
	// bytes per 125 ms.
	m := packet.NewMeterState(dp.MeterConfig{Bands: []dp.MeterBand{
		{Type: dp.BandDrop, Rate: 8, Burst: 8},
		{Type: dp.BandDSCPRemark, Rate: 4, Burst: 4, PrecLevel: 1},
	}}, now)
	if _, hit := m.Admit(now, 500); hit {
		t.Fatal("first 500 bytes exceeded a band")
	}
	// 500 more: the 4 kbit band (500 bytes) is empty, the 8 kbit one is not.
	if b, hit := m.Admit(now, 500); !hit || b.Type != dp.BandDSCPRemark {
		t.Fatalf("second 500 bytes: %v %v, want the remark band", b, hit)
	}
	// Both exceeded: the band with the highest rate (drop) applies.
	if b, hit := m.Admit(now, 500); !hit || b.Type != dp.BandDrop {
		t.Fatalf("third 500 bytes: %v %v, want the drop band", b, hit)
	}
	now = now.Add(time.Second) // both refill to their burst
	if _, hit := m.Admit(now, 500); hit {
		t.Fatal("after a second the bucket did not refill")
	}
	st := m.Stats()
	if st.Packets != 4 || st.Bytes != 2000 || st.Bands[0].Packets != 1 || st.Bands[1].Packets != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestEditsOnShortFramesDoNothing(t *testing.T) {
	for _, f := range [][]byte{nil, {1, 2, 3}, make([]byte, 13)} {
		all := []dp.Action{dp.PushVLAN{TPID: 0x8100}, dp.PopVLAN{}, dp.SetEthSrc{}, dp.SetIPv4Src{}, dp.DecTTL{},
			dp.PushMPLS{EthType: dp.EthTypeMPLS}, dp.PushPBB{}, dp.PopPBB{}, dp.SetTPSrc{}, dp.CopyTTLIn{},
			dp.SetARPOp{Op: 2}, dp.SetNDTarget{}, dp.SetNDSLL{}, dp.SetIPv6Label{Label: 1}, dp.SetPBBISID{ISID: 1}, dp.SetMPLSBOS{},
			dp.Output{Port: 1}}
		outs, _ := run(f, all, nil)
		if len(outs) != 1 || !bytes.Equal(outs[0], f) {
			t.Errorf("short frame %x became %x", f, outs)
		}
	}
}

// FuzzExecute runs every action on arbitrary bytes: it must never panic,
// and an IPv4 frame that parses keeps a valid header checksum.
func FuzzExecute(f *testing.F) {
	f.Add(dptest.TCP4(f, 1, 2), uint64(0))
	f.Add(dptest.NewStack("ip6", "udp").Build(f), uint64(0x123456789))
	f.Add(dptest.ARPRequest(f), uint64(7))
	f.Add(dptest.NeighborSolicitation(f), uint64(38))
	f.Fuzz(func(t *testing.T, frame []byte, pick uint64) {
		var acts []dp.Action
		for i := 0; i < 6; i++ {
			kind := dp.ActionKind(pick%44 + 1) // every kind, and one past the last
			pick /= 44
			a, err := dp.DecodeAction(dp.ActionSlot{Kind: kind, H: dp.EthTypeVLAN, W: 1, Data: [16]byte{1, 2, 3, 4}})
			if err != nil {
				if kind == dp.KindPushMPLS || kind == dp.KindPopMPLS {
					continue
				}
				a = dp.Output{Port: 1}
			}
			acts = append(acts, a)
		}
		acts = append(acts, dp.Output{Port: 9})
		inOK := ipv4HeaderValid(frame)
		packet.Execute(frame, acts, packet.Env{
			Output: func(_ uint32, out []byte) {
				if inOK == 1 && ipv4HeaderValid(out) == 0 {
					t.Fatalf("actions:%s broke the IPv4 header checksum\n in %x\nout %x", dp.FormatActions(acts), frame, out)
				}
			},
			Meter: func(uint32, int) (dp.MeterBand, bool) {
				return dp.MeterBand{Type: dp.BandDSCPRemark, PrecLevel: 1}, true
			},
		})
	})
}

func FuzzParseFlow(f *testing.F) {
	f.Add("in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x8100),vlan(vid=1,pcp=0),encap(eth_type(0x0800)), actions:2,set(ipv4(src=1.2.3.4))")
	f.Add("in_port(1) actions:drop")
	f.Fuzz(func(t *testing.T, s string) {
		k, acts, err := dp.ParseFlow(s)
		if err != nil {
			return
		}
		// What parses formats and parses back to the same thing.
		k2, acts2, err := dp.ParseFlow(k.String() + ", actions:" + dp.FormatActions(acts))
		if err != nil || k2 != k || !dp.ActionsEqual(acts, acts2) {
			t.Fatalf("%q: reformatted flow does not parse back: %v", s, err)
		}
	})
}

// ipv4HeaderValid reports 1 if frame carries an IPv4 header (after its
// parsed VLAN tags) whose checksum verifies, 0 if it does not verify, -1 if
// there is no IPv4 header.
func ipv4HeaderValid(frame []byte) int {
	k := packet.Extract(frame, 0)
	if !k.Fields.Has(dp.FieldIPv4) {
		return -1
	}
	off := 14
	for _, f := range []dp.KeyFields{dp.FieldVLAN0, dp.FieldVLAN1} {
		if k.Fields.Has(f) {
			off += 4
		}
	}
	hdr := frame[off : off+int(frame[off]&0x0f)*4]
	var sum uint32
	for i := 0; i < len(hdr); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(hdr[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	if sum == 0xffff {
		return 1
	}
	return 0
}
