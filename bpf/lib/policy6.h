/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NetworkPolicy checks of IPv6 packets on the host side of a pod's interface:
 * policy4.h's checks and tuples for IPv6 (rules: abi/policy.h).
 */
#ifndef SENDA_POLICY6_H
#define SENDA_POLICY6_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt.h"
#include "pkt6.h"
#include "addr6.h"
#include "policy.h"
#include "abi/policy6.h"

#define SENDA_IP6_NEXTHDR_FRAGMENT 44

/* fe80::/10 */
static __always_inline int senda_addr6_is_link_local(const __be32 *a)
{
	return (a[0] & bpf_htonl(0xffc00000)) == bpf_htonl(0xfe800000);
}

/*
 * Parses the frame's tuple into *t, as senda_pol4_parse does. Not judged:
 * not IPv6, a truncated header, a link-local source or destination, a
 * multicast destination, neighbour discovery, a non-first fragment. A first
 * fragment is judged by the header after the fragment header; any other
 * extension header is judged with ports 0 and its own number as protocol
 * (only "any protocol" ranges allow it: fail closed, the chain is not walked).
 */
static __always_inline int senda_pol6_parse(struct senda_ctx *ctx, struct senda_polct6_key *t)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct ipv6hdr *ip;
	__u8 *l4;
	__u8 next;

	if (senda_pkt_pull(ctx) < 0)
		return 0;
	data = senda_ctx_data(ctx);
	data_end = senda_ctx_data_end(ctx);
	eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->version != 6)
		return 0;
	senda_addr6_copy(t->saddr, (const __be32 *)&ip->saddr);
	senda_addr6_copy(t->daddr, (const __be32 *)&ip->daddr);
	if (senda_addr6_is_link_local(t->saddr) || senda_addr6_is_link_local(t->daddr) ||
	    !senda_addr6_is_unicast(t->daddr))
		return 0;
	next = ip->nexthdr;
	l4 = (__u8 *)(ip + 1);
	if (next == SENDA_IP6_NEXTHDR_FRAGMENT) {
		/* next header (1), reserved (1), offset and flags (2, offset in the top 13 bits), id (4) */
		if ((void *)(l4 + 8) > data_end)
			return 0;
		if (*(__be16 *)(l4 + 2) & bpf_htons(0xfff8))
			return 0;
		next = l4[0];
		l4 += 8;
	}
	t->proto = next;
	t->sport = 0;
	t->dport = 0;
	t->pad[0] = t->pad[1] = t->pad[2] = 0;
	if (next == IPPROTO_TCP || next == IPPROTO_UDP || next == IPPROTO_SCTP) {
		if ((void *)(l4 + 4) <= data_end) {
			t->sport = *(__be16 *)l4;
			t->dport = *(__be16 *)(l4 + 2);
		}
	} else if (next == IPPROTO_ICMPV6) {
		/* type (1), code (1), checksum (2), echo identifier (2) */
		if ((void *)(l4 + 6) > data_end)
			return 1;
		if (l4[0] >= SENDA_ICMP6_ND_FIRST && l4[0] <= SENDA_ICMP6_ND_LAST)
			return 0;
		if (l4[0] == SENDA_ICMP6_ECHO_REQUEST || l4[0] == SENDA_ICMP6_ECHO_REPLY) {
			t->sport = *(__be16 *)(l4 + 4);
			t->dport = t->sport;
		}
	}
	return 1;
}

