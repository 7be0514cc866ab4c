/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet connection tracking for the tc datapath (IPv4).
 *
 * Each translated flow has two entries in senda_ct4_v1 (an LRU map):
 *   - the forward entry, keyed by the client's original tuple
 *     {client, VIP, client port, service port}, remembers the chosen backend, so
 *     an established flow keeps it when the Service's slots change;
 *   - the reply entry, keyed by the tuple of the backend's replies
 *     {backend, client-or-snat, backend port, client port}, says what to restore.
 */
#ifndef SENDA_CONNTRACK_H
#define SENDA_CONNTRACK_H

#include "common.h"

#define SENDA_CT_MAX_ENTRIES 262144

#define SENDA_CT_DIR_FORWARD 0
#define SENDA_CT_DIR_REPLY   1

/* ct4 entry flags */
#define SENDA_CT_FLAG_HAIRPIN 0x1  /* source was rewritten to the VIP (client == backend) */

/* Key of senda_ct4_v1. 16 bytes. */
struct senda_ct4_key {
	__be32 saddr;    /* be:   source address of the packet */
	__be32 daddr;    /* be:   destination address of the packet */
	__be16 sport;    /* be:   source port */
	__be16 dport;    /* be:   destination port */
	__u8   proto;    /* host: IPPROTO_* */
	__u8   dir;      /* host: SENDA_CT_DIR_* */
	__u16  pad;      /* zero */
};

/*
 * Value of senda_ct4_v1. 24 bytes.
 * Forward entry: nat_addr/nat_port = backend to send to; orig_* = original client
 * source (needed only when hairpin rewrote the source).
 * Reply entry: nat_addr/nat_port = the VIP/port to put back as source;
 * orig_addr/orig_port = the client's real address/port to put back as destination.
 */
struct senda_ct4_value {
	__be32 nat_addr;    /* be */
	__be32 orig_addr;   /* be */
	__be16 nat_port;    /* be */
	__be16 orig_port;   /* be */
	__u32  service_id;  /* host */
	__u8   flags;       /* host: SENDA_CT_FLAG_* */
	__u8   pad[3];      /* zero */
	__u32  last_seen;   /* host: bpf_ktime_get_ns() >> 30 (seconds-ish) at last use */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_ct4_key);
	__type(value, struct senda_ct4_value);
	__uint(max_entries, SENDA_CT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_ct4_v1 SEC(".maps");

#endif /* SENDA_CONNTRACK_H */
