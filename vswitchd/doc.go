// Package vswitchd is the switch daemon: it reconciles the configuration
// database into ofproto bridges and datapath ports, handles upcalls,
// revalidates the flow cache and serves the gRPC management API.
package vswitchd
