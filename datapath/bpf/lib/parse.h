/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The flow key parser, shared by the XDP and TC programs. It never rejects
 * a frame: a runt, a truncated header or an unknown ethertype stops parsing
 * and the frame is keyed on what parsed (key.parse says how far it got).
 * Every loop is bounded so the verifier sees a finite program. */
#ifndef XVS_PARSE_H
#define XVS_PARSE_H

#include "ctx.h"

struct ethhdr_ {
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
};

struct vlanhdr_ {
	__be16 tci;
	__be16 proto;
};

struct iphdr_ {
	__u8 ver_ihl;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct ipv6hdr_ {
	__be32 vtc_flow;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct arphdr_ {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
};

struct tcphdr_ {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__be16 off_flags; /* data offset(4) reserved(3) flags(9) */
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
};

struct udphdr_ {
	__be16 source;
	__be16 dest;
	__be16 len;
	__sum16 check;
};

struct icmphdr_ {
	__u8 type;
	__u8 code;
	__sum16 check;
	__be32 rest;
};

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ESP_ 50
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_NONE_ 59
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_ 132

#define XVS_MAX_L4_OFF 1024

#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLL 1
#define ND_OPT_TLL 2

static __always_inline void copy6(__u8 *d, const __u8 *s)
{
	__builtin_memcpy(d, s, 6);
}

static __always_inline int is_vlan_tpid(__u16 t)
{
	return t == ETH_P_8021Q_ || t == ETH_P_8021AD_;
}

/* Transport: ports, TCP flags, ICMP type/code, ND. */
static __always_inline void parse_l4(struct scratch *s, void *data, void *data_end,
				     __u32 off, __u8 proto)
{
	struct flow_key *k = &s->key;

	/* The verifier only tracks packet ranges below 64 KiB from a variable
	 * offset; transport headers beyond 1 KiB are left unparsed. */
	if (off > XVS_MAX_L4_OFF) {
		k->parse |= PARSE_TRUNC_L4;
		return;
	}
	s->l4_off = off;
	if (proto == IPPROTO_TCP_) {
		struct tcphdr_ *th = data + off;
		if ((void *)(th + 1) > data_end) {
			k->parse |= PARSE_TRUNC_L4;
			return;
		}
		k->tp_src = bpf_ntohs(th->source);
		k->tp_dst = bpf_ntohs(th->dest);
		k->tcp_flags = bpf_ntohs(th->off_flags) & 0x0fff;
	} else if (proto == IPPROTO_UDP_ || proto == IPPROTO_SCTP_) {
		/* SCTP's common header starts with the two ports too. */
		struct udphdr_ *uh = data + off;
		if ((void *)(uh + 1) > data_end) {
			k->parse |= PARSE_TRUNC_L4;
			return;
		}
		k->tp_src = bpf_ntohs(uh->source);
		k->tp_dst = bpf_ntohs(uh->dest);
	} else if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_) {
		struct icmphdr_ *ih = data + off;
		if ((void *)ih + 4 > data_end) {
			k->parse |= PARSE_TRUNC_L4;
			return;
		}
		k->tp_src = ih->type;
		k->tp_dst = ih->code;
		if (proto != IPPROTO_ICMPV6_ || ih->code != 0 ||
		    (ih->type != ND_NS && ih->type != ND_NA))
			return;
		/* Neighbor Discovery (RFC 4861 §4.3, §4.4): the target after
		 * 4 reserved bytes, then options of 8-byte units. */
		__u8 *tgt = data + off + 8;
		if ((void *)(tgt + 16) > data_end) {
			k->parse |= PARSE_TRUNC_L4;
			return;
		}
		__builtin_memcpy(k->nd_target, tgt, 16);
		__u32 o = off + 24;
#pragma clang loop unroll(full)
		for (int i = 0; i < 2; i++) {
			__u8 *opt = data + o;
			if ((void *)(opt + 8) > data_end)
				return;
			__u8 len = opt[1];
			if (len == 0)
				return; /* malformed: RFC 4861 §4.6 */
			if (len == 1) {
				if (opt[0] == ND_OPT_SLL && ih->type == ND_NS)
					copy6(k->arp_sha, opt + 2);
				else if (opt[0] == ND_OPT_TLL && ih->type == ND_NA)
					copy6(k->arp_tha, opt + 2);
			}
			o += (__u32)len * 8;
		}
	}
}

static __always_inline void parse_ipv4(struct scratch *s, void *data, void *data_end, __u32 off)
{
	struct flow_key *k = &s->key;
	struct iphdr_ *ip = data + off;

	if ((void *)(ip + 1) > data_end) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	__u32 ihl = (ip->ver_ihl & 0x0f) * 4;
	if (ihl < sizeof(*ip)) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	__builtin_memcpy(k->nw_src, &ip->saddr, 4);
	__builtin_memcpy(k->nw_dst, &ip->daddr, 4);
	k->nw_proto = ip->protocol;
	k->nw_tos = ip->tos;
	k->nw_ttl = ip->ttl;
	__u16 frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x3fff) { /* MF or a fragment offset */
		k->nw_frag = FRAG_ANY;
		if (frag & 0x1fff) {
			k->nw_frag |= FRAG_LATER;
			return; /* no transport header in later fragments */
		}
	}
	if ((void *)ip + ihl > data_end) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	parse_l4(s, data, data_end, off + ihl, ip->protocol);
}

