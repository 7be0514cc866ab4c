/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Backend selection shared by socket LB and per-packet LB, IPv4 and IPv6
 * side by side (senda_lb4_* / senda_lb6_*: the same steps on each family's
 * maps, abi/lb4.h and abi/lb6.h).
 *
 * A frontend's header (slot 0) gives the number of backend slots; a slot is
 * picked uniformly at random, its backend id is resolved to an address and port.
 * Both datapaths call senda_lb{4,6}_select() and act on the same result codes,
 * so "what is a Service" and "how is a backend chosen" live in one place per
 * family.
 *
 * Session affinity (header flag SENDA_SVC_FLAG_AFFINITY, timeout in the
 * header's backend_id; map and client identity: abi/affinity.h): the client's
 * entry is used when it is younger than the timeout and its backend is still
 * one of this frontend's slots (the remembered slot first, then a scan of at
 * most SENDA_AFFINITY_SCAN_SLOTS slots); the use refreshes it. Otherwise a
 * slot is picked at random and recorded. Switching the flag off leaves the
 * entries to age out of the LRU unread; switching it on starts recording with
 * the next selection.
 */
#ifndef SENDA_LB_SELECT_H
#define SENDA_LB_SELECT_H

#include "common.h"
#include "abi/lb4.h"
#include "abi/lb6.h"
#include "abi/affinity4.h"
#include "abi/affinity6.h"
#include "addr6.h"
#include "metrics.h"

enum senda_lb_result {
	SENDA_LB_SELECTED     = 0,  /* a backend was chosen: *out is filled */
	SENDA_LB_NOT_SERVICE  = 1,  /* no frontend at this address/port/proto: leave alone */
	SENDA_LB_NO_BACKEND   = 2,  /* a frontend with zero backends: refuse */
	SENDA_LB_INCONSISTENT = 3,  /* header promised a slot or backend that is missing */
	SENDA_LB_DROP         = 4,  /* no backend on this node for a node-local frontend: drop
				     * silently (SENDA_SVC_FLAG_DROP_EMPTY) */
};

/* Where the traffic being balanced started, for frontends with two scopes
 * (abi/lb.h SENDA_SVC_FLAG_TWO_SCOPES). */
enum senda_lb_origin {
	SENDA_LB_FROM_OUTSIDE = 0,  /* arrived on a node device (--node-devices) */
	SENDA_LB_FROM_NODE    = 1,  /* a pod of this node or the node's own processes */
};

/* The header of the frontend a packet of origin uses: the EXTERNAL one, or its
 * INTERNAL sibling for traffic from this node when the header announces one.
 * A missing sibling (being written or removed) falls back to EXTERNAL. */
#define SENDA_LB_PICK_SCOPE(map, key, hdr, origin)                                   \
	do {                                                                         \
		if ((origin) == SENDA_LB_FROM_NODE &&                                \
		    ((hdr)->flags & SENDA_SVC_FLAG_TWO_SCOPES)) {                    \
			typeof(hdr) internal_hdr;                                    \
			(key).scope = SENDA_SCOPE_INTERNAL;                          \
			internal_hdr = bpf_map_lookup_elem(&(map), &(key));          \
			if (internal_hdr)                                            \
				(hdr) = internal_hdr;                                \
			else                                                         \
				(key).scope = SENDA_SCOPE_EXTERNAL;                  \
		}                                                                    \
	} while (0)

/* The result for a frontend whose header says it has no backend slot. */
static __always_inline int senda_lb_empty_result(__u8 flags)
{
	return (flags & SENDA_SVC_FLAG_DROP_EMPTY) ? SENDA_LB_DROP : SENDA_LB_NO_BACKEND;
}

/*
 * How far a remembered backend is looked for when its slot moved (slots were
 * rewritten after an endpoint change). Beyond it, in frontends with more
 * slots, such a client is balanced afresh: a bounded cost per selection
 * rather than a scan of up to 65535 slots.
 */
#define SENDA_AFFINITY_SCAN_SLOTS 32

/* The affinity clock: whole seconds of CLOCK_MONOTONIC. */
static __always_inline __u32 senda_affinity_now(void)
{
	return (__u32)(bpf_ktime_get_ns() / 1000000000ULL);
}

/* True when an entry last used at last_used may still be used at now. */
static __always_inline int senda_affinity_fresh(__u32 now, __u32 last_used, __u32 timeout)
{
	return now - last_used <= timeout;
}

/* ---- IPv4 ---- */

struct senda_lb4_choice {
	__be32 vip;         /* be:   frontend address the client asked for */
	__be32 addr;        /* be:   chosen backend address */
	__be16 vport;       /* be:   frontend port */
	__be16 port;        /* be:   chosen backend port */
	__u32  service_id;  /* host */
	__u32  backend_id;  /* host */
	__u8   flags;       /* host: the header's SENDA_SVC_FLAG_* */
};

/*
 * Chooses a backend for {addr, port, proto} in the external scope.
 * Returns an enum senda_lb_result; out->vip/vport/service_id are set for
 * every result except SENDA_LB_NOT_SERVICE.
 */
