/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing on the host side of pod interfaces (tc/tcx ingress).
 *
 * Every packet a pod sends passes here: replies of translated flows are
 * reverse-NATed first, then packets to a Service are DNATed to a backend.
 * Anything else (not IPv4 TCP/UDP, not a Service) continues untouched.
 */
#include "lib/common.h"
#include <linux/pkt_cls.h>
#include "lib/pkt.h"
#include "lib/lb_tc.h"

SEC("tc")
int senda_tc_from_pod(struct __sk_buff *skb)
{
	struct senda_pkt4 p = {};
	int verdict;

	if (senda_pkt4_parse(skb, &p) < 0)
		return TC_ACT_OK;

	verdict = senda_tc4_reply(skb, &p);
	if (verdict != SENDA_TC_CONTINUE)
		return verdict;
	return senda_tc4_forward(skb, &p);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
