/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The maps every port program shares. The loader pins them by name under
 * the datapath's bpffs directory; programs attached to different ports and
 * compiled into different objects find the same maps there. */
#ifndef XVS_MAPS_H
#define XVS_MAPS_H

#include "common.h"

/* The exact-match flow cache: key -> action list and counter slot. The
 * loader sets max_entries of flows and flow_counters (the same). Entries are
 * allocated on insert (bpf_mem_alloc: cheap on kernel 6.x): preallocating
 * max_entries values of ~790 bytes would cost ~190 MB at 200,000 entries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_entry);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} flows SEC(".maps");

/* The counters of the cache's entries, by slot (struct flow_entry.slot).
 * Userspace maps it into its memory: it zeroes a slot and reads counters
 * without a system call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct flow_stats);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_MMAPABLE);
} flow_counters SEC(".maps");

/* A count of the changes management handles (dpctl on the pinned maps)
 * made to the cache: the process running the datapath keeps a mirror of
 * the slots and rebuilds it when this moves. The programs do not use it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} flow_writes SEC(".maps");

/* The cache's generation: userspace adds one after each change that
 * modifies or removes an entry of flows (inserting a new key changes no
 * cached entry), through its mapping of this array. flow_emc's entries
 * are valid only in the generation they were filled in. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
} flow_gen SEC(".maps");

/* The exact-match cache in front of flows, per CPU, two-way set associative
 * by a hash of the key's busiest words (emc_index, emc_victim), or of its
 * fast key (fast_index): a hit costs a multiply and
 * a compare of the key, where a flows lookup hashes all 128 bytes of it
 * (jhash2: ~50 ns a packet, most of the XDP fast path's cost). Entries are
 * copies of flows entries, tagged with the generation they were copied
 * in: any change to flows outdates them all. Not pinned: each loaded set
 * of programs has its own, empty at load. */
struct emc_entry {
	__u64 stamp; /* flow_gen + 1 when filled; 0: empty */
	/* The frame's fast key (emc.h), if filled from one; otherwise
	 * fast[FAST_WORDS-1] is 0, which no fast key is. */
	__u64 fast[FAST_WORDS];
	/* The copy next to the fast key: a fast-key hit with a lone output
	 * reads the first two cache lines only. */
	struct flow_entry e;
	struct flow_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct emc_entry);
	__uint(max_entries, XVS_EMC_SIZE);
} flow_emc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct long_actions);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} long_lists SEC(".maps");

/* ifindex -> datapath port, for ingress. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct port_info);
	__uint(max_entries, XVS_MAX_PORTS);
} ports_in SEC(".maps");

/* A direct-mapped cache of ports_in: slot ifindex % XVS_MAX_PORTS holds
 * one port whose ifindex selects it. The verifier inlines an array lookup
 * into an index computation; the hash lookup costs ~10 ns a packet. A port
 * whose slot another holds is found in ports_in (port_of). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct port_slot);
	__uint(max_entries, XVS_MAX_PORTS);
} ports_direct SEC(".maps");
_Static_assert((XVS_MAX_PORTS & (XVS_MAX_PORTS - 1)) == 0, "ports_direct's slot is a mask");

/* datapath port -> ifindex, for output. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct port_out);
	__uint(max_entries, XVS_MAX_PORTS);
} ports_out SEC(".maps");

/* datapath port -> device, for XDP's output: bpf_redirect_map looks the
 * device up by index (no ports_out hash lookup, no search of the
 * namespace's devices by ifindex as bpf_redirect does) and queues the frame
 * in the devmap's per-CPU bulk queue. The loader holds the ports XDP can
 * redirect to (not those flagged needing an skb); the kernel drops a
 * device's slot when the device goes away. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, XVS_MAX_PORTS + 1);
} tx_ports SEC(".maps");

/* The port-wide entries (datapath.PutPortWide), by ingress port number:
 * the output port in the low 32 bits (with WIDE_XDP_PASS), the counter
 * slot of the entry's flows copy in the high 32 (which names the entry;
 * its packets count in wide_counters); 0: none. A port-wide
 * entry takes every packet of its port ahead of the flow cache: no key,
 * no lookup. Userspace writes a value with one 8-byte store through its
 * mapping, so a packet sees an entry whole, the old one or the new. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, XVS_MAX_PORTS + 1);
	__uint(map_flags, BPF_F_MMAPABLE);
} port_wide SEC(".maps");

/* The packets port-wide entries took, by ingress port number: the only
 * count of such a packet. They stand for the port's rx and the
 * datapath's hits too (userspace adds them to port_counters' and
 * dp_stats'), which spares the fast path two counters. They only grow,
 * but for a port's removal, and wide_base holds what userspace needs to
 * split them: an entry's packets are the port's since it became
 * port-wide. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct wide_stats);
	__uint(max_entries, XVS_MAX_PORTS + 1);
} wide_counters SEC(".maps");

/* Userspace's marks on wide_counters, by port: their sums when the port's
 * entry became port-wide (or had its counters reset); slot 0: the hits
 * of removed ports. Written and read through userspace's mapping only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct wide_stats);
	__uint(max_entries, XVS_MAX_PORTS + 1);
	__uint(map_flags, BPF_F_MMAPABLE);
} wide_base SEC(".maps");

/* Per-port counters, indexed by port number (1..XVS_MAX_PORTS: the loader
 * refuses others). An array, not a hash: the verifier inlines its lookup
 * into an index computation, where a hash lookup hashes and walks a bucket
 * twice a packet (rx and tx), ~18 ns of the XDP fast path. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct port_stats);
	__uint(max_entries, XVS_MAX_PORTS + 1);
} port_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, DP_NCOUNTERS);
} dp_stats SEC(".maps");

/* Upcalls: misses and userspace actions go to userspace through one BPF
 * ring buffer shared by every CPU (max_entries: its size in bytes, a power
 * of two, set by the loader). bpf_ringbuf_output never blocks: a full ring
 * fails the call, which counts DP_LOST. Its wake-ups are adaptive: the
 * reader is woken only when it has caught up, so a burst of misses costs
 * one wake-up rather than one an upcall (a perf event array woke the
 * reader for every sample, an interrupt and in a VM an exit each). Not
 * pinned: each process reads its own ring. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} upcalls SEC(".maps");

/* Where an upcall is put together (metadata, then the frame) before one
 * copy into the ring: an ARRAY indexed by CPU (the loader sets max_entries
 * to the possible CPUs), since a per-CPU value cannot hold 64 KB. */
