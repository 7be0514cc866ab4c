/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer map ABI shared by both address families: sizes, scopes,
 * flags and backend states. The per-family structs and maps are in lb4.h and
 * lb6.h; their values mean the same in both.
 *
 * Model: a Service frontend {address, port, proto, scope} owns slots 0..N in
 * its family's service map: slot 0 is the header (backend count, service id,
 * flags); slots 1..count hold one backend id each. A header's backend_id is
 * no backend: with SENDA_SVC_FLAG_AFFINITY it holds the session-affinity
 * timeout in seconds (affinity.h), else 0. The control plane writes
 * backends first, then slots, then reverse NAT, then the header, so a reader
 * never sees a count larger than the slots that exist.
 *
 * Ids: backend ids and service ids come from one id space shared by both
 * families. A backend id lives in senda_backend4_v1 or senda_backend6_v1, never
 * in both; a service id is the key of its own family's reverse-NAT map.
 */
#ifndef SENDA_ABI_LB_H
#define SENDA_ABI_LB_H

#include "../common.h"

#define SENDA_LB_MAX_SERVICES 65536
#define SENDA_LB_MAX_BACKENDS 65536

/* scope of a frontend: which backend set a packet uses (traffic policies). */
#define SENDA_SCOPE_EXTERNAL 0
#define SENDA_SCOPE_INTERNAL 1

/* struct senda_svc{4,6}_value.flags */
#define SENDA_SVC_FLAG_NONE 0
/* sessionAffinity ClientIP: a client keeps its backend for backend_id seconds
 * after its last use (abi/affinity.h) */
#define SENDA_SVC_FLAG_AFFINITY 0x01
/* The kind of Service address a frontend is; none of them set = a cluster IP.
 * For inspection (senda bpf lb list); the datapath decides by the two flags
 * below, which the control plane derives from the kind and traffic policies. */
#define SENDA_SVC_FLAG_NODE_PORT     0x02
#define SENDA_SVC_FLAG_LOAD_BALANCER 0x04
#define SENDA_SVC_FLAG_EXTERNAL_IP   0x08
/* The frontend balances over this node's endpoints only (a traffic policy
 * Local) and has none here while the Service has endpoints elsewhere: its
 * traffic is dropped, not refused, as kube-proxy drops it ("has no local
 * endpoints"). A frontend with count 0 and without this flag is refused. */
#define SENDA_SVC_FLAG_DROP_EMPTY    0x10
/* Set on an EXTERNAL header whose address:port/proto also has an INTERNAL
 * frontend (externalTrafficPolicy Local): traffic that starts on this node (its
 * pods, its processes) uses the INTERNAL one, traffic from outside this one. */
#define SENDA_SVC_FLAG_TWO_SCOPES    0x20
/* loadBalancerSourceRanges: a new flow is accepted only from a source inside
 * one of this frontend's ranges in senda_srcrange{4,6}_v1 (abi/src_range.h) */
#define SENDA_SVC_FLAG_SOURCE_RANGES 0x40

/* struct senda_backend{4,6}.state */
#define SENDA_BACKEND_ACTIVE      0
#define SENDA_BACKEND_TERMINATING 1

#endif /* SENDA_ABI_LB_H */
