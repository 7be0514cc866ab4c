/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which connected sockets socket LB pointed at a backend that is no longer
 * theirs, IPv4 and IPv6 side by side. Read-only over the LB maps; used by the
 * socket-destroy iterator (senda_sockdestroy.c).
 *
 * A socket is socket LB's when senda_sockrevnat{4,6}_v1 has {its cookie, its
 * peer}: connect() translated it from the Service address stored there. Its
 * backend is stale when the Service's UDP frontend at that address and port
 * (either scope) no longer holds a slot whose backend has the socket's peer
 * address and port, or when the frontend is gone. This is per frontend, as
 * kube-proxy's conntrack cleanup is per Service: a pod that left one Service
 * but still serves another is stale for the first one's sockets only.
 *
 * Slots are scanned with bpf_loop (Linux 5.17+, so present wherever the
 * iterator's bpf_sock_destroy is): the verifier checks the body once, and a
 * frontend's every slot (up to 65535) is looked at.
 */
#ifndef SENDA_SOCK_STALE_H
#define SENDA_SOCK_STALE_H

#include "common.h"
#include "addr6.h"
#include "abi/lb4.h"
#include "abi/lb6.h"
#include "abi/sock4.h"
#include "abi/sock6.h"

/* ---- IPv4 ---- */

struct senda_stale4_scan {
	struct senda_svc4_key key;  /* the frontend's header key; slot rewritten per step */
	__be32 addr;                /* be: the socket's peer */
	__be16 port;                /* be */
	__u16  pad;
	int    found;
};

static long senda_stale4_slot(__u32 i, void *data)
{
	struct senda_stale4_scan *s = data;
	struct senda_svc4_value *slot;
	struct senda_backend4 *be;
	__u32 id;

	s->key.slot = (__u16)(i + 1);
	slot = bpf_map_lookup_elem(&senda_svc4_v1, &s->key);
	if (!slot)
		return 0;
	id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend4_v1, &id);
	if (be && be->address == s->addr && be->port == s->port) {
		s->found = 1;
		return 1;  /* stop */
	}
	return 0;
}

/* 1 when the UDP frontend {vip, vport, scope} exists and one of its slots is addr:port. */
static __always_inline int senda_stale4_serves(__be32 vip, __be16 vport, __u8 scope, __be32 addr, __be16 port)
{
	struct senda_stale4_scan s = {};
	struct senda_svc4_value *hdr;

	s.key.address = vip;
	s.key.port = vport;
	s.key.proto = IPPROTO_UDP;
	s.key.scope = scope;
	s.key.slot = 0;
	hdr = bpf_map_lookup_elem(&senda_svc4_v1, &s.key);
	if (!hdr)
		return 0;
	s.addr = addr;
	s.port = port;
	bpf_loop(hdr->count, senda_stale4_slot, &s, 0);
	return s.found;
}

/* 1 when the socket {cookie, peer addr:port} was translated by socket LB and its backend is stale. */
static __always_inline int senda_stale4(__u64 cookie, __be32 addr, __be16 port)
{
	struct senda_sock_revnat4_key rk = {};
	struct senda_sock_revnat4_value *rv;
	__be32 vip;
	__be16 vport;

	rk.cookie = cookie;
	rk.address = addr;
	rk.port = port;
	rv = bpf_map_lookup_elem(&senda_sockrevnat4_v1, &rk);
	if (!rv)
		return 0;  /* not translated by socket LB: none of ours */
	vip = rv->address;
	vport = rv->port;
	if (senda_stale4_serves(vip, vport, SENDA_SCOPE_EXTERNAL, addr, port))
		return 0;
	return !senda_stale4_serves(vip, vport, SENDA_SCOPE_INTERNAL, addr, port);
}

/* ---- IPv6 ---- */

struct senda_stale6_scan {
	struct senda_svc6_key key;
	__be32 addr[4];
	__be16 port;
	__u16  pad;
	int    found;
};

static long senda_stale6_slot(__u32 i, void *data)
{
	struct senda_stale6_scan *s = data;
	struct senda_svc6_value *slot;
	struct senda_backend6 *be;
	__u32 id;

	s->key.slot = (__u16)(i + 1);
	slot = bpf_map_lookup_elem(&senda_svc6_v1, &s->key);
	if (!slot)
		return 0;
	id = slot->backend_id;
	be = bpf_map_lookup_elem(&senda_backend6_v1, &id);
	if (be && senda_addr6_eq(be->address, s->addr) && be->port == s->port) {
		s->found = 1;
		return 1;
	}
	return 0;
}

/* As senda_stale4_serves(), in senda_svc6_v1. */
static __always_inline int senda_stale6_serves(const __be32 *vip, __be16 vport, __u8 scope, const __be32 *addr,
					       __be16 port)
{
	struct senda_stale6_scan s = {};
	struct senda_svc6_value *hdr;

	senda_addr6_copy(s.key.address, vip);
	s.key.port = vport;
	s.key.proto = IPPROTO_UDP;
	s.key.scope = scope;
	s.key.slot = 0;
	hdr = bpf_map_lookup_elem(&senda_svc6_v1, &s.key);
	if (!hdr)
		return 0;
	senda_addr6_copy(s.addr, addr);
	s.port = port;
	bpf_loop(hdr->count, senda_stale6_slot, &s, 0);
	return s.found;
}

/* As senda_stale4(), in senda_sockrevnat6_v1 (native IPv6 Services). */
static __always_inline int senda_stale6(__u64 cookie, const __be32 *addr, __be16 port)
{
	struct senda_sock_revnat6_key rk = {};
	struct senda_sock_revnat6_value *rv;
	__be32 vip[4];
	__be16 vport;

	rk.cookie = cookie;
	senda_addr6_copy(rk.address, addr);
	rk.port = port;
	rv = bpf_map_lookup_elem(&senda_sockrevnat6_v1, &rk);
	if (!rv)
		return 0;
	senda_addr6_copy(vip, rv->address);
	vport = rv->port;
	if (senda_stale6_serves(vip, vport, SENDA_SCOPE_EXTERNAL, addr, port))
		return 0;
	return !senda_stale6_serves(vip, vport, SENDA_SCOPE_INTERNAL, addr, port);
}

#endif /* SENDA_SOCK_STALE_H */
