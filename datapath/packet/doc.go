// Package packet is the datapath's userspace packet code: flow key
// extraction (Extract) and action execution (Execute) on frames in Go. The
// dummy datapath runs every packet through it; the eBPF datapath uses it for
// action lists its fast path cannot run, and its BPF parser is tested against
// Extract on the same frames, so the parsing rules written on Extract are the
// contract both follow.
package packet
