/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket load balancing of native IPv6 Services (shared rules: sock_lb.h),
 * for the IPv6 hooks: the sibling of sock_lb4.h on senda_svc6_v1,
 * senda_sockrevnat6_v1 and senda_sockflow6_v1. IPv4-mapped destinations
 * (::ffff:a.b.c.d) are not for this file: they name IPv4 Services, which
 * sock_lb4.h translates; the entry program decides which applies.
 */
#ifndef SENDA_SOCK_LB6_H
#define SENDA_SOCK_LB6_H

#include "common.h"
#include <linux/errno.h>
#include "sock_lb.h"
#include "addr6.h"
#include "lb_select.h"
#include "src_range.h"
#include "abi/sock6.h"
#include "metrics.h"

/* The hook's address (user_ip6, read word by word as the context allows). */
static __always_inline void senda_sock6_user_addr(const struct bpf_sock_addr *ctx, __be32 *addr)
{
	addr[0] = ctx->user_ip6[0];
	addr[1] = ctx->user_ip6[1];
	addr[2] = ctx->user_ip6[2];
	addr[3] = ctx->user_ip6[3];
}

static __always_inline void senda_sock6_set_user_addr(struct bpf_sock_addr *ctx, const __be32 *addr)
{
	ctx->user_ip6[0] = addr[0];
	ctx->user_ip6[1] = addr[1];
	ctx->user_ip6[2] = addr[2];
	ctx->user_ip6[3] = addr[3];
}

/*
 * sendmsg() on an unconnected socket: reuse the backend this socket already
 * sends this Service to while that backend still exists, else remember the one
 * just chosen in *c (see senda_sock4_stick()).
 */
static __always_inline void senda_sock6_stick(__u64 cookie, __u8 proto, struct senda_lb6_choice *c)
{
	struct senda_sock_flow6_key fk = {};
	struct senda_sock_flow6_value fv = {};
	struct senda_sock_flow6_value *known;

	fk.cookie = cookie;
	senda_addr6_copy(fk.address, c->vip);
	fk.port = c->vport;
	fk.proto = proto;
	known = bpf_map_lookup_elem(&senda_sockflow6_v1, &fk);
	if (known && senda_lb6_backend_current(known->backend_id, known->address, known->port)) {
		c->backend_id = known->backend_id;
		senda_addr6_copy(c->addr, known->address);
		c->port = known->port;
		return;
	}
	fv.backend_id = c->backend_id;
	senda_addr6_copy(fv.address, c->addr);
	fv.port = c->port;
	bpf_map_update_elem(&senda_sockflow6_v1, &fk, &fv, BPF_ANY);
}

/*
 * connect6/sendmsg6: translates the destination user_ip6:user_port when it is
 * an IPv6 Service; refuses a Service without backends (sock_lb.h).
 */
static __always_inline int senda_sock6_translate(struct bpf_sock_addr *ctx, int sticky)
{
	struct senda_sock_revnat6_key rk = {};
	struct senda_sock_revnat6_value rv = {};
	struct senda_lb6_choice c = {};
	const __be32 no_client[4] = {};  /* socket LB: the netns is the client */
	__u8 proto = senda_sock_proto(ctx);
	__be16 port = (__be16)ctx->user_port;
	__be32 addr[4];
	int res;

	if (!proto)
		return SENDA_SOCK_ALLOW;

	senda_sock6_user_addr(ctx, addr);
	/* affinity client: the socket's netns (abi/affinity.h) */
	res = senda_lb6_select(addr, port, proto, SENDA_LB_FROM_NODE, bpf_get_netns_cookie(ctx), no_client, &c);
	if (res == SENDA_LB_NOT_SERVICE)
		return SENDA_SOCK_ALLOW;
	if (!senda_src_range6_sock_ok(ctx, c.flags, c.service_id))
		return SENDA_SOCK_ALLOW;  /* untranslated: per-packet LB checks the source (src_range.h) */
	if (res != SENDA_LB_SELECTED) {
		senda_count(res == SENDA_LB_DROP ? SENDA_M_SOCK_NO_LOCAL : SENDA_M_SOCK_REFUSED);
		return senda_sock_refuse(res);
	}

	rk.cookie = bpf_get_socket_cookie(ctx);
	if (sticky)
		senda_sock6_stick(rk.cookie, proto, &c);
	senda_addr6_copy(rk.address, c.addr);
	rk.port = c.port;
	senda_addr6_copy(rv.address, c.vip);
	rv.port = c.vport;
	rv.service_id = c.service_id;
	/* Best effort: if the LRU update fails the connection still works, the
	 * application just sees the backend as its peer. */
	bpf_map_update_elem(&senda_sockrevnat6_v1, &rk, &rv, BPF_ANY);

	senda_sock6_set_user_addr(ctx, c.addr);
	ctx->user_port = (__u32)c.port;
	senda_count(SENDA_M_SOCK_TRANSLATED);
	return SENDA_SOCK_ALLOW;
}

/* recvmsg6/getpeername6: puts the Service address back where the application
 * reads its peer, when socket LB translated this socket's peer. */
static __always_inline int senda_sock6_restore(struct bpf_sock_addr *ctx)
{
	struct senda_sock_revnat6_key rk = {};
	struct senda_sock_revnat6_value *rv;

	rk.cookie = bpf_get_socket_cookie(ctx);
	senda_sock6_user_addr(ctx, rk.address);
	rk.port = (__be16)ctx->user_port;
	rv = bpf_map_lookup_elem(&senda_sockrevnat6_v1, &rk);
	if (rv) {
		senda_sock6_set_user_addr(ctx, rv->address);
		ctx->user_port = (__u32)rv->port;
		senda_count(SENDA_M_SOCK_REVNAT);
	}
	return SENDA_SOCK_ALLOW;  /* recvmsg/getpeername hooks must always allow */
}

#endif /* SENDA_SOCK_LB6_H */
