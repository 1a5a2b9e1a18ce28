/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The few things that differ between the TC (skb) and XDP contexts, so the
 * parser and the actions are written once. tc_port.c defines XVS_TC. */
#ifndef XVS_CTX_H
#define XVS_CTX_H

#include "common.h"

#ifdef XVS_TC
#define CTX struct __sk_buff
#define VERDICT_DROP 2  /* TC_ACT_SHOT */
#define VERDICT_PASS 0  /* TC_ACT_OK */
static __always_inline __u32 ctx_len(CTX *ctx) { return ctx->len; }
static __always_inline long ctx_load(CTX *ctx, __u32 off, void *to, __u32 n)
{
	return bpf_skb_load_bytes(ctx, off, to, n);
}
static __always_inline long ctx_store(CTX *ctx, __u32 off, void *from, __u32 n)
{
	return bpf_skb_store_bytes(ctx, off, from, n, 0);
}
#else
#define CTX struct xdp_md
#define VERDICT_DROP XDP_DROP
#define VERDICT_PASS XDP_PASS
static __always_inline __u32 ctx_len(CTX *ctx)
{
	return (__u32)(ctx->data_end - ctx->data);
}
static __always_inline long ctx_load(CTX *ctx, __u32 off, void *to, __u32 n)
{
	return bpf_xdp_load_bytes(ctx, off, to, n);
}
static __always_inline long ctx_store(CTX *ctx, __u32 off, void *from, __u32 n)
{
	return bpf_xdp_store_bytes(ctx, off, from, n);
}
#endif

#endif
