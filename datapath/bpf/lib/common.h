/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Types and constants shared by every xvs BPF program and by the Go side
 * (bpf2go generates the Go structs from the types declared here). */
#ifndef XVS_COMMON_H
#define XVS_COMMON_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define XVS_MAX_ACTIONS 32
#define XVS_MAX_PORTS 1024
#define XVS_MAX_VLAN 2
#define XVS_MAX_IPV6_EXT 6
/* Upcalls copy at most this much of the frame: the largest frame an MTU of
 * 64 KiB can carry, minus the perf sample's own header. */
#define XVS_UPCALL_MAX 65000

/* Ethertypes (IEEE 802, IANA). */
#define ETH_P_IPV4 0x0800
#define ETH_P_ARP_ 0x0806
#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88a8
#define ETH_P_IPV6_ 0x86dd
#define ETH_P_MPLS_UC_ 0x8847
#define ETH_P_MPLS_MC_ 0x8848
#define ETH_P_PBB_ 0x88e7
/* Frames whose length/type field is below 0x600 are 802.3 frames: OVS keys
 * them on this value, and so does xvs. */
#define ETH_TYPE_NONE 0x05ff

/* key.nw_frag: the fragment state, as OVS keys it. */
#define FRAG_ANY 1   /* the packet is a fragment */
#define FRAG_LATER 2 /* ... and not the first one */

/* key.ipv6_exthdr: OXM_OF_IPV6_EXTHDR flags (OpenFlow 1.3 §7.2.3.8). */
#define EXT_NONEXT (1 << 0)
#define EXT_ESP (1 << 1)
#define EXT_AUTH (1 << 2)
#define EXT_DEST (1 << 3)
#define EXT_FRAG (1 << 4)
#define EXT_ROUTER (1 << 5)
#define EXT_HOP (1 << 6)
#define EXT_UNREP (1 << 7)
#define EXT_UNSEQ (1 << 8)

/* key.parse: how far parsing got; a frame is keyed on what parsed. */
#define PARSE_RUNT (1 << 0)      /* shorter than an Ethernet header */
#define PARSE_TRUNC_L2 (1 << 1)  /* a VLAN/MPLS/PBB header is cut */
#define PARSE_TRUNC_L3 (1 << 2)  /* the network header is cut */
#define PARSE_TRUNC_L4 (1 << 3)  /* the transport header is cut */

/* The exact-match flow key. Every byte is part of the hash key, so the
 * struct has explicit padding and is zeroed before parsing. Byte arrays are
 * in network order; scalar fields in host order. */
struct flow_key {
	__u32 in_port;
	__u32 pbb_isid;      /* I-SID of an 802.1ah I-TAG */
	__u64 tun_id;        /* tunnel id, for tunnel ports */
	__u8 eth_src[6];
	__u8 eth_dst[6];
	__u16 eth_type;      /* after the VLAN tags */
	__u16 vlan_tpid[XVS_MAX_VLAN]; /* 0: no tag; [0] is the outer tag */
	__u16 vlan_tci[XVS_MAX_VLAN];  /* PCP<<13 | DEI<<12 | VID */
	__u16 arp_op;
	__u32 mpls_lse;      /* the top label stack entry as on the wire */
	__u8 nw_src[16];     /* IPv4 in the first 4 bytes; ARP SPA */
	__u8 nw_dst[16];     /* IPv4 in the first 4 bytes; ARP TPA */
	__u8 nd_target[16];
	__u8 arp_sha[6];     /* also the ND source link-layer address */
	__u8 arp_tha[6];     /* also the ND target link-layer address */
	__u32 ipv6_label;
	__u16 ipv6_exthdr;
	__u16 tp_src;        /* TCP/UDP/SCTP source port; ICMP type */
	__u16 tp_dst;        /* TCP/UDP/SCTP destination port; ICMP code */
	__u16 tcp_flags;
	__u8 nw_proto;
	__u8 nw_tos;         /* DSCP<<2 | ECN */
	__u8 nw_ttl;
	__u8 nw_frag;
	__u8 parse;          /* PARSE_* */
	__u8 pad[7];
};

