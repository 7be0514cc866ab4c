/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Address/port rewriting of IPv4 TCP/UDP packets with incremental checksum
 * updates. Each function updates the checksums first and then the field, and
 * keeps *p in step with the packet, so stages can be chained.
 */
#ifndef SENDA_NAT_H
#define SENDA_NAT_H

#include "common.h"
#include "pkt.h"
#include "csum.h"

static __always_inline int senda_nat4_set_addr(struct __sk_buff *skb, struct senda_pkt4 *p,
					       int field_off, __be32 from, __be32 to)
{
	int err;

	if (from == to)
		return 0;
	err = senda_csum_update_addr(skb, p, from, to);
	if (err < 0)
		return err;
	return bpf_skb_store_bytes(skb, SENDA_L3_OFF + field_off, &to, sizeof(to), 0);
}

static __always_inline int senda_nat4_set_port(struct __sk_buff *skb, struct senda_pkt4 *p,
					       int field_off, __be16 from, __be16 to)
{
	int err;

	if (from == to)
		return 0;
	err = senda_csum_update_port(skb, p, from, to);
	if (err < 0)
		return err;
	return bpf_skb_store_bytes(skb, p->l4_off + field_off, &to, sizeof(to), 0);
}

/* Rewrites the destination to addr:port (DNAT). */
static __always_inline int senda_nat4_dnat(struct __sk_buff *skb, struct senda_pkt4 *p,
					   __be32 addr, __be16 port)
{
	int err;

	err = senda_nat4_set_addr(skb, p, SENDA_IP_DADDR_OFF, p->daddr, addr);
	if (err < 0)
		return err;
	p->daddr = addr;
	err = senda_nat4_set_port(skb, p, SENDA_L4_DPORT_OFF, p->dport, port);
	if (err < 0)
		return err;
	p->dport = port;
	return 0;
}

/* Rewrites the source to addr:port (SNAT, and reverse NAT of replies). */
static __always_inline int senda_nat4_snat(struct __sk_buff *skb, struct senda_pkt4 *p,
					   __be32 addr, __be16 port)
{
	int err;

	err = senda_nat4_set_addr(skb, p, SENDA_IP_SADDR_OFF, p->saddr, addr);
	if (err < 0)
		return err;
	p->saddr = addr;
	err = senda_nat4_set_port(skb, p, SENDA_L4_SPORT_OFF, p->sport, port);
	if (err < 0)
		return err;
	p->sport = port;
	return 0;
}

#endif /* SENDA_NAT_H */
