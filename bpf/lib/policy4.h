/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NetworkPolicy checks of IPv4 packets on the host side of a pod's interface
 * (rules: abi/policy.h; shared parts: policy.h).
 *
 * Tuples and the policy conntrack. Each checkpoint looks the packet's own
 * tuple up, and an allowed packet writes the tuple the other direction will
 * have at ITS checkpoint:
 *   - leaving pod P (from_pod): looked up with the tuple before per-packet LB
 *     (t0, what P sent); rules judged on the tuple after it (t1: the backend).
 *     The reply reaches P's to_pod reverse-NATed, i.e. as reverse(t0) (with
 *     socket LB t0 already names the backend): reverse(t0) is written.
 *   - going to pod P (to_pod): the packet as P receives it (t2), which is what
 *     P's reply reverses before its own LB stage runs: reverse(t2) is written.
 *   - a packet coming back to the pod that sent it (hairpin through a Service,
 *     or a refusal bounced by the LB): always allowed; t1 is written so that
 *     P's to_pod lets it in.
 */
#ifndef SENDA_POLICY4_H
#define SENDA_POLICY4_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt.h"
#include "pkt4.h"
#include "policy.h"
#include "abi/policy4.h"

/*
 * Parses the frame's tuple into *t. Returns 1 for a packet policy judges,
 * 0 for one it never judges: not IPv4, a malformed IPv4 header (the stack
 * drops it), a non-first fragment (it carries no ports; without its first
 * fragment, which was judged, it reassembles into nothing), multicast or
 * broadcast destinations. A TCP/UDP/SCTP header too short for its ports is
 * judged with ports 0, which only "any protocol" ranges allow (fail closed).
 */
static __always_inline int senda_pol4_parse(struct senda_ctx *ctx, struct senda_polct4_key *t)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	__u8 *l4;

	if (senda_pkt_pull(ctx) < 0)
		return 0;
	data = senda_ctx_data(ctx);
	data_end = senda_ctx_data_end(ctx);
	eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
		return 0;
	if (ip->frag_off & bpf_htons(SENDA_IP_OFFSET))
		return 0;
	/* 224.0.0.0/4 and 240.0.0.0/4 (multicast, reserved, limited broadcast) */
	if ((ip->daddr & bpf_htonl(0xe0000000)) == bpf_htonl(0xe0000000))
		return 0;
	t->saddr = ip->saddr;
	t->daddr = ip->daddr;
	t->proto = ip->protocol;
	t->sport = 0;
	t->dport = 0;
	t->pad[0] = t->pad[1] = t->pad[2] = 0;
	l4 = (__u8 *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP || ip->protocol == IPPROTO_SCTP) {
		if ((void *)(l4 + 4) <= data_end) {
			t->sport = *(__be16 *)l4;
			t->dport = *(__be16 *)(l4 + 2);
		}
	} else if (ip->protocol == IPPROTO_ICMP) {
		/* type (1), code (1), checksum (2), echo identifier (2) */
		if ((void *)(l4 + 6) <= data_end &&
		    (l4[0] == SENDA_ICMP_ECHO_REQUEST || l4[0] == SENDA_ICMP_ECHO_REPLY)) {
			t->sport = *(__be16 *)(l4 + 4);
			t->dport = t->sport;
		}
	}
	return 1;
}

