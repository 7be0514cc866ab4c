/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NetworkPolicy checks: what both families share (counting, the pending
 * setting, port-range matching, conntrack freshness). The rules the checks
 * follow are in abi/policy.h; the per-family checks in policy4.h, policy6.h.
 *
 * The entry points (senda_pol{4,6}_before, _from_pod, _to_pod) are BPF
 * subprograms, called from the program next to the LB stages, never from
 * inside them: the verifier adds up the frames of a call chain, and the LB's
 * deepest chain is already close to the 512-byte limit. The tuple a packet had
 * before LB is kept in a per-CPU scratch entry rather than on the program's
 * stack for the same reason (a tc program runs to its end on one CPU).
 */
#ifndef SENDA_POLICY_H
#define SENDA_POLICY_H

#include "common.h"
#include "ctx/ctx.h"
#include "abi/policy.h"
#include "abi/policy4.h"
#include "abi/policy6.h"
#include "ct.h"
#include "metrics.h"

/* The checks a program calls are global functions (SENDA_GLOBAL_CALL, common.h);
 * their helpers static subprograms. */
#define SENDA_POL_CALL __attribute__((noinline))

/* ICMP / ICMPv6 types that carry an echo identifier where ports would be. */
#define SENDA_ICMP_ECHO_REPLY     0
#define SENDA_ICMP_ECHO_REQUEST   8
#define SENDA_ICMP6_ECHO_REQUEST  128
#define SENDA_ICMP6_ECHO_REPLY    129
/* ICMPv6 neighbour discovery (router/neighbour solicitation, advertisement,
 * redirect): never policed, a pod without it has no network. */
#define SENDA_ICMP6_ND_FIRST 133
#define SENDA_ICMP6_ND_LAST  137

#ifndef IPPROTO_ICMP
#define IPPROTO_ICMP 1
#endif
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

/* One packet more for {policy_id, dir, verdict}, on this CPU. */
static __always_inline void senda_pol_count(__u16 policy_id, __u8 dir, __u8 verdict)
{
	struct senda_polstats_key k = { .policy_id = policy_id, .dir = dir, .verdict = verdict };
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&senda_polstats_v1, &k);
	if (v) {
		*v += 1;  /* per-CPU slot: no other writer */
		return;
	}
	/* first packet of this key (a full map loses the count, never the packet) */
	bpf_map_update_elem(&senda_polstats_v1, &k, &one, BPF_NOEXIST);
}

/* The verdict for a pod address without a polep entry (abi/policy.h). */
static __always_inline int senda_pol_pending(__u8 dir)
{
	__u32 zero = 0;
	struct senda_polcfg *cfg = bpf_map_lookup_elem(&senda_polcfg_v1, &zero);

	if (cfg && cfg->pending_deny) {
		senda_pol_count(0, dir, SENDA_POL_V_PENDING_DROP);
		return SENDA_CTX_DROP;
	}
	senda_pol_count(0, dir, SENDA_POL_V_PENDING);
	return SENDA_CTX_PASS;
}

/*
 * The policy id of the first range of *r that holds {proto, port} (host
 * order), or -1 when none does. A range of protocol 0 holds every protocol.
 */
static __always_inline int senda_pol_ports_allow(const struct senda_polrule_value *r, __u8 proto, __u16 port)
{
	__u32 i;

	for (i = 0; i < SENDA_POL_PORTS_MAX; i++) {
		const struct senda_polport *p = &r->ports[i];

		if (i >= r->count)
			break;
		if ((p->proto == SENDA_POL_PROTO_ANY || p->proto == proto) && port >= p->first && port <= p->last)
			return p->policy_id;
	}
	return -1;
}

/* Whether a policy conntrack entry still lets packets pass; refreshes it if so. */
static __always_inline int senda_pol_ct_fresh(struct senda_polct_value *v, __u8 proto)
{
	__u32 idle = proto == IPPROTO_TCP ? SENDA_POL_CT_IDLE_TCP : SENDA_POL_CT_IDLE_OTHER;
	__u32 now = senda_ct_now();

	if (now - v->last_seen > idle)
		return 0;
	if (v->last_seen != now)
		v->last_seen = now;
	return 1;
}

/* Writes (or refreshes, at most once per clock unit) a policy conntrack entry. */
static __always_inline void senda_pol_ct_put(void *map, const void *key, __u16 policy_id, __u8 dir)
{
	struct senda_polct_value v = { .last_seen = senda_ct_now(), .policy_id = policy_id, .dir = dir };
	struct senda_polct_value *old = bpf_map_lookup_elem(map, key);

	if (old) {
		if (old->last_seen != v.last_seen)
			old->last_seen = v.last_seen;
		return;
	}
	/* a full LRU evicts; never fails the packet. Counted: the agent estimates evictions from it.
	 * BPF_NOEXIST: when another CPU created the entry since the lookup, it stands (the same flow,
	 * the same verdict) and only its creation is counted. */
	if (bpf_map_update_elem(map, key, &v, BPF_NOEXIST) == 0)
		senda_count(SENDA_M_POLCT_CREATED);
}

/* Per-CPU room for the tuple a packet had before per-packet LB (policy.h). */
struct senda_pol_scratch {
	struct senda_polct4_key t4;
	struct senda_polct6_key t6;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct senda_pol_scratch);
	__uint(max_entries, 1);
} senda_pol_scratch SEC(".maps");  /* not pinned, not ABI: one program run's scratch */

static __always_inline struct senda_pol_scratch *senda_pol_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&senda_pol_scratch, &zero);
}

#endif /* SENDA_POLICY_H */
