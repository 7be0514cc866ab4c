/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket-LB map ABI, IPv4: senda_sockrevnat4_v1 and senda_sockflow4_v1
 * (what each is for: sock.h).
 */
#ifndef SENDA_ABI_SOCK4_H
#define SENDA_ABI_SOCK4_H

#include "../common.h"
#include "sock.h"

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

/* Key of senda_sockflow4_v1. 16 bytes. */
struct senda_sock_flow4_key {
	__u64  cookie;   /* host: bpf_get_socket_cookie() of the sending socket */
	__be32 address;  /* be:   Service VIP the application sent to */
	__be16 port;     /* be:   Service port */
	__u8   proto;    /* host: IPPROTO_* */
	__u8   pad;      /* zero */
};

/* Value of senda_sockflow4_v1. 12 bytes. */
struct senda_sock_flow4_value {
	__u32  backend_id;  /* host: id in senda_backend4_v1 when chosen */
	__be32 address;     /* be:   that backend's address (an id is reused once freed) */
	__be16 port;        /* be:   that backend's port */
	__u16  pad;         /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_sock_flow4_key);
	__type(value, struct senda_sock_flow4_value);
	__uint(max_entries, SENDA_SOCK_FLOW_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_sockflow4_v1 SEC(".maps");

#endif /* SENDA_ABI_SOCK4_H */
