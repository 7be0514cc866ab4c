/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Session-affinity map ABI, IPv4: senda_affinity4_v1 (meaning: affinity.h).
 */
#ifndef SENDA_ABI_AFFINITY4_H
#define SENDA_ABI_AFFINITY4_H

#include "../common.h"
#include "affinity.h"

/* Key of senda_affinity4_v1. 16 bytes. */
struct senda_affinity4_key {
	__u64  netns_cookie;  /* host: socket LB: the client's netns cookie; per-packet: 0 */
	__be32 client;        /* be:   per-packet: the client's source address; socket LB: 0 */
	__u32  service_id;    /* host: the frontend's service id (header of senda_svc4_v1) */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_affinity4_key);
	__type(value, struct senda_affinity_value);
	__uint(max_entries, SENDA_AFFINITY_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_affinity4_v1 SEC(".maps");

#endif /* SENDA_ABI_AFFINITY4_H */
