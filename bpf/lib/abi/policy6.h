/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NetworkPolicy map ABI, IPv6: senda_polep6_v1, senda_polrule6_v1,
 * senda_polct6_v1 (meaning: policy.h).
 */
#ifndef SENDA_ABI_POLICY6_H
#define SENDA_ABI_POLICY6_H

#include "../common.h"
#include "policy.h"

/* Key of senda_polep6_v1. 16 bytes. */
struct senda_polep6_key {
	__be32 address[4];  /* be: a local pod's address */
};

/* Key of senda_polrule6_v1 (LPM trie: prefixlen first). 28 bytes. */
struct senda_polrule6_key {
	__u32  prefixlen;    /* host: SENDA_POL_RULE_ID_BITS (64) + the peer's prefix length, 0..128 */
	__u32  endpoint_id;  /* host: senda_polep_value.endpoint_id of the local pod */
	__u8   dir;          /* host: SENDA_POL_DIR_* */
	__u8   pad[3];       /* zero */
	__be32 peer[4];      /* be:   the remote prefix (host bits zero) */
};

/* Key of senda_polct6_v1: a packet's tuple as the check sees it. 40 bytes.
 * ICMPv6 echo: both ports hold the echo identifier; other protocols without
 * ports: both 0. */
struct senda_polct6_key {
	__be32 saddr[4];  /* be:   source address */
	__be32 daddr[4];  /* be:   destination address */
	__be16 sport;     /* be:   source port */
	__be16 dport;     /* be:   destination port */
	__u8   proto;     /* host: IPPROTO_* */
	__u8   pad[3];    /* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct senda_polep6_key);
	__type(value, struct senda_polep_value);
	__uint(max_entries, SENDA_POL_EP_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_polep6_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct senda_polrule6_key);
	__type(value, struct senda_polrule_value);
	__uint(max_entries, SENDA_POL_RULE_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);  /* required for LPM tries */
	__uint(pinning, SENDA_PIN);
} senda_polrule6_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_polct6_key);
	__type(value, struct senda_polct_value);
	__uint(max_entries, SENDA_POL_CT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_polct6_v1 SEC(".maps");

#endif /* SENDA_ABI_POLICY6_H */
