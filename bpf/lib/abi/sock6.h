/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket-LB map ABI, IPv6: senda_sockrevnat6_v1 and senda_sockflow6_v1, the
 * siblings of sock4.h for native IPv6 Services (what each is for: sock.h).
 * IPv4-mapped addresses (::ffff:a.b.c.d) address IPv4 Services and use the
 * IPv4 maps. Addresses are four __be32 words in network order.
 */
#ifndef SENDA_ABI_SOCK6_H
#define SENDA_ABI_SOCK6_H

#include "../common.h"
#include "sock.h"

/* Key of senda_sockrevnat6_v1. 32 bytes. */
struct senda_sock_revnat6_key {
	__u64  cookie;      /* host: bpf_get_socket_cookie() of the client socket */
	__be32 address[4];  /* be:   backend address the socket was sent to */
	__be16 port;        /* be:   backend port */
	__u8   pad[6];      /* zero */
};

/* Value of senda_sockrevnat6_v1. 24 bytes. */
struct senda_sock_revnat6_value {
	__be32 address[4];  /* be:   Service VIP */
	__be16 port;        /* be:   Service port */
	__u16  pad;         /* zero */
	__u32  service_id;  /* host */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_sock_revnat6_key);
	__type(value, struct senda_sock_revnat6_value);
	__uint(max_entries, SENDA_SOCK_REVNAT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_sockrevnat6_v1 SEC(".maps");

/* Key of senda_sockflow6_v1. 32 bytes. */
struct senda_sock_flow6_key {
	__u64  cookie;      /* host: bpf_get_socket_cookie() of the sending socket */
	__be32 address[4];  /* be:   Service VIP the application sent to */
	__be16 port;        /* be:   Service port */
	__u8   proto;       /* host: IPPROTO_* */
	__u8   pad[5];      /* zero */
};

/* Value of senda_sockflow6_v1. 24 bytes. */
struct senda_sock_flow6_value {
	__u32  backend_id;  /* host: id in senda_backend6_v1 when chosen */
	__be32 address[4];  /* be:   that backend's address (an id is reused once freed) */
	__be16 port;        /* be:   that backend's port */
	__u16  pad;         /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_sock_flow6_key);
	__type(value, struct senda_sock_flow6_value);
	__uint(max_entries, SENDA_SOCK_FLOW_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_sockflow6_v1 SEC(".maps");

#endif /* SENDA_ABI_SOCK6_H */
