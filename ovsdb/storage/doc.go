// Package storage keeps the database durably in one bbolt file. It knows
// nothing of OVSDB: it stores opaque records in named collections plus a few
// metadata values, and applies a Batch of changes atomically in one bbolt
// write transaction. A batch that asks for it (Batch.Sync) is synced to disk
// before Commit returns; others are in the file at once (they survive the
// process being killed) and synced by a background flusher within
// FlushInterval; a power loss in between may lose them, and bbolt does not
// promise a consistent file then).
//
// The on-disk layout is declared in layout.go and nowhere else.
package storage
