/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Refusing a connection to a Service without backends, in place, on tc:
 * a TCP segment is answered with a RST (RFC 9293 3.10.7.1, "connection does
 * not exist"), a UDP datagram with ICMP port unreachable (RFC 1122 3.2.2.1),
 * sent back out of the device the packet came in on, so the client fails at
 * once instead of timing out. The answer appears to come from the VIP.
 *
 * The reply is built over the original skb: saved fields go to the stack,
 * the skb is cut (or grown) to the reply's size, and fresh headers are written
 * with checksums computed here from scratch.
 */
#ifndef SENDA_REJECT_H
#define SENDA_REJECT_H

#include "common.h"
#include <linux/pkt_cls.h>
#include "pkt.h"
#include "csum.h"

#define SENDA_REPLY_TTL 64
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

/* ICMP destination unreachable quoting the original IPv4 header + 8 bytes. */
#define SENDA_ICMP_QUOTE_LEN (20 + 8)
struct senda_icmp4_wire {
	struct senda_ip4_wire ip;
	__u8   type;
	__u8   code;
	__sum16 check;
	__be16 unused;
	__be16 mtu;
	__u8   quote[SENDA_ICMP_QUOTE_LEN];
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

/* Swaps source and destination MAC of the frame. */
static __always_inline int senda_swap_macs(struct __sk_buff *skb)
{
	__u8 macs[2 * ETH_ALEN], swapped[2 * ETH_ALEN];

	if (bpf_skb_load_bytes(skb, 0, macs, sizeof(macs)) < 0)
		return -1;
	__builtin_memcpy(swapped, macs + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(swapped + ETH_ALEN, macs, ETH_ALEN);
	return bpf_skb_store_bytes(skb, 0, swapped, sizeof(swapped), 0);
}

/*
 * Answers the TCP segment described by *p with a RST from the VIP and sends it
 * back out of the incoming device. Returns the tc verdict.
 */
static __always_inline int senda_reject_tcp4(struct __sk_buff *skb, const struct senda_pkt4 *p)
{
	struct senda_rst4_wire r = {};
	struct senda_pseudo4 ph;
	__u32 seg_len, sum;

	if (p->tcp_flags & SENDA_TCP_RST)
		return TC_ACT_SHOT;  /* never answer a RST */

	r.tcp.sport = p->dport;
	r.tcp.dport = p->sport;
	r.tcp.doff_res = 5 << 4;
	if (p->tcp_flags & SENDA_TCP_ACK) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		r.tcp.seq = p->tcp_ack;
		r.tcp.flags = SENDA_TCP_RST;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN count in SEG.LEN */
		seg_len = 0;
		if (p->ip_tot_len > p->ihl_len + p->l4_len)
			seg_len = p->ip_tot_len - p->ihl_len - p->l4_len;
		if (p->tcp_flags & SENDA_TCP_SYN)
			seg_len++;
		if (p->tcp_flags & SENDA_TCP_FIN)
			seg_len++;
		r.tcp.ack = bpf_htonl(bpf_ntohl(p->tcp_seq) + seg_len);
		r.tcp.flags = SENDA_TCP_RST | SENDA_TCP_ACK;
	}

	ph.saddr = p->daddr;
	ph.daddr = p->saddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = bpf_htons(sizeof(r.tcp));
	sum = senda_csum_add(0, &ph, sizeof(ph) / 2);
	sum = senda_csum_add(sum, &r.tcp, sizeof(r.tcp) / 2);
	r.tcp.check = senda_csum_fold(sum);

	senda_ip4_wire_init(&r.ip, IPPROTO_TCP, 0, SENDA_IP_DF, sizeof(r), p->daddr, p->saddr);

	if (senda_swap_macs(skb) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_change_tail(skb, ETH_HLEN + sizeof(r), 0) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, SENDA_L3_OFF, &r, sizeof(r), BPF_F_RECOMPUTE_CSUM) < 0)
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

/*
 * Answers the UDP datagram described by *p with ICMP port unreachable from
 * the VIP. Datagrams with IP options are dropped instead (the quote would
 * need a variable length, not worth it for a refusal).
 */
static __always_inline int senda_reject_udp4(struct __sk_buff *skb, const struct senda_pkt4 *p)
{
	struct senda_icmp4_wire m = {};
	__u32 sum;

	if (p->ihl_len != 20)
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, SENDA_L3_OFF, m.quote, sizeof(m.quote)) < 0)
		return TC_ACT_SHOT;

	m.type = SENDA_ICMP_DEST_UNREACH;
	m.code = SENDA_ICMP_PORT_UNREACH;
	sum = senda_csum_add(0, &m.type, (sizeof(m) - sizeof(m.ip)) / 2);
	m.check = senda_csum_fold(sum);

	/* 0xc0: internetwork control precedence, what Linux uses for ICMP errors */
	senda_ip4_wire_init(&m.ip, IPPROTO_ICMP, 0xc0, 0, sizeof(m), p->daddr, p->saddr);

	if (senda_swap_macs(skb) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_change_tail(skb, ETH_HLEN + sizeof(m), 0) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, SENDA_L3_OFF, &m, sizeof(m), BPF_F_RECOMPUTE_CSUM) < 0)
		return TC_ACT_SHOT;
	return bpf_redirect(skb->ifindex, 0);
}

#endif /* SENDA_REJECT_H */