/* Action types of an encoded action list. */
enum action_type {
	ACT_NONE = 0,
	ACT_OUTPUT,         /* arg32: port number */
	ACT_USERSPACE,      /* u64 cookie in data[0..8] */
	ACT_PUSH_VLAN,      /* arg16: TPID; arg32: TCI */
	ACT_POP_VLAN,
	ACT_SET_VLAN_VID,   /* arg16 */
	ACT_SET_VLAN_PCP,   /* arg16 */
	ACT_SET_ETH_SRC,    /* data[0..6] */
	ACT_SET_ETH_DST,    /* data[0..6] */
	ACT_SET_IPV4_SRC,   /* data[0..4] */
	ACT_SET_IPV4_DST,   /* data[0..4] */
	ACT_SET_IP_DSCP,    /* arg16: DSCP (6 bits) */
	ACT_SET_IP_ECN,     /* arg16: ECN (2 bits) */
	ACT_SET_IP_TTL,     /* arg16: TTL / hop limit */
	ACT_DEC_TTL,        /* TTL <= 1: the packet goes up (UPCALL_TTL) */
	ACT_SET_IPV6_SRC,   /* data[0..16] */
	ACT_SET_IPV6_DST,   /* data[0..16] */
	ACT_SET_TP_SRC,     /* arg16 */
	ACT_SET_TP_DST,     /* arg16 */
	ACT_SET_ICMP_TYPE,  /* arg16 */
	ACT_SET_ICMP_CODE,  /* arg16 */
	ACT_PUSH_MPLS,      /* arg16: ethertype 0x8847/0x8848; arg32: LSE */
	ACT_POP_MPLS,       /* arg16: the ethertype that follows */
	ACT_SET_MPLS_LABEL, /* arg32 */
	ACT_SET_MPLS_TC,    /* arg16 */
	ACT_SET_MPLS_TTL,   /* arg16 */
	ACT_DEC_MPLS_TTL,
	ACT_COPY_TTL_IN,
	ACT_COPY_TTL_OUT,
	ACT_PUSH_PBB,       /* arg32: I-SID */
	ACT_POP_PBB,
	ACT_METER,          /* arg32: meter id */
	ACT_SET_IPV6_LABEL, /* arg32 */
	ACT_MAX,
};

struct action {
	__u16 type;
	__u16 arg16;
	__u32 arg32;
	__u8 data[16];
};

/* flow_actions.flags */
#define FLOW_F_SLOWPATH (1 << 0) /* no fast path can run this list */
#define FLOW_F_XDP_SLOW (1 << 1) /* the XDP program cannot run it (TC can) */

/* action.arg16 of ACT_OUTPUT */
#define OUT_F_LAST (1 << 0) /* no output or userspace action follows */

/* port_out.flags */
#define PORT_F_PEER (1 << 0) /* a veth whose peer is in another netns */

struct flow_actions {
	__u32 flags;
	__u32 n;
	struct action a[XVS_MAX_ACTIONS];
};

/* Per-CPU statistics of one cache entry. */
struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u64 used_ns;  /* bpf_ktime_get_ns() of the last packet */
	__u16 tcp_flags;
	__u16 pad[3];
};

/* The value of the flows map: a per-CPU hash, so that every CPU updates
 * its own statistics without atomics and one lookup finds both. Userspace
 * writes the same action list to every CPU's copy. */
struct flow_entry {
	struct flow_stats stats;
	struct flow_actions acts;
};

/* Why a packet went to userspace. */
enum upcall_reason {
	UPCALL_MISS = 0,
	UPCALL_ACTION = 1,   /* a userspace action */
	UPCALL_SLOWPATH = 2, /* the entry's list needs userspace */
	UPCALL_TTL = 3,      /* dec_ttl found TTL <= 1 */
};

/* Metadata in front of the frame in every upcall sample. */
struct upcall_meta {
	__u32 in_port;
	enum upcall_reason reason;
	__u64 cookie;
	__u32 pkt_len;  /* the frame's length */
	__u32 cap_len;  /* bytes of it that follow */
	struct flow_key key;
};

struct port_info {
	__u32 port_no;
	__u32 flags;
};

struct port_out {
	__u32 ifindex;
	__u32 flags;
};

struct port_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 rx_dropped;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 tx_dropped;
};

/* dp_stats array indices. */
enum dp_counter {
	DP_HIT = 0,
	DP_MISSED,
	DP_LOST,
	DP_SLOWPATH,
	DP_EXEC,
	DP_METER_DROP,
	DP_NCOUNTERS,
};

/* meter band types */
#define METER_BAND_DROP 1
#define METER_BAND_DSCP 2
#define METER_F_PKTPS (1 << 0) /* rate in packets per second, else kbps */

struct meter {
	struct bpf_spin_lock lock;
	__u32 flags;
	__u32 band;      /* METER_BAND_* */
	__u32 prec;      /* DSCP remark: drop precedence increase */
	__u32 rate;      /* kbps or pps */
	__u32 burst;     /* kbits or packets */
	__u64 tokens;    /* in nano-units: bits*1e9/1000 or packets*1e9 */
	__u64 last_ns;
	__u64 packets;   /* packets that exceeded the band */
	__u64 bytes;
};

/* The per-CPU scratch space of one packet: too big for the 512-byte stack. */
struct scratch {
	struct flow_key key;
	__u16 l3_off;    /* offset of the network header */
	__u16 l4_off;    /* offset of the transport header, 0 if none */
	__u16 vlan_off;  /* offset of the first in-data VLAN tag */
	__u16 n_data_vlan; /* VLAN tags in the packet data (not the skb's) */
	__u16 eth_type;  /* the current ethertype after the VLAN tags */
	__u16 pad;
	__u32 ifindex;
	struct upcall_meta meta;
};

/* The execute program's input: one action list and its in_port. */
struct exec_req {
	__u32 in_port;
	__u32 pad;
	struct flow_actions acts;
};

#endif
