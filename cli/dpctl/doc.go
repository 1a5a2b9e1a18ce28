// Package dpctl is `xvs dpctl`, the datapath tool with the syntax of
// ovs-dpctl: show, dump-flows, add-flow, mod-flow, del-flow, del-flows and
// dump-ports, each listing also as JSON with --format json. The commands are
// functions over a datapath.Datapath, so they are tested against the dummy
// datapath. Main works through a running vswitchd's gRPC API
// (vswitchd/api.RemoteDatapath) when its socket answers, and otherwise opens
// the datapath pinned under --datapath with Open.
package dpctl
