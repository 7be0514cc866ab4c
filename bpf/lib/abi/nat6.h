/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source-NAT map ABI, IPv6: senda_nat6_v1 and senda_nodeaddr6_v1. Entries,
 * directions and ports: nat.h.
 */
#ifndef SENDA_ABI_NAT6_H
#define SENDA_ABI_NAT6_H

#include "../common.h"
#include "nat.h"

/* Key of senda_nat6_v1. 40 bytes. */
struct senda_nat6_key {
	__be32 saddr[4]; /* be:   source address of the packet */
	__be32 daddr[4]; /* be:   destination address of the packet */
	__be16 sport;    /* be:   source port */
	__be16 dport;    /* be:   destination port */
	__u8   proto;    /* host: IPPROTO_* */
	__u8   dir;      /* host: SENDA_NAT_DIR_* */
	__u16  pad;      /* zero */
};

/* Value of senda_nat6_v1. 24 bytes. OUT: the source to write (node address,
 * NAT port); IN: the destination to write back (client address and port). */
struct senda_nat6_value {
	__be32 address[4]; /* be:   see above */
	__be16 port;       /* be:   see above */
	__u8   flags;      /* host: SENDA_NAT_FLAG_* */
	__u8   pad;        /* zero */
	__u32  last_seen;  /* host: bpf_ktime_get_ns() >> 30 (~1.07 s units) at last use */
};

/* Value of senda_nodeaddr6_v1 (key: __u32 0). 16 bytes. :: (all zero): none known. */
struct senda_nodeaddr6 {
	__be32 address[4]; /* be: this node's IPv6 address, the source of SNAT */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_nat6_key);
	__type(value, struct senda_nat6_value);
	__uint(max_entries, SENDA_NAT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_nat6_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct senda_nodeaddr6);
	__uint(max_entries, 1);
	__uint(pinning, SENDA_PIN);
} senda_nodeaddr6_v1 SEC(".maps");

#endif /* SENDA_ABI_NAT6_H */
