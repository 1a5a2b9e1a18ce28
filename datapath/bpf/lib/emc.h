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

/* flow_lookup returns the flows entry of s->key, through flow_emc. An
 * entry comes from flow_emc when it was copied there in the current
 * generation of flows: a packet that meets a change under way sees the
 * entry as it was just before or just after, as with the flows lookup,
 * because the generation is read before flows is and userspace moves it
 * only after its change. Only entries both hooks run whole (no flags) are
 * copied. A live entry of another key is replaced one time in eight, so
 * that more flows than entries do not copy 900 bytes a packet. The copy
 * needs no guard: an entry is only its CPU's, and a CPU runs one of these
 * programs at a time (XDP runs in softirq context, TC ingress in softirq
 * context or with bottom halves disabled; scratch_map assumes the same). */
static __always_inline struct flow_entry *flow_lookup(struct scratch *s)
{
	if (!emc_on)
		return bpf_map_lookup_elem(&flows, &s->key);
	__u32 zero = 0;
	__u64 *gen = bpf_map_lookup_elem(&flow_gen, &zero);
	if (!gen)
		return bpf_map_lookup_elem(&flows, &s->key);
	__u64 stamp = *(volatile __u64 *)gen + 1;
	__u32 idx = emc_index(&s->key);
	struct emc_entry *c = bpf_map_lookup_elem(&flow_emc, &idx);
	if (!c)
		return bpf_map_lookup_elem(&flows, &s->key);
	if (c->stamp == stamp && emc_key_eq(&c->key, &s->key))
		return &c->e;
	struct flow_entry *e = bpf_map_lookup_elem(&flows, &s->key);
	if (e && !e->acts.flags && (c->stamp != stamp || !(++s->emc_tick & 7))) {
		__builtin_memcpy(&c->key, &s->key, sizeof(c->key));
		__builtin_memcpy(&c->e, e, sizeof(c->e));
		c->stamp = stamp;
	}
	return e;
}

#endif
