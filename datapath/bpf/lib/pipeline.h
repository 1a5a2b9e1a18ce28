/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A port's ingress pipeline: parse, look up the flow cache, count, then run
 * the cached actions or send the frame up. */
#ifndef XVS_PIPELINE_H
#define XVS_PIPELINE_H

#include "ctx.h"
#include "maps.h"
#include "emc.h"
#include "parse.h"
#include "actions.h"
#include "upcall.h"

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch_map, &zero);
}

/* XVS_PULL_MAX is how much of an skb the TC pipeline pulls into the linear
 * area when a header lies beyond it: the parser's reach (XVS_MAX_HDR_OFF)
 * plus the longest header it reads there. */
#define XVS_PULL_MAX (XVS_MAX_HDR_OFF + 64)

/* port_ingress runs a port's pipeline. slow_mask names the entry flags
 * this hook cannot run. An XDP port always has the TC program attached
 * behind it: entries XDP cannot run (several outputs, or an output to a
 * veth, tap or internal port, which needs an skb) pass to TC untouched and
 * uncounted, so TC counts them once. */
static __always_inline int port_ingress(CTX *ctx, __u32 ifindex, __u16 tpid, __u16 tci,
					__u32 slow_mask)
{
	__u32 port = port_of(ifindex);
	if (!port)
		return VERDICT_PASS;
	struct scratch *s = scratch_get();
	if (!s)
		return VERDICT_DROP;
	__u32 len = ctx_len(ctx);

	parse_frame(ctx, s, (void *)(long)ctx->data, (void *)(long)ctx->data_end, port, tpid, tci);
#ifdef XVS_TC
	/* A header ran past the skb's linear area while more of the packet
	 * sits in fragments: pull up to the parser's reach and parse again,
	 * so the key does not depend on how the sender split the skb. Only
	 * such packets pay for the copy. */
	__u32 lin = ctx->data_end - ctx->data;
	if (s->cut && len > lin && lin < XVS_PULL_MAX) {
		bpf_skb_pull_data(ctx, len < XVS_PULL_MAX ? len : XVS_PULL_MAX);
		parse_frame(ctx, s, (void *)(long)ctx->data, (void *)(long)ctx->data_end, port, tpid, tci);
	}
#endif

	struct flow_entry *e = flow_lookup(s);
#ifndef XVS_TC
	if (e && (e->acts.flags & FLOW_F_XDP_SLOW) && !(e->acts.flags & (FLOW_F_SLOWPATH | FLOW_F_USERSPACE)))
		return XDP_PASS;
#endif
	struct port_stats *ps = port_stats_of(port);
	if (ps) {
		ps->rx_packets++;
		ps->rx_bytes += len;
	}
	if (!e) {
		dp_count(DP_MISSED);
		upcall(ctx, s, UPCALL_MISS, 0);
		return VERDICT_DROP;
	}
	dp_count(DP_HIT);
	flow_count(e, len, s->key.tcp_flags);
	if (e->acts.flags & slow_mask) {
		dp_count(DP_SLOWPATH);
		upcall(ctx, s, (e->acts.flags & FLOW_F_SLOWPATH) ? UPCALL_SLOWPATH : UPCALL_INTERNAL, 0);
		return VERDICT_DROP;
	}
	return run_actions(ctx, s, &e->acts, 0, 0);
}

#endif
