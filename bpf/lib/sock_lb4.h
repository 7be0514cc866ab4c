/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket load balancing of IPv4 Services (shared rules: sock_lb.h), for the
 * IPv4 hooks and for the IPv6 hooks of dual-stack sockets that address an
 * IPv4 Service as ::ffff:a.b.c.d.
 */
#ifndef SENDA_SOCK_LB4_H
#define SENDA_SOCK_LB4_H

#include "common.h"
#include <linux/errno.h>
#include "sock_lb.h"
#include "lb_select.h"
#include "src_range.h"
#include "abi/sock4.h"
#include "metrics.h"

/*
 * sendmsg() on an unconnected socket: reuse the backend this socket already
 * sends this Service to while that backend still exists, else remember the one
 * just chosen in *c. The Service itself was looked up first, so a Service that
 * lost all its backends is refused before this runs.
 */
static __always_inline void senda_sock4_stick(__u64 cookie, __u8 proto, struct senda_lb4_choice *c)
{
	struct senda_sock_flow4_key fk = {};
	struct senda_sock_flow4_value fv = {};
	struct senda_sock_flow4_value *known;

	fk.cookie = cookie;
	fk.address = c->vip;
	fk.port = c->vport;
	fk.proto = proto;
	known = bpf_map_lookup_elem(&senda_sockflow4_v1, &fk);
	if (known && senda_lb4_backend_current(known->backend_id, known->address, known->port)) {
		c->backend_id = known->backend_id;
		c->addr = known->address;
		c->port = known->port;
		return;
	}
	fv.backend_id = c->backend_id;
	fv.address = c->addr;
	fv.port = c->port;
	bpf_map_update_elem(&senda_sockflow4_v1, &fk, &fv, BPF_ANY);
}

/*
 * Translates the destination in ctx (connect or sendmsg) when it is a Service;
 * refuses a Service without backends (sock_lb.h).
 *
 * Shared by the IPv4 hooks and the IPv6 hooks of dual-stack sockets that address
 * IPv4 through ::ffff:a.b.c.d: addr/port (be) is the destination; *new_addr and
 * *new_port receive what to write back into ctx (unchanged when not a Service).
 */
static __always_inline int senda_sock4_translate_addr(struct bpf_sock_addr *ctx, __be32 addr,
						      __be16 port, int sticky, __be32 *new_addr,
						      __be16 *new_port)
{
	struct senda_sock_revnat4_key rk = {};
	struct senda_sock_revnat4_value rv = {};
	struct senda_lb4_choice c = {};
	__u8 proto = senda_sock_proto(ctx);
	int res;

	*new_addr = addr;
	*new_port = port;
	if (!proto)
		return SENDA_SOCK_ALLOW;

	/* affinity client: the socket's netns (abi/affinity.h) */
	res = senda_lb4_select(addr, port, proto, SENDA_LB_FROM_NODE, bpf_get_netns_cookie(ctx), 0, &c);
	if (res == SENDA_LB_NOT_SERVICE)
		return SENDA_SOCK_ALLOW;
	if (!senda_src_range4_sock_ok(ctx, c.flags, c.service_id))
		return SENDA_SOCK_ALLOW;  /* untranslated: per-packet LB checks the source (src_range.h) */
	if (res != SENDA_LB_SELECTED) {
		senda_count(res == SENDA_LB_DROP ? SENDA_M_SOCK_NO_LOCAL : SENDA_M_SOCK_REFUSED);
		return senda_sock_refuse(res);
	}

	rk.cookie = bpf_get_socket_cookie(ctx);
	if (sticky)
		senda_sock4_stick(rk.cookie, proto, &c);
	rk.address = c.addr;
	rk.port = c.port;
	rv.address = c.vip;
	rv.port = c.vport;
	rv.service_id = c.service_id;
	/* Best effort: if the LRU update fails the connection still works, the
	 * application just sees the backend as its peer. */
	bpf_map_update_elem(&senda_sockrevnat4_v1, &rk, &rv, BPF_ANY);

	*new_addr = c.addr;
	*new_port = c.port;
	senda_count(SENDA_M_SOCK_TRANSLATED);
	return SENDA_SOCK_ALLOW;
}

/* The Service address a socket's backend peer stands for, if socket LB translated it. */
static __always_inline struct senda_sock_revnat4_value *
senda_sock4_lookup_revnat(struct bpf_sock_addr *ctx, __be32 addr, __be16 port)
{
	struct senda_sock_revnat4_key rk = {};

	rk.cookie = bpf_get_socket_cookie(ctx);
	rk.address = addr;
	rk.port = port;
	return bpf_map_lookup_elem(&senda_sockrevnat4_v1, &rk);
}

/* Puts the Service address back where the application reads its peer. */
static __always_inline int senda_sock4_restore(struct bpf_sock_addr *ctx)
{
	struct senda_sock_revnat4_value *rv;

	rv = senda_sock4_lookup_revnat(ctx, ctx->user_ip4, (__be16)ctx->user_port);
	if (rv) {
		ctx->user_ip4 = rv->address;
		ctx->user_port = (__u32)rv->port;
		senda_count(SENDA_M_SOCK_REVNAT);
	}
	return SENDA_SOCK_ALLOW;  /* recvmsg/getpeername hooks must always allow */
}

/* connect4/sendmsg4: the destination is ctx->user_ip4:user_port. */
static __always_inline int senda_sock4_translate(struct bpf_sock_addr *ctx, int sticky)
{
	__be32 addr;
	__be16 port;
	int verdict;

	verdict = senda_sock4_translate_addr(ctx, ctx->user_ip4, (__be16)ctx->user_port, sticky, &addr, &port);
	ctx->user_ip4 = addr;
	ctx->user_port = (__u32)port;
	return verdict;
}

/*
 * IPv4-mapped IPv6 (::ffff:a.b.c.d): a dual-stack socket (Java's default, for
 * one) reaches an IPv4 Service through the IPv6 hooks. Only the mapped form is
 * handled here; native IPv6 Services are sock_lb6.h's.
 */
static __always_inline int senda_sock6_is_v4mapped(const struct bpf_sock_addr *ctx)
{
	return ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 &&
	       ctx->user_ip6[2] == bpf_htonl(0x0000ffff);
}

static __always_inline int senda_sock6_translate_v4mapped(struct bpf_sock_addr *ctx, int sticky)
{
	__be32 addr;
	__be16 port;
	int verdict;

	if (!senda_sock6_is_v4mapped(ctx))
		return SENDA_SOCK_ALLOW;
	verdict = senda_sock4_translate_addr(ctx, ctx->user_ip6[3], (__be16)ctx->user_port, sticky, &addr,
					     &port);
	ctx->user_ip6[3] = addr;
	ctx->user_port = (__u32)port;
	return verdict;
}

static __always_inline int senda_sock6_restore_v4mapped(struct bpf_sock_addr *ctx)
{
	struct senda_sock_revnat4_value *rv;

	if (!senda_sock6_is_v4mapped(ctx))
		return SENDA_SOCK_ALLOW;
	rv = senda_sock4_lookup_revnat(ctx, ctx->user_ip6[3], (__be16)ctx->user_port);
	if (rv) {
		ctx->user_ip6[3] = rv->address;
		ctx->user_port = (__u32)rv->port;
		senda_count(SENDA_M_SOCK_REVNAT);
	}
	return SENDA_SOCK_ALLOW;
}

#endif /* SENDA_SOCK_LB4_H */
