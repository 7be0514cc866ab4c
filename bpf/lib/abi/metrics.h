/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Datapath counter map ABI: senda_metrics_v1 and the meaning of its indexes.
 *
 * senda_metrics_v1 is a per-CPU array indexed by enum senda_metric; the agent
 * sums the per-CPU values when it exports them. Both address families count
 * into the same entries (an event is an event, whatever the family).
 * New counters are appended at the end (indexes are ABI); the array is sized
 * with room to spare so appending does not change the map. Counting itself is
 * in ../metrics.h.
 */
#ifndef SENDA_ABI_METRICS_H
#define SENDA_ABI_METRICS_H

#include "../common.h"

/* Index into senda_metrics_v1 (key: __u32, host order). Append only. */
enum senda_metric {
	SENDA_M_SOCK_TRANSLATED   = 0,  /* connect/sendmsg rewritten to a backend */
	SENDA_M_SOCK_REFUSED      = 1,  /* connect/sendmsg to a Service without backends */
	SENDA_M_SOCK_REVNAT       = 2,  /* recvmsg/getpeername restored to the VIP */
	SENDA_M_TC_DNAT_NEW       = 3,  /* new flow: backend selected, CT entries created */
	SENDA_M_TC_DNAT_CT        = 4,  /* packet of a known flow: backend from CT */
	SENDA_M_TC_REVNAT         = 5,  /* reply rewritten back to the VIP */
	SENDA_M_TC_REJECT_TCP     = 6,  /* TCP to a Service without backends: RST sent */
	SENDA_M_TC_REJECT_UDP     = 7,  /* UDP to a Service without backends: ICMP/drop */
	SENDA_M_TC_HAIRPIN        = 8,  /* new flow whose backend is its own client */
	SENDA_M_LB_INCONSISTENT   = 9,  /* header count larger than existing slots/backends */
	SENDA_M_TC_ERROR          = 10, /* a helper failed while rewriting a packet */
	SENDA_M_CT_FULL           = 11, /* CT update failed */
	SENDA_M_TC_DROP_NO_LOCAL  = 12, /* to a node-local frontend without endpoints here: dropped */
	SENDA_M_SOCK_NO_LOCAL     = 13, /* connect/sendmsg to such a frontend: EHOSTUNREACH */
	SENDA_M_NAT_NEW           = 14, /* flow from outside source-NATed to a node port (abi/nat.h) */
	SENDA_M_NAT_FAIL          = 15, /* no node address or no free NAT port: packet dropped */
	/* LRU pressure (../lru.h): entries created / deleted by the datapath, per table,
	 * both families; with the entries present they give the evictions */
	SENDA_M_CT_CREATED        = 16, /* per-packet conntrack entry created */
	SENDA_M_CT_DELETED        = 17, /* per-packet conntrack entry deleted (flow retired) */
	SENDA_M_NAT_CREATED       = 18, /* source-NAT entry created (IN or OUT half) */
	SENDA_M_POLCT_CREATED     = 19, /* policy conntrack entry created */
	SENDA_M__COUNT
};

#define SENDA_METRICS_MAX_ENTRIES 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);   /* host: event count on this CPU */
	__uint(max_entries, SENDA_METRICS_MAX_ENTRIES);
	__uint(pinning, SENDA_PIN);
} senda_metrics_v1 SEC(".maps");

#endif /* SENDA_ABI_METRICS_H */
