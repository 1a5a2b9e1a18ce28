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
/* flow_emc's entries per CPU at most: 1 << XVS_EMC_BITS (emc.h). */
#define XVS_EMC_BITS 10
#define XVS_EMC_SIZE (1 << XVS_EMC_BITS)
/* The words of a frame's fast key (emc.h, fast_key). */
#define FAST_WORDS 5
#define XVS_MAX_VLAN 2
#define XVS_MAX_IPV6_EXT 8
/* Upcalls copy at most this much of the frame: the largest frame an MTU of
 * 64 KiB can carry, minus the perf sample's own header. */
#define XVS_UPCALL_MAX 65000

/* Word access to the key that the compiler knows may alias its fields
 * (parse_fast writes it, the exact-match cache reads it, by words). */
typedef __u64 __attribute__((may_alias)) w64;
typedef __u32 __attribute__((may_alias)) w32;
typedef __u16 __attribute__((may_alias)) w16;

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

/* IP protocol numbers (IANA). */
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

/* key.nw_frag: the fragment state (datapath.Frag). */
#define FRAG_NONE 0
#define FRAG_FIRST 1 /* offset 0, more fragments: L4 parsed */
#define FRAG_LATER 2 /* offset != 0: L4 not parsed */

/* key.ipv6_exthdr: OXM_OF_IPV6_EXTHDR flags (OpenFlow 1.3.5 §7.2.3.8). */
#define EXT_NONEXT (1 << 0)
#define EXT_ESP (1 << 1)
#define EXT_AUTH (1 << 2)
#define EXT_DEST (1 << 3)
#define EXT_FRAG (1 << 4)
#define EXT_ROUTER (1 << 5)
#define EXT_HOP (1 << 6)
#define EXT_UNREP (1 << 7)
#define EXT_UNSEQ (1 << 8)

/* key.fields: which headers parsed (datapath.KeyFields, bit for bit). */
#define F_ETH (1 << 0)
#define F_VLAN0 (1 << 1)
#define F_VLAN1 (1 << 2)
#define F_MPLS (1 << 3)
#define F_PBB (1 << 4)
#define F_IPV4 (1 << 5)
#define F_IPV6 (1 << 6)
#define F_ARP (1 << 7)
#define F_TCP (1 << 8)
#define F_UDP (1 << 9)
#define F_SCTP (1 << 10)
#define F_ICMP (1 << 11)
#define F_ICMPV6 (1 << 12)
#define F_ND (1 << 13)
#define F_TUNNEL (1 << 14)

/* The exact-match flow key: datapath.FlowKey with the fields of mutually
 * exclusive headers overlaid (fields says which header filled them). Every
 * byte is part of the hash key, so padding is explicit and the key is
 * zeroed before parsing. Byte arrays are in network order, scalars in host
 * order. */
struct flow_key {
	__u32 in_port;
	__u32 fields;        /* F_* */
	__u64 tun_id;
	__u8 eth_src[6];
	__u8 eth_dst[6];
	__u16 eth_type;      /* after the parsed VLAN tags */
	__u16 vlan_tpid[XVS_MAX_VLAN]; /* [0] is the outer tag */
	__u16 vlan_tci[XVS_MAX_VLAN];  /* PCP<<13 | DEI<<12 | VID */
	__u16 arp_op;
	__u32 mpls_lse;      /* the top label stack entry */
	__u32 pbb_isid;
	__u8 nw_src[16];     /* IPv4 (first 4 bytes), IPv6, ARP SPA */
	__u8 nw_dst[16];     /* IPv4 (first 4 bytes), IPv6, ARP TPA */
	__u8 nd_target[16];
	__u8 arp_sha[6];     /* ARP SHA, ND SLL */
	__u8 arp_tha[6];     /* ARP THA, ND TLL */
	__u32 ipv6_label;
	__u16 ipv6_exthdr;
	__u16 tp_src;        /* TCP/UDP/SCTP source port; ICMP type */
	__u16 tp_dst;        /* TCP/UDP/SCTP destination port; ICMP code */
	__u16 tcp_flags;
	__u8 nw_proto;
	__u8 nw_tos;         /* DSCP<<2 | ECN */
	__u8 nw_ttl;
	__u8 nw_frag;        /* FRAG_* */
	__u8 pad[4];
};

/* Action kinds: datapath.ActionKind, number for number (the Kind byte of
 * a datapath.ActionSlot). */
