/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing of IPv4 packets: the reply and forward stages
 * (what they do, and the verdicts: lb_pkt.h).
 */
#ifndef SENDA_LB_PKT4_H
#define SENDA_LB_PKT4_H

#include "common.h"
#include "ctx/ctx.h"
#include "lb_pkt.h"
#include "pkt4.h"
#include "nat4.h"
#include "ct4.h"
#include "snat4.h"
#include "lb_select.h"
#include "src_range.h"
#include "reject4.h"
#include "metrics.h"

/*
 * Reply stage. Returns a verdict when the packet belonged to a translated
 * flow, SENDA_PKT_CONTINUE otherwise.
 */
SENDA_GLOBAL_CALL int senda_lb4_pkt_reply(struct senda_ctx *ctx, struct senda_pkt4 *p)
{
	struct senda_ct4_value *ct;
	__be32 vip, client;
	__be16 vport, cport;
	__u8 flags;

	if (!p)  /* a global function's pointer argument (common.h) */
		return SENDA_CTX_DROP;

	ct = senda_ct4_lookup(p, SENDA_CT_DIR_REPLY);
	if (!ct)
		return SENDA_PKT_CONTINUE;
	senda_ct_touch(&ct->last_seen);
	/* copy out: the rewrite helpers below may not keep map pointers valid */
	vip = ct->nat_addr;
	vport = ct->nat_port;
	client = ct->orig_addr;
	cport = ct->orig_port;
	flags = ct->flags;

	if (senda_nat4_snat(ctx, p, vip, vport) < 0)
		goto err;
	if ((flags & SENDA_CT_FLAG_HAIRPIN) && senda_nat4_dnat(ctx, p, client, cport) < 0)
		goto err;
	senda_count(SENDA_M_TC_REVNAT);
	if (flags & (SENDA_CT_FLAG_NODE_VIP | SENDA_CT_FLAG_SNAT))
		return senda_ctx_route_out4(ctx, vip, p->daddr);
	return SENDA_CTX_PASS;
err:
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* The flow a known forward entry describes, for this packet. */
static __always_inline void senda_lb4_pkt_flow_from_ct(struct senda_ct4_flow *f, const struct senda_pkt4 *p,
						       const struct senda_ct4_value *ct)
{
	f->client = p->saddr;
	f->cport = p->sport;
	f->vip = p->daddr;
	f->vport = p->dport;
	f->backend = ct->nat_addr;
	f->bport = ct->nat_port;
	f->proto = p->proto;
	f->flags = ct->flags;
	f->service_id = ct->service_id;
	f->backend_id = ct->backend_id;
}

/*
 * Whether this packet may use the backend its forward entry chose. UDP has no
 * connection to keep: a datagram is balanced afresh once the backend has left
 * senda_backend4_v1 (as kube-proxy flushes UDP conntrack of removed
 * endpoints), otherwise a client with a fixed source port (statsd, DNS) would
 * keep sending into the void. A TCP SYN opens a new connection, so it gets the
 * same check, and is also balanced afresh on a tuple idle for long (ct.h).
 * Other TCP segments belong to an established connection, which keeps its
 * backend even after the backend left the Service: the pod may still serve it.
 * SCTP follows TCP: an INIT (first chunk) opens an association like a SYN,
 * every other packet keeps the backend of its association.
 */
static __always_inline int senda_lb4_pkt_ct_usable(const struct senda_pkt4 *p, const struct senda_ct4_value *ct)
{
	if (p->proto != IPPROTO_UDP && !p->opens)
		return 1;
	if (senda_ct_opener_reuses_tuple(p->opens, ct->last_seen))
		return 0;
	return senda_lb4_backend_current(ct->backend_id, ct->nat_addr, ct->nat_port);
}

/* Forward stage. Returns the verdict (lb_pkt.h). */
SENDA_GLOBAL_CALL int senda_lb4_pkt_forward(struct senda_ctx *ctx, struct senda_pkt4 *p,
					    enum senda_lb_origin origin)
{
	struct senda_ct4_flow f = {};
	struct senda_ct4_value *ct;
	struct senda_lb4_choice c = {};
	int res;

	if (!p)  /* a global function's pointer argument (common.h) */
		return SENDA_CTX_DROP;

	ct = senda_ct4_lookup(p, SENDA_CT_DIR_FORWARD);
	if (ct && senda_lb4_pkt_ct_usable(p, ct)) {
		senda_ct_touch(&ct->last_seen);
		senda_lb4_pkt_flow_from_ct(&f, p, ct);
		/* LRU may have evicted the reply entry alone: replies would escape */
		if (!senda_ct4_has_reply(&f))
			senda_ct4_put_reply(&f, senda_ct_now());
		senda_count(SENDA_M_TC_DNAT_CT);
		goto translate;
	}
	if (ct) {
		/* A new flow on this tuple: the old one's entries go first, whatever
		 * the selection below decides (counted as TC_DNAT_NEW or a refusal). */
		senda_lb4_pkt_flow_from_ct(&f, p, ct);
		senda_ct4_retire(&f);
	}

	res = senda_lb4_select(p->daddr, p->dport, p->proto, origin, 0, p->saddr, &c);
	if (res != SENDA_LB_NOT_SERVICE && !senda_src_range4_ok(c.flags, c.service_id, p->saddr))
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

	f.client = p->saddr;
	f.cport = p->sport;
	f.vip = c.vip;
	f.vport = c.vport;
	f.backend = c.addr;
	f.bport = c.port;
	f.proto = p->proto;
	f.service_id = c.service_id;
	f.backend_id = c.backend_id;
	f.flags = c.addr == p->saddr ? SENDA_CT_FLAG_HAIRPIN : 0;
	if (f.flags & SENDA_CT_FLAG_HAIRPIN)
		senda_count(SENDA_M_TC_HAIRPIN);
	if (senda_ctx_is_local4(ctx, c.vip))
		f.flags |= SENDA_CT_FLAG_NODE_VIP;
	/* from outside to a backend behind another node: its replies must come
	 * back through this node (abi/nat.h) */
	if (origin == SENDA_LB_FROM_OUTSIDE && !(f.flags & SENDA_CT_FLAG_HAIRPIN) &&
	    senda_ctx_fib_remote4(ctx, c.addr))
		f.flags |= SENDA_CT_FLAG_SNAT;
	/* A full CT map still lets the packet through translated; only its
	 * replies (and the flow's stickiness) are at risk. Counted in ct4.h. */
	senda_ct4_create(&f);
	senda_count(SENDA_M_TC_DNAT_NEW);

translate:
	if (senda_nat4_dnat(ctx, p, f.backend, f.bport) < 0)
		goto err;
	if ((f.flags & SENDA_CT_FLAG_HAIRPIN) && senda_nat4_snat(ctx, p, f.vip, p->sport) < 0)
		goto err;
	if (f.flags & SENDA_CT_FLAG_SNAT)
		return SENDA_PKT_SNAT;
	return SENDA_CTX_PASS;
err:
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* Refuses a packet to a Service without a backend (reject4.h). */
static __always_inline int senda_lb4_pkt_refuse(struct senda_ctx *ctx, struct senda_pkt4 *p)
{
	if (p->proto == IPPROTO_TCP) {
		senda_count(SENDA_M_TC_REJECT_TCP);
		return senda_reject_tcp4(ctx, p);
	}
	/* ICMP refusals (UDP and SCTP, as kube-proxy's REJECT) count here */
	senda_count(SENDA_M_TC_REJECT_UDP);
	if (p->proto == IPPROTO_SCTP)
		return senda_reject_sctp4(ctx, p);
	return senda_reject_udp4(ctx, p);
}

/* The verdict, once the SCTP checksum is in step with the rewrites (nat4.h). */
static __always_inline int senda_lb4_pkt_done(struct senda_ctx *ctx, struct senda_pkt4 *p, int verdict)
{
	if (verdict == SENDA_CTX_DROP || senda_nat4_sctp_finish(ctx, p) == 0)
		return verdict;
	senda_count(SENDA_M_TC_ERROR);
	return SENDA_CTX_DROP;
}

/* Both stages for one frame: anything not IPv4 TCP/UDP/SCTP passes untouched. */
SENDA_GLOBAL_CALL int senda_lb4_pkt(struct senda_ctx *ctx, enum senda_lb_origin origin)
{
	struct senda_pkt4 p = {};
	int verdict;

	if (senda_pkt4_parse(ctx, &p) < 0)
		return SENDA_CTX_PASS;
	/* a reply to a NAT port: its client back as destination, then the reply stage */
	if (origin == SENDA_LB_FROM_OUTSIDE && senda_snat4_in(ctx, &p) < 0) {
		senda_count(SENDA_M_TC_ERROR);
		return SENDA_CTX_DROP;
	}
	verdict = senda_lb4_pkt_reply(ctx, &p);
	if (verdict != SENDA_PKT_CONTINUE)
		return senda_lb4_pkt_done(ctx, &p, verdict);
	verdict = senda_lb4_pkt_forward(ctx, &p, origin);
	if (verdict == SENDA_PKT_REFUSE)
		return senda_lb4_pkt_refuse(ctx, &p);
	if (verdict == SENDA_PKT_SNAT) {
		if (senda_snat4_out(ctx, &p) < 0)
			return SENDA_CTX_DROP;  /* counted in snat4.h */
		/* its source is now this node's: the stack would drop it as a martian */
		verdict = senda_ctx_route_out4(ctx, p.saddr, p.daddr);
	}
	return senda_lb4_pkt_done(ctx, &p, verdict);
}

/*
 * Reply stage only, for packets on their way into a pod: a reply of a flow this node translated whose
 * backend lives on another node arrives through the node's network, never through a local pod's
 * interface, so the from-pod hook cannot see it. Anything else passes untouched.
 */
static __always_inline int senda_lb4_pkt_to_pod(struct senda_ctx *ctx)
{
	struct senda_pkt4 p = {};
	int verdict;

	if (senda_pkt4_parse(ctx, &p) < 0)
		return SENDA_CTX_PASS;
	verdict = senda_lb4_pkt_reply(ctx, &p);
	return verdict == SENDA_PKT_CONTINUE ? SENDA_CTX_PASS : senda_lb4_pkt_done(ctx, &p, verdict);
}

#endif /* SENDA_LB_PKT4_H */
