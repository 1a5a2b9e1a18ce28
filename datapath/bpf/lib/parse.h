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

#define ETH_P_RARP_ 0x8035

/* The bounded loops' limits: datapath/packet's MaxIPv6ExtHdrs and
 * MaxNDOptions. */
#define XVS_MAX_ND_OPTS 4
/* The verifier tracks packet ranges only from offsets it can bound; headers
 * starting beyond this offset are treated as absent (documented limit). */
#define XVS_MAX_HDR_OFF 1024

#define ND_NS 135
#define ND_NA 136

static __always_inline void copy6(__u8 *d, const __u8 *s)
{
	__builtin_memcpy(d, s, 6);
}

static __always_inline int is_vlan_tpid(__u16 t)
{
	return t == ETH_P_8021Q_ || t == ETH_P_8021AD_;
}

/* ND (RFC 4861 §4.3, §4.4): the target after 4 reserved bytes, then
 * options in 8-byte units; rule 11 of packet.Extract. */
static __always_inline void parse_nd(struct scratch *s, void *data, void *data_end, __u32 off,
				     __u8 type)
{
	struct flow_key *k = &s->key;
	__u8 *tgt = data + off + 8;

	if ((void *)(tgt + 16) > data_end)
		return;
	__builtin_memcpy(k->nd_target, tgt, 16);
	k->fields |= F_ND;
	__u32 o = off + 24;
	for (int i = 0; i < XVS_MAX_ND_OPTS; i++) {
		if (o > XVS_MAX_HDR_OFF)
			return;
		__u8 *opt = data + o;
		if ((void *)(opt + 2) > data_end)
			return;
		__u32 len = (__u32)opt[1] * 8;
		if (len == 0 || (void *)opt + len > data_end)
			return;
		if (len == 8) {
			if ((void *)(opt + 8) > data_end) /* known; for the verifier */
				return;
			if (opt[0] == 1 && type == ND_NS)
				copy6(k->arp_sha, opt + 2);
			else if (opt[0] == 2 && type == ND_NA)
				copy6(k->arp_tha, opt + 2);
		}
		o += len;
	}
}

/* Transport headers: rule 10 of packet.Extract. */
static __always_inline void parse_l4(struct scratch *s, void *data, void *data_end, __u32 off)
{
	struct flow_key *k = &s->key;
	__u8 proto = k->nw_proto;
	int ipv6 = k->fields & F_IPV6;

	if (off > XVS_MAX_HDR_OFF)
		return;
	__u8 *p = data + off;
	if (proto == IPPROTO_TCP_) {
		if ((void *)(p + 20) > data_end)
			goto cut;
		k->tp_src = ((__u16)p[0] << 8) | p[1];
		k->tp_dst = ((__u16)p[2] << 8) | p[3];
		k->tcp_flags = (((__u16)p[12] << 8) | p[13]) & 0x0fff;
		k->fields |= F_TCP;
	} else if (proto == IPPROTO_UDP_ || proto == IPPROTO_SCTP_) {
		if ((void *)(p + (proto == IPPROTO_UDP_ ? 8 : 12)) > data_end)
			goto cut;
		k->tp_src = ((__u16)p[0] << 8) | p[1];
		k->tp_dst = ((__u16)p[2] << 8) | p[3];
		k->fields |= proto == IPPROTO_UDP_ ? F_UDP : F_SCTP;
	} else if ((proto == IPPROTO_ICMP_ && !ipv6) || (proto == IPPROTO_ICMPV6_ && ipv6)) {
		if ((void *)(p + 4) > data_end)
			goto cut;
		k->tp_src = p[0];
		k->tp_dst = p[1];
		k->fields |= ipv6 ? F_ICMPV6 : F_ICMP;
		if (ipv6 && p[1] == 0 && (p[0] == ND_NS || p[0] == ND_NA))
			parse_nd(s, data, data_end, off, p[0]);
	} else {
		return;
	}
	s->l4_off = off;
	return;
cut:
	s->cut = 1;
}