enum action_kind {
	ACT_OUTPUT = 1,     /* w: port; b: OUT_F_* */
	ACT_PUSH_VLAN,      /* h: TPID; w: TCI */
	ACT_POP_VLAN,
	ACT_SET_VLAN_VID,   /* h */
	ACT_SET_VLAN_PCP,   /* b */
	ACT_SET_ETH_SRC,    /* data[0..6] */
	ACT_SET_ETH_DST,    /* data[0..6] */
	ACT_SET_IPV4_SRC,   /* data[0..4] */
	ACT_SET_IPV4_DST,   /* data[0..4] */
	ACT_SET_IP_DSCP,    /* b */
	ACT_SET_IP_ECN,     /* b */
	ACT_SET_IP_TTL,     /* b */
	ACT_DEC_TTL,
	ACT_SET_IPV6_SRC,   /* data[0..16] */
	ACT_SET_IPV6_DST,   /* data[0..16] */
	ACT_SET_TP_SRC,     /* h */
	ACT_SET_TP_DST,     /* h */
	ACT_SET_ICMP_TYPE,  /* b */
	ACT_SET_ICMP_CODE,  /* b */
	ACT_PUSH_MPLS,      /* h: ethertype; w: label; b: TC; data[0]: TTL */
	ACT_POP_MPLS,       /* h: next ethertype */
	ACT_SET_MPLS_LABEL, /* w */
	ACT_SET_MPLS_TC,    /* b */
	ACT_SET_MPLS_TTL,   /* b */
	ACT_DEC_MPLS_TTL,
	ACT_COPY_TTL_IN,
	ACT_COPY_TTL_OUT,
	ACT_PUSH_PBB,       /* w: I-SID */
	ACT_POP_PBB,
	ACT_USERSPACE,      /* data[0..8]: cookie, little endian */
	ACT_METER,          /* w: meter id */
	ACT_SLOWPATH,
	ACT_SET_ARP_OP,     /* h */
	ACT_SET_ARP_SPA,    /* data[0..4] */
	ACT_SET_ARP_TPA,    /* data[0..4] */
	ACT_SET_ARP_SHA,    /* data[0..6] */
	ACT_SET_ARP_THA,    /* data[0..6] */
	ACT_SET_ND_TARGET,  /* data[0..16] */
	ACT_SET_ND_SLL,     /* data[0..6] */
	ACT_SET_ND_TLL,     /* data[0..6] */
	ACT_SET_IPV6_LABEL, /* w */
	ACT_SET_PBB_ISID,   /* w */
	ACT_SET_MPLS_BOS,   /* b */
};

/* One action: the C mirror of datapath.ActionSlot. */
struct action {
	__u8 kind;
	__u8 b;
	__u16 h;
	__u32 w;
	__u8 data[16];
};

/* flow_actions.flags */
#define FLOW_F_SLOWPATH (1 << 0) /* no fast path can run this list */
#define FLOW_F_XDP_SLOW (1 << 1) /* the XDP program cannot run it (TC can) */
/* The BPF code lacks an action of the list (push/pop MPLS or PBB, TTL
 * copies, SCTP ports, long lists): the datapath's own userspace executes
 * it, invisibly to its user (UPCALL_INTERNAL). */
#define FLOW_F_USERSPACE (1 << 2)

/* In port_wide's value (maps.h): the output needs an skb, so the XDP
 * program passes the port's packets to TC, which runs the entry. */
#define WIDE_XDP_PASS (1U << 31)

/* action.b of ACT_OUTPUT */
#define OUT_F_LAST (1 << 0) /* no output or userspace action follows */

/* port_out.flags */
#define PORT_F_PEER (1 << 0) /* a veth whose peer is in another netns */

struct flow_actions {
	__u32 flags;
	__u32 n;
	struct action a[XVS_MAX_ACTIONS];
};

/* Lists longer than the fast path runs are kept whole here, for userspace
 * (datapath.MaxActions); their flows entry is marked FLOW_F_SLOWPATH. */
#define XVS_MAX_LONG_ACTIONS 256
struct long_actions {
	__u32 n;
	__u32 pad;
	struct action a[XVS_MAX_LONG_ACTIONS];
};

/* The counters of one cache entry: flow_counters[slot] of its flows value.
 * One plain array shared by every CPU, a cache line an entry, preallocated
 * with the cache. An exact flow is nearly always handled on one CPU: the
 * first CPU to count a packet of the entry claims it (owner) and counts
 * in packets and bytes with plain adds, as their only writer (a CPU runs
 * one of these programs at a time: they run in softirq context or with
 * bottom halves disabled); any other CPU counts in the shared pair with
 * atomic adds, which cost 7 ns a packet. The entry's counts are the sums
 * of both pairs. */
