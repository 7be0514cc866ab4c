/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket load balancing on cgroup v2 sock_addr hooks: connect() and sendmsg()
 * to a Service address go straight to a backend; recvmsg() and getpeername()
 * keep showing the Service address to the application.
 *
 * The IPv4 hooks serve IPv4 Services. The IPv6 hooks serve native IPv6
 * Services, and IPv4 Services reached by dual-stack sockets through their
 * IPv4-mapped address (::ffff:VIP): without that such a socket would stay
 * connected to the VIP and never get an answer.
 */
#include "lib/common.h"
#include "lib/sock_lb4.h"
#include "lib/sock_lb6.h"

SEC("cgroup/connect4")
int senda_sock4_connect(struct bpf_sock_addr *ctx)
{
	return senda_sock4_translate(ctx, 0);
}

SEC("cgroup/sendmsg4")
int senda_sock4_sendmsg(struct bpf_sock_addr *ctx)
{
	return senda_sock4_translate(ctx, 1);  /* unconnected UDP: stick per socket */
}

SEC("cgroup/recvmsg4")
int senda_sock4_recvmsg(struct bpf_sock_addr *ctx)
{
	return senda_sock4_restore(ctx);
}

SEC("cgroup/getpeername4")
int senda_sock4_getpeername(struct bpf_sock_addr *ctx)
{
	return senda_sock4_restore(ctx);
}

SEC("cgroup/connect6")
int senda_sock6_connect(struct bpf_sock_addr *ctx)
{
	if (senda_sock6_is_v4mapped(ctx))
		return senda_sock6_translate_v4mapped(ctx, 0);
	return senda_sock6_translate(ctx, 0);
}

SEC("cgroup/sendmsg6")
int senda_sock6_sendmsg(struct bpf_sock_addr *ctx)
{
	if (senda_sock6_is_v4mapped(ctx))
		return senda_sock6_translate_v4mapped(ctx, 1);
	return senda_sock6_translate(ctx, 1);
}

SEC("cgroup/recvmsg6")
int senda_sock6_recvmsg(struct bpf_sock_addr *ctx)
{
	if (senda_sock6_is_v4mapped(ctx))
		return senda_sock6_restore_v4mapped(ctx);
	return senda_sock6_restore(ctx);
}

SEC("cgroup/getpeername6")
int senda_sock6_getpeername(struct bpf_sock_addr *ctx)
{
	if (senda_sock6_is_v4mapped(ctx))
		return senda_sock6_restore_v4mapped(ctx);
	return senda_sock6_restore(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
