/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The XDP ingress program of a port (the default on NICs: the highest
 * packet rate), and a pass-through program for veth peers, which need an
 * XDP program to receive XDP-redirected frames. */
#include "lib/pipeline.h"

SEC("xdp")
int xvs_xdp_ingress(struct xdp_md *ctx)
{
	return port_ingress(ctx, ctx->ingress_ifindex, 0, 0, FLOW_F_SLOWPATH | FLOW_F_XDP_SLOW);
}

SEC("xdp")
int xvs_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char __license[] SEC("license") = "Dual BSD/GPL";
