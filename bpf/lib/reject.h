/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Refusing a connection to a Service without backends, in place: a TCP
 * segment is answered with a RST (RFC 9293 3.10.7.1, "connection does not
 * exist"), a UDP datagram or SCTP packet (as kube-proxy's REJECT does for
 * every protocol but TCP) with ICMP / ICMPv6 port unreachable (RFC 1122
 * 3.2.2.1, RFC 4443 3.1), sent back out of the device the packet came in on,
 * so the client fails at once instead of timing out. The answer appears to
 * come from the VIP.
 *
 * This header has what both families share: the TCP header of the RST and
 * the sending. The IP parts are in reject4.h and reject6.h. A reply is built
 * over the original packet: saved fields go to the stack, the packet is cut
 * (or grown) to the reply's size, fresh headers are written with checksums
 * computed here from scratch.
 */
#ifndef SENDA_REJECT_H
#define SENDA_REJECT_H

#include "common.h"
#include "ctx/ctx.h"
#include "pkt.h"
#include "csum.h"

#define SENDA_REPLY_TTL 64  /* IPv4 TTL / IPv6 hop limit of built replies */

/* The refusals are BPF subprograms: their reply buffers get a frame of their
 * own instead of growing the packet stage's (lb_pkt.h). */
#define SENDA_REJECT_CALL __attribute__((noinline))

/* TCP header without options, as on the wire. 20 bytes. */
struct senda_tcp_wire {
	__be16 sport;
	__be16 dport;
	__be32 seq;
	__be32 ack;
	__u8   doff_res;
	__u8   flags;
	__be16 window;
	__sum16 check;
	__be16 urg;
};

/*
 * Fills the TCP header (checksum left 0) of the RST that answers a segment
 * with these ports, flags, sequence and acknowledgment numbers and data_len
 * bytes of data (RFC 9293 3.10.7.1).
 */
static __always_inline void senda_rst_fill(struct senda_tcp_wire *t, __be16 sport, __be16 dport, __u8 flags,
					   __be32 seq, __be32 ack, __u32 data_len)
{
	__u32 seg_len = data_len;

	t->sport = dport;
	t->dport = sport;
	t->doff_res = 5 << 4;
	if (flags & SENDA_TCP_ACK) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		t->seq = ack;
		t->flags = SENDA_TCP_RST;
		return;
	}
	/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN count in SEG.LEN */
	if (flags & SENDA_TCP_SYN)
		seg_len++;
	if (flags & SENDA_TCP_FIN)
		seg_len++;
	t->ack = bpf_htonl(bpf_ntohl(seq) + seg_len);
	t->flags = SENDA_TCP_RST | SENDA_TCP_ACK;
}

/* Swaps source and destination MAC of the frame. */
static __always_inline int senda_swap_macs(struct senda_ctx *ctx)
{
	__u8 macs[2 * ETH_ALEN], swapped[2 * ETH_ALEN];

	if (senda_ctx_load(ctx, 0, macs, sizeof(macs)) < 0)
		return -1;
	__builtin_memcpy(swapped, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(swapped + ETH_ALEN, macs, ETH_ALEN);
	return senda_ctx_store(ctx, 0, swapped, sizeof(swapped), 0);
}

/*
 * Replaces everything after the Ethernet header with the len bytes at l3 and
 * sends the frame back where it came from. Returns the verdict.
 */
static __always_inline int senda_reply_send(struct senda_ctx *ctx, const void *l3, __u32 len)
{
	if (senda_swap_macs(ctx) < 0)
		return SENDA_CTX_DROP;
	if (senda_ctx_set_len(ctx, SENDA_L3_OFF + len) < 0)
		return SENDA_CTX_DROP;
	if (senda_ctx_store(ctx, SENDA_L3_OFF, l3, len, BPF_F_RECOMPUTE_CSUM) < 0)
		return SENDA_CTX_DROP;
	return senda_ctx_bounce(ctx);
}

#endif /* SENDA_REJECT_H */
