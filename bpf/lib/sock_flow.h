/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Backend stickiness for unconnected UDP through socket LB (IPv4): a socket that
 * sendto()s a Service again and again keeps talking to the backend it got the
 * first time, as kube-proxy's conntrack keeps one 5-tuple on one backend.
 * Connected sockets need none of this: connect() translated them once.
 */
#ifndef SENDA_SOCK_FLOW_H
#define SENDA_SOCK_FLOW_H

#include "common.h"

#define SENDA_SOCK_FLOW_MAX_ENTRIES 262144

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

#endif /* SENDA_SOCK_FLOW_H */
