// Package bench is `make bench`'s side-by-side harness: it builds one
// topology per switch (two network namespaces standing for VMs, each joined
// by a veth pair to the switch under test), runs the same scenarios through
// xvs, the Linux bridge, a bare XDP redirect, a bare TC redirect and Open
// vSwitch's userspace datapath in one run, and prints absolute figures with
// ratios against the targets of the bench issue.
//
// Everything it creates carries the prefix "xb" and is removed when a
// switch's turn ends; nothing is sent outside the namespaces it creates.
// cmd/xvsbench is the program; the bare programs, the packet generator and
// the receive counter are BPF (bpf/bench.c).
package bench
