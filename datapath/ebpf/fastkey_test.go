package ebpf

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// fastCopies counts the current copies in flow_emc, over all CPUs, that
// were filled under a fast key (emc.h): the last word is never 0 in one.
func fastCopies(t *testing.T, d *Datapath) int {
	t.Helper()
	return emcCopiesWhere(t, d, func(c *tcportEmcEntry) bool { return c.Fast[len(c.Fast)-1] != 0 })
}

// TestFastKeyByteByByte: a packet of an untagged IPv4 TCP or UDP flow
// finds its flow_emc entry by the frame's fast key, without a parse. The
// fast key must hold every byte the flow key depends on: for each byte of
// the headers, changed in two ways, and for the frame cut short at each
// length, a packet sent right after one of the cached flow must be
// counted on the cached flow exactly when its flow key (datapath/packet,
// the reference) is the cached flow's, and otherwise miss.
func TestFastKeyByteByByte(t *testing.T) {
	bases := map[string][]byte{
		"udp": udp64(t),
		"tcp": build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolTCP), tcp(), payload),
	}
	for _, h := range hooks {
		for name, base := range bases {
			t.Run(h.name+"/"+name, func(t *testing.T) {
				d, prog := hookDatapath(t, h)
				key := packet.Extract(base, inPort)
				if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
					t.Fatal(err)
				}
				count := func() uint64 {
					t.Helper()
					f, err := d.Get(key)
					if err != nil {
						t.Fatal(err)
					}
					return f.Stats.Packets
				}
				if ret, _ := run(t, prog, base); ret != h.redirect {
					t.Fatalf("base frame: verdict %d, want %d", ret, h.redirect)
				}
				if n := fastCopies(t, d); n != 1 {
					t.Fatalf("%d copies filled under a fast key after one packet, want 1", n)
				}

				var variants []struct {
					why   string
					frame []byte
				}
				hdr := min(len(base), 14+20+20+2)
				for b := range hdr {
					for _, x := range []byte{0x01, 0x80} {
						v := append([]byte(nil), base...)
						v[b] ^= x
						variants = append(variants, struct {
							why   string
							frame []byte
						}{fmt.Sprintf("byte %d ^ %#x", b, x), v})
					}
				}
				for n := 34; n < hdr; n++ {
					variants = append(variants, struct {
						why   string
						frame []byte
					}{fmt.Sprintf("cut to %d bytes", n), append([]byte(nil), base[:n]...)})
				}
				same, other := 0, 0
				for _, v := range variants {
					if ret, _ := run(t, prog, base); ret != h.redirect {
						t.Fatalf("%s: base frame: verdict %d, want %d", v.why, ret, h.redirect)
					}
					before := count()
					ret, _ := run(t, prog, v.frame)
					after := count()
					if packet.Extract(v.frame, inPort) == key {
						same++
						if ret != h.redirect || after != before+1 {
							t.Errorf("%s: same flow key, verdict %d and %d packets counted; want %d and 1",
								v.why, ret, after-before, h.redirect)
						}
					} else {
						other++
						if ret != h.drop || after != before {
							t.Errorf("%s: another flow key, verdict %d and %d packets counted on the cached flow; want %d and 0",
								v.why, ret, after-before, h.drop)
						}
					}
				}
				// Both kinds must occur, or the test checks nothing.
				if same == 0 || other == 0 {
					t.Fatalf("%d variants keep the key and %d change it: want some of each", same, other)
				}
				if fastCopies(t, d) == 0 {
					t.Error("no copy under a fast key at the end")
				}
			})
		}
	}
}

