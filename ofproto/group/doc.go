// Package group is the OpenFlow group table (OpenFlow 1.3.5 §5.6): the
// groups a switch holds, the checks an OFPT_GROUP_MOD must pass (§6.5,
// errors §7.4.4 OFPGMFC_*), bucket selection for each group type, bucket
// liveness for fast-failover and select groups, per-group and per-bucket
// counters, and the group multipart replies (§7.3.5.9-11).
//
// The package owns no flows and no datapath state. Package ofproto calls
// Mod for each group-mod, Select while translating a packet, Credit when it
// pulls datapath statistics, Ref/Unref as flows that name a group come and
// go, and uses Referencing, WatchingPort and the changed ids that Mod
// returns to revalidate exactly the cache entries a change can affect.
//
// A Table is safe for concurrent use: Select and Credit run on upcall
// handler goroutines while Mod runs on a controller session's.
package group
