/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The flow cache's lookup through its per-CPU exact-match cache
 * (flow_emc, maps.h). */
#ifndef XVS_EMC_H
#define XVS_EMC_H

#include "maps.h"

/* log2 of flow_emc's entries per CPU: the loader sets both (fewer on hosts
 * with many CPUs, so the cache stays within a memory budget). The
 * verifier knows a read-only global's value: the shift is a constant. */
volatile const __u32 emc_bits = XVS_EMC_BITS;

/* Whether the programs use flow_emc at all. The loader turns it off on
 * hosts whose CPUs may reorder loads (arm64): flow_lookup relies on its
 * read of flow_gen coming before its read of the flows entry, which x86
 * guarantees; elsewhere that needs a load-acquire (BPF ISA, kernel 6.15
 * and clang 21) or a full barrier on every miss. */
volatile const __u32 emc_on = 1;

#define KEY_WORDS (sizeof(struct flow_key) / 8)
_Static_assert(sizeof(struct flow_key) % 8 == 0, "flow_key is whole words");

/* emc_index picks a key's flow_emc entry from the words that differ most
 * between flows: in_port and fields, the Ethernet addresses, the network
 * addresses and the transport ports and flags (common.h's layout). A
 * collision only costs a miss: the whole key is compared. */
static __always_inline __u32 emc_index(const struct flow_key *k)
{
	const w64 *w = (const w64 *)k;
	__u64 h = w[0] ^ w[2] ^ (w[3] << 5) ^ w[6] ^ (w[7] << 9) ^ (w[8] << 13) ^
		  (w[9] << 19) ^ (w[14] << 23) ^ w[15];
	h *= 0x9e3779b97f4a7c15ULL; /* Fibonacci hashing: the top bits mix all */
	return h >> (64 - emc_bits);
}

static __always_inline int emc_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	const w64 *x = (const w64 *)a, *y = (const w64 *)b;
	__u64 d = 0;
