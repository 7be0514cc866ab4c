/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IPv4 header parsing: Ethernet + IPv4 + TCP/UDP/SCTP into struct senda_pkt4
 * (offsets, not pointers; see pkt.h).
 */
#ifndef SENDA_PKT4_H
#define SENDA_PKT4_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt.h"
#include "sctp.h"
#include <linux/ip.h>

/* IPv4 fragment bits of iphdr.frag_off (host order before bpf_htons). */
#define SENDA_IP_MF     0x2000
#define SENDA_IP_OFFSET 0x1fff

/* Offsets of IPv4 header fields relative to the start of the header. */
#define SENDA_IP_CSUM_OFF  offsetof(struct iphdr, check)
#define SENDA_IP_SADDR_OFF offsetof(struct iphdr, saddr)
#define SENDA_IP_DADDR_OFF offsetof(struct iphdr, daddr)

/* Everything about a parsed IPv4 TCP/UDP/SCTP packet, offsets from the frame start. */
struct senda_pkt4 {
	__be32 saddr;        /* be */
	__be32 daddr;        /* be */
	__be16 sport;        /* be */
	__be16 dport;        /* be */
	__be32 tcp_seq;      /* be: TCP only */
	__be32 tcp_ack;      /* be: TCP only */
	__u16  l4_off;       /* host: offset of the TCP/UDP/SCTP header */
	__u16  l4_csum_off;  /* host: offset of the TCP/UDP/SCTP checksum field */
	__u16  ip_tot_len;   /* host: IPv4 total length */
	__u16  l4_len;       /* host: TCP header length (doff * 4), 8 for UDP, 12 for SCTP */
	__u8   proto;        /* host: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP */
	__u8   tcp_flags;    /* host: TCP only, SENDA_TCP_* bits */
	__u8   opens;        /* host: 1 for a packet that opens a flow: TCP pure SYN, SCTP INIT */
	__u8   sctp_stale;   /* host: SCTP only: a port was rewritten, the CRC32c not yet (nat4.h) */
	__u8   ihl_len;      /* host: IPv4 header length in bytes (20..60) */
	__u8   udp_csum_zero;/* host: UDP only, 1 when the sender sent no checksum */
};

/*
 * Parses the frame into *p. Returns 0 for an IPv4 TCP/UDP/SCTP packet that the
 * load balancer can translate, -1 for anything else (other ethertype,
 * malformed, IP fragment, other L4 protocol), which callers pass through
 * untouched.
 *
 * Fragments are passed through: only the first carries the ports and the
 * others could not follow it, so translating any of them would split a datagram.
 */
static __always_inline int senda_pkt4_parse(struct senda_ctx *ctx, struct senda_pkt4 *p)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	__u32 ihl_len;

	if (senda_pkt_pull(ctx) < 0)
		return -1;
	data = senda_ctx_data(ctx);
	data_end = senda_ctx_data_end(ctx);

	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return -1;
	if (ip->version != 4 || ip->ihl < 5)
		return -1;
	if (ip->frag_off & bpf_htons(SENDA_IP_MF | SENDA_IP_OFFSET))
		return -1;

	ihl_len = ip->ihl * 4;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->proto = ip->protocol;
	p->ip_tot_len = bpf_ntohs(ip->tot_len);
	p->ihl_len = ihl_len;
	p->l4_off = SENDA_L3_OFF + ihl_len;
	p->tcp_flags = 0;
	p->tcp_seq = 0;
	p->tcp_ack = 0;
	p->udp_csum_zero = 0;
	p->opens = 0;
	if (p->ip_tot_len < ihl_len)
		return -1;

	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)ip + ihl_len;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		if (tcp->doff < 5)
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
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)ip + ihl_len;

		if ((void *)(udp + 1) > data_end)
			return -1;
		p->sport = udp->source;
		p->dport = udp->dest;
		p->l4_len = sizeof(struct udphdr);
		p->l4_csum_off = p->l4_off + SENDA_UDP_CSUM_OFF;
		p->udp_csum_zero = udp->check == 0;
		return 0;
	}
	if (ip->protocol == IPPROTO_SCTP) {
		struct senda_sctp_wire *sctp = (void *)ip + ihl_len;
		struct senda_sctp_chunk_wire *chunk = (void *)(sctp + 1);

		/* a packet without a chunk is malformed (RFC 9260 3) */
		if ((void *)(chunk + 1) > data_end || p->ip_tot_len < ihl_len + SENDA_SCTP_MIN_LEN)
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

#endif /* SENDA_PKT4_H */
