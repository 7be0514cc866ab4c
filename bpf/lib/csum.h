/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internet checksums (RFC 1071) for the tc datapath.
 *
 * Two kinds of work: incremental updates when a field of an existing packet
 * changes (kernel helpers, which also keep skb->csum and CHECKSUM_PARTIAL
 * packets right), and full computation for headers we build ourselves (RST,
 * ICMP), summed here over words copied to the stack.
 */
#ifndef SENDA_CSUM_H
#define SENDA_CSUM_H

#include "common.h"
#include "pkt.h"

/*
 * Flags for bpf_l4_csum_replace on this packet. A UDP datagram sent without a
 * checksum (0) must keep 0; a computed 0 must then be sent as 0xffff. The
 * kernel does both when BPF_F_MARK_MANGLED_0 is set.
 */
static __always_inline __u64 senda_l4_csum_flags(const struct senda_pkt4 *p)
{
	return p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

/* Address field changed: both the IPv4 header checksum and the L4 pseudo header. */
static __always_inline int senda_csum_update_addr(struct __sk_buff *skb, const struct senda_pkt4 *p,
						  __be32 from, __be32 to)
{
	int err;

	err = bpf_l4_csum_replace(skb, p->l4_csum_off, from, to,
				  senda_l4_csum_flags(p) | BPF_F_PSEUDO_HDR | sizeof(to));
	if (err < 0)
		return err;
	return bpf_l3_csum_replace(skb, SENDA_L3_OFF + SENDA_IP_CSUM_OFF, from, to, sizeof(to));
}

/* Port field changed: only the L4 checksum covers it. */
static __always_inline int senda_csum_update_port(struct __sk_buff *skb, const struct senda_pkt4 *p,
						  __be16 from, __be16 to)
{
	return bpf_l4_csum_replace(skb, p->l4_csum_off, from, to,
				   senda_l4_csum_flags(p) | sizeof(to));
}

/* A 16-bit word that may alias any object: the headers summed below are
 * written through their own struct fields, and without may_alias the compiler
 * could (and did) read the words before those stores under strict aliasing. */
typedef __u16 __attribute__((__may_alias__)) senda_csum_word;

/* Adds n 16-bit words (as they lie in memory) to a 32-bit running sum. */
static __always_inline __u32 senda_csum_add(__u32 sum, const void *buf, int n_words)
{
	const senda_csum_word *w = buf;

#pragma unroll
	for (int i = 0; i < n_words; i++)
		sum += w[i];
	return sum;
}

/* Folds a 32-bit running sum to the 16-bit one's complement checksum field. */
static __always_inline __sum16 senda_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__sum16)~sum;
}

#endif /* SENDA_CSUM_H */
