// Package ovsdb is the configuration database: an RFC 7047 (OVSDB) server
// over a bbolt file, its transaction engine and monitors, and a client.
//
// It knows nothing of switching: it never imports ofproto or datapath.
package ovsdb