/* IPv6 extension headers (RFC 8200 §4) are walked by bpf_loop with load
 * helpers: an unrolled walk multiplies the verifier's paths by the header
 * kinds at every step. The flags follow OXM_OF_IPV6_EXTHDR (OpenFlow 1.3
 * §7.2.3.8): UNREP when a header repeats, UNSEQ when out of the order
 * RFC 8200 §4.1 recommends. */
struct ext_walk {
	CTX *ctx;
	__u32 off;
	__u16 ext;
	__u8 nh;
	__u8 rank;
	__u8 frag;  /* FRAG_* */
	__u8 trunc;
	__u8 pad[2];
};

static long ext_step(__u32 i, void *data)
{
	struct ext_walk *w = data;
	__u16 flag;
	__u8 rank;
	__u8 h[8];

	switch (w->nh) {
	case IPPROTO_HOPOPTS_:
		flag = EXT_HOP; rank = 1;
		break;
	case IPPROTO_DSTOPTS_:
		/* before a routing header, else the final destination options */
		flag = EXT_DEST; rank = (w->ext & EXT_ROUTER) ? 6 : 2;
		break;
	case IPPROTO_ROUTING_:
		flag = EXT_ROUTER; rank = 3;
		break;
	case IPPROTO_FRAGMENT_:
		flag = EXT_FRAG; rank = 4;
		break;
	case IPPROTO_AH_:
		flag = EXT_AUTH; rank = 5;
		break;
	default:
		return 1;
	}
	/* Destination options may appear twice, around a routing header. */
	if ((w->ext & flag) && !(flag == EXT_DEST && rank == 6 && w->rank < 6 &&
				 !(w->ext & EXT_UNREP)))
		w->ext |= EXT_UNREP;
	if (rank < w->rank)
		w->ext |= EXT_UNSEQ;
	w->rank = rank;
	w->ext |= flag;
	if (ctx_load(w->ctx, w->off, h, 8)) {
		w->trunc = 1;
		return 1;
	}
	if (w->nh == IPPROTO_FRAGMENT_) {
		__u16 fo = ((__u16)h[2] << 8) | h[3];
		w->frag = FRAG_ANY;
		w->nh = h[0];
		w->off += 8;
		if (fo & 0xfff8) {
			w->frag |= FRAG_LATER;
			return 1;
		}
	} else if (w->nh == IPPROTO_AH_) {
		w->nh = h[0];
		w->off += ((__u32)h[1] + 2) * 4; /* RFC 4302 §2.2 */
	} else {
		w->nh = h[0];
		w->off += ((__u32)h[1] + 1) * 8;
	}
	return 0;
}

static __always_inline void parse_ipv6(CTX *ctx, struct scratch *s, void *data, void *data_end,
				       __u32 off)
{
	struct flow_key *k = &s->key;
	struct ipv6hdr_ *ip6 = data + off;

	if ((void *)(ip6 + 1) > data_end) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	__builtin_memcpy(k->nw_src, ip6->saddr, 16);
	__builtin_memcpy(k->nw_dst, ip6->daddr, 16);
	__u32 vtc = bpf_ntohl(ip6->vtc_flow);
	k->nw_tos = (vtc >> 20) & 0xff;
	k->ipv6_label = vtc & 0xfffff;
	k->nw_ttl = ip6->hop_limit;

	struct ext_walk w = {
		.ctx = ctx,
		.off = off + sizeof(*ip6),
		.nh = ip6->nexthdr,
	};
	bpf_loop(XVS_MAX_IPV6_EXT, ext_step, &w, 0);
	if (w.nh == IPPROTO_ESP_)
		w.ext |= EXT_ESP;
	else if (w.nh == IPPROTO_NONE_)
		w.ext |= EXT_NONEXT;
	k->ipv6_exthdr = w.ext;
	k->nw_proto = w.nh;
	k->nw_frag = w.frag;
	if (w.trunc) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	if (w.frag & FRAG_LATER)
		return;
	parse_l4(s, data, data_end, w.off, w.nh);
}

