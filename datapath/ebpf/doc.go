// Package ebpf is the kernel fast path of xvs: the datapath.Datapath
// implementation over the BPF programs of datapath/bpf.
//
// It owns the loader (bpf2go objects, map sizes, pinning under a bpffs
// directory so cached flows keep forwarding across restarts), the port
// attachments (tcx on veth, tap and internal ports; XDP on NICs), one small
// typed wrapper per BPF map, the upcall reader (a BPF ring buffer that
// never blocks the kernel) and packet execution through BPF_PROG_RUN of the
// same action code the fast path runs.
//
// The flow cache is two maps: flows (key -> action list and a counter
// slot) and flow_counters (slot -> counters), mapped into the process. The
// slots are allocated here, with a mirror slot <-> key (slots.go), so that
// a statistics pass (DumpStats) reads memory instead of the maps, and a new
// entry costs one insert (flowmap.go). The counters' last-used times are
// jiffies, converted by one pairing with CLOCK_MONOTONIC (clock.go).
//
// The C structs (flow key, action slots, statistics) are generated from
// datapath/bpf by bpf2go; key.go and actions.go convert them to and from
// the datapath package's types. See docs/datapath-ebpf.md.
package ebpf
