/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internet checksum arithmetic (RFC 1071) and incremental updates (RFC 1624),
 * as pure functions over values and stack memory: no context, no helpers.
 *
 * Byte order: words are summed as they lie in memory (a __be16 field is
 * added as loaded, without byte swapping). The one's complement sum is byte
 * order independent (RFC 1071 section 2.B), so a result stored back as it was
 * computed is right on the wire; no bpf_ntohs is needed anywhere here.
 *
 * "diff" values are 32-bit one's complement partial sums of (~old + new), the
 * same form the kernel's bpf_csum_diff() returns and bpf_l4_csum_replace()
 * accepts with a field size of 0, so one diff serves the tc helpers and the
 * XDP code in ctx/xdp.h alike.
 */
#ifndef SENDA_CSUM_H
#define SENDA_CSUM_H

#include "common.h"

/* What a computed UDP checksum of 0 is sent as (0 itself means "none" in IPv4
 * and is invalid in IPv6). */
#define SENDA_CSUM_MANGLED_0 ((__sum16)0xffff)

/* A 16-bit word that may alias any object: the headers summed below are
 * written through their own struct fields, and without may_alias the compiler
 * could (and did) read the words before those stores under strict aliasing. */
typedef __u16 __attribute__((__may_alias__)) senda_csum_word;

/* Adds n 16-bit words (as they lie in memory) to a 32-bit running sum. The
 * sum must not overflow: callers add at most a few thousand words. */
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

/* One's complement addition of two 32-bit partial sums (end-around carry). */
static __always_inline __u32 senda_csum_add32(__u32 a, __u32 b)
{
	__u32 s = a + b;

	return s + (s < a);
}

/* Diff for a 32-bit field changing from -> to (both as in memory). */
static __always_inline __u32 senda_csum_diff32(__u32 from, __u32 to)
{
	return senda_csum_add32(~from, to);
}

/* Diff for a 16-bit field changing from -> to (both as in memory). */
static __always_inline __u32 senda_csum_diff16(__u16 from, __u16 to)
{
	return (__u32)(__u16)~from + to;  /* at most 17 bits: no carry to fold */
}

/* Diff for a 16-byte (IPv6) address changing from -> to. */
static __always_inline __u32 senda_csum_diff_addr6(const __be32 *from, const __be32 *to)
{
	__u32 d = 0;

#pragma unroll
	for (int i = 0; i < 4; i++)
		d = senda_csum_add32(d, senda_csum_diff32(from[i], to[i]));
	return d;
}

/*
 * RFC 1624 eqn. 3: the new checksum field HC' = ~(~HC + ~m + m') after data
 * covered by HC changed by diff (= ~m + m'). Working on the complemented field
 * gives exactly what a full recomputation would (0x0000 possible, 0xffff
 * never), which the older direct forms do not; a UDP caller maps 0x0000 to
 * SENDA_CSUM_MANGLED_0.
 */
static __always_inline __sum16 senda_csum_apply(__sum16 check, __u32 diff)
{
	return senda_csum_fold(senda_csum_add32((__u16)~check, diff));
}

#endif /* SENDA_CSUM_H */
