// Package ofproto is the switch's OpenFlow pipeline: it owns a bridge's
// ports (OpenFlow numbering over datapath numbering), its 254 flow tables
// (one classifier each, over every OXM basic field laid out in
// field_layout.go), groups and meters (through ofproto/group and
// ofproto/meter), the NORMAL action (through ofproto/normal), and the
// translation of a packet's trip through all of that into datapath actions.
//
// A Switch is driven from three sides:
//
//   - OpenFlow (FlowMod, GroupMod, MeterMod, PortMod, TableMod, PacketOut,
//     Multipart), in the OpenFlow 1.3 forms of ofproto/ofp; connmgr converts
//     OpenFlow 1.0 sessions' messages before calling in.
//   - the datapath: HandleUpcall translates a missed packet, installs the
//     exact-match cache entry and executes the packet; ServeUpcalls runs a
//     pool of handlers over Datapath.Upcalls.
//   - the daemon: AddPort / DeletePort, bridge settings, Revalidate on a
//     timer, Trace and DumpFlows for appctl.
//
// Every cache entry the Switch installs is remembered with what it depends
// on (rules, groups, meters, ports, learned MACs), so that a change
// re-translates exactly the entries it can affect before the call that made
// it returns: a barrier after a flow-mod needs no extra work.
//
// Asynchronous messages (packet-in, flow-removed, port-status) go to
// Listeners, called after the Switch's lock is released, from the goroutine
// that caused them.
//
// It imports ofproto/ofp, ofproto/classifier, ofproto/normal,
// ofproto/group, ofproto/meter and datapath, never ovsdb.
package ofproto