/* Rule 8 of packet.Extract. */
static __always_inline void parse_ipv4(struct scratch *s, void *data, void *data_end, __u32 off)
{
	struct flow_key *k = &s->key;
	struct iphdr_ *ip = data + off;

	if ((void *)(ip + 1) > data_end) {
		s->cut = 1;
		return;
	}
	if ((ip->ver_ihl >> 4) != 4)
		return;
	__u32 ihl = (ip->ver_ihl & 0x0f) * 4;
	if (ihl < sizeof(*ip))
		return;
	if ((void *)ip + ihl > data_end) {
		s->cut = 1;
		return;
	}
	__builtin_memcpy(k->nw_src, &ip->saddr, 4);
	__builtin_memcpy(k->nw_dst, &ip->daddr, 4);
	k->nw_proto = ip->protocol;
	k->nw_tos = ip->tos;
	k->nw_ttl = ip->ttl;
	k->fields |= F_IPV4;
	__u16 frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x1fff) {
		k->nw_frag = FRAG_LATER;
		return;
	}
	if (frag & 0x2000)
		k->nw_frag = FRAG_FIRST;
	parse_l4(s, data, data_end, off + ihl);
}

/* IPv6 extension headers, rule 9 of packet.Extract, walked by bpf_loop: an
 * unrolled walk multiplies the verifier's paths by the header kinds at
 * every step. Ranks follow RFC 8200 §4.1: hop 1, destination 2 (7 after a
 * routing header), routing 3, fragment 4, AH 5, ESP 6. */
struct ext_walk {
	CTX *ctx;
	__u32 off;
	__u16 ext;
	__u8 nh;
	__u8 max_rank;
	__u8 dest_ranks; /* bit r: a destination header took rank r */
	__u8 frag;       /* FRAG_* */
	__u8 stop_l4;    /* a later fragment: no transport header */
	__u8 cut;        /* a header ran past the readable data */
};

static long ext_step(__u32 i, void *arg)
{
	struct ext_walk *w = arg;
	CTX *ctx = w->ctx;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 nh = w->nh;
	__u16 flag;
	__u8 rank;

	if (nh == IPPROTO_NONE_) {
		w->ext |= EXT_NONEXT;
		return 1;
	}
	switch (nh) {
	case IPPROTO_HOPOPTS_:
		flag = EXT_HOP; rank = 1;
		break;
	case IPPROTO_DSTOPTS_:
		flag = EXT_DEST; rank = w->max_rank >= 3 ? 7 : 2;
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
	case IPPROTO_ESP_:
		flag = EXT_ESP; rank = 6;
		break;
	default:
		return 1;
	}
	__u32 off = w->off;
	__u32 hlen = 0;
	if (off > XVS_MAX_HDR_OFF)
		return 1;
	__u8 *h = data + off;
	if (nh != IPPROTO_ESP_) {
		/* ESP has no length to walk: it is flagged and ends the walk. */
		/* Each header is at least 8 bytes long, so "its first bytes
		 * and its whole length present" starts with 8 bytes. */
		if ((void *)(h + 8) > data_end) {
			w->cut = 1;
			return 1;
		}
		if (nh == IPPROTO_FRAGMENT_)
			hlen = 8;
		else if (nh == IPPROTO_AH_)
			hlen = ((__u32)h[1] + 2) * 4;
		else
			hlen = ((__u32)h[1] + 1) * 8;
		if ((void *)h + hlen > data_end) {
			w->cut = 1;
			return 1;
		}
	}
	if (nh == IPPROTO_DSTOPTS_) {
		if (w->dest_ranks & (1 << rank))
			w->ext |= EXT_UNREP;
		w->dest_ranks |= 1 << rank;
	} else if (w->ext & flag) {
		w->ext |= EXT_UNREP;
	}
	if (rank < w->max_rank)
		w->ext |= EXT_UNSEQ;
	if (rank > w->max_rank)
		w->max_rank = rank;
	w->ext |= flag;
	if (nh == IPPROTO_ESP_)
		return 1;
	w->nh = h[0];
	w->off = off + hlen;
	if (nh == IPPROTO_FRAGMENT_) {
		__u16 fo = ((__u16)h[2] << 8) | h[3];
		if (fo >> 3) {
			w->frag = FRAG_LATER;
			w->stop_l4 = 1;
			return 1;
		}
		if (fo & 1)
			w->frag = FRAG_FIRST;
	}
	return 0;
}