struct upcall_buf {
	struct upcall_meta meta;
	__u8 frame[65536]; /* XVS_UPCALL_MAX used, in a power of two */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct upcall_buf);
	__uint(max_entries, 1);
} upcall_bufs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct meter);
	__uint(max_entries, 4096);
} meters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct scratch);
	__uint(max_entries, 1);
} scratch_map SEC(".maps");

/* The action list of the packet being executed from userspace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct exec_req);
	__uint(max_entries, 1);
} exec_map SEC(".maps");

static __always_inline void dp_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&dp_stats, &idx);
	if (v)
		*v += 1;
}

/* port_of finds the datapath port of an ingress device: 0 if none. */
static __always_inline __u32 port_of(__u32 ifindex)
{
	__u32 slot = ifindex & (XVS_MAX_PORTS - 1);
	struct port_slot *ps = bpf_map_lookup_elem(&ports_direct, &slot);
	if (ps && ps->ifindex == ifindex)
		return ps->port_no;
	struct port_info *pi = bpf_map_lookup_elem(&ports_in, &ifindex);
	return pi ? pi->port_no : 0;
}

/* flow_count counts a packet of a cached entry in its counter slot. */
static __always_inline void flow_count(__u32 slot, __u32 len, __u16 tcp_flags)
{
	struct flow_stats *st = bpf_map_lookup_elem(&flow_counters, &slot);
	if (!st)
		return;
	__u32 me = bpf_get_smp_processor_id() + 1; /* inlined: a per-CPU load */
	__u32 owner = st->owner;
	if (!owner) {
		owner = __sync_val_compare_and_swap(&st->owner, 0, me);
		if (!owner)
			owner = me;
	}
	if (owner == me) {
		st->packets++;
		st->bytes += len;
	} else {
		__sync_fetch_and_add(&st->shared_packets, 1);
		__sync_fetch_and_add(&st->shared_bytes, len);
	}
	/* The tick count: the verifier inlines bpf_jiffies64 into a load,
	 * where bpf_ktime_get_coarse_ns is a call (3 ns a packet). */
	st->used = bpf_jiffies64();
	/* An atomic OR (BPF ISA v3), issued only when it adds a flag: most
	 * packets of a connection repeat the flags already seen. */
	if ((st->tcp_flags | tcp_flags) != st->tcp_flags)
		__sync_fetch_and_or(&st->tcp_flags, tcp_flags);
}

static __always_inline struct port_stats *port_stats_of(__u32 port)
{
	return bpf_map_lookup_elem(&port_counters, &port);
}

#endif