#pragma clang loop unroll(full)
	for (int i = 0; i < KEY_WORDS; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* The fast key of a frame: the bytes parse_fast makes an untagged IPv4
 * key of, taken from the frame as they are, with the in_port and the TCP
 * flags. Equal fast keys mean equal flow keys: every byte parse_fast reads
 * is in it, and how much of the frame it needs (fast_key checks the
 * same). The reverse does not hold (bytes parse_fast only checks are
 * here whole), which costs only a miss. What a fast key leaves out is
 * what varies within a flow: the IPv4 total length, ID and checksum, and
 * what follows the ports (TCP sequence numbers and window, the UDP
 * length and checksum). With it, a packet of a cached flow finds its
 * entry without being parsed: flow_emc keeps, for a frame whose key
 * parse_fast made, its fast key next to its flow key, in the entry the
 * fast key's hash picks. */
struct fast_key {
	__u64 w[FAST_WORDS];
};

/* emc_stamp returns the stamp of entries filled in the current generation
 * of flows (0 if flow_gen cannot be read: no entry has it). */
static __always_inline __u64 emc_stamp(void)
{
	__u32 zero = 0;
	__u64 *gen = bpf_map_lookup_elem(&flow_gen, &zero);
	return gen ? *(volatile __u64 *)gen + 1 : 0;
}

/* flow_emc is two-way set associative: a key may sit in the entry its hash
 * picks or in that entry's neighbour (index ^ 1), so two flows whose
 * hashes meet can both stay. emc_victim picks which of a set's entries,
 * a and b, a miss fills: an empty or outdated one; of two live ones
 * (other keys), one time in eight, either in turn, so that more flows
 * than entries do not copy 900 bytes a packet; otherwise none. */
static __always_inline struct emc_entry *emc_victim(struct scratch *s, struct emc_entry *a,
						    struct emc_entry *b, __u64 stamp)
{
	if (!a || !b)
		return 0;
	if (a->stamp != stamp)
		return a;
	if (b->stamp != stamp)
		return b;
	__u32 t = ++s->emc_tick;
	if (t & 7)
		return 0;
	return (t & 8) ? a : b;
}

/* emc_fill looks s->key up in flows and copies the entry into c (if any),
 * under the fast key f if there is one. Only entries both hooks run whole
 * (no flags) are copied. The copy needs no guard: an entry is only its
 * CPU's, and a CPU runs one of these programs at a time (XDP runs in
 * softirq context, TC ingress in softirq context or with bottom halves
 * disabled; scratch_map assumes the same). */
static __always_inline struct flow_entry *emc_fill(struct scratch *s, struct emc_entry *c,
						   __u64 stamp, const struct fast_key *f)
{
	struct flow_entry *e = bpf_map_lookup_elem(&flows, &s->key);
	if (!e || !c || !stamp || e->acts.flags)
		return e;
	if (f)
		__builtin_memcpy(c->fast, f->w, sizeof(c->fast));
	else
		c->fast[FAST_WORDS - 1] = 0;
	__builtin_memcpy(&c->key, &s->key, sizeof(c->key));
	__builtin_memcpy(&c->e, e, sizeof(c->e));
	c->stamp = stamp;
	return e;
}

/* flow_lookup returns the flows entry of s->key, through flow_emc. An
 * entry comes from flow_emc when it was copied there in the current
 * generation of flows: a packet that meets a change under way sees the
 * entry as it was just before or just after, as with the flows lookup,
 * because the generation is read before flows is and userspace moves it
 * only after its change. */
static __always_inline struct flow_entry *flow_lookup(struct scratch *s)
{
	if (!emc_on)
		return bpf_map_lookup_elem(&flows, &s->key);
	__u64 stamp = emc_stamp();
	__u32 idx = emc_index(&s->key);
	struct emc_entry *c = bpf_map_lookup_elem(&flow_emc, &idx);
	if (c && stamp && c->stamp == stamp && emc_key_eq(&c->key, &s->key))
		return &c->e;
	idx ^= 1;
	struct emc_entry *c2 = bpf_map_lookup_elem(&flow_emc, &idx);
	if (c2 && stamp && c2->stamp == stamp && emc_key_eq(&c2->key, &s->key))
		return &c2->e;
	return emc_fill(s, emc_victim(s, c, c2, stamp), stamp, 0);
}


/* fast_key fills f from an untagged frame that parse_fast keys as IPv4
 * (TCP or UDP, no options, not a fragment), and returns 0 for any
 * other. */
static __always_inline int fast_key(void *data, void *data_end, __u32 in_port, struct fast_key *f)
{
	if (data + 42 > data_end)
		return 0;
	__u64 w1 = *(__u64 *)(data + 8); /* eth_src[2..5], type, version/IHL, TOS */
	if (((w1 >> 32) & 0xffffff) != 0x450008)
		return 0;
	if (*(__be16 *)(data + 20) & bpf_htons(0x3fff)) /* a fragment */
		return 0;
	__u8 proto = *(__u8 *)(data + 23);
	__u64 flags = 0;
	if (proto == IPPROTO_TCP_) {
		if (data + 54 > data_end)
			return 0;
		flags = bpf_ntohs(*(__be16 *)(data + 46)) & 0x0fff;
	} else if (proto != IPPROTO_UDP_) {
		return 0;
	}
	f->w[0] = *(__u64 *)data;                                          /* eth_dst, eth_src[0..1] */
	f->w[1] = w1;
	f->w[2] = *(__u32 *)(data + 20) | (__u64)*(__u32 *)(data + 26) << 32; /* frag, TTL, proto; saddr */
	f->w[3] = *(__u64 *)(data + 30);                                   /* daddr, ports */
	f->w[4] = in_port | flags << 32 | 1ULL << 63;                      /* never 0 */
	return 1;
}

/* fast_tcp_flags returns the TCP flags a fast key holds (0 for UDP). */
static __always_inline __u16 fast_tcp_flags(const struct fast_key *f)
{
	return f->w[FAST_WORDS - 1] >> 32;
}

static __always_inline __u32 fast_index(const struct fast_key *f)
{
	__u64 h = f->w[0] ^ (f->w[1] << 7) ^ (f->w[2] << 17) ^ f->w[3] ^ (f->w[4] << 29);
	h *= 0x9e3779b97f4a7c15ULL;
	return h >> (64 - emc_bits);
}

/* fast_hit returns the flow_emc entry filled under f in the current
 * generation (stamp), if it is in c. */
static __always_inline struct flow_entry *fast_hit(struct emc_entry *c, __u64 stamp,
						   const struct fast_key *f)
{
	if (!c || !stamp || c->stamp != stamp)
		return 0;
	__u64 d = 0;
#pragma clang loop unroll(full)
	for (int i = 0; i < FAST_WORDS; i++)
		d |= c->fast[i] ^ f->w[i];
	return d ? 0 : &c->e;
}

/* fast_lookup returns the entry filled under f in the current generation
 * (stamp), from either entry of its set. *c is the entry that holds it,
 * or, on a miss, the set's first entry and *c2 the second (emc_victim
 * picks which a fill takes). */
static __always_inline struct flow_entry *fast_lookup(const struct fast_key *f, __u64 stamp,
						      struct emc_entry **c, struct emc_entry **c2)
{
	__u32 idx = fast_index(f);
	*c = bpf_map_lookup_elem(&flow_emc, &idx);
	struct flow_entry *e = fast_hit(*c, stamp, f);
	if (e)
		return e;
	idx ^= 1;
	*c2 = bpf_map_lookup_elem(&flow_emc, &idx);
	e = fast_hit(*c2, stamp, f);
	if (e)
		*c = *c2;
	return e;
}

#endif