static __always_inline void senda_pol4_reverse(struct senda_polct4_key *r, const struct senda_polct4_key *t)
{
	r->saddr = t->daddr;
	r->daddr = t->saddr;
	r->sport = t->dport;
	r->dport = t->sport;
	r->proto = t->proto;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

/*
 * The verdict for a judged packet of local pod `pod` in direction `dir`:
 * t is the tuple looked up in (and reversed into) the policy conntrack,
 * peer/port (the remote address, the destination port) what the rules match.
 */
static SENDA_POL_CALL int senda_pol4_judge(const struct senda_polct4_key *t, __be32 pod, __u8 dir, __be32 peer,
					  __be16 port)
{
	struct senda_polep4_key ek = { .address = pod };
	struct senda_polrule4_key rk = {};
	struct senda_polct4_key rev;
	struct senda_polep_value *ep;
	struct senda_polrule_value *r;
	struct senda_polct_value *ct;
	__u8 isolated = dir == SENDA_POL_DIR_INGRESS ? SENDA_POL_ISOLATED_INGRESS : SENDA_POL_ISOLATED_EGRESS;
	int id = 0;

	ep = bpf_map_lookup_elem(&senda_polep4_v1, &ek);
	if (!ep)
		return senda_pol_pending(dir);
	ct = bpf_map_lookup_elem(&senda_polct4_v1, t);
	if (ct && senda_pol_ct_fresh(ct, t->proto)) {
		senda_pol_count(0, dir, SENDA_POL_V_CONNTRACK);
		return SENDA_CTX_PASS;
	}
	if ((ep->flags & isolated) && peer != pod) {
		rk.prefixlen = SENDA_POL_RULE_ID_BITS + 32;
		rk.endpoint_id = ep->endpoint_id;
		rk.dir = dir;
		rk.peer = peer;
		r = bpf_map_lookup_elem(&senda_polrule4_v1, &rk);
		id = r ? senda_pol_ports_allow(r, t->proto, bpf_ntohs(port)) : -1;
		if (id < 0) {
			senda_pol_count(0, dir, SENDA_POL_V_DENY);
			return SENDA_CTX_DROP;
		}
	}
	senda_pol_count(id, dir, SENDA_POL_V_ALLOW);
	senda_pol4_reverse(&rev, t);
	senda_pol_ct_put(&senda_polct4_v1, &rev, id, dir);
	return SENDA_CTX_PASS;
}

/* Before per-packet LB on a packet leaving a pod: keeps its tuple. Returns
 * whether the packet is judged (then senda_pol4_from_pod must follow). */
SENDA_GLOBAL_CALL int senda_pol4_before(struct senda_ctx *ctx)
{
	struct senda_pol_scratch *s = senda_pol_scratch_get();

	return s ? senda_pol4_parse(ctx, &s->t4) : 0;
}

/*
 * Egress check of a packet leaving a pod, after per-packet LB decided
 * `verdict` (see the header comment for the tuples). A packet the LB drops
 * stays dropped; one it sends back into the pod is allowed.
 */
SENDA_GLOBAL_CALL int senda_pol4_from_pod(struct senda_ctx *ctx, int verdict)
{
	struct senda_pol_scratch *s = senda_pol_scratch_get();
	struct senda_polct4_key t1 = {};
	int res;

	if (!s || verdict == SENDA_CTX_DROP)
		return verdict;
	if (!senda_pol4_parse(ctx, &t1))
		return verdict;
	if (t1.daddr == s->t4.saddr) {
		senda_pol_count(0, SENDA_POL_DIR_EGRESS, SENDA_POL_V_ALLOW);
		senda_pol_ct_put(&senda_polct4_v1, &t1, 0, SENDA_POL_DIR_EGRESS);
		return verdict;
	}
	res = senda_pol4_judge(&s->t4, s->t4.saddr, SENDA_POL_DIR_EGRESS, t1.daddr, t1.dport);
	return res == SENDA_CTX_DROP ? res : verdict;
}

/*
 * Ingress check of a packet going to a pod, after the to-pod LB stage decided
 * `verdict`. from_node: the node itself sent it (allowed, its replies too).
 */
SENDA_GLOBAL_CALL int senda_pol4_to_pod(struct senda_ctx *ctx, int from_node, int verdict)
{
	struct senda_polct4_key t = {}, rev;

	if (verdict == SENDA_CTX_DROP || !senda_pol4_parse(ctx, &t))
		return verdict;
	if (from_node) {
		senda_pol_count(0, SENDA_POL_DIR_INGRESS, SENDA_POL_V_NODE);
		senda_pol4_reverse(&rev, &t);
		senda_pol_ct_put(&senda_polct4_v1, &rev, 0, SENDA_POL_DIR_INGRESS);
		return verdict;
	}
	if (senda_pol4_judge(&t, t.daddr, SENDA_POL_DIR_INGRESS, t.saddr, t.dport) == SENDA_CTX_DROP)
		return SENDA_CTX_DROP;
	return verdict;
}

#endif /* SENDA_POLICY4_H */
