// SPDX-License-Identifier: GPL-2.0
// The bare programs `make bench` measures xvs against (tests/bench), and
// its packet generator and counter. None of them parses more than it must:
// they are the ceilings a switch cannot beat on this machine.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

// Bare XDP redirect: ingress ifindex -> egress ifindex (a devmap keyed by
// ifindex, so the redirect is bpf_redirect_map's bulked fast path).
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xdp_fwd SEC(".maps");

SEC("xdp")
int xb_xdp_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xdp_fwd, ctx->ingress_ifindex, XDP_DROP);
}

// Bare TC redirect: ingress ifindex -> the host end whose namespace peer
// receives the packet (bpf_redirect_peer: straight into the namespace).
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tc_fwd SEC(".maps");

SEC("tc")
int xb_tc_redirect(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	__u32 *out = bpf_map_lookup_elem(&tc_fwd, &key);

	if (!out)
		return TC_ACT_SHOT;
	return bpf_redirect_peer(*out, 0);
}

// Receiver: counts IPv4 UDP frames to the generator's destination port
// range and drops them; everything else (ARP, neighbour discovery) passes.
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rx_count SEC(".maps");

// counted says whether a frame is one of the generator's (UDP to
// 0x1xxx) and counts it.
static __always_inline int counted(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 zero = 0;
	__u64 *n;

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	if ((bpf_ntohs(udp->dest) & 0xf000) != 0x1000)
		return 0;
	n = bpf_map_lookup_elem(&rx_count, &zero);
	if (n)
		*n += 1;
	return 1;
}

SEC("xdp")
int xb_count(struct xdp_md *ctx)
{
	return counted((void *)(long)ctx->data, (void *)(long)ctx->data_end) ? XDP_DROP : XDP_PASS;
}

// The same for TC: bpf_redirect_peer delivers into the namespace past the
// veth's XDP hook.
SEC("tc")
int xb_count_tc(struct __sk_buff *skb)
{
	return counted((void *)(long)skb->data, (void *)(long)skb->data_end) ? TC_ACT_SHOT : TC_ACT_OK;
}

// Generator, run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES on a
// template IPv4/UDP frame (no UDP checksum): each run sends one frame out
// of the interface it runs on (XDP_TX). Frame i of a run carries flow
// i mod nflows: source port (i & 0xffff), destination port 0x1000 + the
// next 12 bits, so up to 2^28 distinct 5-tuples.
struct gen_conf {
	__u64 nflows; // 0: every frame a new flow
	__u64 next;   // the next frame's index
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_conf);
} gen SEC(".maps");

SEC("xdp")
int xb_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);
	struct gen_conf *c;
	__u32 zero = 0;
	__u64 i;

	if ((void *)(udp + 1) > end)
		return XDP_DROP;
	c = bpf_map_lookup_elem(&gen, &zero);
	if (!c)
		return XDP_DROP;
	// One generator core: no other writer of next.
	i = c->next++;
	if (c->nflows)
		i %= c->nflows;
	udp->source = bpf_htons(i & 0xffff);
	udp->dest = bpf_htons(0x1000 | ((i >> 16) & 0xfff));
	return XDP_TX;
}

char __license[] SEC("license") = "GPL";
