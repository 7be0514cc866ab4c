/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Session-affinity map ABI shared by both address families (Service
 * spec.sessionAffinity: ClientIP). The per-family structs and maps are in
 * affinity4.h and affinity6.h.
 *
 * The switch lives in the Service header (slot 0 of senda_svc{4,6}_v1, see
 * lb.h): flags has SENDA_SVC_FLAG_AFFINITY and backend_id, unused in headers
 * otherwise, holds the timeout in seconds (1..86400). No layout changed.
 *
 * One LRU map per family, written by the datapath only: per {client, service
 * id}, the backend the client was last sent to and when (seconds of
 * bpf_ktime_get_ns(), CLOCK_MONOTONIC). An entry is used while
 * now - last_used <= timeout and its backend is still in the frontend's
 * slots; every use refreshes last_used, as kube-proxy refreshes its
 * affinity entry on every new connection.
 *
 * Who the client is depends on the datapath (the two never share an entry):
 *   - per-packet LB: the packet's source address, netns_cookie 0;
 *   - socket LB: the network namespace of the socket (bpf_get_netns_cookie),
 *     client address zero. At connect() time a socket is usually not bound
 *     yet, so its source address is unknown; a pod is one network namespace
 *     with (per family) one address, so "same netns" is "same client IP" for
 *     pods, and every host process counts as one client, as they would
 *     share the node's address. A netns cookie is never 0, so the two kinds
 *     of key cannot collide.
 */
#ifndef SENDA_ABI_AFFINITY_H
#define SENDA_ABI_AFFINITY_H

#include "../common.h"

/* The compiled size, used only where no size is set (tools, tests): the agent
 * sets every LRU map's size from memory (MapSizeSetting), with this as floor. */
#define SENDA_AFFINITY_MAX_ENTRIES 65536

/* Value of senda_affinity4_v1 and senda_affinity6_v1. 12 bytes. */
struct senda_affinity_value {
	__u32 backend_id;  /* host: id in the family's backend map the client was sent to */
	__u32 last_used;   /* host: seconds (bpf_ktime_get_ns() / 1e9) of the last use */
	__u16 slot;        /* host: the slot that held backend_id then (checked first) */
	__u16 pad;         /* zero */
};

#endif /* SENDA_ABI_AFFINITY_H */
