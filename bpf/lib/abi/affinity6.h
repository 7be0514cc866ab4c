/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Session-affinity map ABI, IPv6: senda_affinity6_v1, the sibling of
 * affinity4.h with a 16-byte client address (meaning: affinity.h).
 */
#ifndef SENDA_ABI_AFFINITY6_H
#define SENDA_ABI_AFFINITY6_H

#include "../common.h"
#include "affinity.h"

/* Key of senda_affinity6_v1. 32 bytes. */
struct senda_affinity6_key {
	__u64  netns_cookie;  /* host: socket LB: the client's netns cookie; per-packet: 0 */
	__be32 client[4];     /* be:   per-packet: the client's source address; socket LB: zero */
	__u32  service_id;    /* host: the frontend's service id (header of senda_svc6_v1) */
	__u32  pad;           /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_affinity6_key);
	__type(value, struct senda_affinity_value);
	__uint(max_entries, SENDA_AFFINITY_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_affinity6_v1 SEC(".maps");

#endif /* SENDA_ABI_AFFINITY6_H */
