/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Address/port rewriting of IPv6 TCP/UDP/SCTP packets with checksum updates,
 * the sibling of nat4.h. IPv6 has no header checksum: an address change only
 * reaches the TCP/UDP checksum, through the pseudo header, and leaves the SCTP
 * CRC32c alone (no pseudo header); a port change marks the CRC32c stale
 * (senda_nat6_sctp_finish() recomputes it). Each
 * function updates the checksum first and then the field, and keeps *p in
 * step with the packet, so stages can be chained.
 */
#ifndef SENDA_NAT6_H
#define SENDA_NAT6_H

#include "common.h"
#include "ctx/ctx.h"
#include "csum.h"
#include "addr6.h"
#include "pkt6.h"
#include "sctp.h"

/*
 * UDP: a computed 0 must be sent as 0xffff (0 is invalid in IPv6), which
 * BPF_F_MARK_MANGLED_0 does. Its other half, "a field of 0 stays 0", never
 * applies: the parser passes UDP with checksum 0 through untranslated.
 */
static __always_inline __u64 senda_nat6_l4_csum_flags(const struct senda_pkt6 *p)
{
	return p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

/*
 * A 16-byte address changed: one diff over the four words goes into the L4
 * checksum (size 0: "to" is a diff). On a CHECKSUM_COMPLETE skb the helper,
 * told BPF_F_PSEUDO_HDR, also takes the diff out of skb->csum, which is right
 * for IPv4 (the header checksum absorbs the address change) and wrong for IPv6,
 * where the changed address itself is covered data: adding the diff back
 * leaves skb->csum as the packet's real sum. Kernels since 2025 offer a flag
 * (BPF_F_IPV6) for this that 6.1 rejects; the add-back works on both.
 */
static __always_inline int senda_nat6_set_addr(struct senda_ctx *ctx, struct senda_pkt6 *p, int field_off,
					       const __be32 *from, const __be32 *to)
{
	__u32 diff;
	int err;

	if (senda_addr6_eq(from, to))
		return 0;
	if (p->proto == IPPROTO_SCTP)  /* covered by no checksum; keep skb->csum in step */
		return senda_ctx_store(ctx, SENDA_L3_OFF + field_off, to, 16, BPF_F_RECOMPUTE_CSUM);
	diff = senda_csum_diff_addr6(from, to);
	err = senda_ctx_l4_csum_replace(ctx, p->l4_csum_off, 0, diff, senda_nat6_l4_csum_flags(p) | BPF_F_PSEUDO_HDR);
	if (err < 0)
		return err;
	senda_ctx_csum_complete_add(ctx, diff);
	return senda_ctx_store(ctx, SENDA_L3_OFF + field_off, to, 16, 0);
}

/* SCTP port change: as in nat4.h, over the IPv6 payload (no extension headers:
 * the parser took none). */
static __always_inline int senda_nat6_sctp_set_port(struct senda_ctx *ctx, struct senda_pkt6 *p,
						    int field_off, __be16 to)
{
	if (senda_ctx_store(ctx, p->l4_off + field_off, &to, sizeof(to), BPF_F_RECOMPUTE_CSUM) < 0)
		return -1;
	if (p->payload_len <= SENDA_SCTP_CRC_MAX_LEN)
		p->sctp_stale = 1;
	return 0;
}

/* As senda_nat4_sctp_finish(). */
static __always_inline int senda_nat6_sctp_finish(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	if (!p->sctp_stale)
		return 0;
	p->sctp_stale = 0;
	return senda_sctp_csum_store(ctx, p->l4_off, p->payload_len);
}

/* Port field changed: only the L4 checksum covers it. */
static __always_inline int senda_nat6_set_port(struct senda_ctx *ctx, struct senda_pkt6 *p, int field_off,
					       __be16 from, __be16 to)
{
	int err;

	if (from == to)
		return 0;
	if (p->proto == IPPROTO_SCTP)
		return senda_nat6_sctp_set_port(ctx, p, field_off, to);
	err = senda_ctx_l4_csum_replace(ctx, p->l4_csum_off, from, to, senda_nat6_l4_csum_flags(p) | sizeof(to));
	if (err < 0)
		return err;
	return senda_ctx_store(ctx, p->l4_off + field_off, &to, sizeof(to), 0);
}

/* Rewrites the destination to addr:port (DNAT). */
static __always_inline int senda_nat6_dnat(struct senda_ctx *ctx, struct senda_pkt6 *p,
					   const __be32 *addr, __be16 port)
{
	int err;

	err = senda_nat6_set_addr(ctx, p, SENDA_IP6_DADDR_OFF, p->daddr, addr);
	if (err < 0)
		return err;
	senda_addr6_copy(p->daddr, addr);
	err = senda_nat6_set_port(ctx, p, SENDA_L4_DPORT_OFF, p->dport, port);
	if (err < 0)
		return err;
	p->dport = port;
	return 0;
}

/* Rewrites the source to addr:port (SNAT, and reverse NAT of replies). */
static __always_inline int senda_nat6_snat(struct senda_ctx *ctx, struct senda_pkt6 *p,
					   const __be32 *addr, __be16 port)
{
	int err;

	err = senda_nat6_set_addr(ctx, p, SENDA_IP6_SADDR_OFF, p->saddr, addr);
	if (err < 0)
		return err;
	senda_addr6_copy(p->saddr, addr);
	err = senda_nat6_set_port(ctx, p, SENDA_L4_SPORT_OFF, p->sport, port);
	if (err < 0)
		return err;
	p->sport = port;
	return 0;
}

#endif /* SENDA_NAT6_H */
