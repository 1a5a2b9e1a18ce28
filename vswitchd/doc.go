// Package vswitchd is xvs's switch daemon, `xvs vswitchd`: it monitors the
// Open_vSwitch database and makes the switch what the database says.
//
// It owns, per bridge, one ofproto.Switch (flow tables, NORMAL, xlate), one
// datapath (eBPF, pinned under <pin-root>/xvs@BRIDGE so that cached flows
// keep forwarding across a restart) and one connmgr.Manager (controller
// sessions and the <rundir>/BRIDGE.mgmt socket); the upcall handlers and the
// revalidator of each bridge; a netlink watch of the ports' links; the
// write-back of status columns (Interface.ofport, link_state, statistics,
// Controller.is_connected, Bridge.datapath_id, Open_vSwitch.cur_cfg); and
// the gRPC management API (package api) on <rundir>/vswitchd.sock that
// `xvs appctl` and `xvs dpctl` use.
//
// Reconciliation is level-triggered: every database update recomputes the
// desired configuration from the monitored rows (dbmodel.go) and brings the
// running bridges to it (reconcile.go); a part that fails (a netdev that
// does not exist, an unsupported interface type) is reported in the
// database and everything else keeps serving. See docs/vswitchd.md.
package vswitchd
