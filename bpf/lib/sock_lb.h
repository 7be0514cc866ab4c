/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket load balancing: what both families share. Translation happens at
 * connect()/sendmsg() time and the matching restore at recvmsg()/getpeername()
 * time, in cgroup sock_addr hooks; no per-packet work: the socket itself talks
 * to the backend. Per family: sock_lb4.h (IPv4 Services, from IPv4 hooks and
 * from IPv6 hooks through ::ffff:a.b.c.d), sock_lb6.h (native IPv6 Services).
 *
 * A Service without backends is refused with ECONNREFUSED: the hook returns
 * "deny" and bpf_set_retval makes the syscall fail with that errno instead of
 * the default EPERM. Measured on 6.18: connect() and sendto() fail at once with
 * ECONNREFUSED. Kernels offer bpf_set_retval to connect/sendmsg hooks since 6.0
 * (not to recvmsg/getpeername, which must always allow anyway).
 *
 * A frontend that balances over this node's endpoints only and has none here
 * (a traffic policy Local; abi/lb.h SENDA_SVC_FLAG_DROP_EMPTY) is one that
 * kube-proxy drops, so its clients wait for a timeout. Socket LB fails the call
 * at once with EHOSTUNREACH instead: no endpoint is reachable from this node,
 * which is not a refusal by the Service, and an application learns it without
 * waiting.
 */
#ifndef SENDA_SOCK_LB_H
#define SENDA_SOCK_LB_H

#include "common.h"
#include <linux/errno.h>
#include "lb_select.h"

/* sock_addr verdicts */
#define SENDA_SOCK_ALLOW 1
#define SENDA_SOCK_DENY  0

#ifndef SOCK_STREAM
#define SOCK_STREAM 1
#endif
#ifndef SOCK_DGRAM
#define SOCK_DGRAM 2
#endif

/* L4 protocol of the socket, or 0 for sockets socket LB leaves alone. */
static __always_inline __u8 senda_sock_proto(const struct bpf_sock_addr *ctx)
{
	__u32 proto = ctx->protocol;

	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		return proto;
	/* protocol 0 at socket() is resolved by the kernel; this is a safety net */
	if (proto == 0 && ctx->type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (proto == 0 && ctx->type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return 0;
}

/* Fails the call for a selection that found no backend (see above). */
static __always_inline int senda_sock_refuse(int lb_result)
{
	if (lb_result == SENDA_LB_DROP) {
		bpf_set_retval(-EHOSTUNREACH);
		return SENDA_SOCK_DENY;
	}
	bpf_set_retval(-ECONNREFUSED);
	return SENDA_SOCK_DENY;
}

#endif /* SENDA_SOCK_LB_H */
