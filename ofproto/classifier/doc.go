// Package classifier finds the highest-priority rule whose wildcard match
// covers a packet's key, the lookup at the heart of every OpenFlow table.
//
// It is tuple space search: rules are grouped into subtables by mask, each
// subtable is a hash of masked keys, and subtables are visited in order of
// the highest priority they hold, stopping as soon as no remaining subtable
// can beat the best rule found. Lookup also reports the union of the masks
// it consulted, the wildcard set a masked flow-cache tier can install.
//
// Keys are fixed-size vectors of 64-bit words; which field lives in which
// bits is the caller's business (ofproto lays the OpenFlow fields out). Rules
// of equal priority that both match a packet are ordered by insertion: the
// older rule wins, as OpenFlow leaves the choice to the switch and a
// deterministic one keeps translations stable.
//
// A Classifier is not safe for concurrent use; ofproto guards each table.
package classifier
