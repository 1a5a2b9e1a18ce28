// Package dummy is an in-memory datapath with the semantics of the eBPF one:
// ports are in-memory endpoints (Inject a frame as if it arrived on a port,
// Receive what the datapath transmitted on one), an exact-match flow cache,
// misses sent to a bounded upcall queue (overflow counted as lost, never
// blocking), per-entry and per-port statistics, a flow limit and meters.
// Every packet is processed in Go by datapath/packet. It lets everything
// above the datapath be tested without privileges.
package dummy
