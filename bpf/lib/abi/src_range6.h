/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer source-range map ABI, IPv6: senda_srcrange6_v1 (meaning:
 * src_range.h).
 */
#ifndef SENDA_ABI_SRC_RANGE6_H
#define SENDA_ABI_SRC_RANGE6_H

#include "../common.h"
#include "src_range.h"

/* Key of senda_srcrange6_v1 (LPM trie: prefixlen first). 24 bytes. */
struct senda_srcrange6_key {
	__u32  prefixlen;   /* host: 32 (service id) + the range's prefix length, 0..128 */
	__u32  service_id;  /* host: the frontend's service id (header of senda_svc6_v1) */
	__be32 address[4];  /* be:   the range's network address (host bits zero) */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct senda_srcrange6_key);
	__type(value, struct senda_srcrange_value);
	__uint(max_entries, SENDA_SRC_RANGE_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);  /* required for LPM tries */
	__uint(pinning, SENDA_PIN);
} senda_srcrange6_v1 SEC(".maps");

#endif /* SENDA_ABI_SRC_RANGE6_H */
