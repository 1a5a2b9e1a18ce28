// Package storage keeps the database durably in one bbolt file. It knows
// nothing of OVSDB: it stores opaque records in named collections plus a few
// metadata values, and applies a Batch of changes atomically in one bbolt
// write transaction that is synced to disk before Commit returns.
//
// The on-disk layout is declared in layout.go and nowhere else.
package storage