static __always_inline void senda_pol6_reverse(struct senda_polct6_key *r, const struct senda_polct6_key *t)
{
	senda_addr6_copy(r->saddr, t->daddr);
	senda_addr6_copy(r->daddr, t->saddr);
	r->sport = t->dport;
	r->dport = t->sport;
	r->proto = t->proto;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

/* senda_pol4_judge for IPv6. */
static SENDA_POL_CALL int senda_pol6_judge(const struct senda_polct6_key *t, const __be32 *pod, __u8 dir,
					  const __be32 *peer, __be16 port)
{
	struct senda_polep6_key ek;
	struct senda_polrule6_key rk = {};
	struct senda_polct6_key rev;
	struct senda_polep_value *ep;
	struct senda_polrule_value *r;
	struct senda_polct_value *ct;
	__u8 isolated = dir == SENDA_POL_DIR_INGRESS ? SENDA_POL_ISOLATED_INGRESS : SENDA_POL_ISOLATED_EGRESS;
	int id = 0;

	senda_addr6_copy(ek.address, pod);
	ep = bpf_map_lookup_elem(&senda_polep6_v1, &ek);
	if (!ep)
		return senda_pol_pending(dir);
	ct = bpf_map_lookup_elem(&senda_polct6_v1, t);
	if (ct && senda_pol_ct_fresh(ct, t->proto)) {
		senda_pol_count(0, dir, SENDA_POL_V_CONNTRACK);
		return SENDA_CTX_PASS;
	}
	if ((ep->flags & isolated) && !senda_addr6_eq(peer, pod)) {
		rk.prefixlen = SENDA_POL_RULE_ID_BITS + 128;
		rk.endpoint_id = ep->endpoint_id;
		rk.dir = dir;
		senda_addr6_copy(rk.peer, peer);
		r = bpf_map_lookup_elem(&senda_polrule6_v1, &rk);
		id = r ? senda_pol_ports_allow(r, t->proto, bpf_ntohs(port)) : -1;
		if (id < 0) {
			senda_pol_count(0, dir, SENDA_POL_V_DENY);
			return SENDA_CTX_DROP;
		}
	}
	senda_pol_count(id, dir, SENDA_POL_V_ALLOW);
	senda_pol6_reverse(&rev, t);
	senda_pol_ct_put(&senda_polct6_v1, &rev, id, dir);
	return SENDA_CTX_PASS;
}

/* senda_pol4_before for IPv6. */
SENDA_GLOBAL_CALL int senda_pol6_before(struct senda_ctx *ctx)
{
	struct senda_pol_scratch *s = senda_pol_scratch_get();

	return s ? senda_pol6_parse(ctx, &s->t6) : 0;
}

/* senda_pol4_from_pod for IPv6. */
SENDA_GLOBAL_CALL int senda_pol6_from_pod(struct senda_ctx *ctx, int verdict)
{
	struct senda_pol_scratch *s = senda_pol_scratch_get();
	struct senda_polct6_key t1 = {};
	int res;

	if (!s || verdict == SENDA_CTX_DROP)
		return verdict;
	if (!senda_pol6_parse(ctx, &t1))
		return verdict;
	if (senda_addr6_eq(t1.daddr, s->t6.saddr)) {
		senda_pol_count(0, SENDA_POL_DIR_EGRESS, SENDA_POL_V_ALLOW);
		senda_pol_ct_put(&senda_polct6_v1, &t1, 0, SENDA_POL_DIR_EGRESS);
		return verdict;
	}
	res = senda_pol6_judge(&s->t6, s->t6.saddr, SENDA_POL_DIR_EGRESS, t1.daddr, t1.dport);
	return res == SENDA_CTX_DROP ? res : verdict;
}

/* senda_pol4_to_pod for IPv6. */
SENDA_GLOBAL_CALL int senda_pol6_to_pod(struct senda_ctx *ctx, int from_node, int verdict)
{
	struct senda_polct6_key t = {}, rev;

	if (verdict == SENDA_CTX_DROP || !senda_pol6_parse(ctx, &t))
		return verdict;
	if (from_node) {
		senda_pol_count(0, SENDA_POL_DIR_INGRESS, SENDA_POL_V_NODE);
		senda_pol6_reverse(&rev, &t);
		senda_pol_ct_put(&senda_polct6_v1, &rev, 0, SENDA_POL_DIR_INGRESS);
		return verdict;
	}
	if (senda_pol6_judge(&t, t.daddr, SENDA_POL_DIR_INGRESS, t.saddr, t.dport) == SENDA_CTX_DROP)
		return SENDA_CTX_DROP;
	return verdict;
}

#endif /* SENDA_POLICY6_H */
