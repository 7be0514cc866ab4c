/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 addresses as four __be32 words in network order (the form of every
 * IPv6 address in Senda's maps and packet structs): copy and compare.
 */
#ifndef SENDA_ADDR6_H
#define SENDA_ADDR6_H

#include "common.h"

static __always_inline void senda_addr6_copy(__be32 *dst, const __be32 *src)
{
	dst[0] = src[0];
	dst[1] = src[1];
	dst[2] = src[2];
	dst[3] = src[3];
}

static __always_inline int senda_addr6_eq(const __be32 *a, const __be32 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

/* True for an address that names one node: not :: (unspecified), not ff00::/8 (multicast). */
static __always_inline int senda_addr6_is_unicast(const __be32 *a)
{
	if ((a[0] & bpf_htonl(0xff000000)) == bpf_htonl(0xff000000))
		return 0;
	return (a[0] | a[1] | a[2] | a[3]) != 0;
}

#endif /* SENDA_ADDR6_H */
