/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The action interpreter. An action list runs through bpf_loop, so the
 * verifier checks one step instead of XVS_MAX_ACTIONS unrolled copies. The
 * header is edited through load/store helpers and offsets kept in the
 * scratch space, so helpers that move the packet (VLAN push/pop, clone)
 * never leave a stale packet pointer behind. */
#ifndef XVS_ACTIONS_H
#define XVS_ACTIONS_H

#include "ctx.h"
#include "maps.h"
#include "csum.h"
#include "parse.h"
#include "upcall.h"

struct act_state {
	CTX *ctx;
	struct scratch *s;
	struct flow_actions *acts;
	__u32 out_ifindex; /* the final output (XDP: 1), 0 if none */
	__u32 out_port;
	__u32 out_flags;
	__u32 drop;        /* stop here, drop the packet */
	__u32 exec;        /* executing from userspace: clone every output */
	__u32 meter_band;  /* 1 + the band the last meter applied, 0 if none */
	__u32 standin_len; /* Execute on a stand-in frame: the real frame's length */
	__u32 pad;
};

/* relayout finds the network header again after the L2 header changed. */
static __always_inline void relayout(struct act_state *st)
{
	struct scratch *s = st->s;
	__be16 et = 0;
	__u32 off = 12;

	if (ctx_load(st->ctx, off, &et, 2))
		return;
#pragma clang loop unroll(full)
	for (int i = 0; i < 3; i++) {
		if (!is_vlan_tpid(bpf_ntohs(et)))
			break;
		off += 4;
		if (ctx_load(st->ctx, off, &et, 2))
			return;
	}
	off += 2;
	if (s->l4_off)
		s->l4_off = s->l4_off + off - s->l3_off;
	s->l3_off = off;
	s->eth_type = bpf_ntohs(et);
}

static __always_inline void count_tx(__u32 port, __u32 len, long err)
{
	struct port_stats *ps = port_stats_of(port);
	if (!ps)
		return;
	if (err) {
		ps->tx_dropped++;
		return;
	}
	ps->tx_packets++;
	ps->tx_bytes += len;
}

#ifndef XVS_TC
/* xdp_output redirects to port through tx_ports and counts it there. A
 * port without a tx_ports slot went away: drop, count nothing. */
static __always_inline int xdp_output(CTX *ctx, __u32 port)
{
	long v = bpf_redirect_map(&tx_ports, port, XDP_DROP);
	if (v == XDP_REDIRECT)
		count_tx(port, ctx_len(ctx), 0);
	return v;
}
#endif

#ifdef XVS_TC
/* tc_redirect sends the skb out of port (device ifindex, port_out flags),
 * counting it there. */
static __always_inline int tc_redirect(CTX *ctx, __u32 port, __u32 ifindex, __u32 flags)
{
	count_tx(port, ctx_len(ctx), 0);
	if (flags & PORT_F_PEER)
		return bpf_redirect_peer(ifindex, 0);
	return bpf_redirect(ifindex, 0);
}

/* tc_output redirects to port. A port gone away drops, counting nothing. */
static __always_inline int tc_output(CTX *ctx, __u32 port)
{
	struct port_out *po = bpf_map_lookup_elem(&ports_out, &port);
	if (!po)
		return VERDICT_DROP;
	return tc_redirect(ctx, port, po->ifindex, po->flags);
}
#endif

static __always_inline void act_output(struct act_state *st, struct action *a)
{
	__u32 port = a->w;
#ifdef XVS_TC
	struct port_out *po = bpf_map_lookup_elem(&ports_out, &port);

	if (!po)
		return; /* the port went away: drop this copy, count nothing */
	if (st->standin_len) {
		/* Userspace sent the real frame itself (too big for a test
		 * run): count it here, where every transmission counts. */
		count_tx(port, st->standin_len, 0);
		return;
	}
	if (!(a->b & OUT_F_LAST) || st->exec) {
		__u32 len = ctx_len(st->ctx);
		count_tx(port, len, bpf_clone_redirect(st->ctx, po->ifindex, 0));
		return;
	}
	st->out_ifindex = po->ifindex;
	st->out_flags = po->flags;
#else
	/* XDP has a single output (lists with more run in TC or userspace),
	 * through tx_ports: run_actions redirects to the port itself. */
	st->out_ifindex = 1;
#endif
	st->out_port = port;
}

