/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing of IPv6 packets: the reply and forward stages
 * (what they do, and the verdicts: lb_pkt.h), step for step those of
 * lb_pkt4.h on senda_svc6_v1 / senda_backend6_v1 / senda_ct6_v1; the reasons
 * for each step are written there.
 */
#ifndef SENDA_LB_PKT6_H
#define SENDA_LB_PKT6_H

#include "common.h"
#include "ctx/ctx.h"
#include "lb_pkt.h"
#include "addr6.h"
#include "pkt6.h"
#include "nat6.h"
#include "ct6.h"
#include "snat6.h"
#include "lb_select.h"
#include "src_range.h"
#include "reject6.h"
#include "metrics.h"

/*
 * Reply stage. Returns a verdict when the packet belonged to a translated
 * flow, SENDA_PKT_CONTINUE otherwise.
 */
SENDA_GLOBAL_CALL int senda_lb6_pkt_reply(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	struct senda_ct6_value *ct;
	__be32 vip[4], client[4];
	__be16 vport, cport;
	__u8 flags;

	if (!p)  /* a global function's pointer argument (common.h) */
		return SENDA_CTX_DROP;

	ct = senda_ct6_lookup(p, SENDA_CT_DIR_REPLY);
	if (!ct)
		return SENDA_PKT_CONTINUE;
	senda_ct_touch(&ct->last_seen);
	/* copy out: the rewrite helpers below may not keep map pointers valid */
	senda_addr6_copy(vip, ct->nat_addr);
	senda_addr6_copy(client, ct->orig_addr);
	vport = ct->nat_port;
	cport = ct->orig_port;
	flags = ct->flags;

	if (senda_nat6_snat(ctx, p, vip, vport) < 0)
		goto err;
	if ((flags & SENDA_CT_FLAG_HAIRPIN) && senda_nat6_dnat(ctx, p, client, cport) < 0)
		goto err;
	senda_count(SENDA_M_TC_REVNAT);
	if (flags & (SENDA_CT_FLAG_NODE_VIP | SENDA_CT_FLAG_SNAT))
		return senda_ctx_route_out6(ctx, vip, p->daddr);
	return SENDA_CTX_PASS;
err:
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* The flow a known forward entry describes, for this packet. */
static __always_inline void senda_lb6_pkt_flow_from_ct(struct senda_ct6_flow *f, const struct senda_pkt6 *p,
						       const struct senda_ct6_value *ct)
{
	senda_addr6_copy(f->client, p->saddr);
	senda_addr6_copy(f->vip, p->daddr);
	senda_addr6_copy(f->backend, ct->nat_addr);
	f->cport = p->sport;
	f->vport = p->dport;
	f->bport = ct->nat_port;
	f->proto = p->proto;
	f->flags = ct->flags;
	f->service_id = ct->service_id;
	f->backend_id = ct->backend_id;
}

/* Whether this packet may use the backend its forward entry chose (see
 * senda_lb4_pkt_ct_usable()). */
static __always_inline int senda_lb6_pkt_ct_usable(const struct senda_pkt6 *p, const struct senda_ct6_value *ct)
{
	if (p->proto != IPPROTO_UDP && !p->opens)
		return 1;
	if (senda_ct_opener_reuses_tuple(p->opens, ct->last_seen))
		return 0;
	return senda_lb6_backend_current(ct->backend_id, ct->nat_addr, ct->nat_port);
}

/*
 * Forward stage, first half: which flow this packet belongs to. A packet of a
 * known flow gets it from its forward entry (SENDA_PKT_FLOW_KNOWN), a new one
 * from the Service's selection (SENDA_PKT_FLOW_NEW), both written to *f;
 * anything else returns its verdict (lb_pkt.h). Split from the second half
 * because IPv6 addresses make both big: together, plus a FIB subprogram
 * below them, they passed 6.1's stack limit, which rounds every frame of a
 * call chain up to 32 bytes (lb_pkt.h).
 */
static SENDA_LB_PKT_CALL int senda_lb6_pkt_choose(struct senda_pkt6 *p, enum senda_lb_origin origin,
						 struct senda_ct6_flow *f)
{
	struct senda_ct6_value *ct;
	struct senda_lb6_choice c = {};
	int res;

	ct = senda_ct6_lookup(p, SENDA_CT_DIR_FORWARD);
	if (ct && senda_lb6_pkt_ct_usable(p, ct)) {
		senda_ct_touch(&ct->last_seen);
		senda_lb6_pkt_flow_from_ct(f, p, ct);
		/* LRU may have evicted the reply entry alone: replies would escape */
		if (!senda_ct6_has_reply(f))
			senda_ct6_put_reply(f, senda_ct_now());
		senda_count(SENDA_M_TC_DNAT_CT);
		return SENDA_PKT_FLOW_KNOWN;
	}
	if (ct) {
		/* a new flow on this tuple: the old one's entries go first */
		senda_lb6_pkt_flow_from_ct(f, p, ct);
		senda_ct6_retire(f);
	}

	res = senda_lb6_select(p->daddr, p->dport, p->proto, origin, 0, p->saddr, &c);
	if (res != SENDA_LB_NOT_SERVICE && !senda_src_range6_ok(c.flags, c.service_id, p->saddr))
		return SENDA_CTX_DROP;  /* loadBalancerSourceRanges (src_range.h) */
	switch (res) {
	case SENDA_LB_SELECTED:
		break;
	case SENDA_LB_NOT_SERVICE:
		return SENDA_CTX_PASS;
	case SENDA_LB_DROP:  /* no endpoint on this node for a node-local frontend */
		senda_count(SENDA_M_TC_DROP_NO_LOCAL);
		return SENDA_CTX_DROP;
	default:  /* no backend, or a transiently inconsistent Service: refuse */
		return SENDA_PKT_REFUSE;
	}

	senda_addr6_copy(f->client, p->saddr);
	senda_addr6_copy(f->vip, c.vip);
	senda_addr6_copy(f->backend, c.addr);
	f->cport = p->sport;
	f->vport = c.vport;
	f->bport = c.port;
	f->proto = p->proto;
	f->service_id = c.service_id;
	f->backend_id = c.backend_id;
	f->flags = senda_addr6_eq(c.addr, p->saddr) ? SENDA_CT_FLAG_HAIRPIN : 0;
	return SENDA_PKT_FLOW_NEW;
}

/*
 * Forward stage, second half: a new flow's conntrack entries (with what the
 * FIB says about its addresses), then the packet translated. Returns the
 * verdict (lb_pkt.h).
 */
static SENDA_LB_PKT_CALL int senda_lb6_pkt_commit(struct senda_ctx *ctx, struct senda_pkt6 *p,
						 enum senda_lb_origin origin, struct senda_ct6_flow *f, int is_new)
{
	if (is_new) {
		if (f->flags & SENDA_CT_FLAG_HAIRPIN)
			senda_count(SENDA_M_TC_HAIRPIN);
		if (senda_ctx_is_local6(ctx, f->vip))
			f->flags |= SENDA_CT_FLAG_NODE_VIP;
		/* from outside to a backend behind another node (abi/nat.h) */
		if (origin == SENDA_LB_FROM_OUTSIDE && !(f->flags & SENDA_CT_FLAG_HAIRPIN) &&
		    senda_ctx_fib_remote6(ctx, f->backend))
			f->flags |= SENDA_CT_FLAG_SNAT;
		/* a full CT map still lets the packet through translated (counted in ct6.h) */
		senda_ct6_create(f);
		senda_count(SENDA_M_TC_DNAT_NEW);
	}
	if (senda_nat6_dnat(ctx, p, f->backend, f->bport) < 0)
		goto err;
	if ((f->flags & SENDA_CT_FLAG_HAIRPIN) && senda_nat6_snat(ctx, p, f->vip, p->sport) < 0)
		goto err;
	if (f->flags & SENDA_CT_FLAG_SNAT)
		return SENDA_PKT_SNAT;
	return SENDA_CTX_PASS;
err:
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* Refuses a packet to a Service without a backend (reject6.h). */
static __always_inline int senda_lb6_pkt_refuse(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	if (p->proto == IPPROTO_TCP) {
		senda_count(SENDA_M_TC_REJECT_TCP);
		return senda_reject_tcp6(ctx, p);
	}
	/* ICMP refusals (UDP and SCTP, as kube-proxy's REJECT) count here;
	 * the ICMPv6 quote (whole packet up to 1232 bytes) serves both */
	senda_count(SENDA_M_TC_REJECT_UDP);
	return senda_reject_udp6(ctx, p);
}

/* The verdict, once the SCTP checksum is in step with the rewrites (nat6.h). */
static __always_inline int senda_lb6_pkt_done(struct senda_ctx *ctx, struct senda_pkt6 *p, int verdict)
{
	if (verdict == SENDA_CTX_DROP || senda_nat6_sctp_finish(ctx, p) == 0)
		return verdict;
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* Both stages for one frame: anything not IPv6 TCP/UDP/SCTP (pkt6.h) passes untouched. */
SENDA_GLOBAL_CALL int senda_lb6_pkt(struct senda_ctx *ctx, enum senda_lb_origin origin)
{
	struct senda_pkt6 p = {};
	struct senda_ct6_flow f = {};
	int verdict;

	if (senda_pkt6_parse(ctx, &p) < 0)
		return SENDA_CTX_PASS;
	/* a reply to a NAT port: its client back as destination, then the reply stage */
	if (origin == SENDA_LB_FROM_OUTSIDE && senda_snat6_in(ctx, &p) < 0) {
		senda_count(SENDA_M_TC_ERROR);
		return SENDA_CTX_DROP;
	}
	verdict = senda_lb6_pkt_reply(ctx, &p);
	if (verdict != SENDA_PKT_CONTINUE)
		return senda_lb6_pkt_done(ctx, &p, verdict);
	verdict = senda_lb6_pkt_choose(&p, origin, &f);
	if (verdict == SENDA_PKT_FLOW_NEW || verdict == SENDA_PKT_FLOW_KNOWN)
		verdict = senda_lb6_pkt_commit(ctx, &p, origin, &f, verdict == SENDA_PKT_FLOW_NEW);
	if (verdict == SENDA_PKT_REFUSE)
		return senda_lb6_pkt_refuse(ctx, &p);
	if (verdict == SENDA_PKT_SNAT) {
		if (senda_snat6_out(ctx, &p) < 0)
			return SENDA_CTX_DROP;  /* counted in snat6.h */
		/* its source is now this node's: the stack would drop it as a martian */
		verdict = senda_ctx_route_out6(ctx, p.saddr, p.daddr);
	}
	return senda_lb6_pkt_done(ctx, &p, verdict);
}

/*
 * Reply stage only, for packets on their way into a pod: a reply of a flow this node translated whose
 * backend lives on another node arrives through the node's network, never through a local pod's
 * interface, so the from-pod hook cannot see it. Anything else passes untouched.
 */
static __always_inline int senda_lb6_pkt_to_pod(struct senda_ctx *ctx)
{
	struct senda_pkt6 p = {};
	int verdict;

	if (senda_pkt6_parse(ctx, &p) < 0)
		return SENDA_CTX_PASS;
	verdict = senda_lb6_pkt_reply(ctx, &p);
	return verdict == SENDA_PKT_CONTINUE ? SENDA_CTX_PASS : senda_lb6_pkt_done(ctx, &p, verdict);
}

#endif /* SENDA_LB_PKT6_H */
