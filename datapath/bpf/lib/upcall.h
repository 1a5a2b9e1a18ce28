/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Upcalls: the frame and its metadata go to userspace through the upcalls
 * ring buffer (maps.h). They are put together in this CPU's upcall_bufs
 * entry, then copied into the ring with bpf_ringbuf_output, whose size may
 * vary (a reservation's may not, and frames run from 14 bytes to 64 KB).
 * Nothing blocks: a full ring fails the call, which is counted in
 * DP_LOST. */
#ifndef XVS_UPCALL_H
#define XVS_UPCALL_H

#include "maps.h"

static __always_inline void upcall_lost(__u32 in_port)
{
	dp_count(DP_LOST);
	/* The packet is gone for good: a drop on its ingress port. */
	struct port_stats *ps = port_stats_of(in_port);
	if (ps)
		ps->rx_dropped++;
}

static __always_inline void upcall(CTX *ctx, struct scratch *s, __u32 reason, __u64 cookie)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct upcall_buf *b = bpf_map_lookup_elem(&upcall_bufs, &cpu);
	if (!b) {
		upcall_lost(s->key.in_port);
		return;
	}
	__u32 len = ctx_len(ctx);
	__u32 cap = len > XVS_UPCALL_MAX ? XVS_UPCALL_MAX : len;

	b->meta.in_port = s->key.in_port;
	b->meta.reason = reason;
	b->meta.cookie = cookie;
	b->meta.pkt_len = len;
	b->meta.skb_vlan_tpid = 0;
	b->meta.skb_vlan_tci = 0;
#ifdef XVS_TC
	if (ctx->vlan_present) {
		b->meta.skb_vlan_tpid = bpf_ntohs((__u16)ctx->vlan_proto);
		b->meta.skb_vlan_tci = ctx->vlan_tci;
	}
#endif
	__builtin_memcpy(&b->meta.key, &s->key, sizeof(s->key));
	/* n is cap (at most XVS_UPCALL_MAX) in a form whose bounds the
	 * verifier sees on the very register the calls take: 1..65536,
	 * which the buffer holds. */
	__u32 n = 0;
	if (cap > 0) {
		n = ((cap - 1) & 0xffff) + 1;
		if (ctx_load(ctx, 0, b->frame, n) < 0)
			n = 0; /* unreadable: the key alone still tells the miss */
	}
	b->meta.cap_len = n;
	if (bpf_ringbuf_output(&upcalls, b, sizeof(b->meta) + n, 0) < 0)
		upcall_lost(s->key.in_port);
}

#endif
