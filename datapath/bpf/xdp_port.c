/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The XDP ingress program of a port: the default on NICs, for the highest
 * packet rate. What it cannot run it passes to the port's TC program. */
#include "lib/pipeline.h"

SEC("xdp")
int xvs_xdp_ingress(struct xdp_md *ctx)
{
	return port_ingress(ctx, ctx->ingress_ifindex, 0, 0, FLOW_F_SLOWPATH | FLOW_F_USERSPACE | FLOW_F_XDP_SLOW);
}

char __license[] SEC("license") = "Dual BSD/GPL";
