/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet context for XDP programs (struct xdp_md). The interface is described
 * in ctx.h.
 *
 * XDP has no checksum helpers: checksum fields are updated here by RFC 1624
 * (csum.h), reading and writing the 16-bit field. An XDP frame carries no
 * offload state (no CHECKSUM_PARTIAL, no skb->csum), so every checksum field
 * holds a real checksum and a pseudo-header change is just one more change to
 * covered data: BPF_F_PSEUDO_HDR needs no special case.
 *
 * Byte access goes through bpf_xdp_load_bytes/bpf_xdp_store_bytes (5.18+),
 * which take variable offsets and reach multi-buffer frames too.
 */
#ifndef SENDA_CTX_XDP_H
#define SENDA_CTX_XDP_H

#ifdef SENDA_CTX_SKB_H
#error "one packet context per object: ctx/skb.h is already included"
#endif

#include "../common.h"
#include "../csum.h"

#define senda_ctx xdp_md

#define SENDA_CTX_PASS XDP_PASS
#define SENDA_CTX_DROP XDP_DROP

static __always_inline void *senda_ctx_data(const struct xdp_md *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *senda_ctx_data_end(const struct xdp_md *ctx)
{
	return (void *)(long)ctx->data_end;
}

static __always_inline __u32 senda_ctx_len(struct xdp_md *ctx)
{
	return bpf_xdp_get_buff_len(ctx);
}

/* The first buffer of an XDP frame is linear already; headers that do not fit
 * in it fail the callers' bounds checks, as a short packet would. */
static __always_inline int senda_ctx_pull(struct xdp_md *ctx, __u32 len)
{
	(void)ctx;
	(void)len;
	return 0;
}

static __always_inline int senda_ctx_load(struct xdp_md *ctx, __u32 off, void *to, __u32 len)
{
	return bpf_xdp_load_bytes(ctx, off, to, len);
}

static __always_inline int senda_ctx_store(struct xdp_md *ctx, __u32 off, const void *from, __u32 len,
					   __u64 flags)
{
	(void)flags;  /* skb checksum-state flags: nothing to keep in step here */
	return bpf_xdp_store_bytes(ctx, off, (void *)from, len);
}

static __always_inline int senda_ctx_set_len(struct xdp_md *ctx, __u32 len)
{
	return bpf_xdp_adjust_tail(ctx, (int)len - (int)bpf_xdp_get_buff_len(ctx));
}

/* Moves the frame start back by len, then the l2_len-byte link header (at
 * most an Ethernet header) to the new start, leaving len bytes in between. */
static __always_inline int senda_ctx_open_room(struct xdp_md *ctx, __u32 l2_len, __u32 len)
{
	__u8 l2[14];
	__u8 zero[64] = {};

	if (l2_len > sizeof(l2) || len > sizeof(zero))
		return -1;
	if (bpf_xdp_adjust_head(ctx, -(int)len) < 0)
		return -1;
	if (bpf_xdp_load_bytes(ctx, len, l2, l2_len) < 0)
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, l2, l2_len) < 0)
		return -1;
	/* what lies between was headroom: old data, not zeros */
	return bpf_xdp_store_bytes(ctx, l2_len, zero, len);
}

/* Diff of a field replace in the helpers' terms: size 2 or 4, or 0 when "to"
 * already is a diff. Returns -1 for any other size. */
static __always_inline int senda_ctx_csum_diff_of(__u64 from, __u64 to, __u64 size, __u32 *diff)
{
	switch (size) {
	case 0:
		*diff = (__u32)to;
		return 0;
	case 2:
		*diff = senda_csum_diff16((__u16)from, (__u16)to);
		return 0;
	case 4:
		*diff = senda_csum_diff32((__u32)from, (__u32)to);
		return 0;
	}
	return -1;
}

/* Applies diff to the 16-bit checksum field at off (RFC 1624). mangled0: the
 * UDP rules (a field of 0 means "no checksum" and stays 0; a result of 0 is
 * written as SENDA_CSUM_MANGLED_0). */
static __always_inline int senda_ctx_csum_field_update(struct xdp_md *ctx, __u32 off, __u32 diff, int mangled0)
{
	__sum16 check;

	if (bpf_xdp_load_bytes(ctx, off, &check, sizeof(check)) < 0)
		return -1;
	if (mangled0 && check == 0)
		return 0;
	check = senda_csum_apply(check, diff);
	if (mangled0 && check == 0)
		check = SENDA_CSUM_MANGLED_0;
	return bpf_xdp_store_bytes(ctx, off, &check, sizeof(check));
}

static __always_inline int senda_ctx_l3_csum_replace(struct xdp_md *ctx, __u32 off, __u64 from, __u64 to,
						     __u64 size)
{
	__u32 diff;

	if (senda_ctx_csum_diff_of(from, to, size & BPF_F_HDR_FIELD_MASK, &diff) < 0)
		return -1;
	return senda_ctx_csum_field_update(ctx, off, diff, 0);
}

static __always_inline int senda_ctx_l4_csum_replace(struct xdp_md *ctx, __u32 off, __u64 from, __u64 to,
						     __u64 flags)
{
	__u32 diff;

	if (senda_ctx_csum_diff_of(from, to, flags & BPF_F_HDR_FIELD_MASK, &diff) < 0)
		return -1;
	return senda_ctx_csum_field_update(ctx, off, diff, !!(flags & BPF_F_MARK_MANGLED_0));
}

static __always_inline void senda_ctx_csum_complete_add(struct xdp_md *ctx, __u32 diff)
{
	(void)ctx;
	(void)diff;  /* no whole-packet checksum in XDP */
}

static __always_inline int senda_ctx_bounce(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_TX;
}

/* XDP does not tell NodePort frontends apart (see route_out below). */
static __always_inline int senda_ctx_is_local4(struct xdp_md *ctx, __be32 addr)
{
	(void)ctx;
	(void)addr;
	return 0;
}

static __always_inline int senda_ctx_is_local6(struct xdp_md *ctx, const __be32 *addr)
{
	(void)ctx;
	(void)addr;
	return 0;
}

/* XDP does not source-NAT (the flows it would have to are tc's, abi/nat.h). */
static __always_inline int senda_ctx_fib_remote4(struct xdp_md *ctx, __be32 addr)
{
	(void)ctx;
	(void)addr;
	return 0;
}

static __always_inline int senda_ctx_fib_remote6(struct xdp_md *ctx, const __be32 *addr)
{
	(void)ctx;
	(void)addr;
	return 0;
}

/* No XDP hook serves NodePort replies (they leave pods, where only tc runs): the stack routes them. */
static __always_inline int senda_ctx_route_out4(struct xdp_md *ctx, __be32 saddr, __be32 daddr)
{
	(void)ctx;
	(void)saddr;
	(void)daddr;
	return XDP_PASS;
}

static __always_inline int senda_ctx_route_out6(struct xdp_md *ctx, const __be32 *saddr, const __be32 *daddr)
{
	(void)ctx;
	(void)saddr;
	(void)daddr;
	return XDP_PASS;
}

#endif /* SENDA_CTX_XDP_H */