static __always_inline void parse_arp(struct scratch *s, void *data, void *data_end, __u32 off)
{
	struct flow_key *k = &s->key;
	struct arphdr_ *ah = data + off;

	if ((void *)ah + 8 > data_end) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	k->arp_op = bpf_ntohs(ah->op);
	k->nw_proto = k->arp_op > 0xff ? 0 : k->arp_op;
	/* Only Ethernet/IPv4 ARP has the addresses OpenFlow matches. */
	if (ah->htype != bpf_htons(1) || ah->ptype != bpf_htons(ETH_P_IPV4) ||
	    ah->hlen != 6 || ah->plen != 4)
		return;
	if ((void *)(ah + 1) > data_end) {
		k->parse |= PARSE_TRUNC_L3;
		return;
	}
	copy6(k->arp_sha, ah->sha);
	copy6(k->arp_tha, ah->tha);
	__builtin_memcpy(k->nw_src, ah->spa, 4);
	__builtin_memcpy(k->nw_dst, ah->tpa, 4);
}

/* parse_frame fills s->key (zeroed here) from the frame. skb_tpid/skb_tci
 * describe a VLAN tag the kernel already took out of the data (TC on an
 * skb with an offloaded tag); pass 0 when there is none. */
static __always_inline void parse_frame(CTX *ctx, struct scratch *s, void *data, void *data_end,
					__u32 in_port, __u16 skb_tpid, __u16 skb_tci)
{
	struct flow_key *k = &s->key;

	__builtin_memset(k, 0, sizeof(*k));
	s->l3_off = 0;
	s->l4_off = 0;
	s->n_data_vlan = 0;
	s->eth_type = 0;
	k->in_port = in_port;

	struct ethhdr_ *eth = data;
	if ((void *)(eth + 1) > data_end) {
		/* A runt: key on the addresses that are there. */
		if (data + 6 <= data_end)
			copy6(k->eth_dst, data);
		if (data + 12 <= data_end)
			copy6(k->eth_src, data + 6);
		k->parse |= PARSE_RUNT;
		k->eth_type = 0;
		return;
	}
	copy6(k->eth_dst, eth->dst);
	copy6(k->eth_src, eth->src);
	__u16 proto = bpf_ntohs(eth->proto);
	__u32 off = sizeof(*eth);
	int nv = 0;

	if (skb_tpid) {
		k->vlan_tpid[0] = skb_tpid;
		k->vlan_tci[0] = skb_tci;
		nv = 1;
	}
	s->vlan_off = off;
#pragma clang loop unroll(full)
	for (int i = 0; i < XVS_MAX_VLAN; i++) {
		if (!is_vlan_tpid(proto) || nv >= XVS_MAX_VLAN)
			break;
		struct vlanhdr_ *vh = data + off;
		if ((void *)(vh + 1) > data_end) {
			k->parse |= PARSE_TRUNC_L2;
			k->eth_type = proto;
			return;
		}
		if (nv == 0) {
			k->vlan_tpid[0] = proto;
			k->vlan_tci[0] = bpf_ntohs(vh->tci);
		} else {
			k->vlan_tpid[1] = proto;
			k->vlan_tci[1] = bpf_ntohs(vh->tci);
		}
		nv++;
		s->n_data_vlan++;
		proto = bpf_ntohs(vh->proto);
		off += sizeof(*vh);
	}
	if (proto < 0x600)
		proto = ETH_TYPE_NONE;
	k->eth_type = proto;
	s->eth_type = proto;
	s->l3_off = off;

	switch (proto) {
	case ETH_P_IPV4:
		parse_ipv4(s, data, data_end, off);
		break;
	case ETH_P_IPV6_:
		parse_ipv6(ctx, s, data, data_end, off);
		break;
	case ETH_P_ARP_:
		parse_arp(s, data, data_end, off);
		break;
	case ETH_P_MPLS_UC_:
	case ETH_P_MPLS_MC_: {
		__be32 *lse = data + off;
		if ((void *)(lse + 1) > data_end) {
			k->parse |= PARSE_TRUNC_L2;
			return;
		}
		k->mpls_lse = bpf_ntohl(*lse);
		break;
	}
	case ETH_P_PBB_: {
		__u8 *itag = data + off;
		if ((void *)(itag + 4) > data_end) {
			k->parse |= PARSE_TRUNC_L2;
			return;
		}
		k->pbb_isid = ((__u32)itag[1] << 16) | ((__u32)itag[2] << 8) | itag[3];
		break;
	}
	}
}

#endif
