/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Closes connected UDP sockets whose socket-LB backend left their Service.
 *
 * connect() on a UDP socket is translated once (sock_lb4.h, sock_lb6.h): the
 * socket then talks to the backend directly, and would keep sending to a pod
 * that is gone. The agent runs this BPF iterator (iter/udp: one call per UDP
 * socket of the network namespace the iterator was created in) after a sync
 * that took UDP backends out of frontends; each socket of ours whose backend
 * is stale (sock_stale.h) is closed with the bpf_sock_destroy kfunc: its next
 * recv() fails with ECONNABORTED, it is disconnected, and an application that
 * connects again is balanced afresh. Unconnected sockets need nothing: their
 * next sendto() already moves on (senda_sockflow{4,6}_v1).
 *
 * bpf_sock_destroy exists from Linux 6.5 on; the agent loads this object only
 * where the kernel has it (dev.senda.maps.features.Feature.SOCK_DESTROY).
 * Each closed socket is reported as one struct senda_sock_destroyed on the
 * iterator's output (abi/sock_destroy.h).
 */
#include "lib/common.h"
#include "lib/kernel_sock.h"
#include "lib/sock_stale.h"
#include "lib/abi/sock_destroy.h"

extern int bpf_sock_destroy(struct sock_common *sk) __ksym;

/* ::ffff:a.b.c.d: a dual-stack socket connected to an IPv4 backend */
static __always_inline int senda_v4mapped(const __be32 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0x0000ffff);
}

SEC("iter/udp")
int senda_sockdestroy_udp(struct bpf_iter__udp *ctx)
{
	struct sock_common *sk = (struct sock_common *)ctx->udp_sk;
	struct senda_sock_destroyed rec = {};
	__be32 peer[4];
	__u16 family;
	__u64 cookie;

	if (!sk)
		return 0;
	family = sk->skc_family;
	rec.port = sk->skc_dport;
	if (family == AF_INET) {
		rec.address[0] = sk->skc_daddr;
		if (!rec.address[0])
			return 0;  /* not connected */
		cookie = bpf_get_socket_cookie(sk);
		if (!senda_stale4(cookie, rec.address[0], rec.port))
			return 0;
		rec.family = SENDA_SOCK_DESTROYED_IPV4;
	} else if (family == AF_INET6) {
		peer[0] = sk->skc_v6_daddr.in6_u.u6_addr32[0];
		peer[1] = sk->skc_v6_daddr.in6_u.u6_addr32[1];
		peer[2] = sk->skc_v6_daddr.in6_u.u6_addr32[2];
		peer[3] = sk->skc_v6_daddr.in6_u.u6_addr32[3];
		if (!(peer[0] | peer[1] | peer[2] | peer[3]))
			return 0;
		cookie = bpf_get_socket_cookie(sk);
		if (senda_v4mapped(peer)) {
			/* socket LB kept it in the IPv4 maps (sock_lb4.h) */
			if (!senda_stale4(cookie, peer[3], rec.port))
				return 0;
			rec.address[0] = peer[3];
			rec.family = SENDA_SOCK_DESTROYED_IPV4;
		} else {
			if (!senda_stale6(cookie, peer, rec.port))
				return 0;
			senda_addr6_copy(rec.address, peer);
			rec.family = SENDA_SOCK_DESTROYED_IPV6;
		}
	} else {
		return 0;
	}
	rec.cookie = cookie;
	rec.result = bpf_sock_destroy(sk);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
