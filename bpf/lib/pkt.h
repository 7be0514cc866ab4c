/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What both families' parsers share: the link layer (untagged Ethernet), the
 * L4 header facts (ports, checksum offsets, TCP flags), and the ethertype
 * dispatch of an entry program. Per family: pkt4.h, pkt6.h.
 *
 * Parsers copy everything later stages need into a struct on the stack,
 * because the rewrite helpers invalidate every packet pointer; later stages
 * work with offsets from the start of the frame, never with kept pointers.
 */
#ifndef SENDA_PKT_H
#define SENDA_PKT_H

#include "common.h"
#include "ctx/ctx.h"
#include <linux/if_ether.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#define SENDA_L2_LEN ETH_HLEN      /* untagged Ethernet */
#define SENDA_L3_OFF SENDA_L2_LEN  /* the IP header follows it */

/* TCP flag bits (byte 13 of the TCP header). */
#define SENDA_TCP_FIN 0x01
#define SENDA_TCP_SYN 0x02
#define SENDA_TCP_RST 0x04
#define SENDA_TCP_PSH 0x08
#define SENDA_TCP_ACK 0x10

/* Offsets of L4 header fields relative to the start of their header. */
#define SENDA_L4_SPORT_OFF 0
#define SENDA_L4_DPORT_OFF 2
#define SENDA_TCP_CSUM_OFF offsetof(struct tcphdr, check)
#define SENDA_UDP_CSUM_OFF offsetof(struct udphdr, check)

/* Bytes the parsers want directly readable: Ethernet, the longest IP header
 * either family parses (IPv4 with options: 60; IPv6: 40) and the longest TCP
 * header (60). */
#define SENDA_PULL_LEN (SENDA_L2_LEN + 60 + 60)

/*
 * Makes the headers directly readable (once: a second call finds them so and
 * calls no helper). Returns 0, or -1 when the packet cannot be made so.
 */
static __always_inline int senda_pkt_pull(struct senda_ctx *ctx)
{
	__u32 len = senda_ctx_len(ctx);
	__u32 want = len < SENDA_PULL_LEN ? len : SENDA_PULL_LEN;

	if (senda_ctx_data(ctx) + want <= senda_ctx_data_end(ctx))
		return 0;
	return senda_ctx_pull(ctx, want) < 0 ? -1 : 0;
}

/* The frame's ethertype (network order), or 0 for a frame too short to have one. */
static __always_inline __be16 senda_pkt_ethertype(struct senda_ctx *ctx)
{
	struct ethhdr *eth;

	if (senda_pkt_pull(ctx) < 0)
		return 0;
	eth = senda_ctx_data(ctx);
	if ((void *)(eth + 1) > senda_ctx_data_end(ctx))
		return 0;
	return eth->h_proto;
}

/* True for a TCP segment that opens a connection: SYN without ACK. */
static __always_inline int senda_tcp_is_pure_syn(__u8 proto, __u8 tcp_flags)
{
	return proto == IPPROTO_TCP && (tcp_flags & (SENDA_TCP_SYN | SENDA_TCP_ACK)) == SENDA_TCP_SYN;
}

#endif /* SENDA_PKT_H */
