/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source NAT of IPv6 flows from outside the node to backends behind other
 * nodes (what and why: abi/nat.h). Runs in senda_tc_from_net only: the OUT
 * half after a flow's DNAT, the IN half before the reply stage, so the reply
 * stage then sees the backend's answer addressed to the client, as for any
 * other flow.
 */
#ifndef SENDA_SNAT6_H
#define SENDA_SNAT6_H

#include "common.h"
#include "addr6.h"
#include "ctx/ctx.h"
#include "pkt6.h"
#include "nat6.h"
#include "ct.h"
#include "lb_pkt.h"
#include "abi/nat6.h"
#include "metrics.h"
#include "lru.h"

static __always_inline void senda_snat6_key(struct senda_nat6_key *k, const __be32 *saddr, const __be32 *daddr,
					     __be16 sport, __be16 dport, __u8 proto, __u8 dir)
{
	senda_addr6_copy(k->saddr, saddr);
	senda_addr6_copy(k->daddr, daddr);
	k->sport = sport;
	k->dport = dport;
	k->proto = proto;
	k->dir = dir;
	k->pad = 0;
}

/* Whether the flow an IN entry describes has been idle long enough to give its port away (abi/nat.h). */
static __always_inline int senda_snat6_stale(const struct senda_nat6_value *v, __u8 proto, __u32 now)
{
	__u32 idle = now - v->last_seen;

	if (proto != IPPROTO_TCP)
		return idle > SENDA_NAT_IDLE_OTHER;
	if (v->flags & SENDA_NAT_FLAG_CLOSING)
		return idle > SENDA_NAT_IDLE_CLOSED;
	return idle > SENDA_NAT_IDLE_TCP;
}

/*
 * Takes a NAT port for the flow {client:cport -> backend:bport} from node:
 * creates its IN entry (BPF_NOEXIST: a port in use is skipped unless its flow
 * is stale), trying SENDA_NAT_PORT_TRIES consecutive ports from a random start. Returns the
 * port (be), or 0 when none was free.
 */
static __always_inline __be16 senda_snat6_take_port(const struct senda_pkt6 *p, const __be32 *node, __u32 now)
{
	struct senda_nat6_key in = {};
	struct senda_nat6_value back = {};
	struct senda_nat6_value *held;
	__u32 range = SENDA_NAT_PORT_MAX - SENDA_NAT_PORT_MIN + 1;
	__u32 start = bpf_get_prandom_u32() % range;
	__u32 i;

	senda_addr6_copy(back.address, p->saddr);
	back.port = p->sport;
	back.last_seen = now;
	for (i = 0; i < SENDA_NAT_PORT_TRIES; i++) {
		__be16 port = bpf_htons((__u16)(SENDA_NAT_PORT_MIN + (start + i) % range));

		senda_snat6_key(&in, p->daddr, node, p->dport, port, p->proto, SENDA_NAT_DIR_IN);
		if (bpf_map_update_elem(&senda_nat6_v1, &in, &back, BPF_NOEXIST) == 0) {
			senda_count(SENDA_M_NAT_CREATED);
			return port;
		}
		held = bpf_map_lookup_elem(&senda_nat6_v1, &in);
		if (held && senda_snat6_stale(held, p->proto, now) &&
		    bpf_map_update_elem(&senda_nat6_v1, &in, &back, BPF_EXIST) == 0)
			return port;
	}
	return 0;
}

/*
 * OUT half: the packet (already DNATed to its backend) leaves with this
 * node's address and the flow's NAT port as its source, taken on the flow's
 * first packet. Returns 0, or -1 when the packet must be dropped (no node
 * address known, no free port, a rewrite failed; counted).
 */
static SENDA_LB_PKT_CALL int senda_snat6_out(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	struct senda_nat6_key out = {}, in = {};
	struct senda_nat6_value v = {};
	struct senda_nat6_value *known, *back;
	struct senda_nodeaddr6 *node;
	__u32 zero = 0, now = senda_ct_now();
	__be32 addr[4];
	__be16 port;

	senda_snat6_key(&out, p->saddr, p->daddr, p->sport, p->dport, p->proto, SENDA_NAT_DIR_OUT);
	known = bpf_map_lookup_elem(&senda_nat6_v1, &out);
	if (known) {
		senda_ct_touch(&known->last_seen);
		if (p->tcp_flags & (SENDA_TCP_FIN | SENDA_TCP_RST)) {
			/* both halves: the port may go once the flow is over (abi/nat.h) */
			known->flags |= SENDA_NAT_FLAG_CLOSING;
			senda_snat6_key(&in, p->daddr, known->address, p->dport, known->port, p->proto,
					 SENDA_NAT_DIR_IN);
			back = bpf_map_lookup_elem(&senda_nat6_v1, &in);
			if (back)
				back->flags |= SENDA_NAT_FLAG_CLOSING;
		}
		senda_addr6_copy(addr, known->address);
		port = known->port;
	} else {
		node = bpf_map_lookup_elem(&senda_nodeaddr6_v1, &zero);
		if (!node || !senda_addr6_is_unicast(node->address))
			goto fail;
		senda_addr6_copy(addr, node->address);
		port = senda_snat6_take_port(p, addr, now);
		if (!port)
			goto fail;
		senda_addr6_copy(v.address, addr);
		v.port = port;
		v.last_seen = now;
		/* Best effort: without it the next packet takes another port. */
		senda_lru_put(&senda_nat6_v1, &out, &v, SENDA_M_NAT_CREATED);
		senda_count(SENDA_M_NAT_NEW);
	}
	return senda_nat6_snat(ctx, p, addr, port);
fail:
	senda_count(SENDA_M_NAT_FAIL);
	return -1;
}

/*
 * IN half: a reply to a NAT port of this node gets its client back as
 * destination. Returns 1 when rewritten, 0 when the packet is not a NAT
 * reply, -1 when the rewrite failed.
 */
static SENDA_LB_PKT_CALL int senda_snat6_in(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	struct senda_nat6_key in = {};
	struct senda_nat6_value *v;
	__be32 client[4];
	__be16 cport;

	if (bpf_ntohs(p->dport) < SENDA_NAT_PORT_MIN)
		return 0;
	senda_snat6_key(&in, p->saddr, p->daddr, p->sport, p->dport, p->proto, SENDA_NAT_DIR_IN);
	v = bpf_map_lookup_elem(&senda_nat6_v1, &in);
	if (!v)
		return 0;
	senda_ct_touch(&v->last_seen);
	if (p->tcp_flags & (SENDA_TCP_FIN | SENDA_TCP_RST))
		v->flags |= SENDA_NAT_FLAG_CLOSING;
	senda_addr6_copy(client, v->address);
	cport = v->port;
	return senda_nat6_dnat(ctx, p, client, cport) < 0 ? -1 : 1;
}

#endif /* SENDA_SNAT6_H */
