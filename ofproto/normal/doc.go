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
//     aging, a size limit enforced by evicting the least recently learned
//     entry of the port with the most, static entries, flood VLANs and the
//     counters of fdb/stats-show. Learning and lookup are O(1) (an eviction
//     adds a step per port), and every method is safe for concurrent use.
//   - Normal.Forward: the decision for one frame (learn its source, look up
//     its destination, flood within the VLAN when unknown), Normal.Decide
//     (the same without learning, for trace and revalidation),
//     Decision.Actions, which turns it into datapath actions with as few VLAN
//     edits as possible, and Decision.Explain, its ofproto/trace lines.
//
// What it does was checked against Open vSwitch 3.1 (interop_test.go runs
// ovs-vswitchd with its dummy datapath where it is installed).
//
// The package knows OpenFlow port numbers only; the caller (ofproto) maps
// them to datapath ports, tells Forward which ports may forward, and
// revalidates its flow cache with the Changes the table reports.
package normal
