// Package engine is the OVSDB transaction engine (RFC 7047 §5.2): it keeps
// the database's rows in memory, runs "transact" operations against them,
// enforces the schema at commit (strong and weak references, garbage
// collection of non-root rows, cardinality, maxRows, indexes, immutable
// columns) and writes each committed transaction to storage in one atomic,
// synced batch before answering. A failed transaction changes nothing.
//
// Committed changes are published to subscribers (the server's monitors)
// in commit order.
//
// Concurrency: one mutex (DB.mu) serialises transactions, snapshots and
// subscriptions; subscriber callbacks run under it and must not block.
package engine
