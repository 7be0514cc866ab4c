/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv6 header parsing: Ethernet + IPv6 + TCP/UDP/SCTP into struct senda_pkt6
 * (offsets, not pointers; see pkt.h).
 */
#ifndef SENDA_PKT6_H
#define SENDA_PKT6_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt.h"
#include "sctp.h"
#include "addr6.h"
#include <linux/ipv6.h>

#ifndef ETH_P_IPV6
#define ETH_P_IPV6 0x86DD
#endif

#define SENDA_IP6_HLEN 40  /* fixed header; extension headers are not parsed */

/* Offsets of IPv6 header fields relative to the start of the header. */
#define SENDA_IP6_SADDR_OFF offsetof(struct ipv6hdr, saddr)
#define SENDA_IP6_DADDR_OFF offsetof(struct ipv6hdr, daddr)

/* Everything about a parsed IPv6 TCP/UDP/SCTP packet, offsets from the frame start. */
struct senda_pkt6 {
	__be32 saddr[4];     /* be */
	__be32 daddr[4];     /* be */
	__be16 sport;        /* be */
	__be16 dport;        /* be */
	__be32 tcp_seq;      /* be: TCP only */
	__be32 tcp_ack;      /* be: TCP only */
	__u16  l4_off;       /* host: offset of the TCP/UDP/SCTP header */
	__u16  l4_csum_off;  /* host: offset of the TCP/UDP/SCTP checksum field */
	__u16  payload_len;  /* host: IPv6 payload length (L4 header + data: no extension headers) */
	__u16  l4_len;       /* host: TCP header length (doff * 4), 8 for UDP, 12 for SCTP */
	__u8   proto;        /* host: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP */
	__u8   tcp_flags;    /* host: TCP only, SENDA_TCP_* bits */
	__u8   opens;        /* host: 1 for a packet that opens a flow: TCP pure SYN, SCTP INIT */
	__u8   sctp_stale;   /* host: SCTP only: a port was rewritten, the CRC32c not yet (nat6.h) */
};

/*
 * Parses the frame into *p. Returns 0 for an IPv6 TCP/UDP/SCTP packet that the
 * load balancer can translate, -1 for anything else, which callers pass
 * through untouched:
 *   - other ethertypes, malformed or truncated headers;
 *   - any next header other than TCP/UDP/SCTP right after the fixed header: ICMPv6
 *     (neighbour discovery included), and every extension header, the
 *     fragment header with it (fragments are left alone as in IPv4). Walking
 *     an extension chain is not worth its cost for pod traffic: a routing
 *     header would also change which address the L4 pseudo header holds;
 *   - UDP with checksum 0, which IPv6 forbids (RFC 8200 8.1): its receiver
 *     discards it whatever is done here, and 0 cannot be updated
 *     incrementally.
 */
static __always_inline int senda_pkt6_parse(struct senda_ctx *ctx, struct senda_pkt6 *p)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;

	if (senda_pkt_pull(ctx) < 0)
		return -1;
	data = senda_ctx_data(ctx);
	data_end = senda_ctx_data_end(ctx);

	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return -1;

	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return -1;
	if (ip6->version != 6)
		return -1;

	senda_addr6_copy(p->saddr, ip6->saddr.in6_u.u6_addr32);
	senda_addr6_copy(p->daddr, ip6->daddr.in6_u.u6_addr32);
	p->proto = ip6->nexthdr;
	p->payload_len = bpf_ntohs(ip6->payload_len);
	p->l4_off = SENDA_L3_OFF + SENDA_IP6_HLEN;
	p->tcp_flags = 0;
	p->tcp_seq = 0;
	p->tcp_ack = 0;
	p->opens = 0;

	if (ip6->nexthdr == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip6 + 1);

		if ((void *)(tcp + 1) > data_end)
			return -1;
		if (tcp->doff < 5 || p->payload_len < tcp->doff * 4)
			return -1;
		p->sport = tcp->source;
		p->dport = tcp->dest;
		p->tcp_seq = tcp->seq;
		p->tcp_ack = tcp->ack_seq;
		p->tcp_flags = ((__u8 *)tcp)[13];
		p->l4_len = tcp->doff * 4;
		p->l4_csum_off = p->l4_off + SENDA_TCP_CSUM_OFF;
		p->opens = senda_tcp_is_pure_syn(IPPROTO_TCP, p->tcp_flags);
		return 0;
	}
	if (ip6->nexthdr == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip6 + 1);

		if ((void *)(udp + 1) > data_end)
			return -1;
		if (udp->check == 0 || p->payload_len < sizeof(*udp))
			return -1;
		p->sport = udp->source;
		p->dport = udp->dest;
		p->l4_len = sizeof(struct udphdr);
		p->l4_csum_off = p->l4_off + SENDA_UDP_CSUM_OFF;
		return 0;
	}
	if (ip6->nexthdr == IPPROTO_SCTP) {
		struct senda_sctp_wire *sctp = (void *)(ip6 + 1);
		struct senda_sctp_chunk_wire *chunk = (void *)(sctp + 1);

		/* a packet without a chunk is malformed (RFC 9260 3) */
		if ((void *)(chunk + 1) > data_end || p->payload_len < SENDA_SCTP_MIN_LEN)
			return -1;
		p->sport = sctp->sport;
		p->dport = sctp->dport;
		p->l4_len = SENDA_SCTP_HLEN;
		p->l4_csum_off = p->l4_off + SENDA_SCTP_CSUM_OFF;
		p->opens = chunk->type == SENDA_SCTP_INIT;
		return 0;
	}
	return -1;
}

#endif /* SENDA_PKT6_H */
