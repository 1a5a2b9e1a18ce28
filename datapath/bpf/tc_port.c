/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The TC (tcx) ingress program of a port, and the execute program that
 * runs a userspace-supplied action list on a packet through BPF_PROG_RUN.
 * TC is the default on veth and tap: an skb keeps its checksum-offload
 * state and GSO across bpf_redirect, which XDP redirect loses. */
#define XVS_TC
#include "lib/pipeline.h"

/* The parser reads the skb's linear area. A stack puts its headers there
 * (a TCP GSO skb has exactly its 66 header bytes linear and the payload in
 * page fragments), so only a head shorter than PULL_MIN is pulled, to
 * PULL_LEN bytes: pulling every GSO skb would copy (and unclone) each one. */
#define PULL_MIN 64
#define PULL_LEN 512

SEC("tc")
int xvs_tc_ingress(struct __sk_buff *skb)
{
	__u32 lin = skb->data_end - skb->data;
	if (lin < PULL_MIN && skb->len > lin)
		bpf_skb_pull_data(skb, skb->len < PULL_LEN ? skb->len : PULL_LEN);
	__u16 tpid = 0, tci = 0;
	if (skb->vlan_present) {
		tpid = bpf_ntohs((__u16)skb->vlan_proto);
		tci = skb->vlan_tci;
	}
	return port_ingress(skb, skb->ifindex, tpid, tci, FLOW_F_SLOWPATH | FLOW_F_USERSPACE);
}

/* xvs_tc_exec runs exec_map's list on the packet given to BPF_PROG_RUN.
 * Every output is a clone (a test run does not transmit a redirect), so
 * the packet leaves each port as the fast path would send it. A test run
 * transmits nothing by itself whatever the return value. */
SEC("tc")
int xvs_tc_exec(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct exec_req *req = bpf_map_lookup_elem(&exec_map, &zero);
	struct scratch *s = scratch_get();
	if (!req || !s)
		return 2;
	parse_frame(skb, s, (void *)(long)skb->data, (void *)(long)skb->data_end, req->in_port, 0, 0);
	if (!req->standin_len) /* a stand-in (meterInBPF, countTx) is no execution */
		dp_count(DP_EXEC);
	/* The clones are what leaves; the return value tells userspace
	 * whether the list stopped and which meter band applied. */
	return run_actions(skb, s, &req->acts, 1, req->standin_len);
}

/* xvs_clock reads the kernel's tick count for userspace, which cannot, to
 * pair it with CLOCK_MONOTONIC and convert the jiffies in flow_stats.used
 * (ebpf.calibrateClock). BPF_PROG_RUN only: it writes them over the start
 * of the packet it is given (a TC program: a test run of XDP waits for RCU
 * grace periods). */
SEC("tc")
int xvs_clock(struct __sk_buff *skb)
{
	__u64 *j = (void *)(long)skb->data;
	if ((void *)(j + 1) > (void *)(long)skb->data_end)
		return 2;
	*j = bpf_jiffies64();
	return 0;
}

char __license[] SEC("license") = "Dual BSD/GPL";