/* The outer VLAN tag, wherever it is: the skb's offloaded tag or the data. */
static __always_inline void act_set_vlan(struct act_state *st, __u16 mask, __u16 val)
{
#ifdef XVS_TC
	struct __sk_buff *skb = st->ctx;
	if (skb->vlan_present) {
		__u16 tci = (skb->vlan_tci & ~mask) | (val & mask);
		__be16 proto = skb->vlan_proto;
		bpf_skb_vlan_pop(skb);
		bpf_skb_vlan_push(skb, proto, tci);
		return;
	}
#endif
	__be16 tag[2];
	if (ctx_load(st->ctx, 12, tag, 4) || !is_vlan_tpid(bpf_ntohs(tag[0])))
		return;
	__u16 tci = (bpf_ntohs(tag[1]) & ~mask) | (val & mask);
	tag[1] = bpf_htons(tci);
	ctx_store(st->ctx, 14, &tag[1], 2);
}

static __always_inline void act_push_vlan(struct act_state *st, __u16 tpid, __u16 tci)
{
#ifdef XVS_TC
	if (bpf_skb_vlan_push(st->ctx, bpf_htons(tpid), tci))
		st->drop = 1;
#else
	__u8 macs[12];
	__be16 tag[2] = { bpf_htons(tpid), bpf_htons(tci) };
	if (bpf_xdp_adjust_head(st->ctx, -4) || ctx_load(st->ctx, 4, macs, 12) ||
	    ctx_store(st->ctx, 0, macs, 12) || ctx_store(st->ctx, 12, tag, 4)) {
		st->drop = 1;
		return;
	}
#endif
	relayout(st);
}

static __always_inline void act_pop_vlan(struct act_state *st)
{
#ifdef XVS_TC
	bpf_skb_vlan_pop(st->ctx);
#else
	__u8 macs[12];
	__be16 et;
	if (ctx_load(st->ctx, 12, &et, 2) || !is_vlan_tpid(bpf_ntohs(et)))
		return;
	if (ctx_load(st->ctx, 0, macs, 12) || ctx_store(st->ctx, 4, macs, 12) ||
	    bpf_xdp_adjust_head(st->ctx, 4)) {
		st->drop = 1;
		return;
	}
#endif
	relayout(st);
}

/* ip4_set_word rewrites bits of the 16-bit word at woff in the IPv4
 * header and fixes the header checksum (RFC 791 §3.1). */
static __always_inline void ip4_set_word(struct act_state *st, __u32 woff, __u16 mask, __u16 val)
{
	__u32 l3 = st->s->l3_off;
	__be16 old;

	if (ctx_load(st->ctx, l3 + woff, &old, 2))
		return;
	__be16 nw = bpf_htons((bpf_ntohs(old) & ~mask) | (val & mask));
	if (nw == old)
		return;
	__u32 o = old, n = nw;
	csum_fix(st->ctx, l3 + 10, &o, &n, 4, 0);
	ctx_store(st->ctx, l3 + woff, &nw, 2);
}

/* ip6_set_word rewrites bits of the first 32-bit word of the IPv6 header
 * (version, traffic class, flow label); no checksum covers it. */
static __always_inline void ip6_set_word(struct act_state *st, __u32 mask, __u32 val)
{
	__u32 l3 = st->s->l3_off;
	__be32 w;

	if (ctx_load(st->ctx, l3, &w, 4))
		return;
	w = bpf_htonl((bpf_ntohl(w) & ~mask) | (val & mask));
	ctx_store(st->ctx, l3, &w, 4);
}

/* l4_csum_off is the offset of the transport checksum, 0 if none. */
static __always_inline __u32 l4_csum_off(struct scratch *s, __u32 *how)
{
	__u32 f = s->key.fields;

	if (!s->l4_off)
		return 0;
	if (f & F_TCP) {
		*how = CSUM_L4;
		return s->l4_off + 16;
	}
	if (f & F_UDP) {
		*how = CSUM_L4 | CSUM_UDP;
		return s->l4_off + 6;
	}
	if (f & (F_ICMP | F_ICMPV6)) {
		*how = CSUM_L4;
		return s->l4_off + 2;
	}
	return 0;
}