/* The slot of this frontend (key: its header key) that holds backend_id, 0 if
 * none: hint first, then slots 1..SENDA_AFFINITY_SCAN_SLOTS. */
static __always_inline __u16
senda_lb4_find_slot(struct senda_svc4_key *key, __u16 count, __u16 hint, __u32 backend_id)
{
	struct senda_svc4_value *s;
	__u16 i;

	if (hint >= 1 && hint <= count) {
		key->slot = hint;
		s = bpf_map_lookup_elem(&senda_svc4_v1, key);
		if (s && s->backend_id == backend_id)
			return hint;
	}
	for (i = 1; i <= SENDA_AFFINITY_SCAN_SLOTS; i++) {
		if (i > count)
			break;
		key->slot = i;
		s = bpf_map_lookup_elem(&senda_svc4_v1, key);
		if (s && s->backend_id == backend_id)
			return i;
	}
	return 0;
}

/* Resolves key (its slot set) to a backend in *out; 0, or -1 if missing. */
static __always_inline int senda_lb4_resolve(struct senda_svc4_key *key, struct senda_lb4_choice *out)
{
	struct senda_svc4_value *slot;
	struct senda_backend4 *be;
	__u32 backend_id;

	slot = bpf_map_lookup_elem(&senda_svc4_v1, key);
	if (!slot)
		return -1;
	backend_id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend4_v1, &backend_id);
	if (!be)
		return -1;
	out->addr = be->address;
	out->port = be->port;
	out->backend_id = backend_id;
	return 0;
}

/*
 * Chooses a backend for {addr, port, proto} in the scope origin uses
 * (SENDA_LB_PICK_SCOPE), for the client {netns_cookie, client}
 * (abi/affinity.h: socket LB passes its netns cookie and 0, per-packet LB 0
 * and the source address).
 * Returns an enum senda_lb_result; out->vip/vport/service_id/flags are set
 * for every result except SENDA_LB_NOT_SERVICE.
 */
static __always_inline int
senda_lb4_select(__be32 addr, __be16 port, __u8 proto, enum senda_lb_origin origin, __u64 netns_cookie,
		 __be32 client, struct senda_lb4_choice *out)
{
	struct senda_svc4_key key = {
		.address = addr,
		.port = port,
		.proto = proto,
		.scope = SENDA_SCOPE_EXTERNAL,
		.slot = 0,
	};
	struct senda_affinity4_key ak = {};
	struct senda_affinity_value av = {};
	struct senda_affinity_value *known = 0;
	struct senda_svc4_value *hdr;
	__u32 timeout = 0, now = 0;
	__u16 count, slot;
	int affinity;

	hdr = bpf_map_lookup_elem(&senda_svc4_v1, &key);
	if (!hdr)
		return SENDA_LB_NOT_SERVICE;
	SENDA_LB_PICK_SCOPE(senda_svc4_v1, key, hdr, origin);

	out->vip = addr;
	out->vport = port;
	out->service_id = hdr->service_id;
	out->flags = hdr->flags;
	count = hdr->count;
	if (count == 0)
		return senda_lb_empty_result(hdr->flags);

	affinity = hdr->flags & SENDA_SVC_FLAG_AFFINITY;
	if (affinity) {
		timeout = hdr->backend_id;
		now = senda_affinity_now();
		ak.netns_cookie = netns_cookie;
		ak.client = client;
		ak.service_id = out->service_id;
		known = bpf_map_lookup_elem(&senda_affinity4_v1, &ak);
		if (known && senda_affinity_fresh(now, known->last_used, timeout)) {
			slot = senda_lb4_find_slot(&key, count, known->slot, known->backend_id);
			if (slot && senda_lb4_resolve(&key, out) == 0) {
				known->last_used = now;
				known->slot = slot;
				return SENDA_LB_SELECTED;
			}
		}
	}

	slot = (__u16)((bpf_get_prandom_u32() % count) + 1);
	key.slot = slot;
	if (senda_lb4_resolve(&key, out))
		goto inconsistent;

	if (affinity) {
		av.backend_id = out->backend_id;
		av.last_used = now;
		av.slot = slot;
		/* Best effort: without the entry the next connection is balanced afresh. */
		bpf_map_update_elem(&senda_affinity4_v1, &ak, &av, BPF_ANY);
	}
	return SENDA_LB_SELECTED;

inconsistent:
	/* The writer's order (backends, slots, header) makes this a transient
	 * state at worst; count it so a persistent bug is visible. */
	senda_count(SENDA_M_LB_INCONSISTENT);
	return SENDA_LB_INCONSISTENT;
}

/*
 * True when backend id still names addr:port in senda_backend4_v1: the backend
 * a conntrack entry chose has not been removed since. Ids are reused once
 * freed, hence the address and port check; the state is not looked at (a
 * terminating backend still serves the flows it has).
 */
static __always_inline int senda_lb4_backend_current(__u32 backend_id, __be32 addr, __be16 port)
{
	struct senda_backend4 *be;

	be = bpf_map_lookup_elem(&senda_backend4_v1, &backend_id);
	return be && be->address == addr && be->port == port;
}

