// Package datapath defines the interface of the switch's fast path: ports, an
// exact-match flow cache of key -> action list, upcalls for misses, and packet
// execution. Implementations live in datapath/ebpf (the kernel fast path) and
// datapath/dummy (in memory, for unprivileged tests).
//
// The datapath knows nothing of OpenFlow: it never imports ofproto.
package datapath
