/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Refusals for IPv4 (what and why: reject.h): a TCP RST, or ICMP port
 * unreachable quoting the IPv4 header and the first 8 bytes of a UDP datagram,
 * or the first 20 of an SCTP packet.
 */
#ifndef SENDA_REJECT4_H
#define SENDA_REJECT4_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt4.h"
#include "csum.h"
#include "reject.h"
#include "sctp.h"

#define SENDA_IP_DF 0x4000

/* IPv4 header without options, as on the wire (no bitfields). 20 bytes. */
struct senda_ip4_wire {
	__u8   ver_ihl;
	__u8   tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8   ttl;
	__u8   protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

/* TCP/UDP pseudo header for the checksum. 12 bytes. */
struct senda_pseudo4 {
	__be32 saddr;
	__be32 daddr;
	__u8   zero;
	__u8   proto;
	__be16 len;
};

struct senda_rst4_wire {
	struct senda_ip4_wire ip;
	struct senda_tcp_wire tcp;
};

/*
 * ICMP destination unreachable quoting the original IPv4 header + 8 bytes
 * (RFC 792), or + 20 for SCTP: an INIT carries verification tag 0, and an SCTP
 * stack takes an ICMP error for it only when the quote shows the INIT chunk
 * and its Initiate Tag (RFC 9260 appendix C, ICMP6), bytes 12..19.
 */
#define SENDA_ICMP_QUOTE_LEN      (20 + 8)
#define SENDA_ICMP_SCTP_QUOTE_LEN (20 + SENDA_SCTP_MIN_LEN + 4)
struct senda_icmp4_wire {
	struct senda_ip4_wire ip;
	__u8   type;
	__u8   code;
	__sum16 check;
	__be16 unused;
	__be16 mtu;
	__u8   quote[SENDA_ICMP_SCTP_QUOTE_LEN];  /* the first qlen bytes are sent */
};

#define SENDA_ICMP_DEST_UNREACH 3
#define SENDA_ICMP_PORT_UNREACH 3
#ifndef IPPROTO_ICMP
#define IPPROTO_ICMP 1
#endif

static __always_inline void senda_ip4_wire_init(struct senda_ip4_wire *ip, __u8 proto, __u8 tos, __u16 frag,
						__u16 tot_len, __be32 saddr, __be32 daddr)
{
	ip->ver_ihl = 0x45;
	ip->tos = tos;
	ip->tot_len = bpf_htons(tot_len);
	ip->id = 0;
	ip->frag_off = bpf_htons(frag);
	ip->ttl = SENDA_REPLY_TTL;
	ip->protocol = proto;
	ip->check = 0;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = senda_csum_fold(senda_csum_add(0, ip, sizeof(*ip) / 2));
}

/*
 * Answers the TCP segment described by *p with a RST from the VIP and sends it
 * back out of the incoming device. Returns the verdict.
 */
static SENDA_REJECT_CALL int senda_reject_tcp4(struct senda_ctx *ctx, const struct senda_pkt4 *p)
{
	struct senda_rst4_wire r = {};
	struct senda_pseudo4 ph;
	__u32 data_len = 0, sum;

	if (p->tcp_flags & SENDA_TCP_RST)
		return SENDA_CTX_DROP;  /* never answer a RST */

	if (p->ip_tot_len > p->ihl_len + p->l4_len)
		data_len = p->ip_tot_len - p->ihl_len - p->l4_len;
	senda_rst_fill(&r.tcp, p->sport, p->dport, p->tcp_flags, p->tcp_seq, p->tcp_ack, data_len);

	ph.saddr = p->daddr;
	ph.daddr = p->saddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = bpf_htons(sizeof(r.tcp));
	sum = senda_csum_add(0, &ph, sizeof(ph) / 2);
	sum = senda_csum_add(sum, &r.tcp, sizeof(r.tcp) / 2);
	r.tcp.check = senda_csum_fold(sum);

	senda_ip4_wire_init(&r.ip, IPPROTO_TCP, 0, SENDA_IP_DF, sizeof(r), p->daddr, p->saddr);
	return senda_reply_send(ctx, &r, sizeof(r));
}

/*
 * Answers the packet described by *p with ICMP port unreachable from the VIP,
 * quoting its first qlen bytes (a constant: SENDA_ICMP_QUOTE_LEN or
 * SENDA_ICMP_SCTP_QUOTE_LEN). Packets with IP options are dropped instead (the
 * quote would need a variable length, not worth it for a refusal), and so are
 * packets shorter than the quote.
 */
static __always_inline int senda_reject_icmp4(struct senda_ctx *ctx, const struct senda_pkt4 *p, __u32 qlen)
{
	struct senda_icmp4_wire m = {};
	__u32 sum;

	if (p->ihl_len != 20 || p->ip_tot_len < qlen)
		return SENDA_CTX_DROP;
	if (senda_ctx_load(ctx, SENDA_L3_OFF, m.quote, qlen) < 0)
		return SENDA_CTX_DROP;

	m.type = SENDA_ICMP_DEST_UNREACH;
	m.code = SENDA_ICMP_PORT_UNREACH;
	sum = senda_csum_add(0, &m.type, (8 + qlen) / 2);
	m.check = senda_csum_fold(sum);

	/* 0xc0: internetwork control precedence, what Linux uses for ICMP errors */
	senda_ip4_wire_init(&m.ip, IPPROTO_ICMP, 0xc0, 0, sizeof(m.ip) + 8 + qlen, p->daddr, p->saddr);
	return senda_reply_send(ctx, &m, sizeof(m.ip) + 8 + qlen);
}

/* Answers the UDP datagram described by *p (the parser checked it has its
 * 8-byte header) with ICMP port unreachable. */
static SENDA_REJECT_CALL int senda_reject_udp4(struct senda_ctx *ctx, const struct senda_pkt4 *p)
{
	return senda_reject_icmp4(ctx, p, SENDA_ICMP_QUOTE_LEN);
}

/* Answers the SCTP packet described by *p with ICMP port unreachable; one
 * shorter than 20 bytes (no room for an INIT) is dropped unanswered. */
static SENDA_REJECT_CALL int senda_reject_sctp4(struct senda_ctx *ctx, const struct senda_pkt4 *p)
{
	return senda_reject_icmp4(ctx, p, SENDA_ICMP_SCTP_QUOTE_LEN);
}

#endif /* SENDA_REJECT4_H */
