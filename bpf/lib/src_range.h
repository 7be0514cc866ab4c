/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * loadBalancerSourceRanges: whether a new flow's source may use a frontend,
 * IPv4 and IPv6 side by side (maps and meaning: abi/src_range.h). Both
 * datapaths ask after selection (lb_select.h), with the header's flags and
 * service id from the choice; a frontend without SENDA_SVC_FLAG_SOURCE_RANGES
 * costs nothing more.
 *
 * Per-packet LB knows the source (the packet's); an out-of-range one is
 * dropped. Socket LB usually does not: at connect()/sendmsg() an unbound
 * socket has no source address yet (the route picks it later), so socket LB
 * translates a flagged frontend only for a socket bound to an address inside
 * a range and otherwise leaves the destination alone: the packets then carry
 * their real source to per-packet LB (a pod's interface, a node device), which
 * decides. Socket LB never refuses on a source range, so what a client sees
 * (a drop) does not depend on the datapath.
 */
#ifndef SENDA_SRC_RANGE_H
#define SENDA_SRC_RANGE_H

#include "common.h"
#include "abi/lb.h"
#include "abi/src_range4.h"
#include "abi/src_range6.h"
#include "addr6.h"

#ifndef AF_INET6
#define AF_INET6 10
#endif

/*
 * One field of a struct bpf_sock, read once as a load at its own offset (the
 * verifier forbids arithmetic on socket pointers).
 */
#define senda_sk_read(sk, field) (*(volatile __u32 *)&(sk)->field)

/* ---- IPv4 ---- */

/* True when a new flow from saddr (be) may use the frontend of this header. */
static __always_inline int senda_src_range4_ok(__u8 flags, __u32 service_id, __be32 saddr)
{
	struct senda_srcrange4_key key = {};

	if (!(flags & SENDA_SVC_FLAG_SOURCE_RANGES))
		return 1;
	key.prefixlen = SENDA_SRC_RANGE_ID_BITS + 32;
	key.service_id = service_id;
	key.address = saddr;
	return bpf_map_lookup_elem(&senda_srcrange4_v1, &key) != 0;
}

/*
 * Socket LB, IPv4 Service: true when the socket may be translated to the
 * frontend of this header: no ranges, or a bound source inside one (an IPv4
 * socket's address, or a dual-stack socket's ::ffff:a.b.c.d). An unbound
 * socket (source 0) is left to per-packet LB.
 */
static __always_inline int senda_src_range4_sock_ok(const struct bpf_sock_addr *ctx, __u8 flags,
						    __u32 service_id)
{
	struct bpf_sock *sk;
	__be32 v4, w0, w1, w2, w3, src;

	if (!(flags & SENDA_SVC_FLAG_SOURCE_RANGES))
		return 1;
	sk = ctx->sk;
	if (!sk)
		return 0;
	/* every field read up front: loads in exclusive branches get merged into
	 * pointer arithmetic on sk, which the verifier refuses */
	v4 = senda_sk_read(sk, src_ip4);
	w0 = senda_sk_read(sk, src_ip6[0]);
	w1 = senda_sk_read(sk, src_ip6[1]);
	w2 = senda_sk_read(sk, src_ip6[2]);
	w3 = senda_sk_read(sk, src_ip6[3]);
	if (ctx->family != AF_INET6)
		src = v4;
	else if (w0 == 0 && w1 == 0 && w2 == bpf_htonl(0x0000ffff))
		src = w3;
	else
		src = 0;
	return src != 0 && senda_src_range4_ok(flags, service_id, src);
}

/* ---- IPv6 ---- */

/* As senda_src_range4_ok(), on senda_srcrange6_v1. */
static __always_inline int senda_src_range6_ok(__u8 flags, __u32 service_id, const __be32 *saddr)
{
	struct senda_srcrange6_key key = {};

	if (!(flags & SENDA_SVC_FLAG_SOURCE_RANGES))
		return 1;
	key.prefixlen = SENDA_SRC_RANGE_ID_BITS + 128;
	key.service_id = service_id;
	senda_addr6_copy(key.address, saddr);
	return bpf_map_lookup_elem(&senda_srcrange6_v1, &key) != 0;
}

/* As senda_src_range4_sock_ok(), for native IPv6 Services: the socket's bound IPv6 source. */
static __always_inline int senda_src_range6_sock_ok(const struct bpf_sock_addr *ctx, __u8 flags,
						    __u32 service_id)
{
	struct bpf_sock *sk;
	__be32 src[4];

	if (!(flags & SENDA_SVC_FLAG_SOURCE_RANGES))
		return 1;
	sk = ctx->sk;
	if (!sk)
		return 0;
	src[0] = senda_sk_read(sk, src_ip6[0]);
	src[1] = senda_sk_read(sk, src_ip6[1]);
	src[2] = senda_sk_read(sk, src_ip6[2]);
	src[3] = senda_sk_read(sk, src_ip6[3]);
	return (src[0] | src[1] | src[2] | src[3]) != 0 && senda_src_range6_ok(flags, service_id, src);
}

#endif /* SENDA_SRC_RANGE_H */
