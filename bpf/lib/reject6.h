/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Refusals for IPv6 (what and why: reject.h): a TCP RST, or ICMPv6
 * destination unreachable, code 4 (port unreachable).
 *
 * The ICMPv6 error quotes "as much of the invoking packet as possible without
 * the ICMPv6 packet exceeding the minimum IPv6 MTU" (RFC 4443 2.4 (c), 3.1):
 * the first min(IPv6 packet length, 1232) bytes, so the reply is at most 1280
 * bytes of IPv6. The quote is never copied: room for the new IPv6 + ICMPv6
 * headers is opened in front of the original packet, which is cut to the quote
 * length, so the original packet becomes the quote in place. Only its checksum
 * is read, in bounded chunks.
 */
#ifndef SENDA_REJECT6_H
#define SENDA_REJECT6_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt6.h"
#include "csum.h"
#include "addr6.h"
#include "reject.h"

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

#define SENDA_IP6_MIN_MTU 1280
#define SENDA_ICMP6_HLEN 8
#define SENDA_ICMP6_QUOTE_MAX (SENDA_IP6_MIN_MTU - SENDA_IP6_HLEN - SENDA_ICMP6_HLEN)  /* 1232 */
#define SENDA_ICMP6_DEST_UNREACH 1
#define SENDA_ICMP6_PORT_UNREACH 4

/* IPv6 fixed header, as on the wire (no bitfields). 40 bytes. */
struct senda_ip6_wire {
	__be32 ver_tc_flow;  /* version 6, traffic class, flow label */
	__be16 payload_len;
	__u8   nexthdr;
	__u8   hop_limit;
	__be32 saddr[4];
	__be32 daddr[4];
};

/* Upper-layer pseudo header for TCP/UDP/ICMPv6 checksums (RFC 8200 8.1). 40 bytes. */
struct senda_pseudo6 {
	__be32 saddr[4];
	__be32 daddr[4];
	__be32 len;      /* upper-layer packet length */
	__u8   zero[3];
	__u8   nexthdr;
};

struct senda_rst6_wire {
	struct senda_ip6_wire ip;
	struct senda_tcp_wire tcp;
};

/* What is put in front of the quote. 48 bytes. */
struct senda_icmp6_head {
	struct senda_ip6_wire ip;
	__u8   type;
	__u8   code;
	__sum16 check;
	__be32 unused;
};

static __always_inline void senda_ip6_wire_init(struct senda_ip6_wire *ip, __u8 nexthdr, __u16 payload_len,
						const __be32 *saddr, const __be32 *daddr)
{
	ip->ver_tc_flow = bpf_htonl(6 << 28);  /* traffic class and flow label 0 */
	ip->payload_len = bpf_htons(payload_len);
	ip->nexthdr = nexthdr;
	ip->hop_limit = SENDA_REPLY_TTL;
	senda_addr6_copy(ip->saddr, saddr);
	senda_addr6_copy(ip->daddr, daddr);
}

/* Running sum of the pseudo header of a packet from saddr to daddr. */
static __always_inline __u32 senda_pseudo6_sum(const __be32 *saddr, const __be32 *daddr, __u32 len, __u8 nexthdr)
{
	struct senda_pseudo6 ph = {};

	senda_addr6_copy(ph.saddr, saddr);
	senda_addr6_copy(ph.daddr, daddr);
	ph.len = bpf_htonl(len);
	ph.nexthdr = nexthdr;
	return senda_csum_add(0, &ph, sizeof(ph) / 2);
}

/*
 * Answers the TCP segment described by *p with a RST from the VIP and sends it
 * back out of the incoming device. Returns the verdict.
 */
static SENDA_REJECT_CALL int senda_reject_tcp6(struct senda_ctx *ctx, const struct senda_pkt6 *p)
{
	struct senda_rst6_wire r = {};
	__u32 sum;

	if (p->tcp_flags & SENDA_TCP_RST)
		return SENDA_CTX_DROP;  /* never answer a RST */

	/* the parser checked payload_len >= l4_len */
	senda_rst_fill(&r.tcp, p->sport, p->dport, p->tcp_flags, p->tcp_seq, p->tcp_ack,
		       p->payload_len - p->l4_len);
	sum = senda_pseudo6_sum(p->daddr, p->saddr, sizeof(r.tcp), IPPROTO_TCP);
	sum = senda_csum_add(sum, &r.tcp, sizeof(r.tcp) / 2);
	r.tcp.check = senda_csum_fold(sum);

	senda_ip6_wire_init(&r.ip, IPPROTO_TCP, sizeof(r.tcp), p->daddr, p->saddr);
	return senda_reply_send(ctx, &r, sizeof(r));
}

