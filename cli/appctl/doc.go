// Package appctl is `xvs appctl`, the counterpart of ovs-appctl: it sends
// one command to a running xvs vswitchd over its gRPC API
// (<rundir>/vswitchd.sock) and prints the reply. The commands themselves
// (ofproto/trace, fdb/show, dpif/show, ...) live in the daemon; `xvs appctl
// list-commands` lists them. See docs/appctl.md.
package appctl