static __always_inline void parse_ipv6(CTX *ctx, struct scratch *s, void *data, void *data_end,
				       __u32 off)
{
	struct flow_key *k = &s->key;
	struct ipv6hdr_ *ip6 = data + off;

	if ((void *)(ip6 + 1) > data_end) {
		s->cut = 1;
		return;
	}
	if ((ip6->vtc_flow & 0xf0) != 0x60)
		return;
	__builtin_memcpy(k->nw_src, ip6->saddr, 16);
	__builtin_memcpy(k->nw_dst, ip6->daddr, 16);
	__u32 vtc = bpf_ntohl(ip6->vtc_flow);
	k->nw_tos = (vtc >> 20) & 0xff;
	k->ipv6_label = vtc & 0xfffff;
	k->nw_ttl = ip6->hop_limit;
	k->fields |= F_IPV6;

	struct ext_walk w = {
		.ctx = ctx,
		.off = off + sizeof(*ip6),
		.nh = ip6->nexthdr,
	};
	bpf_loop(XVS_MAX_IPV6_EXT, ext_step, &w, 0);
	k->ipv6_exthdr = w.ext;
	k->nw_proto = w.nh;
	k->nw_frag = w.frag;
	if (w.cut)
		s->cut = 1;
	if (w.stop_l4)
		return;
	/* The verifier forgets packet ranges across the callback: reload. */
	parse_l4(s, (void *)(long)ctx->data, (void *)(long)ctx->data_end, w.off);
}

/* Rule 7 of packet.Extract: Ethernet/IPv4 ARP and RARP only. */
static __always_inline void parse_arp(struct scratch *s, void *data, void *data_end, __u32 off)
{
	struct flow_key *k = &s->key;
	struct arphdr_ *ah = data + off;

	if ((void *)(ah + 1) > data_end) {
		s->cut = 1;
		return;
	}
	if (ah->htype != bpf_htons(1) || ah->ptype != bpf_htons(ETH_P_IPV4) ||
	    ah->hlen != 6 || ah->plen != 4)
		return;
	k->arp_op = bpf_ntohs(ah->op);
	copy6(k->arp_sha, ah->sha);
	copy6(k->arp_tha, ah->tha);
	__builtin_memcpy(k->nw_src, ah->spa, 4);
	__builtin_memcpy(k->nw_dst, ah->tpa, 4);
	k->fields |= F_ARP;
}


/* parse_fast fills the key of the packet-rate case in one pass: an
 * untagged IPv4 frame without options, not a fragment, or an IPv6 frame
 * without extension headers, carrying TCP or UDP whose header is in the
 * data. It writes every byte of the key (so there is no memset first),
 * each 8-byte word once, and reads the frame with wide loads (unaligned
 * packet loads are fine where the JIT runs: x86, arm64). The result is
 * what the general parser makes of such a frame, byte for byte
 * (TestParseFastPath). It returns 0 and writes nothing for any other
 * frame. */