// TestFastKeyHitRunsActions: a packet served by its fast key, without a
// parse, runs a list of more than one output as a parsed one does. Such a
// list reads the parse's state (the key's fields, for the checksums a
// rewrite fixes; the whole key, for an upcall), which the hit takes from
// its flow_emc entry: the packet in between, of another flow, leaves
// another parse in the CPU's scratch space that must not be used.
func TestFastKeyHitRunsActions(t *testing.T) {
	for _, h := range hooks {
		t.Run(h.name, func(t *testing.T) {
			d, prog := hookDatapath(t, h)
			base := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolUDP), udp(), payload)
			key := packet.Extract(base, inPort)
			ip := ipv4(layers.IPProtocolUDP)
			ip.DstIP = net.IPv4(192, 0, 2, 9).To4()
			u := udp()
			u.DstPort = 5300
			want := build(t, eth(layers.EthernetTypeIPv4), ip, u, payload)
			acts := []datapath.Action{
				datapath.SetIPv4Dst{Addr: [4]byte{192, 0, 2, 9}},
				datapath.SetTPDst{Port: 5300},
				datapath.Output{Port: outPort},
			}
			if h.name == "tc" {
				acts = append([]datapath.Action{datapath.Userspace{Cookie: 42}}, acts...)
			}
			if err := d.Put(key, acts, 0); err != nil {
				t.Fatal(err)
			}
			// Another flow's packet: an ICMP echo, which misses.
			icmp := build(t, eth(layers.EthernetTypeIPv4), ipv4(layers.IPProtocolICMPv4),
				&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 1}, payload)

			var first []byte
			for i := range 3 {
				ret, out := runOut(t, prog, base)
				if ret != h.redirect {
					t.Fatalf("packet %d: verdict %d, want %d", i, ret, h.redirect)
				}
				if h.name == "tc" {
					u := nextUpcall(t, d)
					if u.Reason != datapath.ReasonUserspace || u.Cookie != 42 || u.Key != key {
						t.Fatalf("packet %d: upcall %v cookie %d key %+v; want the userspace action's, cookie 42, key %+v",
							i, u.Reason, u.Cookie, u.Key, key)
					}
				}
				if i == 0 {
					first = out
					if string(out) != string(want) {
						t.Fatalf("rewritten frame\n%x\nwant (gopacket's, every checksum computed)\n%x", out, want)
					}
				} else if string(out) != string(first) {
					t.Fatalf("packet %d (a fast-key hit) left\n%x\nwhere the first (parsed) left\n%x", i, out, first)
				}
				if ret, _ := run(t, prog, icmp); ret != h.drop {
					t.Fatalf("ICMP packet: verdict %d, want a miss", ret)
				}
				if h.name == "tc" {
					if u := nextUpcall(t, d); u.Reason != datapath.ReasonMiss {
						t.Fatalf("ICMP packet: upcall %v, want a miss", u.Reason)
					}
				}
			}
			if fastCopies(t, d) == 0 {
				t.Fatal("the flow was never copied under a fast key")
			}
		})
	}
}

// fastIndex is emc.h's fast_index of an untagged IPv4 UDP frame: the
// test's own copy, to find flows whose entries meet.
func fastIndex(frame []byte, port, bits uint32) uint32 {
	le := binary.LittleEndian
	w0, w1 := le.Uint64(frame[0:]), le.Uint64(frame[8:])
	w2 := uint64(le.Uint32(frame[20:])) | uint64(le.Uint32(frame[26:]))<<32
	w3 := le.Uint64(frame[30:])
	w4 := uint64(port) | 1<<63
	h := w0 ^ w1<<7 ^ w2<<17 ^ w3 ^ w4<<29
	h *= 0x9e3779b97f4a7c15
	return uint32(h >> (64 - bits))
}

// TestEMCTwoWays: flow_emc is two-way set associative. Two flows whose
// fast keys hash to the same entry are both cached (one in its
// neighbour); a third takes the place of one of them (a set holds two),
// after the few packets it takes to replace a live entry.
func TestEMCTwoWays(t *testing.T) {
	defer pinCPU(t, 0)() // one CPU's flow_emc, so that copies are counted once
	d := newTestDatapath(t)
	fakePorts(t, d)
	prog := d.objs.xdp.XvsXdpIngress
	ebits := uint32(bits.Len32(d.objs.tc.FlowEmc.MaxEntries()) - 1)
	base := udp64(t)
	idx := fastIndex(base, inPort, ebits)
	var frames [][]byte
	for sport := 1024; len(frames) < 3 && sport < 1<<16; sport++ {
		f := append([]byte(nil), base...)
		binary.BigEndian.PutUint16(f[34:], uint16(sport))
		if fastIndex(f, inPort, ebits) == idx {
			frames = append(frames, f)
		}
	}
	if len(frames) < 3 {
		t.Fatal("no three flows with one index")
	}
	keys := make([]datapath.FlowKey, 3)
	for i, f := range frames {
		keys[i] = packet.Extract(f, inPort)
		if err := d.Put(keys[i], []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
			t.Fatal(err)
		}
	}
	send := func(i, n int) {
		t.Helper()
		for range n {
			if ret, _ := run(t, prog, frames[i]); ret != 4 {
				t.Fatalf("flow %d: verdict %d, want a redirect", i, ret)
			}
		}
	}
	send(0, 2)
	send(1, 2)
	if a, b := emcCopies(t, d, &keys[0]), emcCopies(t, d, &keys[1]); a != 1 || b != 1 {
		t.Fatalf("copies of two flows in one set: %d and %d, want 1 each", a, b)
	}
	send(2, 16)
	a, b, c := emcCopies(t, d, &keys[0]), emcCopies(t, d, &keys[1]), emcCopies(t, d, &keys[2])
	if c != 1 || a+b != 1 {
		t.Fatalf("after a third flow's packets: copies %d, %d and %d; want the third cached in place of one", a, b, c)
	}
}