/* ---- IPv6 ---- */

struct senda_lb6_choice {
	__be32 vip[4];      /* be:   frontend address the client asked for */
	__be32 addr[4];     /* be:   chosen backend address */
	__be16 vport;       /* be:   frontend port */
	__be16 port;        /* be:   chosen backend port */
	__u32  service_id;  /* host */
	__u32  backend_id;  /* host */
	__u8   flags;       /* host: the header's SENDA_SVC_FLAG_* */
};

/* As senda_lb4_find_slot(), in senda_svc6_v1. */
static __always_inline __u16
senda_lb6_find_slot(struct senda_svc6_key *key, __u16 count, __u16 hint, __u32 backend_id)
{
	struct senda_svc6_value *s;
	__u16 i;

	if (hint >= 1 && hint <= count) {
		key->slot = hint;
		s = bpf_map_lookup_elem(&senda_svc6_v1, key);
		if (s && s->backend_id == backend_id)
			return hint;
	}
	for (i = 1; i <= SENDA_AFFINITY_SCAN_SLOTS; i++) {
		if (i > count)
			break;
		key->slot = i;
		s = bpf_map_lookup_elem(&senda_svc6_v1, key);
		if (s && s->backend_id == backend_id)
			return i;
	}
	return 0;
}

/* As senda_lb4_resolve(), in senda_svc6_v1 and senda_backend6_v1. */
static __always_inline int senda_lb6_resolve(struct senda_svc6_key *key, struct senda_lb6_choice *out)
{
	struct senda_svc6_value *slot;
	struct senda_backend6 *be;
	__u32 backend_id;

	slot = bpf_map_lookup_elem(&senda_svc6_v1, key);
	if (!slot)
		return -1;
	backend_id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend6_v1, &backend_id);
	if (!be)
		return -1;
	senda_addr6_copy(out->addr, be->address);
	out->port = be->port;
	out->backend_id = backend_id;
	return 0;
}

/* As senda_lb4_select(), on senda_svc6_v1, senda_backend6_v1 and
 * senda_affinity6_v1 (client: 16 bytes, zero for socket LB). */
static __always_inline int
senda_lb6_select(const __be32 *addr, __be16 port, __u8 proto, enum senda_lb_origin origin,
		 __u64 netns_cookie, const __be32 *client, struct senda_lb6_choice *out)
{
	struct senda_svc6_key key = {
		.port = port,
		.proto = proto,
		.scope = SENDA_SCOPE_EXTERNAL,
		.slot = 0,
	};
	struct senda_affinity6_key ak = {};
	struct senda_affinity_value av = {};
	struct senda_affinity_value *known = 0;
	struct senda_svc6_value *hdr;
	__u32 timeout = 0, now = 0;
	__u16 count, slot;
	int affinity;

	senda_addr6_copy(key.address, addr);
	hdr = bpf_map_lookup_elem(&senda_svc6_v1, &key);
	if (!hdr)
		return SENDA_LB_NOT_SERVICE;
	SENDA_LB_PICK_SCOPE(senda_svc6_v1, key, hdr, origin);

	senda_addr6_copy(out->vip, addr);
	out->vport = port;
	out->service_id = hdr->service_id;
	out->flags = hdr->flags;
	count = hdr->count;
	if (count == 0)
		return senda_lb_empty_result(hdr->flags);

	affinity = hdr->flags & SENDA_SVC_FLAG_AFFINITY;
	if (affinity) {
		timeout = hdr->backend_id;
		now = senda_affinity_now();
		ak.netns_cookie = netns_cookie;
		senda_addr6_copy(ak.client, client);
		ak.service_id = out->service_id;
		known = bpf_map_lookup_elem(&senda_affinity6_v1, &ak);
		if (known && senda_affinity_fresh(now, known->last_used, timeout)) {
			slot = senda_lb6_find_slot(&key, count, known->slot, known->backend_id);
			if (slot && senda_lb6_resolve(&key, out) == 0) {
				known->last_used = now;
				known->slot = slot;
				return SENDA_LB_SELECTED;
			}
		}
	}

	slot = (__u16)((bpf_get_prandom_u32() % count) + 1);
	key.slot = slot;
	if (senda_lb6_resolve(&key, out))
		goto inconsistent;

	if (affinity) {
		av.backend_id = out->backend_id;
		av.last_used = now;
		av.slot = slot;
		bpf_map_update_elem(&senda_affinity6_v1, &ak, &av, BPF_ANY);  /* best effort */
	}
	return SENDA_LB_SELECTED;

inconsistent:
	senda_count(SENDA_M_LB_INCONSISTENT);  /* see senda_lb4_select() */
	return SENDA_LB_INCONSISTENT;
}

/* As senda_lb4_backend_current(), in senda_backend6_v1. */
static __always_inline int senda_lb6_backend_current(__u32 backend_id, const __be32 *addr, __be16 port)
{
	struct senda_backend6 *be;

	be = bpf_map_lookup_elem(&senda_backend6_v1, &backend_id);
	return be && senda_addr6_eq(be->address, addr) && be->port == port;
}

#endif /* SENDA_LB_SELECT_H */
