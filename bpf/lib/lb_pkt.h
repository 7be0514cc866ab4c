/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-packet load balancing: what both families' stages share. The stages
 * themselves are in lb_pkt4.h and lb_pkt6.h; they are written against the
 * packet context (ctx/ctx.h), so an entry file of any hook runs them:
 *
 *   reply stage:   a packet that answers a translated flow gets the VIP back as
 *                  its source (and, for hairpin, the client back as destination);
 *   forward stage: a packet to a Service gets a backend (from conntrack for a
 *                  known flow, freshly selected otherwise) as its destination.
 *
 * Source addresses are preserved, except hairpin: when a pod reaches itself
 * through its Service, a packet from its own address would be dropped by its
 * kernel as a martian (and the reply would never leave the pod), so the
 * source becomes the VIP.
 *
 * Verdicts: SENDA_CTX_PASS for translated packets and packets that are not
 * for a Service; for a refusal (Service without backends) the bounce verdict
 * (tc: TC_ACT_REDIRECT) when a RST / ICMP answer was built and sent back,
 * SENDA_CTX_DROP when none is sent (a RST is never answered, an IPv4 UDP
 * datagram with IP options, a failed rewrite). SENDA_CTX_DROP also when a
 * translation fails.
 */
#ifndef SENDA_LB_PKT_H
#define SENDA_LB_PKT_H

#include "common.h"
#include "ctx/ctx.h"

#define SENDA_PKT_CONTINUE (-1)  /* stage did not handle the packet */
#define SENDA_PKT_SNAT     (-2)  /* forward stage: translated, now source-NAT it (abi/nat.h) */
#define SENDA_PKT_REFUSE   (-3)  /* forward stage: a Service without a backend: refuse (reject.h) */
#define SENDA_PKT_FLOW_NEW   (-4)  /* forward choice (IPv6): a new flow, record it and translate */
#define SENDA_PKT_FLOW_KNOWN (-5)  /* forward choice (IPv6): a known flow, translate */

/*
 * The stages are BPF subprograms rather than inlined into the program: the
 * family entry (senda_lb4_pkt, senda_lb6_pkt) holds only the parsed packet and
 * calls the NAT-in, reply, forward, NAT-out and refusal stages one after the
 * other, then recomputes the SCTP checksum once, so no two stages' locals
 * share a frame and no chain of calls gets deep. The verifier adds up the
 * frames of a call chain (program, entry, stage, a FIB subprogram) against
 * the 512-byte stack limit; older kernels round each frame up to 32
 * bytes first (Debian 12's 6.1 among them: the QEMU run proves the sum).
 * The family entries, both reply stages and IPv4's forward stage are global
 * functions (SENDA_GLOBAL_CALL, common.h), verified once per program; IPv6's
 * two forward halves (choose, commit) and the NAT-in/out stages stay static
 * subprograms (SENDA_LB_PKT_CALL), checked in their caller's context.
 */
#define SENDA_LB_PKT_CALL __attribute__((noinline))

#endif /* SENDA_LB_PKT_H */
