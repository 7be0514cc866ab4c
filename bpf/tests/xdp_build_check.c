/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Build check, not shipped: the packet helpers (parse, NAT with checksum
 * updates, reject) and the per-packet LB stages built against the XDP
 * context. If this compiles (and loads), an XDP entry is a thin file like
 * senda_tc.c with lib/ctx/xdp.h in place of lib/ctx/skb.h.
 *
 * xdp_check_helpers exercises the helpers alone with fixed addresses, so
 * BPF_PROG_TEST_RUN can check the RFC 1624 updates of ctx/xdp.h without maps:
 *   to port 9 (discard):      refused (RST / ICMP port unreachable), XDP_TX;
 *   from port 8080:           source set to the VIP 10.96.0.10:80 / fd00:96::10:80;
 *   anything else TCP/UDP:    destination set to 10.0.0.2:8080 / fd00::2:8080.
 * xdp_check_lb runs the real stages on the real maps.
 */
#include "lib/ctx/xdp.h"
#include "lib/pkt.h"
#include "lib/pkt4.h"
#include "lib/pkt6.h"
#include "lib/nat4.h"
#include "lib/nat6.h"
#include "lib/reject4.h"
#include "lib/reject6.h"
#include "lib/lb_pkt4.h"
#include "lib/lb_pkt6.h"

#define CHECK_DISCARD_PORT 9
#define CHECK_BACKEND_PORT 8080
#define CHECK_VIP_PORT     80

static __always_inline int check_helpers4(struct xdp_md *ctx)
{
	struct senda_pkt4 p = {};

	if (senda_pkt4_parse(ctx, &p) < 0)
		return XDP_PASS;
	if (p.dport == bpf_htons(CHECK_DISCARD_PORT))
		return p.proto == IPPROTO_TCP ? senda_reject_tcp4(ctx, &p) : senda_reject_udp4(ctx, &p);
	if (p.sport == bpf_htons(CHECK_BACKEND_PORT))
		return senda_nat4_snat(ctx, &p, bpf_htonl(0x0a60000a), bpf_htons(CHECK_VIP_PORT)) < 0 ? XDP_DROP
												     : XDP_PASS;
	return senda_nat4_dnat(ctx, &p, bpf_htonl(0x0a000002), bpf_htons(CHECK_BACKEND_PORT)) < 0 ? XDP_DROP
												  : XDP_PASS;
}

static __always_inline int check_helpers6(struct xdp_md *ctx)
{
	const __be32 vip[4] = { bpf_htonl(0xfd000096), 0, 0, bpf_htonl(0x10) };
	const __be32 backend[4] = { bpf_htonl(0xfd000000), 0, 0, bpf_htonl(0x2) };
	struct senda_pkt6 p = {};

	if (senda_pkt6_parse(ctx, &p) < 0)
		return XDP_PASS;
	if (p.dport == bpf_htons(CHECK_DISCARD_PORT))
		return p.proto == IPPROTO_TCP ? senda_reject_tcp6(ctx, &p) : senda_reject_udp6(ctx, &p);
	if (p.sport == bpf_htons(CHECK_BACKEND_PORT))
		return senda_nat6_snat(ctx, &p, vip, bpf_htons(CHECK_VIP_PORT)) < 0 ? XDP_DROP : XDP_PASS;
	return senda_nat6_dnat(ctx, &p, backend, bpf_htons(CHECK_BACKEND_PORT)) < 0 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_check_helpers(struct xdp_md *ctx)
{
	__be16 proto = senda_pkt_ethertype(ctx);

	if (proto == bpf_htons(ETH_P_IP))
		return check_helpers4(ctx);
	if (proto == bpf_htons(ETH_P_IPV6))
		return check_helpers6(ctx);
	return XDP_PASS;
}

SEC("xdp")
int xdp_check_lb(struct xdp_md *ctx)
{
	__be16 proto = senda_pkt_ethertype(ctx);

	if (proto == bpf_htons(ETH_P_IP))
		return senda_lb4_pkt(ctx, SENDA_LB_FROM_OUTSIDE);
	if (proto == bpf_htons(ETH_P_IPV6))
		return senda_lb6_pkt(ctx, SENDA_LB_FROM_OUTSIDE);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