static __always_inline int parse_fast(struct scratch *s, void *data, void *data_end, __u32 in_port)
{
	__u64 src0, src1 = 0, dst0, dst1 = 0, label = 0;
	__u16 et, fields;
	__u8 proto, tos, ttl;
	__u8 *l4;

	if (data + 14 > data_end)
		return 0;
	if (*(__be16 *)(data + 12) == bpf_htons(ETH_P_IPV4)) {
		struct iphdr_ *ip = data + 14;
		l4 = data + 34;
		if ((void *)(l4 + 8) > data_end || ip->ver_ihl != 0x45 ||
		    (ip->frag_off & bpf_htons(0x3fff)))
			return 0;
		et = ETH_P_IPV4;
		fields = F_ETH | F_IPV4;
		proto = ip->protocol;
		tos = ip->tos;
		ttl = ip->ttl;
		src0 = *(__u32 *)&ip->saddr;
		dst0 = *(__u32 *)&ip->daddr;
	} else if (*(__be16 *)(data + 12) == bpf_htons(ETH_P_IPV6_)) {
		struct ipv6hdr_ *ip6 = data + 14;
		l4 = data + 54;
		if ((void *)(l4 + 8) > data_end || (ip6->vtc_flow & 0xf0) != 0x60)
			return 0;
		__u32 vtc = bpf_ntohl(ip6->vtc_flow);
		et = ETH_P_IPV6_;
		fields = F_ETH | F_IPV6;
		proto = ip6->nexthdr;
		tos = (vtc >> 20) & 0xff;
		ttl = ip6->hop_limit;
		label = vtc & 0xfffff;
		src0 = *(__u64 *)ip6->saddr;
		src1 = *(__u64 *)(ip6->saddr + 8);
		dst0 = *(__u64 *)ip6->daddr;
		dst1 = *(__u64 *)(ip6->daddr + 8);
	} else {
		return 0;
	}
	__u16 flags = 0;
	if (proto == IPPROTO_TCP_) {
		if ((void *)(l4 + 20) > data_end)
			return 0;
		flags = bpf_ntohs(*(__be16 *)(l4 + 12)) & 0x0fff;
		fields |= F_TCP;
	} else if (proto == IPPROTO_UDP_) {
		fields |= F_UDP;
	} else {
		return 0;
	}

	/* The key as words, each written with one 8-byte store: the EMC
	 * index and compare (emc.h) read it back as words at once, and a load
	 * the store buffer cannot forward from one store (a word written in
	 * pieces) waits for the pieces to reach the cache, ~15 cycles a word.
	 * The layout is fixed (common.h, TestFlowKeyLayout); little endian,
	 * as the JIT's hosts (x86, arm64) are. */
	w64 *w = (w64 *)&s->key;
	w[0] = in_port | (__u64)fields << 32;           /* in_port, fields */
	w[1] = 0;                                       /* tun_id */
	/* eth_src (the frame's bytes 6-11), then eth_dst's first two bytes
	 * (the frame's 0-1): the frame has the addresses the other way round. */
	w[2] = (*(__u64 *)(data + 6) & 0xffffffffffffULL) | (__u64)*(__u16 *)data << 48;
	w[3] = *(__u32 *)(data + 2) | (__u64)et << 32;  /* eth_dst[2..5], eth_type, vlan_tpid[0] = 0 */
	w[4] = 0;                                       /* vlan_tpid[1] .. arp_op */
	w[5] = 0;                                       /* mpls_lse, pbb_isid */
	w[6] = src0;                                    /* nw_src */
	w[7] = src1;
	w[8] = dst0;                                    /* nw_dst */
	w[9] = dst1;
	w[10] = 0;                                      /* nd_target */
	w[11] = 0;
	w[12] = 0;                                      /* arp_sha, arp_tha */
	w[13] = label << 32;                            /* arp_tha, ipv6_label */
	/* ipv6_exthdr = 0, tp_src, tp_dst, tcp_flags (host order) */
	w[14] = (__u64)bpf_ntohs(*(__be16 *)l4) << 16 | (__u64)bpf_ntohs(*(__be16 *)(l4 + 2)) << 32 |
		(__u64)flags << 48;
	/* nw_proto, nw_tos, nw_ttl, nw_frag = FRAG_NONE, pad */
	w[15] = proto | (__u64)tos << 8 | (__u64)ttl << 16;
	s->l3_off = 14;
	s->l4_off = l4 - (__u8 *)data;
	s->eth_type = et;
	s->cut = 0;
	return 1;
}

