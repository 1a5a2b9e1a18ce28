package group

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func tcpKey(sport, dport uint16) datapath.FlowKey {
	return datapath.FlowKey{
		InPort:  1,
		Fields:  datapath.FieldEth | datapath.FieldIPv4 | datapath.FieldTCP,
		EthSrc:  [6]byte{0, 0, 0, 0, 0, 1},
		EthDst:  [6]byte{0, 0, 0, 0, 0, 2},
		EthType: 0x0800,
		IPProto: 6, IPTTL: 64,
		IPv4Src: [4]byte{10, 0, 0, 1}, IPv4Dst: [4]byte{10, 0, 0, 2},
		TPSrc: sport, TPDst: dport,
	}
}

func TestFlowHash(t *testing.T) {
	k := tcpKey(40000, 80)
	r := k
	r.EthSrc, r.EthDst = k.EthDst, k.EthSrc
	r.IPv4Src, r.IPv4Dst = k.IPv4Dst, k.IPv4Src
	r.TPSrc, r.TPDst = k.TPDst, k.TPSrc
	r.InPort, r.IPTTL, r.TCPFlags = 2, 3, 0x10
	if FlowHash(&k) != FlowHash(&r) {
		t.Fatal("the reply direction hashes differently")
	}
	// Masking the key with FlowHashMask keeps the hash: it reads nothing
	// else.
	masked := FlowHashMask().Apply(k)
	if FlowHash(&masked) != FlowHash(&k) {
		t.Fatal("FlowHash reads bits outside FlowHashMask")
	}
	o := tcpKey(40001, 80)
	if FlowHash(&o) == FlowHash(&k) {
		t.Fatal("another source port hashes alike")
	}

	// Connections differing only in their source port spread over a
	// select group's buckets.
	tb := NewTable()
	mustMod(t, tb, add(ofp.GroupTypeSelect, 1, bucket(1, out(1)), bucket(1, out(2)), bucket(1, out(3)), bucket(1, out(4))))
	counts := make([]int, 4)
	for p := range uint16(4000) {
		k := tcpKey(30000+p, 443)
		counts[tb.Select(1, FlowHash(&k), nil)[0].Index]++
	}
	for i, c := range counts {
		if c < 850 || c > 1150 {
			t.Fatalf("bucket %d got %d of 4000 connections: %v", i, c, counts)
		}
	}
}
