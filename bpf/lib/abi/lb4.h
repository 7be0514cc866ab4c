/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer map ABI, IPv4: Service frontends (senda_svc4_v1), backends
 * (senda_backend4_v1) and reverse NAT (senda_revnat4_v1). Model, ids and
 * constants: lb.h.
 */
#ifndef SENDA_ABI_LB4_H
#define SENDA_ABI_LB4_H

#include "../common.h"
#include "lb.h"

/* Key of senda_svc4_v1. 12 bytes. */
struct senda_svc4_key {
	__be32 address;  /* be:   Service VIP */
	__be16 port;     /* be:   Service port */
	__u8   proto;    /* host: IPPROTO_TCP / IPPROTO_UDP / IPPROTO_SCTP */
	__u8   scope;    /* host: SENDA_SCOPE_* */
	__u16  slot;     /* host: 0 = header, 1..count = backend slot */
	__u16  pad;      /* zero */
};

/* Value of senda_svc4_v1. 12 bytes. */
struct senda_svc4_value {
	__u32 backend_id;   /* host: slot > 0: backend id; header: affinity timeout (s) or 0 */
	__u32 service_id;   /* host: id of this frontend, key of senda_revnat4_v1 */
	__u16 count;        /* host: header only: number of backend slots */
	__u8  flags;        /* host: header only: SENDA_SVC_FLAG_* */
	__u8  pad;          /* zero */
};

/* Value of senda_backend4_v1 (key: __u32 backend id, host order). 8 bytes. */
struct senda_backend4 {
	__be32 address;  /* be:   backend (pod) address */
	__be16 port;     /* be:   backend (target) port */
	__u8   proto;    /* host: IPPROTO_* */
	__u8   state;    /* host: SENDA_BACKEND_* */
};

/* Value of senda_revnat4_v1 (key: __u32 service id, host order). 8 bytes. */
struct senda_revnat4 {
	__be32 address;  /* be: Service VIP to restore as the peer */
	__be16 port;     /* be: Service port to restore as the peer */
	__u16  pad;      /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct senda_svc4_key);
	__type(value, struct senda_svc4_value);
	__uint(max_entries, SENDA_LB_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_svc4_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct senda_backend4);
	__uint(max_entries, SENDA_LB_MAX_BACKENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_backend4_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct senda_revnat4);
	__uint(max_entries, SENDA_LB_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_revnat4_v1 SEC(".maps");

#endif /* SENDA_ABI_LB4_H */