/* parse_frame fills s->key (zeroed here) from the frame, following the
 * rules of datapath/packet.Extract to the letter. skb_tpid/skb_tci describe
 * a VLAN tag the kernel already took out of the data (TC on an skb whose
 * tag was offloaded); 0 when there is none. It returns 1 when parse_fast
 * made the key, 0 when the general parser did. */
static __always_inline int parse_frame(CTX *ctx, struct scratch *s, void *data, void *data_end,
				       __u32 in_port, __u16 skb_tpid, __u16 skb_tci)
{
	struct flow_key *k = &s->key;

	if (!skb_tpid && parse_fast(s, data, data_end, in_port))
		return 1;
	__builtin_memset(k, 0, sizeof(*k));
	s->l3_off = 0;
	s->l4_off = 0;
	s->eth_type = 0;
	s->cut = 0;
	k->in_port = in_port;

	struct ethhdr_ *eth = data;
	if ((void *)(eth + 1) > data_end)
		return 0; /* rule 1: a runt is keyed on its in_port alone */
	copy6(k->eth_dst, eth->dst);
	copy6(k->eth_src, eth->src);
	k->fields |= F_ETH;
	__u16 proto = bpf_ntohs(eth->proto);
	__u32 off = 12; /* the type field */
	int nv = 0;

	if (skb_tpid) {
		/* The tag the kernel took out was the outermost one; the
		 * ethertype in the data is what followed it. */
		k->vlan_tpid[0] = skb_tpid;
		k->vlan_tci[0] = skb_tci;
		k->fields |= F_VLAN0;
		nv = 1;
	}
#pragma clang loop unroll(full)
	for (int i = 0; i < XVS_MAX_VLAN; i++) {
		if (!is_vlan_tpid(proto) || nv >= XVS_MAX_VLAN)
			break;
		struct vlanhdr_ *vh = data + off + 2;
		if ((void *)(vh + 1) > data_end) {
			s->cut = 1;
			break;
		}
		if (nv == 0) {
			k->vlan_tpid[0] = proto;
			k->vlan_tci[0] = bpf_ntohs(vh->tci);
			k->fields |= F_VLAN0;
		} else {
			k->vlan_tpid[1] = proto;
			k->vlan_tci[1] = bpf_ntohs(vh->tci);
			k->fields |= F_VLAN1;
		}
		nv++;
		proto = bpf_ntohs(vh->proto);
		off += 4;
	}
	if (proto < 0x600) {
		k->eth_type = ETH_TYPE_NONE;
		return 0;
	}
	k->eth_type = proto;
	s->eth_type = proto;
	off += 2;
	s->l3_off = off;

	switch (proto) {
	case ETH_P_IPV4:
		parse_ipv4(s, data, data_end, off);
		break;
	case ETH_P_IPV6_:
		parse_ipv6(ctx, s, data, data_end, off);
		break;
	case ETH_P_ARP_:
	case ETH_P_RARP_:
		parse_arp(s, data, data_end, off);
		break;
	case ETH_P_MPLS_UC_:
	case ETH_P_MPLS_MC_: {
		__be32 *lse = data + off;
		if ((void *)(lse + 1) > data_end) {
			s->cut = 1;
			return 0;
		}
		k->mpls_lse = bpf_ntohl(*lse);
		k->fields |= F_MPLS;
		break;
	}
	case ETH_P_PBB_: {
		__be32 *itag = data + off;
		if ((void *)(itag + 1) > data_end) {
			s->cut = 1;
			return 0;
		}
		k->pbb_isid = bpf_ntohl(*itag) & 0xffffff;
		k->fields |= F_PBB;
		break;
	}
	}
	return 0;
}

#endif
