/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer map ABI, IPv6: Service frontends (senda_svc6_v1), backends
 * (senda_backend6_v1) and reverse NAT (senda_revnat6_v1), the siblings of
 * lb4.h with 16-byte addresses. Model, ids and constants: lb.h. Addresses are
 * four __be32 words in network order (the bytes of struct in6_addr as they
 * appear on the wire), so keys hash and compare as raw bytes.
 */
#ifndef SENDA_ABI_LB6_H
#define SENDA_ABI_LB6_H

#include "../common.h"
#include "lb.h"

/* Key of senda_svc6_v1. 24 bytes. */
struct senda_svc6_key {
	__be32 address[4];  /* be:   Service VIP */
	__be16 port;        /* be:   Service port */
	__u8   proto;       /* host: IPPROTO_TCP / IPPROTO_UDP / IPPROTO_SCTP */
	__u8   scope;       /* host: SENDA_SCOPE_* */
	__u16  slot;        /* host: 0 = header, 1..count = backend slot */
	__u16  pad;         /* zero */
};

/* Value of senda_svc6_v1. 12 bytes, the same layout as struct senda_svc4_value. */
struct senda_svc6_value {
	__u32 backend_id;   /* host: slot > 0: backend id (in senda_backend6_v1); header: affinity timeout (s) or 0 */
	__u32 service_id;   /* host: id of this frontend, key of senda_revnat6_v1 */
	__u16 count;        /* host: header only: number of backend slots */
	__u8  flags;        /* host: header only: SENDA_SVC_FLAG_* */
	__u8  pad;          /* zero */
};

/* Value of senda_backend6_v1 (key: __u32 backend id, host order). 20 bytes. */
struct senda_backend6 {
	__be32 address[4];  /* be:   backend (pod) address */
	__be16 port;        /* be:   backend (target) port */
	__u8   proto;       /* host: IPPROTO_* */
	__u8   state;       /* host: SENDA_BACKEND_* */
};

/* Value of senda_revnat6_v1 (key: __u32 service id, host order). 20 bytes. */
struct senda_revnat6 {
	__be32 address[4];  /* be:   Service VIP to restore as the peer */
	__be16 port;        /* be:   Service port to restore as the peer */
	__u16  pad;         /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct senda_svc6_key);
	__type(value, struct senda_svc6_value);
	__uint(max_entries, SENDA_LB_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_svc6_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct senda_backend6);
	__uint(max_entries, SENDA_LB_MAX_BACKENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_backend6_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct senda_revnat6);
	__uint(max_entries, SENDA_LB_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_revnat6_v1 SEC(".maps");

#endif /* SENDA_ABI_LB6_H */
