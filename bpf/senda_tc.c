/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing on the host side of pod interfaces (tc/tcx ingress).
 *
 * Every packet a pod sends passes here: replies of translated flows are
 * reverse-NATed first, then packets to a Service are DNATed to a backend
 * (lib/lb_pkt4.h). Anything else (not IPv4 TCP/UDP, not a Service) continues
 * untouched.
 */
#include "lib/ctx/skb.h"
#include "lib/pkt.h"
#include "lib/lb_pkt4.h"

SEC("tc")
int senda_tc_from_pod(struct __sk_buff *skb)
{
	return senda_lb4_pkt(skb);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
