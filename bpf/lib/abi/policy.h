/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NetworkPolicy map ABI shared by both address families: sizes, flags,
 * directions, the port-range value, the policy conntrack value, the verdict
 * counters and the agent's settings. The per-family keys and maps are in
 * policy4.h and policy6.h; the checks themselves in ../policy.h,
 * ../policy4.h, ../policy6.h.
 *
 * Written by the control plane (dev.senda.reconcile PolicyEncoding):
 *   senda_polep{4,6}_v1   local pod address -> {endpoint id, isolation flags}.
 *                         Every pod of this node with an address has one,
 *                         isolated or not: an address without one is "not
 *                         computed yet" (SENDA_POL_V_PENDING).
 *   senda_polrule{4,6}_v1 LPM trie {endpoint id, direction, peer prefix} ->
 *                         up to SENDA_POL_PORTS_MAX port ranges. The compiler
 *                         resolved every overlap: the longest prefix holding
 *                         the peer is the whole answer (an entry with count 0
 *                         denies, e.g. an ipBlock except).
 *   senda_polcfg_v1       one entry: what to do with a pending address.
 * Written by the datapath:
 *   senda_polct{4,6}_v1   policy conntrack (LRU): exact tuples that pass
 *                         because they belong to a flow already allowed.
 *   senda_polstats_v1     per-CPU verdict counters by {policy id, direction,
 *                         verdict}.
 *
 * Where the checks run (both on the host side of a pod's interface): EGRESS
 * on the packet leaving the pod (senda_tc_from_pod, after per-packet LB, so
 * the destination is the backend pod, not the Service); INGRESS on the packet
 * going to the pod (senda_tc_to_pod). A packet is allowed when:
 *   1. it is not IPv4/IPv6 unicast between routable addresses (ARP, neighbour
 *      discovery, link-local, multicast: never policed), or
 *   2. (ingress) the node itself sent it (a local socket: kubelet probes), or
 *   3. its exact tuple is in the policy conntrack (a reply or continuation of
 *      an allowed flow), or
 *   4. the pod is not isolated in that direction, or
 *   5. the pod's rule entry for the peer (LPM) holds a range of the packet's
 *      protocol (or protocol 0, "any") containing its destination port
 *      (ICMP, ICMPv6 and other protocols without ports: port 0, matched only by
 *      protocol 0 ranges), or the peer is the pod itself (a pod always reaches
 *      itself, through a Service too).
 * When 2, 4 or 5 allow, the tuple the other direction's packets will have at
 * their checkpoint is written to the policy conntrack (see policy4.h).
 * A pod address without a polep entry is PENDING: allowed (and counted), or
 * dropped when senda_polcfg_v1 says so (--policy-pending=deny).
 */
#ifndef SENDA_ABI_POLICY_H
#define SENDA_ABI_POLICY_H

#include "../common.h"

#define SENDA_POL_EP_MAX_ENTRIES    16384
#define SENDA_POL_RULE_MAX_ENTRIES  262144
#define SENDA_POL_CT_MAX_ENTRIES    65536   /* compiled floor; the agent sizes it (MapSizeSetting) */
#define SENDA_POL_STATS_MAX_ENTRIES 16384

/* Port ranges per rule entry; more are cut by the control plane (fail closed). */
#define SENDA_POL_PORTS_MAX 16

/* Bits of a rule key's prefixlen before the peer address: endpoint id (32),
 * direction (8) and pad (24). */
#define SENDA_POL_RULE_ID_BITS 64

/* senda_polep_value.flags */
#define SENDA_POL_ISOLATED_INGRESS 0x1
#define SENDA_POL_ISOLATED_EGRESS  0x2

/* direction of rule keys and counters */
#define SENDA_POL_DIR_INGRESS 0
#define SENDA_POL_DIR_EGRESS  1

/* senda_polport.proto: 0 = every protocol, every port (a rule without ports) */
#define SENDA_POL_PROTO_ANY 0

/* senda_polstats_key.verdict */
#define SENDA_POL_V_ALLOW        0  /* a rule of policy_id allowed it (policy_id 0: pod not isolated) */
#define SENDA_POL_V_DENY         1  /* isolated, no rule allowed it: dropped (policy_id 0) */
#define SENDA_POL_V_CONNTRACK    2  /* passed as part of an allowed flow (policy_id 0) */
#define SENDA_POL_V_NODE         3  /* sent by the node itself, allowed (policy_id 0, ingress) */
#define SENDA_POL_V_PENDING      4  /* no polep entry: allowed (policy_id 0) */
#define SENDA_POL_V_PENDING_DROP 5  /* no polep entry, --policy-pending=deny: dropped */

/* Idle time after which a policy conntrack entry no longer lets packets pass,
 * in ~1.07 s units (ct.h's clock): TCP 6 hours, everything else 3 minutes. */
#define SENDA_POL_CT_IDLE_TCP   20160
#define SENDA_POL_CT_IDLE_OTHER 168

/* Value of senda_polep4_v1 and senda_polep6_v1. 8 bytes. */
struct senda_polep_value {
	__u32 endpoint_id;  /* host: nonzero, stable per pod (allocated by the agent) */
	__u8  flags;        /* host: SENDA_POL_ISOLATED_* */
	__u8  pad[3];       /* zero */
};

/* One allowed destination port range. 8 bytes. */
struct senda_polport {
	__u16 first;      /* host: first port, inclusive */
	__u16 last;       /* host: last port, inclusive (0..65535 for proto 0) */
	__u8  proto;      /* host: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP or SENDA_POL_PROTO_ANY */
	__u8  pad;        /* zero */
	__u16 policy_id;  /* host: the NetworkPolicy that allowed it (agent's id), for the counters */
};

/* Value of senda_polrule4_v1 and senda_polrule6_v1. 132 bytes. */
struct senda_polrule_value {
	__u8  count;                                    /* host: ports[0..count-1] are valid; 0 = deny */
	__u8  pad[3];                                   /* zero */
	struct senda_polport ports[SENDA_POL_PORTS_MAX];  /* unused ones zero */
};

/* Value of senda_polct4_v1 and senda_polct6_v1. 8 bytes. */
struct senda_polct_value {
	__u32 last_seen;  /* host: ct.h's clock (bpf_ktime_get_ns() >> 30) at the last packet */
	__u16 policy_id;  /* host: the policy whose rule allowed the flow, 0 for none */
	__u8  dir;        /* host: SENDA_POL_DIR_* of the check that allowed it */
	__u8  pad;        /* zero */
};

/* Key of senda_polstats_v1. 4 bytes. */
struct senda_polstats_key {
	__u16 policy_id;  /* host: see SENDA_POL_V_* */
	__u8  dir;        /* host: SENDA_POL_DIR_* */
	__u8  verdict;    /* host: SENDA_POL_V_* */
};

/* Value of senda_polcfg_v1 (key: __u32 0). 4 bytes. */
struct senda_polcfg {
	__u8 pending_deny;  /* host: 1 = drop packets of pods without a polep entry */
	__u8 pad[3];        /* zero */
};

/* Per-CPU packet counters; a hash because policy ids are sparse. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, struct senda_polstats_key);
	__type(value, __u64);  /* host: packets on this CPU */
	__uint(max_entries, SENDA_POL_STATS_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, SENDA_PIN);
} senda_polstats_v1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct senda_polcfg);
	__uint(max_entries, 1);
	__uint(pinning, SENDA_PIN);
} senda_polcfg_v1 SEC(".maps");

#endif /* SENDA_ABI_POLICY_H */
