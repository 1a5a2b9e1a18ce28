/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Upcalls: the frame and its metadata go to userspace through a perf
 * event array. The helper appends the frame bytes itself (the length in the
 * flags' upper 32 bits), so nothing is copied twice, and it never blocks: a
 * full ring fails the call, which is counted in DP_LOST. */
#ifndef XVS_UPCALL_H
#define XVS_UPCALL_H

#include "maps.h"

static __always_inline void upcall(CTX *ctx, struct scratch *s, __u32 reason, __u64 cookie)
{
	__u64 len = ctx_len(ctx);
	__u64 cap = len > XVS_UPCALL_MAX ? XVS_UPCALL_MAX : len;

	s->meta.in_port = s->key.in_port;
	s->meta.reason = reason;
	s->meta.cookie = cookie;
	s->meta.pkt_len = len;
	s->meta.cap_len = cap;
	s->meta.skb_vlan_tpid = 0;
	s->meta.skb_vlan_tci = 0;
#ifdef XVS_TC
	if (ctx->vlan_present) {
		s->meta.skb_vlan_tpid = bpf_ntohs((__u16)ctx->vlan_proto);
		s->meta.skb_vlan_tci = ctx->vlan_tci;
	}
#endif
	__builtin_memcpy(&s->meta.key, &s->key, sizeof(s->key));
	if (bpf_perf_event_output(ctx, &upcalls, BPF_F_CURRENT_CPU | (cap << 32),
				  &s->meta, sizeof(s->meta)) < 0) {
		dp_count(DP_LOST);
		/* The packet is gone for good: a drop on its ingress port. */
		struct port_stats *ps = bpf_map_lookup_elem(&port_counters, &s->meta.in_port);
		if (ps)
			ps->rx_dropped++;
	}
}

#endif
