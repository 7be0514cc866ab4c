/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Counting datapath events into senda_metrics_v1 (map and indexes:
 * abi/metrics.h). Counting costs one array lookup and one non-atomic add on the
 * local CPU, cheap enough for every packet.
 */
#ifndef SENDA_METRICS_H
#define SENDA_METRICS_H

#include "common.h"
#include "abi/metrics.h"

static __always_inline void senda_count(enum senda_metric m)
{
	__u32 key = m;
	__u64 *v = bpf_map_lookup_elem(&senda_metrics_v1, &key);

	if (v)
		*v += 1;  /* per-CPU slot: no other writer, no atomic needed */
}

#endif /* SENDA_METRICS_H */
