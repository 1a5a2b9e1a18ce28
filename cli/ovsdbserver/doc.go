// Package ovsdbserver is `xvs ovsdb-server`: it opens (or creates) one
// database file and serves it over OVSDB JSON-RPC on the given remotes, as
// ovsdb-server does. See docs/ovsdb.md.
package ovsdbserver
