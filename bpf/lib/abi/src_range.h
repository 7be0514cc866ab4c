/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer source-range map ABI shared by both address families
 * (Service spec.loadBalancerSourceRanges). The per-family keys and maps are in
 * src_range4.h and src_range6.h; the check itself is in ../src_range.h.
 *
 * The switch lives in the frontend's header (slot 0 of senda_svc{4,6}_v1,
 * lb.h): SENDA_SVC_FLAG_SOURCE_RANGES. A frontend with the flag accepts a new
 * flow only from a source inside one of its ranges; any other source is
 * dropped, without an answer, as kube-proxy's firewall chain drops it (a
 * frontend without backends refuses only sources it accepts). Without the flag
 * the map is not read. Established flows keep their conntrack entry when the
 * ranges change, as kube-proxy's rules match new connections only.
 *
 * One LPM trie per family, written by the control plane only: one entry per
 * {service id, range}. A key's prefixlen counts the service id's 32 bits plus
 * the range's prefix length, so a lookup with prefixlen 32 + 32 (IPv4) or
 * 32 + 128 (IPv6) finds a range of that frontend containing the source. The
 * control plane writes a frontend's ranges before the header that sets the
 * flag and deletes them after the header dropped it (or after the header
 * itself went), so a reader never sees the flag without its ranges.
 *
 * Which frontends get the flag: LoadBalancer frontends (ingress IPs) of a
 * Service with ranges of that frontend's family, as kube-proxy applies the
 * ranges per family to load-balancer IPs only (a family without ranges of its
 * own is not restricted). When a range holds this node's address, the
 * Service's load-balancer IPs of that family are ranges too (kube-proxy's
 * rule for a node reaching the IP through its own route).
 */
#ifndef SENDA_ABI_SRC_RANGE_H
#define SENDA_ABI_SRC_RANGE_H

#include "../common.h"

#define SENDA_SRC_RANGE_MAX_ENTRIES 65536

/* bits of a key's prefixlen taken by the service id */
#define SENDA_SRC_RANGE_ID_BITS 32

/* Value of senda_srcrange4_v1 and senda_srcrange6_v1. 1 byte. */
struct senda_srcrange_value {
	__u8 allow;  /* host: always 1 (the entry's presence is what counts) */
};

#endif /* SENDA_ABI_SRC_RANGE_H */
