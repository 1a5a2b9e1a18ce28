// Package system holds xvs's end-to-end tests: each test starts the real
// `xvs ovsdb-server` and `xvs vswitchd` (built once by TestMain) in a private
// run directory, builds a topology of network namespaces joined by veth
// pairs to a bridge, and checks what users see: pings, TCP, flooding, MAC
// learning, VLANs, flows installed by the real ovs-ofctl, configuration by
// the real ovs-vsctl, controllers, fail modes, restarts and bad input.
//
// The tests need root and skip without it (fail under XVS_STRICT=1). Every
// name they create (namespaces, links, bridges, bpffs pin directories)
// starts with "xs" and is removed when the test ends, failed or not.
// docs/testing.md says how to run them.
package system
