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

static __always_inline void count_rx(__u32 port, __u32 len)
{
	struct port_stats *ps = port_stats_of(port);
	if (ps) {
		ps->rx_packets++;
		ps->rx_bytes += len;
	}
}

/* lone_output says whether e's list is one output and nothing else. */
static __always_inline int lone_output(const struct flow_entry *e)
{
	return e->acts.n == 1 && e->acts.a[0].kind == ACT_OUTPUT;
}

/* count_hit counts a packet of cached entry e that came in on port. */
static __always_inline void count_hit(__u32 port, __u32 len, struct flow_entry *e, __u16 tcp_flags)
{
	count_rx(port, len);
	dp_count(DP_HIT);
	flow_count(e->slot, len, tcp_flags);
}

/* wide_output runs port's port-wide entry w (port_wide) on a packet. Its
 * one count is in wide_counters, which is also the port's rx and a hit
 * (maps.h). It gathers no TCP flags: the packet is not parsed. */
static __always_inline int wide_output(CTX *ctx, __u32 port, __u32 len, __u64 w)
{
	__u32 out = (__u32)w;
#ifndef XVS_TC
	if (out & WIDE_XDP_PASS)
		return XDP_PASS; /* TC runs the entry, and counts the packet */
#endif
	out &= ~WIDE_XDP_PASS;
	struct wide_stats *ws = bpf_map_lookup_elem(&wide_counters, &port);
	if (ws) {
		ws->packets++;
		ws->bytes += len;
		ws->used = bpf_jiffies64();
	}
#ifdef XVS_TC
	return tc_output(ctx, out);
#else
	return xdp_output(ctx, out);
#endif
}

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
	__u32 len = ctx_len(ctx);
	/* A port-wide entry takes every packet of its port (read once:
	 * userspace may replace it meanwhile). */
	__u64 *wp = bpf_map_lookup_elem(&port_wide, &port);
	__u64 w = wp ? *(volatile __u64 *)wp : 0;
	if (w)
		return wide_output(ctx, port, len, w);
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct flow_entry *e = 0;
	struct emc_entry *c = 0, *c2 = 0;
	__u64 stamp = 0;
	__u16 tcp_flags;

	/* An untagged IPv4 frame first tries flow_emc by its fast key, which
	 * spares the parse (emc.h). */
	struct fast_key f;
	int fast = emc_on && !tpid && fast_key(data, data_end, port, &f);
	if (fast) {
		stamp = emc_stamp();
		e = fast_lookup(&f, stamp, &c, &c2);
	}
#ifndef XVS_TC
	/* XDP's common case, a lone output found by its fast key, needs
	 * neither the parse's state nor the action interpreter. */
	if (e && lone_output(e)) {
		count_hit(port, len, e, fast_tcp_flags(&f));
		return xdp_output(ctx, e->acts.a[0].w);
	}
#endif
	struct scratch *s = scratch_get();
	if (!s)
		return VERDICT_DROP;
	if (e) {
		/* What the actions read of a parse: the offsets always, the
		 * key only when the list is more than one output. */
		s->l3_off = 14;
		s->l4_off = 34;
		s->eth_type = ETH_P_IPV4;
		s->cut = 0;
		if (c && !lone_output(e))
			__builtin_memcpy(&s->key, &c->key, sizeof(s->key));
		tcp_flags = fast_tcp_flags(&f);
		goto hit;
	}

	int parsed_fast = parse_frame(ctx, s, data, data_end, port, tpid, tci);
#ifdef XVS_TC
	/* A header ran past the skb's linear area while more of the packet
	 * sits in fragments: pull up to the parser's reach and parse again,
	 * so the key does not depend on how the sender split the skb. Only
	 * such packets pay for the copy. */
	__u32 lin = ctx->data_end - ctx->data;
	if (s->cut && len > lin && lin < XVS_PULL_MAX) {
		bpf_skb_pull_data(ctx, len < XVS_PULL_MAX ? len : XVS_PULL_MAX);
		parsed_fast = parse_frame(ctx, s, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
					  port, tpid, tci);
	}
#endif
	tcp_flags = s->key.tcp_flags;
	/* A frame whose fast key missed fills the entry its fast key picks,
	 * if parse_fast keyed it as IPv4: its fast key then says all its
	 * flow key does. */
	if (fast && parsed_fast && s->eth_type == ETH_P_IPV4)
		e = emc_fill(s, emc_victim(s, c, c2, stamp), stamp, &f);
	else
		e = flow_lookup(s);
hit:;
#ifndef XVS_TC
	if (e && (e->acts.flags & FLOW_F_XDP_SLOW) && !(e->acts.flags & (FLOW_F_SLOWPATH | FLOW_F_USERSPACE)))
		return XDP_PASS;
#endif
	if (!e) {
		count_rx(port, len);
		dp_count(DP_MISSED);
		upcall(ctx, s, UPCALL_MISS, 0);
		return VERDICT_DROP;
	}
	count_hit(port, len, e, tcp_flags);
	if (e->acts.flags & slow_mask) {
		dp_count(DP_SLOWPATH);
		upcall(ctx, s, (e->acts.flags & FLOW_F_SLOWPATH) ? UPCALL_SLOWPATH : UPCALL_INTERNAL, 0);
		return VERDICT_DROP;
	}
	return run_actions(ctx, s, &e->acts, 0, 0);
}

#endif
