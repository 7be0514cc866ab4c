/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack map ABI, IPv6: senda_ct6_v1, the sibling of senda_ct4_v2 with
 * 16-byte addresses and the same entry semantics. Entries, directions and
 * flags: ct.h. Addresses are four __be32 words in network order.
 * Append only, as senda_ct4 (abi/ct4.h): a new layout adds fields at the end
 * of the value, zero meaning "unknown", under a new version suffix.
 */
#ifndef SENDA_ABI_CT6_H
#define SENDA_ABI_CT6_H

#include "../common.h"
#include "ct.h"

/* Key of senda_ct6_v1. 40 bytes. */
struct senda_ct6_key {
	__be32 saddr[4];  /* be:   source address of the packet */
	__be32 daddr[4];  /* be:   destination address of the packet */
	__be16 sport;     /* be:   source port */
	__be16 dport;     /* be:   destination port */
	__u8   proto;     /* host: IPPROTO_* */
	__u8   dir;       /* host: SENDA_CT_DIR_* */
	__u16  pad;       /* zero */
};

/*
 * Value of senda_ct6_v1. 52 bytes, no implicit padding. Field meanings as in
 * struct senda_ct4_value (ct4.h):
 * forward entry: nat_addr/nat_port = backend to send to, orig_* = the client's
 * source; reply entry: nat_addr/nat_port = VIP/port to put back as source,
 * orig_addr/orig_port = the client's address/port to put back as destination.
 * backend_id: key of the flow's backend in senda_backend6_v1 when it was
 * chosen (0: unknown, ids start at 1).
 */
struct senda_ct6_value {
	__be32 nat_addr[4];   /* be:   see above */
	__be32 orig_addr[4];  /* be:   see above */
	__be16 nat_port;      /* be:   see above */
	__be16 orig_port;     /* be:   see above */
	__u32  service_id;    /* host: frontend id (senda_revnat6_v1 key) */
	__u8   flags;         /* host: SENDA_CT_FLAG_* */
	__u8   pad[3];        /* zero */
	__u32  last_seen;     /* host: bpf_ktime_get_ns() >> 30 (~1.07 s units) at last use */
	__u32  backend_id;    /* host: senda_backend6_v1 key of the backend, 0 = unknown */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_ct6_key);
	__type(value, struct senda_ct6_value);
	__uint(max_entries, SENDA_CT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_ct6_v1 SEC(".maps");

/* The conntrack map of another layout version during a migration, as
 * senda_ct4_prior (abi/ct4.h): only the fields of v1 (52 bytes) are read. */
#define SENDA_CT6_PRIOR_READ 52
/* backend_id is the last field senda_ct6_find() reads (lib/ct6.h); the agent
 * derives the same number from its codec (dev.senda.maps.lb.PriorMaps). */
_Static_assert(SENDA_CT6_PRIOR_READ == __builtin_offsetof(struct senda_ct6_value, backend_id) +
	       sizeof(((struct senda_ct6_value *)0)->backend_id),
	       "SENDA_CT6_PRIOR_READ must end where backend_id does");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_LRU_HASH);
		__type(key, struct senda_ct6_key);
		__type(value, struct senda_ct6_value);
		__uint(max_entries, 1);
	});
} senda_ct6_prior SEC(".maps");

#endif /* SENDA_ABI_CT6_H */
