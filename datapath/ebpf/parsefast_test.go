package ebpf

import (
	"sort"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// TestParseFastPath: the parser's fast path (untagged IPv4 or IPv6 without
// extension headers, TCP or UDP: parse_fast) writes the whole key without zeroing it first, so it must
// leave nothing of the previous packet's key behind. Each fast-path frame's
// flow is cached from userspace (a key zero-filled by keyToBPF); after a
// frame that fills the key's other fields (VLAN tags, IPv6 and ND
// addresses, ARP, MPLS, PBB) runs on the same CPU's scratch space, the
// fast-path frame must still hit its flow. Frames the fast path does not
// take (IP options, fragments, other protocols, VLAN tags) are covered by
// TestParserMatchesExtract.
func TestParseFastPath(t *testing.T) {
	d := newTestDatapath(t)
	fakePorts(t, d)
	frames := testFrames(t)
	tcpFlags := tcp()
	tcpFlags.SYN, tcpFlags.ACK, tcpFlags.FIN, tcpFlags.PSH, tcpFlags.URG, tcpFlags.ECE, tcpFlags.CWR = false, true, true, true, true, true, true
	fast := map[string][]byte{
		"ipv4-tcp":       frames["ipv4-tcp"],
		"ipv4-udp":       frames["ipv4-udp"],
		"ipv4-tcp-flags": build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcpFlags, payload),
		"ipv4-udp-df":    build(t, eth(layers.EthernetTypeIPv4), func() *layers.IPv4 { ip := ipv4(layers.IPProtocolUDP); ip.Flags = layers.IPv4DontFragment; return ip }(), udp(), payload),
		"ipv6-tcp":       frames["ipv6-tcp"],
		"ipv6-udp":       frames["ipv6-udp"],
	}
	for name, f := range fast {
		k := packet.Extract(f, inPort)
		if k.Fields&(datapath.FieldIPv4|datapath.FieldIPv6) == 0 || k.Fields&(datapath.FieldTCP|datapath.FieldUDP) == 0 || k.IPv6ExtHdr != 0 {
			t.Fatalf("%s: not a fast-path frame: %v", name, k)
		}
		if err := d.Put(k, []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
			t.Fatalf("%s: put: %v", name, err)
		}
	}
	dirty := []string{"qinq-ipv6-tcp", "ipv6-ns", "ipv6-na", "arp-request", "mpls", "pbb", "ipv6-ext-unseq-unrep", "vlan-ipv4-udp", "ipv4-frag-first", "ipv6-frag-first"}
	names := make([]string, 0, len(fast))
	for n := range fast {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, h := range hooks {
		for _, dn := range dirty {
			for _, fn := range names {
				ret, _ := run(t, h.prog(d), frames[dn]) // a miss: fills the scratch key
				if ret != h.drop {
					t.Fatalf("%s %s: verdict %d, want a miss's drop", h.name, dn, ret)
				}
				nextUpcall(t, d)
				if ret, _ := run(t, h.prog(d), fast[fn]); ret != h.redirect {
					t.Errorf("%s: %s after %s: verdict %d, want a hit's redirect (%d)", h.name, fn, dn, ret, h.redirect)
				}
			}
		}
	}
	noUpcall(t, d)
}
