// Package datapath defines the interface of the switch's fast path: ports, an
// exact-match flow cache of key -> action list, upcalls for misses, and packet
// execution. Implementations live in datapath/ebpf (the kernel fast path) and
// datapath/dummy (in memory, for unprivileged tests); both pass the shared
// conformance suite in datapath/dptest.
//
// This package owns the vocabulary every implementation shares:
//
//   - [FlowKey]: a fixed-size, comparable struct holding every field the
//     parser extracts, with [KeyFields] saying which headers parsed. The
//     parsing rules are written down once, in datapath/packet.Extract, and the
//     BPF parser follows them to the letter.
//   - [Mask]: the same shape as a key, one bit per key bit that mattered; kept
//     so that a masked "megaflow" tier can be added without redesign.
//   - [Action]: a closed set of small value types (output, VLAN, set-field,
//     MPLS, PBB, userspace, meter, ...). Each encodes into one fixed-size
//     [ActionSlot], the compact form a BPF map value can hold.
//   - [MeterConfig]: the token-bucket meters that the meter action consults.
//   - The text form of datapath flows, as ovs-dpctl prints them:
//     in_port(1),eth(src=..,dst=..),eth_type(0x0800),ipv4(...) packets:1,
//     bytes:60, used:0.4s, actions:2 ([FormatFlow], [ParseFlow]).
//
// The datapath knows nothing of OpenFlow: it never imports ofproto.
package datapath
