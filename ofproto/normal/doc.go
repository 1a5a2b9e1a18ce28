// Package normal is the OpenFlow NORMAL action: the forwarding a plain
// learning bridge does, with Open vSwitch's per-port VLAN configuration.
//
// It owns three things:
//
//   - VLANConfig: a port's tag, trunks and vlan_mode as the Port table of
//     ovs-vswitchd.conf.db(5) ("VLAN Configuration") defines them, and what
//     they mean for a frame entering (which VLAN it belongs to, or a drop)
//     and leaving (tagged, untagged, or not at all) that port.
//   - MACTable: the forwarding database, (VLAN, MAC) -> OpenFlow port, with
//     aging, a size limit enforced by least-recently-learned eviction and
//     counters for fdb/stats-show. Every method is O(1) except the ones that
//     list or flush, and all are safe for concurrent use.
//   - Normal.Forward: the decision for one frame (learn its source, look up
//     its destination, flood within the VLAN when unknown), and
//     Decision.Actions, which turns it into datapath actions with as few VLAN
//     edits as possible.
//
// The package knows OpenFlow port numbers only; the caller (ofproto) maps
// them to datapath ports, tells Forward which ports may forward, and
// revalidates its flow cache with the Changes the table reports.
package normal
