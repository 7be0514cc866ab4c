/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing on the host side of pod interfaces (tc/tcx).
 *
 * senda_tc_from_pod (ingress: every frame a pod sends) goes to its family's
 * stages (lib/lb_pkt4.h, lib/lb_pkt6.h): replies of translated flows are
 * reverse-NATed first, then packets to a Service are DNATed to a backend.
 * senda_tc_to_pod (egress: every frame a pod receives) reverse-NATs replies
 * that reached the node from elsewhere: those of backends on other nodes.
 * senda_tc_from_net (ingress of the node's own interfaces, --node-devices:
 * what arrives from outside) runs the same two stages: a packet to a NodePort,
 * LoadBalancer or external-IP frontend on this node is DNATed to a backend, and
 * a reply of a flow this node translated whose backend is on another node is
 * reverse-NATed as soon as it arrives. The reply of a local backend to an
 * outside client leaves its pod through senda_tc_from_pod, whose reply stage
 * reverse-NATs it and, its new source being this node's address (which the
 * stack would drop as a martian), sends it out of the interface the FIB names
 * (lib/abi/ct.h, SENDA_CT_FLAG_NODE_VIP); egress of node devices needs no
 * program.
 * Anything else (not IPv4/IPv6 TCP/UDP/SCTP, not a Service) continues untouched
 * by the LB.
 *
 * NetworkPolicy (lib/abi/policy.h) runs on the same two pod hooks, in both
 * datapath modes (with socket LB the from-pod LB stage finds nothing to
 * translate): the EGRESS check after the LB stages of senda_tc_from_pod, so it
 * judges the backend a Service address was translated to, and the INGRESS
 * check after the reply stage of senda_tc_to_pod. The checks are subprograms
 * called here, beside the LB stages rather than inside them (lib/policy.h).
 */
#include "lib/ctx/skb.h"
#include "lib/pkt.h"
#include "lib/lb_pkt4.h"
#include "lib/lb_pkt6.h"
#include "lib/policy4.h"
#include "lib/policy6.h"

/* Reply then forward stage, by family; origin picks the frontend scope
 * (lib/lb_select.h). */
static __always_inline int senda_tc_both_stages(struct __sk_buff *skb, enum senda_lb_origin origin)
{
	__be16 proto = senda_pkt_ethertype(skb);

	if (proto == bpf_htons(ETH_P_IP))
		return senda_lb4_pkt(skb, origin);
	if (proto == bpf_htons(ETH_P_IPV6))
		return senda_lb6_pkt(skb, origin);
	return TC_ACT_OK;
}

SEC("tc")
int senda_tc_from_pod(struct __sk_buff *skb)
{
	__be16 proto = senda_pkt_ethertype(skb);
	int judged, verdict;

	/* the tuple before LB is kept for the egress check (lib/policy4.h) */
	if (proto == bpf_htons(ETH_P_IP)) {
		judged = senda_pol4_before(skb);
		verdict = senda_lb4_pkt(skb, SENDA_LB_FROM_NODE);
		return judged ? senda_pol4_from_pod(skb, verdict) : verdict;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		judged = senda_pol6_before(skb);
		verdict = senda_lb6_pkt(skb, SENDA_LB_FROM_NODE);
		return judged ? senda_pol6_from_pod(skb, verdict) : verdict;
	}
	return TC_ACT_OK;
}

SEC("tc")
int senda_tc_from_net(struct __sk_buff *skb)
{
	/* the stages of senda_tc_from_pod for traffic from outside the node:
	 * externalTrafficPolicy Local applies to it */
	return senda_tc_both_stages(skb, SENDA_LB_FROM_OUTSIDE);
}

/*
 * Whether the node itself sent this packet: at egress of the host-side
 * interface only a packet of a local socket still carries one (a forwarded
 * packet lost its socket in the IP receive path), so kubelet probes and every
 * other node process pass policy, whichever of the node's addresses they use.
 * Only a full inet socket of a real protocol counts: BPF_PROG_TEST_RUN hands
 * every packet a dummy socket of protocol 0. A request or time-wait socket
 * only answers the pod, whose own packet wrote the policy conntrack entry the
 * answer passes by.
 */
static __always_inline int senda_tc_from_node(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk || (sk->family != 2 /* AF_INET */ && sk->family != 10 /* AF_INET6 */))
		return 0;
	sk = bpf_sk_fullsock(sk);
	return sk && sk->protocol != 0;
}

SEC("tc")
int senda_tc_to_pod(struct __sk_buff *skb)
{
	__be16 proto = senda_pkt_ethertype(skb);

	if (proto == bpf_htons(ETH_P_IP))
		return senda_pol4_to_pod(skb, senda_tc_from_node(skb), senda_lb4_pkt_to_pod(skb));
	if (proto == bpf_htons(ETH_P_IPV6))
		return senda_pol6_to_pod(skb, senda_tc_from_node(skb), senda_lb6_pkt_to_pod(skb));
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