static __always_inline void act_set_ipv4_addr(struct act_state *st, __u32 field, __u8 *addr)
{
	struct scratch *s = st->s;
	__be32 old, nw;

	if (s->eth_type != ETH_P_IPV4 || ctx_load(st->ctx, s->l3_off + field, &old, 4))
		return;
	__builtin_memcpy(&nw, addr, 4);
	__u32 how = 0;
	__u32 c4 = l4_csum_off(s, &how);
	if (c4 && !(s->key.fields & F_ICMP))
		csum_fix(st->ctx, c4, &old, &nw, 4, how | CSUM_PSEUDO);
	csum_fix(st->ctx, s->l3_off + 10, &old, &nw, 4, 0);
	ctx_store(st->ctx, s->l3_off + field, &nw, 4);
}

static __always_inline void act_set_ipv6_addr(struct act_state *st, __u32 field, __u8 *addr)
{
	struct scratch *s = st->s;
	__u8 old[16], nw[16];

	if (s->eth_type != ETH_P_IPV6_ || ctx_load(st->ctx, s->l3_off + field, old, 16))
		return;
	__builtin_memcpy(nw, addr, 16);
	__u32 how = 0;
	__u32 c4 = l4_csum_off(s, &how);
	if (c4)
		csum_fix(st->ctx, c4, old, nw, 16, how | CSUM_PSEUDO);
	ctx_store(st->ctx, s->l3_off + field, nw, 16);
}

static __always_inline void act_set_ttl(struct act_state *st, __u8 ttl)
{
	struct scratch *s = st->s;
	if (s->eth_type == ETH_P_IPV4)
		ip4_set_word(st, 8, 0xff00, (__u16)ttl << 8);
	else if (s->eth_type == ETH_P_IPV6_)
		ctx_store(st->ctx, s->l3_off + 7, &ttl, 1);
}

static __always_inline void act_dec_ttl(struct act_state *st)
{
	struct scratch *s = st->s;
	__u8 ttl;
	__u32 off;

	if (s->eth_type == ETH_P_IPV4)
		off = s->l3_off + 8;
	else if (s->eth_type == ETH_P_IPV6_)
		off = s->l3_off + 7;
	else
		return;
	if (ctx_load(st->ctx, off, &ttl, 1))
		return;
	if (ttl <= 1) {
		upcall(st->ctx, s, UPCALL_TTL, 0);
		st->drop = 1;
		return;
	}
	act_set_ttl(st, ttl - 1);
}

static __always_inline void act_set_tos(struct act_state *st, __u8 mask, __u8 val)
{
	struct scratch *s = st->s;
	if (s->eth_type == ETH_P_IPV4)
		ip4_set_word(st, 0, mask, val);
	else if (s->eth_type == ETH_P_IPV6_)
		ip6_set_word(st, (__u32)mask << 20, (__u32)val << 20);
}

static __always_inline void act_set_l4_word(struct act_state *st, __u32 woff, __u16 mask, __u16 val)
{
	struct scratch *s = st->s;
	__u32 how = 0;
	__u32 c4 = l4_csum_off(s, &how);
	__be16 old;

	if (!c4 || ctx_load(st->ctx, s->l4_off + woff, &old, 2))
		return;
	__be16 nw = bpf_htons((bpf_ntohs(old) & ~mask) | (val & mask));
	__u32 o = old, n = nw;
	csum_fix(st->ctx, c4, &o, &n, 4, how);
	ctx_store(st->ctx, s->l4_off + woff, &nw, 2);
}

static __always_inline void act_set_ports(struct act_state *st, __u32 woff, __u16 port)
{
	/* SCTP's CRC32c cannot be updated incrementally: lists that set
	 * SCTP ports are marked slow path by the loader. */
	if (st->s->key.fields & (F_TCP | F_UDP))
		act_set_l4_word(st, woff, 0xffff, port);
}

