/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket-level reverse NAT for socket LB (IPv4): remembers, per socket and
 * backend, which Service address the application asked for, so that
 * getpeername() and recvmsg() report the VIP instead of the backend.
 */
#ifndef SENDA_SOCK_REVNAT_H
#define SENDA_SOCK_REVNAT_H

#include "common.h"

#define SENDA_SOCK_REVNAT_MAX_ENTRIES 262144

/* Key of senda_sockrevnat4_v1. 16 bytes. */
struct senda_sock_revnat4_key {
	__u64  cookie;   /* host: bpf_get_socket_cookie() of the client socket */
	__be32 address;  /* be:   backend address the socket was sent to */
	__be16 port;     /* be:   backend port */
	__u16  pad;      /* zero */
};

/* Value of senda_sockrevnat4_v1. 12 bytes. */
struct senda_sock_revnat4_value {
	__be32 address;     /* be:   Service VIP */
	__be16 port;        /* be:   Service port */
	__u16  pad;         /* zero */
	__u32  service_id;  /* host */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_sock_revnat4_key);
	__type(value, struct senda_sock_revnat4_value);
	__uint(max_entries, SENDA_SOCK_REVNAT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_sockrevnat4_v1 SEC(".maps");

#endif /* SENDA_SOCK_REVNAT_H */
