/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the socket-destroy iterator (senda_sockdestroy.c) reports to the agent:
 * one record per UDP socket it closed, written to the iterator's output
 * (bpf_seq_write) rather than to a map, so the agent reads exactly this run's
 * work by reading the iterator's fd to its end. Decoded by
 * dev.senda.maps.lb.DestroyedSocket.
 */
#ifndef SENDA_ABI_SOCK_DESTROY_H
#define SENDA_ABI_SOCK_DESTROY_H

#include "../common.h"

/* struct senda_sock_destroyed.family */
#define SENDA_SOCK_DESTROYED_IPV4 4
#define SENDA_SOCK_DESTROYED_IPV6 6

/* One closed (or failed to close) socket. 32 bytes. */
struct senda_sock_destroyed {
	__be32 address[4];  /* be:   the stale backend it was connected to; IPv4: address[0], rest zero */
	__be16 port;        /* be:   that backend's port */
	__u8   family;      /* host: SENDA_SOCK_DESTROYED_IPV4 / _IPV6 (the backend's, not the socket's) */
	__u8   pad;         /* zero */
	__s32  result;      /* host: what bpf_sock_destroy() returned: 0, or -errno */
	__u64  cookie;      /* host: the socket's cookie (key of its senda_sockrevnat entry) */
};

#endif /* SENDA_ABI_SOCK_DESTROY_H */