static __always_inline void act_set_icmp(struct act_state *st, __u16 mask, __u16 val)
{
	if (st->s->key.fields & (F_ICMP | F_ICMPV6))
		act_set_l4_word(st, 0, mask, val);
}

/* MPLS label stack entry (RFC 3032 §2.1): label(20) tc(3) s(1) ttl(8). */
static __always_inline void act_set_mpls(struct act_state *st, __u32 mask, __u32 val, int dec)
{
	struct scratch *s = st->s;
	__be32 w;

	if ((s->eth_type != ETH_P_MPLS_UC_ && s->eth_type != ETH_P_MPLS_MC_) ||
	    ctx_load(st->ctx, s->l3_off, &w, 4))
		return;
	__u32 lse = bpf_ntohl(w);
	if (dec) {
		if ((lse & 0xff) <= 1) {
			upcall(st->ctx, s, UPCALL_TTL, 0);
			st->drop = 1;
			return;
		}
		val = (lse & 0xff) - 1;
	}
	lse = (lse & ~mask) | (val & mask);
	w = bpf_htonl(lse);
	ctx_store(st->ctx, s->l3_off, &w, 4);
}

/* act_copy_ttl copies the TTL between the top MPLS entry and what follows
 * it: the next entry, or the IP header after the bottom of the stack
 * (OpenFlow 1.3.5 §5.12, copy TTL in/out). */
static __always_inline void act_copy_ttl(struct act_state *st, int in)
{
	struct scratch *s = st->s;
	__u32 top = s->l3_off, inner = top + 4;
	__be32 w;

	if ((s->eth_type != ETH_P_MPLS_UC_ && s->eth_type != ETH_P_MPLS_MC_) ||
	    ctx_load(st->ctx, top, &w, 4))
		return;
	__u32 lse = bpf_ntohl(w);
	__u8 ttl = lse & 0xff;
	if (!(lse & 0x100)) { /* not the bottom: the next entry's TTL */
		__u8 next;
		if (ctx_load(st->ctx, inner + 3, &next, 1))
			return;
		if (in)
			ctx_store(st->ctx, inner + 3, &ttl, 1);
		else
			ctx_store(st->ctx, top + 3, &next, 1);
		return;
	}
	__u8 ver;
	if (ctx_load(st->ctx, inner, &ver, 1))
		return;
	ver >>= 4;
	if (ver == 4) {
		__u8 hdr[20];
		if (ctx_load(st->ctx, inner, hdr, 20))
			return;
		if (!in) {
			ctx_store(st->ctx, top + 3, &hdr[8], 1);
			return;
		}
		__be16 old, nw;
		__builtin_memcpy(&old, &hdr[8], 2);
		hdr[8] = ttl;
		__builtin_memcpy(&nw, &hdr[8], 2);
		__u32 o = old, n = nw;
		csum_fix(st->ctx, inner + 10, &o, &n, 4, 0);
		ctx_store(st->ctx, inner + 8, &ttl, 1);
	} else if (ver == 6) {
		__u8 hdr[40];
		if (ctx_load(st->ctx, inner, hdr, 40))
			return;
		if (in)
			ctx_store(st->ctx, inner + 7, &ttl, 1);
		else
			ctx_store(st->ctx, top + 3, &hdr[7], 1);
	}
}

/* act_set_arp writes n bytes at offset off of an ARP packet the parser
 * keyed (Ethernet/IPv4 ARP, RFC 826); ARP has no checksum. */
static __always_inline void act_set_arp(struct act_state *st, __u32 off, void *v, __u32 n)
{
	if (st->s->key.fields & F_ARP)
		ctx_store(st->ctx, st->s->l3_off + off, v, n);
}

/* act_set_nd_target rewrites the target of a neighbor solicitation or
 * advertisement (RFC 4861 §4.3, §4.4) and fixes the ICMPv6 checksum: the
 * target is in the message, not in the pseudo header. */
static __always_inline void act_set_nd_target(struct act_state *st, __u8 *addr)
{
	struct scratch *s = st->s;
	__u8 old[16], nw[16];

	if (!(s->key.fields & F_ND) || !s->l4_off || ctx_load(st->ctx, s->l4_off + 8, old, 16))
		return;
	__builtin_memcpy(nw, addr, 16);
	csum_fix(st->ctx, s->l4_off + 2, old, nw, 16, CSUM_L4);
	ctx_store(st->ctx, s->l4_off + 8, nw, 16);
}

