/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack map ABI, IPv4: senda_ct4_v2. Entries, directions and flags: ct.h.
 *
 * v2 (this layout) added backend_id to the value; v1 (24-byte value, no
 * backend id) is not read any more. The key did not change.
 * Append only: a new layout adds fields at the end of the value, zero meaning
 * "unknown", and a new version suffix; the agent then migrates entries both
 * ways (dev.senda.maps.lb.LayoutMigration: zero-extended on an upgrade, cut
 * on a downgrade). Any other change needs a new map name stem.
 */
#ifndef SENDA_ABI_CT4_H
#define SENDA_ABI_CT4_H

#include "../common.h"
#include "ct.h"

/* Key of senda_ct4_v2. 16 bytes. */
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
 * Value of senda_ct4_v2. 28 bytes, no implicit padding (every field is
 * naturally aligned; pad is explicit).
 * Forward entry: nat_addr/nat_port = backend to send to; orig_* = original client
 * source (needed only when hairpin rewrote the source).
 * Reply entry: nat_addr/nat_port = the VIP/port to put back as source;
 * orig_addr/orig_port = the client's real address/port to put back as destination.
 * Both entries: backend_id = key of the flow's backend in senda_backend4_v1 when
 * it was chosen (0: unknown, ids start at 1); the forward path checks it to
 * notice a backend that was removed (or whose id now names another address).
 */
struct senda_ct4_value {
	__be32 nat_addr;    /* be:   see above */
	__be32 orig_addr;   /* be:   see above */
	__be16 nat_port;    /* be:   see above */
	__be16 orig_port;   /* be:   see above */
	__u32  service_id;  /* host: frontend id (senda_revnat4_v1 key) */
	__u8   flags;       /* host: SENDA_CT_FLAG_* */
	__u8   pad[3];      /* zero */
	__u32  last_seen;   /* host: bpf_ktime_get_ns() >> 30 (~1.07 s units) at last use */
	__u32  backend_id;  /* host: senda_backend4_v1 key of the backend, 0 = unknown */
#ifdef SENDA_TEST_CT4_VALUE_TAIL
	/* Test builds only, never shipped: fields appended to simulate the next
	 * layout (senda_ct4_v3) in the upgrade and downgrade tests. */
	SENDA_TEST_CT4_VALUE_TAIL
#endif
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct senda_ct4_key);
	__type(value, struct senda_ct4_value);
	__uint(max_entries, SENDA_CT_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_ct4_v2 SEC(".maps");

/*
 * The conntrack map of another layout version while the agent migrates it
 * (dev.senda.maps.lb.PriorMaps, LayoutMigration): in slot 0 from the load of
 * these programs until the migration's second pass, empty otherwise (if the
 * agent dies in between, the next start replaces programs whose slot is still
 * filled: dev.senda.datapath.Links.sameProgram). During
 * the migration some hooks still run the other version's programs, which open
 * flows in their own map; these programs look there for what theirs lacks
 * (lib/ct4.h, senda_ct4_find), so the next packet of such a flow is neither
 * balanced afresh nor, if it is a reply, left untranslated.
 * The inner map declared here is only a template: the agent makes the other
 * version's map the template before loading, so the verifier checks every
 * read against that map's value size. Only the fields of v2 (the first
 * SENDA_CT4_PRIOR_READ bytes) are read, so any version from v2 on fits.
 * Not pinned: each loaded object has its own.
 */
#define SENDA_CT4_PRIOR_READ 28
/* backend_id is the last field senda_ct4_find() reads (lib/ct4.h); the agent
 * derives the same number from its codec (dev.senda.maps.lb.PriorMaps). */
_Static_assert(SENDA_CT4_PRIOR_READ == __builtin_offsetof(struct senda_ct4_value, backend_id) +
	       sizeof(((struct senda_ct4_value *)0)->backend_id),
	       "SENDA_CT4_PRIOR_READ must end where backend_id does");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_LRU_HASH);
		__type(key, struct senda_ct4_key);
		__type(value, struct senda_ct4_value);
		__uint(max_entries, 1);
	});
} senda_ct4_prior SEC(".maps");

#endif /* SENDA_ABI_CT4_H */
