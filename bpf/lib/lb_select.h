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
 */
#ifndef SENDA_LB_SELECT_H
#define SENDA_LB_SELECT_H

#include "common.h"
#include "abi/lb4.h"
#include "abi/lb6.h"
#include "addr6.h"
#include "metrics.h"

enum senda_lb_result {
	SENDA_LB_SELECTED     = 0,  /* a backend was chosen: *out is filled */
	SENDA_LB_NOT_SERVICE  = 1,  /* no frontend at this address/port/proto: leave alone */
	SENDA_LB_NO_BACKEND   = 2,  /* a frontend with zero backends: refuse */
	SENDA_LB_INCONSISTENT = 3,  /* header promised a slot or backend that is missing */
};

/* ---- IPv4 ---- */

struct senda_lb4_choice {
	__be32 vip;         /* be:   frontend address the client asked for */
	__be32 addr;        /* be:   chosen backend address */
	__be16 vport;       /* be:   frontend port */
	__be16 port;        /* be:   chosen backend port */
	__u32  service_id;  /* host */
	__u32  backend_id;  /* host */
};

/*
 * Chooses a backend for {addr, port, proto} in the external scope.
 * Returns an enum senda_lb_result; out->vip/vport/service_id are set for
 * every result except SENDA_LB_NOT_SERVICE.
 */
static __always_inline int
senda_lb4_select(__be32 addr, __be16 port, __u8 proto, struct senda_lb4_choice *out)
{
	struct senda_svc4_key key = {
		.address = addr,
		.port = port,
		.proto = proto,
		.scope = SENDA_SCOPE_EXTERNAL,
		.slot = 0,
	};
	struct senda_svc4_value *hdr, *slot;
	struct senda_backend4 *be;
	__u32 backend_id;
	__u16 count;

	hdr = bpf_map_lookup_elem(&senda_svc4_v1, &key);
	if (!hdr)
		return SENDA_LB_NOT_SERVICE;

	out->vip = addr;
	out->vport = port;
	out->service_id = hdr->service_id;
	count = hdr->count;
	if (count == 0)
		return SENDA_LB_NO_BACKEND;

	key.slot = (__u16)((bpf_get_prandom_u32() % count) + 1);
	slot = bpf_map_lookup_elem(&senda_svc4_v1, &key);
	if (!slot)
		goto inconsistent;
	backend_id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend4_v1, &backend_id);
	if (!be)
		goto inconsistent;

	out->addr = be->address;
	out->port = be->port;
	out->backend_id = backend_id;
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
};

/* As senda_lb4_select(), on senda_svc6_v1 and senda_backend6_v1. */
static __always_inline int
senda_lb6_select(const __be32 *addr, __be16 port, __u8 proto, struct senda_lb6_choice *out)
{
	struct senda_svc6_key key = {
		.port = port,
		.proto = proto,
		.scope = SENDA_SCOPE_EXTERNAL,
		.slot = 0,
	};
	struct senda_svc6_value *hdr, *slot;
	struct senda_backend6 *be;
	__u32 backend_id;
	__u16 count;

	senda_addr6_copy(key.address, addr);
	hdr = bpf_map_lookup_elem(&senda_svc6_v1, &key);
	if (!hdr)
		return SENDA_LB_NOT_SERVICE;

	senda_addr6_copy(out->vip, addr);
	out->vport = port;
	out->service_id = hdr->service_id;
	count = hdr->count;
	if (count == 0)
		return SENDA_LB_NO_BACKEND;

	key.slot = (__u16)((bpf_get_prandom_u32() % count) + 1);
	slot = bpf_map_lookup_elem(&senda_svc6_v1, &key);
	if (!slot)
		goto inconsistent;
	backend_id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend6_v1, &backend_id);
	if (!be)
		goto inconsistent;

	senda_addr6_copy(out->addr, be->address);
	out->port = be->port;
	out->backend_id = backend_id;
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
