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

#endif /* SENDA_LB_PKT_H */
