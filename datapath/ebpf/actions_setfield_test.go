package ebpf

import (
	"net"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
)

// setFieldActionCases are the fast path's cases of the ARP, ND, IPv6 flow
// label, PBB I-SID and MPLS BOS rewrites (lib/actions.h); TestActions
// requires the redirect verdict, so they must run in BPF, not userspace.
func setFieldActionCases(t *testing.T) []actionCase {
	out := datapath.Output{Port: outPort}
	mac7 := net.HardwareAddr{0x02, 7, 7, 7, 7, 7}
	mac8 := net.HardwareAddr{0x02, 8, 8, 8, 8, 8}
	ip7, ip8 := net.IPv4(192, 0, 2, 7), net.IPv4(192, 0, 2, 8)
	ip67 := net.ParseIP("2001:db8::7")
	zero := make(net.HardwareAddr, 6)
	udp4 := dptest.UDP4(t, 1, 2)
	mpls := func(bos bool) []byte {
		s := dptest.NewStack("ip4", "udp")
		s.MPLS = &layers.MPLS{Label: 100, TrafficClass: 2, StackBottom: bos, TTL: 64}
		return s.Build(t)
	}
	pbb := func(itag uint32) []byte {
		return slices.Concat([]byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xe7,
			byte(itag >> 24), byte(itag >> 16), byte(itag >> 8), byte(itag)}, udp4)
	}
	label := dptest.NewStack("ip6", "tcp")
	label.IPv6.FlowLabel = 0x54321
	return []actionCase{
		{name: "arp-fields", in: dptest.ARP(t, 1, dptest.MAC1, dptest.IP1, zero, dptest.IP2),
			acts: []datapath.Action{datapath.SetARPOp{Op: 2}, datapath.SetARPSha{Addr: [6]byte(mac7)}, datapath.SetARPSpa{Addr: [4]byte(ip7.To4())},
				datapath.SetARPTha{Addr: [6]byte(mac8)}, datapath.SetARPTpa{Addr: [4]byte(ip8.To4())}, out},
			want: dptest.ARP(t, 2, mac7, ip7, mac8, ip8)},
		{name: "nd-target-sll", in: dptest.ND(t, 135, dptest.IP62, 1, dptest.MAC1),
			acts: []datapath.Action{datapath.SetNDTarget{Addr: [16]byte(ip67)}, datapath.SetNDSLL{Addr: [6]byte(mac7)}, datapath.SetNDTLL{Addr: [6]byte(mac8)}, out},
			want: dptest.ND(t, 135, ip67, 1, mac7)},
		{name: "nd-tll", in: dptest.ND(t, 136, dptest.IP62, 2, dptest.MAC2),
			acts: []datapath.Action{datapath.SetNDTLL{Addr: [6]byte(mac8)}, datapath.SetNDSLL{Addr: [6]byte(mac7)}, out},
			want: dptest.ND(t, 136, dptest.IP62, 2, mac8)},
		{name: "ipv6-label", in: dptest.NewStack("ip6", "tcp").Build(t),
			acts: []datapath.Action{datapath.SetIPv6Label{Label: 0x54321}, out}, want: label.Build(t)},
		{name: "pbb-isid", in: pbb(0x8a01e240), acts: []datapath.Action{datapath.SetPBBISID{ISID: 0xfedcba}, out}, want: pbb(0x8afedcba)},
		{name: "mpls-bos", in: mpls(true), acts: []datapath.Action{datapath.SetMPLSBOS{BOS: 0}, out}, want: mpls(false)},
		{name: "setfield-missing-header-noop", in: udp4, acts: []datapath.Action{datapath.SetARPOp{Op: 2}, datapath.SetNDTarget{Addr: [16]byte(ip67)},
			datapath.SetIPv6Label{Label: 1}, datapath.SetPBBISID{ISID: 1}, datapath.SetMPLSBOS{BOS: 0}, out}, want: udp4},
	}
}
