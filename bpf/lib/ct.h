/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack rules both families share: the clock and when a SYN starts a new
 * flow on a known tuple. Operations on each family's map: ct4.h, ct6.h
 * (entries and their meaning: abi/ct.h).
 *
 * A translated flow owns two entries: the forward entry (client's original
 * tuple -> backend) and the reply entry (backend's reply tuple -> what to
 * restore). The LRU map evicts the least recently used entries; the datapath
 * itself deletes a flow's entries only when it balances the flow afresh
 * (senda_ct{4,6}_retire), so that the old reply entry cannot rewrite packets
 * that no longer belong to the flow.
 */
#ifndef SENDA_CT_H
#define SENDA_CT_H

#include "common.h"
#include "abi/ct.h"
#include "pkt.h"

/*
 * A pure SYN that finds a forward entry idle for longer than this starts a new
 * connection on a reused port and is load-balanced afresh; a younger entry is
 * taken to be a retransmitted SYN of the same attempt, which must reach the
 * same backend. Linux retransmits a SYN after 1, 2, 4, ... 32 s (default
 * tcp_syn_retries = 6), and each SYN refreshes last_seen, so the largest gap
 * inside one attempt is 32 s; 60 units of 2^30 ns (64-65 s, the clock is that
 * coarse) stay clear of it. Nothing here relies on clients waiting for a port
 * to be free: a client may reuse a port at once (it closed second and holds no
 * TIME_WAIT, tcp_tw_reuse, an explicit bind). Such a younger SYN keeps the old
 * backend, which the forward stage has checked to still exist (lb_pkt4.h,
 * lb_pkt6.h): the cost is balance, not a connection sent nowhere.
 */
#define SENDA_CT_SYN_REUSE_AGE 60

static __always_inline __u32 senda_ct_now(void)
{
	return (__u32)(bpf_ktime_get_ns() >> 30);
}

/* The value of last_seen for an entry used now, written only when it changes
 * (avoids dirtying the cache line on every packet). */
static __always_inline void senda_ct_touch(__u32 *last_seen)
{
	__u32 now = senda_ct_now();

	if (*last_seen != now)
		*last_seen = now;
}

/*
 * True when this packet opens a flow (a pure SYN, an SCTP INIT: the parser's
 * "opens") on the tuple of a flow idle for too long (see above). SCTP INIT is
 * treated as a SYN: Linux retransmits an INIT after rto_initial (3 s), doubling
 * up to rto_max (60 s), so one attempt's gaps also stay below the threshold.
 */
static __always_inline int senda_ct_opener_reuses_tuple(__u8 opens, __u32 last_seen)
{
	return opens && senda_ct_now() - last_seen > SENDA_CT_SYN_REUSE_AGE;
}

#endif /* SENDA_CT_H */