struct flow_stats {
	__u64 packets;        /* the owner's */
	__u64 bytes;
	__u64 used;           /* bpf_jiffies64() of the last packet */
	__u32 tcp_flags;
	__u32 owner;          /* the claiming CPU's number + 1; 0: none yet; ~0: none ever (a reset) */
	__u64 shared_packets; /* the other CPUs' */
	__u64 shared_bytes;
	__u64 pad[2];
};

/* The packets of a port's port-wide entries (wide_counters, maps.h),
 * per CPU: plain adds, where a flow_stats slot shared by every packet of
 * a port would take atomic ones on all CPUs but its owner. Also the
 * value of wide_base. */
struct wide_stats {
	__u64 packets;
	__u64 bytes;
	__u64 used; /* bpf_jiffies64() of the last packet */
};

/* The value of the flows map: the action list and the slot of the entry's
 * counters in flow_counters. Userspace allocates slots (and zeroes a slot
 * before it names it in an entry); the programs only read them. */
struct flow_entry {
	__u32 slot;
	__u32 pad;
	struct flow_actions acts;
};

/* Why a packet went to userspace. */
enum upcall_reason {
	UPCALL_MISS = 0,
	UPCALL_ACTION = 1,   /* a userspace action */
	UPCALL_SLOWPATH = 2, /* the entry's list needs userspace */
	UPCALL_TTL = 3,      /* dec_ttl found TTL <= 1 */
	UPCALL_INTERNAL = 4, /* FLOW_F_USERSPACE: the datapath executes it */
};

/* Metadata in front of the frame in every upcall sample. */
struct upcall_meta {
	__u32 in_port;
	enum upcall_reason reason;
	__u64 cookie;
	__u32 pkt_len;  /* the frame's length */
	__u32 cap_len;  /* bytes of it that follow */
	/* TC: a VLAN tag the kernel had already taken out of the frame (0:
	 * none); the bytes that follow lack it and userspace puts it back. */
	__u16 skb_vlan_tpid;
	__u16 skb_vlan_tci;
	__u32 pad;
	struct flow_key key;
};

struct port_info {
	__u32 port_no;
	__u32 flags;
};

/* ports_direct value: a port's ifindex and number, in the slot its
 * ifindex selects (0, 0: none). */
struct port_slot {
	__u32 ifindex;
	__u32 port_no;
};

/* ports_out value. The fast path reads ifindex and flags; the rest is the
 * port's description, kept here so a restarted process finds its ports in
 * the pinned map. */
struct port_out {
	__u32 ifindex;
	__u32 flags;
	__u8 type;      /* datapath.PortType */
	__u8 attach;    /* datapath.AttachMode in effect */
	__u8 pad[2];
	__u8 name[16];
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

/* Meters (OpenFlow 1.3.5 §5.7, datapath.MeterConfig): one token bucket per
 * band. Tokens are kept in rate units x nanoseconds so a refill is one
 * multiplication: a kilobit costs 1e9 kbps*ns, a packet 1e9 pps*ns. */
#define XVS_MAX_BANDS 8
#define METER_BAND_DROP 1
#define METER_BAND_DSCP 2
#define METER_F_PKTPS (1 << 0)

struct meter_band {
	__u32 type;      /* METER_BAND_* */
	__u32 prec;      /* DSCP remark: drop precedence increase */
	__u32 rate;      /* kbps or pps */
	__u32 burst;     /* kbit or packets */
	__u64 tokens;
	__u64 packets;   /* packets the band applied to */
	__u64 bytes;
};

struct meter {
	struct bpf_spin_lock lock;
	__u32 flags;
	__u32 nbands;
	__u32 pad;
	__u64 last_ns;
	__u64 packets;
	__u64 bytes;
	struct meter_band bands[XVS_MAX_BANDS];
};

/* The per-CPU scratch space of one packet: too big for the 512-byte stack. */
struct scratch {
	struct flow_key key;
	__u16 l3_off;    /* offset of the network header */
	__u16 l4_off;    /* offset of the transport header, 0 if none */
	__u16 eth_type;  /* the current ethertype after the VLAN tags */
	__u16 cut;       /* a header ran past the readable data (parse_frame) */
	__u32 emc_tick;  /* counts flow_emc refills of live entries (flow_lookup) */
	__u32 pad;
};

/* The execute program's input: one action list and its in_port. */
struct exec_req {
	__u32 in_port;
	__u32 standin_len; /* if not 0, the packet stands in for a frame this long (run_actions) */
	struct flow_actions acts;
};

#endif