/* act_set_nd_lla rewrites the address of every link-layer address option
 * of type opt (1 source, 2 target; RFC 4861 §4.6.1) in an ND message of
 * type msg, among the XVS_MAX_ND_OPTS options the parser looks at. The
 * 8-byte option is the unit of the checksum fix (bpf_csum_diff takes
 * multiples of 4 bytes; options start 8-byte aligned in the message). */
static __always_inline void act_set_nd_lla(struct act_state *st, __u8 msg, __u8 opt, __u8 *addr)
{
	struct scratch *s = st->s;
	__u8 o8[8], nw[8], last;

	if (!(s->key.fields & F_ND) || !s->l4_off || ctx_load(st->ctx, s->l4_off, o8, 1) || o8[0] != msg)
		return;
	__u32 off = s->l4_off + 24;
	for (int i = 0; i < XVS_MAX_ND_OPTS; i++) {
		if (off > XVS_MAX_HDR_OFF || ctx_load(st->ctx, off, o8, 2) || o8[1] == 0)
			return;
		__u32 olen = (__u32)o8[1] * 8;
		if (ctx_load(st->ctx, off + olen - 1, &last, 1))
			return; /* the option runs past the packet */
		if (o8[0] == opt && o8[1] == 1 && !ctx_load(st->ctx, off, o8, 8)) {
			__builtin_memcpy(nw, o8, 2);
			__builtin_memcpy(nw + 2, addr, 6);
			csum_fix(st->ctx, s->l4_off + 2, o8, nw, 8, CSUM_L4);
			ctx_store(st->ctx, off, nw, 8);
		}
		off += olen;
	}
}

/* act_set_pbb_isid rewrites the I-SID, the low 24 bits of the I-TAG. */
static __always_inline void act_set_pbb_isid(struct act_state *st, __u32 isid)
{
	struct scratch *s = st->s;
	__be32 w;

	if (s->eth_type != ETH_P_PBB_ || ctx_load(st->ctx, s->l3_off, &w, 4))
		return;
	w = bpf_htonl((bpf_ntohl(w) & 0xff000000) | (isid & 0xffffff));
	ctx_store(st->ctx, s->l3_off, &w, 4);
}

/* act_meter measures the packet against every band's bucket; the band of
 * the highest rate whose bucket cannot pay applies (OpenFlow 1.3.5 §5.7).
 * Buckets that can pay are debited. */
static __always_inline void act_meter(struct act_state *st, __u32 id)
{
	struct meter *m = bpf_map_lookup_elem(&meters, &id);
	if (!m)
		return;
	__u64 now = bpf_ktime_get_ns();
	__u64 len = st->standin_len ? st->standin_len : ctx_len(st->ctx);
	__u32 type = 0, prec = 0;

	bpf_spin_lock(&m->lock);
	__u64 cost = (m->flags & METER_F_PKTPS) ? 1000000000ULL : len * 8 * 1000000ULL;
	__u64 el = now - m->last_ns;
	__u32 best = 0, best_rate = 0;
	m->last_ns = now;
	m->packets++;
	m->bytes += len;
#pragma clang loop unroll(full)
	for (int i = 0; i < XVS_MAX_BANDS; i++) {
		struct meter_band *b = &m->bands[i];
		if (i >= m->nbands)
			break;
		__u64 cap = (__u64)(b->burst ? b->burst : b->rate) * 1000000000ULL;
		if (el > 10000000000ULL)
			b->tokens = cap;
		else
			b->tokens += el * b->rate;
		if (b->tokens > cap)
			b->tokens = cap;
		if (b->tokens >= cost) {
			b->tokens -= cost;
		} else if (b->rate >= best_rate) {
			best = i + 1;
			best_rate = b->rate;
		}
	}
	if (best) {
		struct meter_band *b = &m->bands[(best - 1) & (XVS_MAX_BANDS - 1)];
		b->packets++;
		b->bytes += len;
		type = b->type;
		prec = b->prec;
	}
	bpf_spin_unlock(&m->lock);
	st->meter_band = best;

	if (type == METER_BAND_DROP) {
		dp_count(DP_METER_DROP);
		st->drop = 1;
		return;
	}
	if (type != METER_BAND_DSCP)
		return;
	/* DSCP remark: raise the drop precedence of an AF class (RFC 2597). */
	struct scratch *s = st->s;
	__u8 tos;
	if (s->eth_type == ETH_P_IPV4) {
		if (ctx_load(st->ctx, s->l3_off + 1, &tos, 1))
			return;
	} else if (s->eth_type == ETH_P_IPV6_) {
		__be16 w;
		if (ctx_load(st->ctx, s->l3_off, &w, 2))
			return;
		tos = (bpf_ntohs(w) >> 4) & 0xff;
	} else {
		return;
	}
	__u8 dscp = tos >> 2;
	__u8 cls = dscp >> 3, dp = (dscp >> 1) & 3;
	if (cls < 1 || cls > 4 || dp == 0 || (dscp & 1))
		return;
	dp += prec;
	if (dp > 3)
		dp = 3;
	act_set_tos(st, 0xfc, ((cls << 3) | (dp << 1)) << 2);
}