#define SENDA_CSUM_CHUNK 64  /* a power of two (see senda_reject6_sum_bytes()) */

/*
 * Adds the len bytes at off (len <= SENDA_ICMP6_QUOTE_MAX) to *sum, as 16-bit
 * words from off on, the last odd byte padded with zero (RFC 1071). Chunks go
 * through a zeroed stack buffer, so a short last chunk is padded by itself.
 */
static __always_inline int senda_reject6_sum_bytes(struct senda_ctx *ctx, __u32 off, __u32 len, __u32 *sum)
{
	__u8 buf[SENDA_CSUM_CHUNK];
	__u32 s = *sum;

#pragma clang loop unroll(disable)
	for (__u32 done = 0; done < SENDA_ICMP6_QUOTE_MAX; done += SENDA_CSUM_CHUNK) {
		__u32 n;

		if (done >= len)
			break;
		n = len - done;
		if (n > SENDA_CSUM_CHUNK)
			n = SENDA_CSUM_CHUNK;
		/* n is 1..64 here, but clang folds the bounds into forms the
		 * verifier cannot follow (it saw 0..63). Hide n from clang, then
		 * state the range in an identity on 1..64 that the verifier reads. */
		barrier_var(n);
		n = ((n - 1) & (SENDA_CSUM_CHUNK - 1)) + 1;
		__builtin_memset(buf, 0, sizeof(buf));
		if (senda_ctx_load(ctx, off + done, buf, n) < 0)
			return -1;
		s = senda_csum_add(s, buf, SENDA_CSUM_CHUNK / 2);
	}
	*sum = s;
	return 0;
}

/*
 * Answers the UDP datagram (or SCTP packet: the whole-packet quote holds an
 * INIT's Initiate Tag, RFC 9260 appendix C) described by *p with ICMPv6 port
 * unreachable from the VIP (quote: see the top of this file). Returns the
 * verdict. A packet
 * whose source names no single node (:: or multicast) is dropped unanswered
 * (RFC 4443 2.4 (e)).
 */
static SENDA_REJECT_CALL int senda_reject_udp6(struct senda_ctx *ctx, const struct senda_pkt6 *p)
{
	struct senda_icmp6_head h = {};
	__u32 qlen, avail, sum = 0;

	if (!senda_addr6_is_unicast(p->saddr))
		return SENDA_CTX_DROP;

	/* the IPv6 packet, not any Ethernet padding behind it, and at most 1232 bytes */
	qlen = SENDA_IP6_HLEN + p->payload_len;
	avail = senda_ctx_len(ctx) - SENDA_L3_OFF;  /* the parser saw at least 48 bytes */
	if (qlen > avail)
		qlen = avail;
	if (qlen > SENDA_ICMP6_QUOTE_MAX)
		qlen = SENDA_ICMP6_QUOTE_MAX;

	/* the quote starts 8 bytes into the ICMPv6 message: its words line up */
	if (senda_reject6_sum_bytes(ctx, SENDA_L3_OFF, qlen, &sum) < 0)
		return SENDA_CTX_DROP;
	h.type = SENDA_ICMP6_DEST_UNREACH;
	h.code = SENDA_ICMP6_PORT_UNREACH;
	sum += senda_pseudo6_sum(p->daddr, p->saddr, SENDA_ICMP6_HLEN + qlen, IPPROTO_ICMPV6);
	sum = senda_csum_add(sum, &h.type, SENDA_ICMP6_HLEN / 2);
	h.check = senda_csum_fold(sum);
	senda_ip6_wire_init(&h.ip, IPPROTO_ICMPV6, SENDA_ICMP6_HLEN + qlen, p->daddr, p->saddr);

	if (senda_swap_macs(ctx) < 0)
		return SENDA_CTX_DROP;
	if (senda_ctx_set_len(ctx, SENDA_L3_OFF + qlen) < 0)
		return SENDA_CTX_DROP;
	if (senda_ctx_open_room(ctx, SENDA_L2_LEN, sizeof(h)) < 0)
		return SENDA_CTX_DROP;
	if (senda_ctx_store(ctx, SENDA_L3_OFF, &h, sizeof(h), BPF_F_RECOMPUTE_CSUM) < 0)
		return SENDA_CTX_DROP;
	return senda_ctx_bounce(ctx);
}

#endif /* SENDA_REJECT6_H */
