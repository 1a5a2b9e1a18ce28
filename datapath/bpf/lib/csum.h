/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Checksum fix-up for header rewrites. TC uses the kernel's helpers, which
 * also keep skb->csum (CHECKSUM_COMPLETE) and a CHECKSUM_PARTIAL pseudo
 * header right, so offloads survive; XDP frames carry full checksums and
 * are updated incrementally (RFC 1624 eqn. 3, via bpf_csum_diff). */
#ifndef XVS_CSUM_H
#define XVS_CSUM_H

#include "ctx.h"

static __always_inline __u16 csum_fold_(__u64 c)
{
	c = (c & 0xffffffff) + (c >> 32);
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)~c;
}

#define CSUM_L4 (1 << 0)     /* a transport checksum, not the IPv4 header's */
#define CSUM_PSEUDO (1 << 1) /* the field is part of the pseudo header */
#define CSUM_UDP (1 << 2)    /* UDP: 0 means "no checksum" (RFC 768) */

/* csum_fix updates the checksum at csum_off for n bytes (4 or 16, 16-bit
 * aligned relative to the checksummed data) changing from *from to *to. */
static __always_inline int csum_fix(CTX *ctx, __u32 csum_off, void *from, void *to,
				    __u32 n, __u32 how)
{
	__s64 diff = bpf_csum_diff(from, n, to, n, 0);
	if (diff < 0)
		return -1;
#ifdef XVS_TC
	if (!(how & CSUM_L4))
		return bpf_l3_csum_replace(ctx, csum_off, 0, diff, 0);
	__u64 f = 0;
	if (how & CSUM_PSEUDO)
		f |= BPF_F_PSEUDO_HDR;
	if (how & CSUM_UDP)
		f |= BPF_F_MARK_MANGLED_0;
	return bpf_l4_csum_replace(ctx, csum_off, 0, diff, f);
#else
	__u16 sum;
	if (ctx_load(ctx, csum_off, &sum, 2))
		return -1;
	if ((how & CSUM_UDP) && sum == 0)
		return 0;
	__u16 ns = csum_fold_((__u64)(__u16)~sum + (__u32)diff);
	if ((how & CSUM_UDP) && ns == 0)
		ns = 0xffff;
	return ctx_store(ctx, csum_off, &ns, 2);
#endif
}

#endif