static long act_step(__u32 i, void *data)
{
	struct act_state *st = data;
	struct flow_actions *acts = st->acts;

	if (i >= acts->n || i >= XVS_MAX_ACTIONS || st->drop)
		return 1;
	/* The compiler knows i < 32 here and would drop a plain mask; the
	 * verifier needs to see it. */
	__u32 idx = i;
	asm volatile("%0 &= 31" : "+r"(idx));
	struct action *a = &acts->a[idx];

	switch (a->kind) {
	case ACT_OUTPUT:
		act_output(st, a);
		break;
	case ACT_USERSPACE: {
		__u64 cookie;
		__builtin_memcpy(&cookie, a->data, 8);
		upcall(st->ctx, st->s, UPCALL_ACTION, cookie);
		break;
	}
	case ACT_PUSH_VLAN:
		act_push_vlan(st, a->h, a->w);
		break;
	case ACT_POP_VLAN:
		act_pop_vlan(st);
		break;
	case ACT_SET_VLAN_VID:
		act_set_vlan(st, 0x0fff, a->h);
		break;
	case ACT_SET_VLAN_PCP:
		act_set_vlan(st, 0xe000, (__u16)a->b << 13);
		break;
	case ACT_SET_ETH_SRC:
		ctx_store(st->ctx, 6, a->data, 6);
		break;
	case ACT_SET_ETH_DST:
		ctx_store(st->ctx, 0, a->data, 6);
		break;
	case ACT_SET_IPV4_SRC:
		act_set_ipv4_addr(st, 12, a->data);
		break;
	case ACT_SET_IPV4_DST:
		act_set_ipv4_addr(st, 16, a->data);
		break;
	case ACT_SET_IP_DSCP:
		act_set_tos(st, 0xfc, a->b << 2);
		break;
	case ACT_SET_IP_ECN:
		act_set_tos(st, 0x03, a->b);
		break;
	case ACT_SET_IP_TTL:
		act_set_ttl(st, a->b);
		break;
	case ACT_DEC_TTL:
		act_dec_ttl(st);
		break;
	case ACT_SET_IPV6_SRC:
		act_set_ipv6_addr(st, 8, a->data);
		break;
	case ACT_SET_IPV6_DST:
		act_set_ipv6_addr(st, 24, a->data);
		break;
	case ACT_SET_TP_SRC:
		act_set_ports(st, 0, a->h);
		break;
	case ACT_SET_TP_DST:
		act_set_ports(st, 2, a->h);
		break;
	case ACT_SET_ICMP_TYPE:
		act_set_icmp(st, 0xff00, (__u16)a->b << 8);
		break;
	case ACT_SET_ICMP_CODE:
		act_set_icmp(st, 0x00ff, a->b);
		break;
	case ACT_SET_MPLS_LABEL:
		act_set_mpls(st, 0xfffff000, a->w << 12, 0);
		break;
	case ACT_SET_MPLS_TC:
		act_set_mpls(st, 0xe00, (__u32)a->b << 9, 0);
		break;
	case ACT_SET_MPLS_TTL:
		act_set_mpls(st, 0xff, a->b, 0);
		break;
	case ACT_DEC_MPLS_TTL:
		act_set_mpls(st, 0xff, 0, 1);
		break;
	case ACT_METER:
		act_meter(st, a->w);
		break;
	case ACT_COPY_TTL_IN:
		act_copy_ttl(st, 1);
		break;
	case ACT_COPY_TTL_OUT:
		act_copy_ttl(st, 0);
		break;
	case ACT_SET_ARP_OP: {
		__be16 op = bpf_htons(a->h);
		act_set_arp(st, 6, &op, 2);
		break;
	}
	case ACT_SET_ARP_SHA:
		act_set_arp(st, 8, a->data, 6);
		break;
	case ACT_SET_ARP_SPA:
		act_set_arp(st, 14, a->data, 4);
		break;
	case ACT_SET_ARP_THA:
		act_set_arp(st, 18, a->data, 6);
		break;
	case ACT_SET_ARP_TPA:
		act_set_arp(st, 24, a->data, 4);
		break;
	case ACT_SET_ND_TARGET:
		act_set_nd_target(st, a->data);
		break;
	case ACT_SET_ND_SLL:
		act_set_nd_lla(st, 135, 1, a->data);
		break;
	case ACT_SET_ND_TLL:
		act_set_nd_lla(st, 136, 2, a->data);
		break;
	case ACT_SET_IPV6_LABEL:
		if (st->s->eth_type == ETH_P_IPV6_)
			ip6_set_word(st, 0xfffff, a->w);
		break;
	case ACT_SET_PBB_ISID:
		act_set_pbb_isid(st, a->w);
		break;
	case ACT_SET_MPLS_BOS:
		act_set_mpls(st, 0x100, (__u32)a->b << 8, 0);
		break;
	default:
		/* push/pop MPLS and PBB: userspace runs these (Put marks such
		 * lists FLOW_F_USERSPACE); this is a guard. */
		upcall(st->ctx, st->s, UPCALL_SLOWPATH, 0);
		dp_count(DP_SLOWPATH);
		st->drop = 1;
		break;
	}
	return st->drop ? 1 : 0;
}

