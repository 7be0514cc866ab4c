/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet context for tc / tcx programs (struct __sk_buff). The interface is
 * described in ctx.h; here every operation is the kernel's skb helper.
 */
#ifndef SENDA_CTX_SKB_H
#define SENDA_CTX_SKB_H

#ifdef SENDA_CTX_XDP_H
#error "one packet context per object: ctx/xdp.h is already included"
#endif

#include "../common.h"
#include <linux/pkt_cls.h>

#define senda_ctx __sk_buff

#define SENDA_CTX_PASS TC_ACT_OK
#define SENDA_CTX_DROP TC_ACT_SHOT

static __always_inline void *senda_ctx_data(const struct __sk_buff *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *senda_ctx_data_end(const struct __sk_buff *ctx)
{
	return (void *)(long)ctx->data_end;
}

static __always_inline __u32 senda_ctx_len(const struct __sk_buff *ctx)
{
	return ctx->len;
}

/* Headers of a GSO/GRO skb may sit in page fragments: make them linear. */
static __always_inline int senda_ctx_pull(struct __sk_buff *ctx, __u32 len)
{
	return bpf_skb_pull_data(ctx, len);
}

static __always_inline int senda_ctx_load(struct __sk_buff *ctx, __u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes(ctx, off, to, len);
}

static __always_inline int senda_ctx_store(struct __sk_buff *ctx, __u32 off, const void *from, __u32 len,
					   __u64 flags)
{
	return bpf_skb_store_bytes(ctx, off, from, len, flags);
}

/* Also ends GSO on the skb: the packet is one frame from here on. */
static __always_inline int senda_ctx_set_len(struct __sk_buff *ctx, __u32 len)
{
	return bpf_skb_change_tail(ctx, len, 0);
}

/* BPF_ADJ_ROOM_MAC inserts right after the skb's own MAC header, whose length
 * is l2_len for the untagged Ethernet frames Senda handles. */
static __always_inline int senda_ctx_open_room(struct __sk_buff *ctx, __u32 l2_len, __u32 len)
{
	(void)l2_len;
	return bpf_skb_adjust_room(ctx, len, BPF_ADJ_ROOM_MAC, 0);
}

static __always_inline int senda_ctx_l3_csum_replace(struct __sk_buff *ctx, __u32 off, __u64 from, __u64 to,
						     __u64 size)
{
	return bpf_l3_csum_replace(ctx, off, from, to, size);
}

/* The helpers (rather than RFC 1624 by hand) also keep CHECKSUM_PARTIAL
 * packets right, whose field holds the pseudo-header sum, not a checksum. */
static __always_inline int senda_ctx_l4_csum_replace(struct __sk_buff *ctx, __u32 off, __u64 from, __u64 to,
						     __u64 flags)
{
	return bpf_l4_csum_replace(ctx, off, from, to, flags);
}

/* Only CHECKSUM_COMPLETE skbs carry a whole-packet sum; for the others the
 * helper declines (-ENOTSUPP), which is right: nothing to keep in step. */
static __always_inline void senda_ctx_csum_complete_add(struct __sk_buff *ctx, __u32 diff)
{
	bpf_csum_update(ctx, diff);
}

static __always_inline int senda_ctx_bounce(struct __sk_buff *ctx)
{
	return bpf_redirect(ctx->ifindex, 0);
}

/*
 * The FIB questions below are BPF subprograms, not inlined: each holds a
 * 64-byte struct bpf_fib_lookup, which inlined would add to the per-family
 * packet stage's frame (lb_pkt.h) on top of everything else there. They run
 * once per new flow, or per reply of a flow to a node address.
 */
#define SENDA_FIB_CALL __attribute__((noinline))

/*
 * Sends a packet whose source is now an address of this node (the reply of a
 * NodePort flow) straight to the interface the FIB names for its destination:
 * handed to the stack instead, it would be dropped as a martian (a packet
 * arriving with a local source address). When the FIB has no answer the
 * stack gets the packet, as for any other.
 */
static __always_inline int senda_ctx_route_out(struct __sk_buff *ctx, struct bpf_fib_lookup *fib)
{
	long rc;

	fib->ifindex = ctx->ifindex;
	rc = bpf_fib_lookup(ctx, fib, sizeof(*fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return TC_ACT_OK;
	return bpf_redirect_neigh(fib->ifindex, NULL, 0, 0);
}

/*
 * Whether the FIB, asked as for a packet arriving on this interface, answers
 * with a route that is not forwarded (a local address: a NodePort frontend).
 * Asked once per new flow, not per packet. A node that forwards nothing on
 * the interface answers no: its replies are then left to the stack.
 */
static __always_inline int senda_ctx_fib_local(struct __sk_buff *ctx, struct bpf_fib_lookup *fib)
{
	fib->ifindex = ctx->ifindex;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), BPF_FIB_LOOKUP_SKIP_NEIGH) == BPF_FIB_LKUP_RET_NOT_FWDED;
}

static SENDA_FIB_CALL int senda_ctx_is_local4(struct __sk_buff *ctx, __be32 addr)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 2; /* AF_INET */
	fib.ipv4_dst = addr;
	return senda_ctx_fib_local(ctx, &fib);
}

static SENDA_FIB_CALL int senda_ctx_is_local6(struct __sk_buff *ctx, const __be32 *addr)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 10; /* AF_INET6 */
	__builtin_memcpy(fib.ipv6_dst, addr, 16);
	return senda_ctx_fib_local(ctx, &fib);
}

/*
 * Whether addr is behind another node (a pod there), not on this one: the
 * FIB, asked as for a packet arriving on this interface, sends it through a
 * gateway or back out of this same interface. Asked once per new flow from
 * outside. No answer (no route, forwarding off): no.
 */
static SENDA_FIB_CALL int senda_ctx_fib_remote4(struct __sk_buff *ctx, __be32 addr)
{
	struct bpf_fib_lookup fib = {};
	__u32 in = ctx->ifindex;

	fib.family = 2; /* AF_INET */
	fib.ipv4_dst = addr;
	fib.ifindex = in;
	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH) != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	/* on success the destination holds the next hop */
	return fib.ifindex == in || fib.ipv4_dst != addr;
}

static SENDA_FIB_CALL int senda_ctx_fib_remote6(struct __sk_buff *ctx, const __be32 *addr)
{
	struct bpf_fib_lookup fib = {};
	__u32 in = ctx->ifindex;

	fib.family = 10; /* AF_INET6 */
	__builtin_memcpy(fib.ipv6_dst, addr, 16);
	fib.ifindex = in;
	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH) != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	return fib.ifindex == in || fib.ipv6_dst[0] != addr[0] || fib.ipv6_dst[1] != addr[1] ||
	       fib.ipv6_dst[2] != addr[2] || fib.ipv6_dst[3] != addr[3];
}

static SENDA_FIB_CALL int senda_ctx_route_out4(struct __sk_buff *ctx, __be32 saddr, __be32 daddr)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 2; /* AF_INET */
	fib.ipv4_src = saddr;
	fib.ipv4_dst = daddr;
	return senda_ctx_route_out(ctx, &fib);
}

static SENDA_FIB_CALL int senda_ctx_route_out6(struct __sk_buff *ctx, const __be32 *saddr, const __be32 *daddr)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 10; /* AF_INET6 */
	__builtin_memcpy(fib.ipv6_src, saddr, 16);
	__builtin_memcpy(fib.ipv6_dst, daddr, 16);
	return senda_ctx_route_out(ctx, &fib);
}

#endif /* SENDA_CTX_SKB_H */
