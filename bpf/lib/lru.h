/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Writing into an LRU map so that the entries it creates are counted.
 *
 * A full LRU map does not refuse an insert: it evicts its least recently used
 * entries, silently. The agent estimates those evictions as
 * created - deleted - present (see dev.senda.agent.LruPressure), so every
 * entry the datapath creates in a conntrack or NAT table is counted into
 * senda_metrics_v1, and every entry it deletes. An update that merely
 * refreshes an existing entry must not count: hence BPF_NOEXIST first, the
 * plain update only when the key exists. Used on a flow's first packets only,
 * never on every packet.
 */
#ifndef SENDA_LRU_H
#define SENDA_LRU_H

#include "common.h"
#include "metrics.h"

#define SENDA_EEXIST 17  /* errno.h's EEXIST: what BPF_NOEXIST answers for a present key */

/* Creates or overwrites key's entry; counts `created` only when it created one. */
static __always_inline int senda_lru_put(void *map, const void *key, const void *value,
					 enum senda_metric created)
{
	int err = bpf_map_update_elem(map, key, value, BPF_NOEXIST);

	if (err == 0) {
		senda_count(created);
		return 0;
	}
	if (err != -SENDA_EEXIST)
		return err;
	return bpf_map_update_elem(map, key, value, BPF_ANY);
}

/* Deletes key's entry; counts `deleted` only when there was one. */
static __always_inline void senda_lru_delete(void *map, const void *key, enum senda_metric deleted)
{
	if (bpf_map_delete_elem(map, key) == 0)
		senda_count(deleted);
}

#endif /* SENDA_LRU_H */