/* act_step_next runs the list from its second action (bpf_loop counts
 * from 0). */
static long act_step_next(__u32 i, void *data)
{
	return act_step(i + 1, data);
}

/* run_actions executes a list and returns the program's verdict. When
 * executing for userspace (exec) it returns instead what userspace needs to
 * go on: bit 0 set if the list stopped (dropped), bits 8-15 the band the
 * last meter applied plus one (0: none). standin_len, if not 0, says the
 * packet is a stand-in for a frame of that length which userspace handles
 * itself: meters charge that length (so a meter has one bucket wherever its
 * list runs) and outputs only count it (userspace transmits it). */
static __always_inline int run_actions(CTX *ctx, struct scratch *s, struct flow_actions *acts,
				       __u32 exec, __u32 standin_len)
{
	struct act_state st = {
		.ctx = ctx,
		.s = s,
		.acts = acts,
		.exec = exec,
		.standin_len = standin_len,
	};

	/* Most lists are one output: run the first action as a plain call
	 * and pay for bpf_loop (a helper call, a callback per step) only
	 * when more follow. */
#ifndef XVS_TC
	/* A lone output, XDP's common list, needs neither. */
	if (acts->n == 1 && acts->a[0].kind == ACT_OUTPUT)
		act_output(&st, &acts->a[0]);
	else
#endif
	if (!act_step(0, &st) && acts->n > 1)
		bpf_loop(XVS_MAX_ACTIONS - 1, act_step_next, &st, 0);
	if (exec)
		return (st.drop ? 1 : 0) | ((st.meter_band & 0xff) << 8);
	if (st.drop || !st.out_ifindex)
		return VERDICT_DROP;
#ifdef XVS_TC
	return tc_redirect(ctx, st.out_port, st.out_ifindex, st.out_flags);
#else
	return xdp_output(ctx, st.out_port);
#endif
}

#endif
