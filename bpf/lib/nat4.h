/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Address/port rewriting of IPv4 TCP/UDP/SCTP packets with checksum updates.
 * Each function updates the checksums first and then the field (SCTP: the
 * field, and marks the packet's CRC32c stale for senda_nat4_sctp_finish()),
 * and keeps *p in step with the packet, so stages can be chained.
 */
#ifndef SENDA_NAT4_H
#define SENDA_NAT4_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt4.h"
#include "sctp.h"

/*
 * Flags for the L4 checksum update of this packet. A UDP datagram sent without
 * a checksum (0) must keep 0; a computed 0 must then be sent as 0xffff.
 * BPF_F_MARK_MANGLED_0 asks for both.
 */
static __always_inline __u64 senda_nat4_l4_csum_flags(const struct senda_pkt4 *p)
{
	return p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

/* Address field changed: both the IPv4 header checksum and the L4 pseudo
 * header (SCTP has none: its CRC32c does not cover the addresses). */
static __always_inline int senda_nat4_csum_addr(struct senda_ctx *ctx, const struct senda_pkt4 *p,
						__be32 from, __be32 to)
{
	int err;

	if (p->proto == IPPROTO_SCTP)
		return senda_ctx_l3_csum_replace(ctx, SENDA_L3_OFF + SENDA_IP_CSUM_OFF, from, to, sizeof(to));
	err = senda_ctx_l4_csum_replace(ctx, p->l4_csum_off, from, to,
					senda_nat4_l4_csum_flags(p) | BPF_F_PSEUDO_HDR | sizeof(to));
	if (err < 0)
		return err;
	return senda_ctx_l3_csum_replace(ctx, SENDA_L3_OFF + SENDA_IP_CSUM_OFF, from, to, sizeof(to));
}

/* Port field changed: only the L4 checksum covers it. */
static __always_inline int senda_nat4_csum_port(struct senda_ctx *ctx, const struct senda_pkt4 *p,
						__be16 from, __be16 to)
{
	return senda_ctx_l4_csum_replace(ctx, p->l4_csum_off, from, to, senda_nat4_l4_csum_flags(p) | sizeof(to));
}

/*
 * SCTP port change: the field, then the CRC32c over the SCTP packet (the IP
 * payload, not any Ethernet padding). Longer than SENDA_SCTP_CRC_MAX_LEN: the
 * checksum field is left as it is (sctp.h says why that is right).
 */
static __always_inline int senda_nat4_sctp_set_port(struct senda_ctx *ctx, struct senda_pkt4 *p,
						    int field_off, __be16 to)
{
	__u32 len = p->ip_tot_len - p->ihl_len;  /* the parser checked >= 16 */

	if (senda_ctx_store(ctx, p->l4_off + field_off, &to, sizeof(to), BPF_F_RECOMPUTE_CSUM) < 0)
		return -1;
	if (len <= SENDA_SCTP_CRC_MAX_LEN)
		p->sctp_stale = 1;
	return 0;
}

/*
 * The SCTP CRC32c after the port rewrites of this packet, once, by the family
 * entry before it returns its verdict (lb_pkt.h: the checksum subprogram is
 * called from the entry's small frame, not from deep in a stage). Returns 0,
 * or -1 when it cannot be written.
 */
static __always_inline int senda_nat4_sctp_finish(struct senda_ctx *ctx, struct senda_pkt4 *p)
{
	if (!p->sctp_stale)
		return 0;
	p->sctp_stale = 0;
	return senda_sctp_csum_store(ctx, p->l4_off, p->ip_tot_len - p->ihl_len);
}

static __always_inline int senda_nat4_set_addr(struct senda_ctx *ctx, struct senda_pkt4 *p,
					       int field_off, __be32 from, __be32 to)
{
	int err;

	if (from == to)
		return 0;
	err = senda_nat4_csum_addr(ctx, p, from, to);
	if (err < 0)
		return err;
	return senda_ctx_store(ctx, SENDA_L3_OFF + field_off, &to, sizeof(to), 0);
}

static __always_inline int senda_nat4_set_port(struct senda_ctx *ctx, struct senda_pkt4 *p,
					       int field_off, __be16 from, __be16 to)
{
	int err;

	if (from == to)
		return 0;
	if (p->proto == IPPROTO_SCTP)
		return senda_nat4_sctp_set_port(ctx, p, field_off, to);
	err = senda_nat4_csum_port(ctx, p, from, to);
	if (err < 0)
		return err;
	return senda_ctx_store(ctx, p->l4_off + field_off, &to, sizeof(to), 0);
}

/* Rewrites the destination to addr:port (DNAT). */
static __always_inline int senda_nat4_dnat(struct senda_ctx *ctx, struct senda_pkt4 *p,
					   __be32 addr, __be16 port)
{
	int err;

	err = senda_nat4_set_addr(ctx, p, SENDA_IP_DADDR_OFF, p->daddr, addr);
	if (err < 0)
		return err;
	p->daddr = addr;
	err = senda_nat4_set_port(ctx, p, SENDA_L4_DPORT_OFF, p->dport, port);
	if (err < 0)
		return err;
	p->dport = port;
	return 0;
}

/* Rewrites the source to addr:port (SNAT, and reverse NAT of replies). */
static __always_inline int senda_nat4_snat(struct senda_ctx *ctx, struct senda_pkt4 *p,
					   __be32 addr, __be16 port)
{
	int err;

	err = senda_nat4_set_addr(ctx, p, SENDA_IP_SADDR_OFF, p->saddr, addr);
	if (err < 0)
		return err;
	p->saddr = addr;
	err = senda_nat4_set_port(ctx, p, SENDA_L4_SPORT_OFF, p->sport, port);
	if (err < 0)
		return err;
	p->sport = port;
	return 0;
}

#endif /* SENDA_NAT4_H */
