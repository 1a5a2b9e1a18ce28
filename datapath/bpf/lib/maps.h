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

/* datapath port -> ifindex, for output. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct port_out);
	__uint(max_entries, XVS_MAX_PORTS);
} ports_out SEC(".maps");

/* Per-port counters, by port number. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, struct port_stats);
	__uint(max_entries, XVS_MAX_PORTS);
} port_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, DP_NCOUNTERS);
} dp_stats SEC(".maps");

/* Upcalls: misses and userspace actions, frame bytes appended by the
 * helper. perf output never blocks: a full ring fails and counts DP_LOST. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} upcalls SEC(".maps");

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

/* flow_count counts a packet of a cached entry in its slot. */
static __always_inline void flow_count(struct flow_entry *e, __u32 len, __u16 tcp_flags)
{
	__u32 slot = e->slot;
	struct flow_stats *st = bpf_map_lookup_elem(&flow_counters, &slot);
	if (!st)
		return;
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, len);
	st->used_ns = bpf_ktime_get_coarse_ns();
	/* A plain OR, written only when it adds a flag: bpf2go's -mcpu=v1
	 * has no atomic OR. Two CPUs adding different flags to one exact
	 * flow at the same instant could lose one; packets and bytes, which
	 * must be exact, use atomic adds. */
	if ((st->tcp_flags | tcp_flags) != st->tcp_flags)
		st->tcp_flags |= tcp_flags;
}

static __always_inline struct port_stats *port_stats_of(__u32 port)
{
	struct port_stats *s = bpf_map_lookup_elem(&port_counters, &port);
	if (s)
		return s;
	struct port_stats zero = {};
	bpf_map_update_elem(&port_counters, &port, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&port_counters, &port);
}

#endif
