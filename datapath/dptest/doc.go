// Package dptest is the conformance suite every datapath.Datapath
// implementation passes: Run(t, harness) drives the datapath through its
// ports (a miss upcalls the exact bytes, cached entries forward and count,
// flood reaches every listed port, each action edits the bytes with correct
// checksums, delete/flush/dump, the flow limit, lost upcalls, execute, exact
// counters). The harness supplies the datapath and a way to inject frames on
// a port and receive what the datapath transmitted there: in memory for
// datapath/dummy, veths in network namespaces for datapath/ebpf.
//
// It also holds frame builders (gopacket) shared by the datapath tests.
package dptest
