/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection-tracking operations on senda_ct4_v1 (layout in conntrack.h).
 *
 * A translated flow owns two entries: the forward entry (client's original
 * tuple -> backend) and the reply entry (backend's reply tuple -> what to
 * restore). Entries are never deleted by the datapath; the LRU map evicts the
 * least recently used ones, and last_seen lets a new TCP connection that
 * reuses an old tuple pick a fresh backend.
 */
#ifndef SENDA_CT_H
#define SENDA_CT_H

#include "common.h"
#include "conntrack.h"
#include "pkt.h"
#include "metrics.h"

/*
 * A pure SYN that finds a forward entry idle for longer than this starts a new
 * connection on a reused port and is load-balanced afresh; a younger entry
 * means a retransmitted SYN, which must go to the same backend. 60 units of
 * ~1.07 s covers Linux's TIME_WAIT, so a port is not reused sooner in practice.
 */
#define SENDA_CT_SYN_REUSE_AGE 60

static __always_inline __u32 senda_ct_now(void)
{
	return (__u32)(bpf_ktime_get_ns() >> 30);
}

static __always_inline void senda_ct4_key_of(struct senda_ct4_key *k, const struct senda_pkt4 *p, __u8 dir)
{
	k->saddr = p->saddr;
	k->daddr = p->daddr;
	k->sport = p->sport;
	k->dport = p->dport;
	k->proto = p->proto;
	k->dir = dir;
	k->pad = 0;
}

/* The entry for this packet's own tuple in direction dir, or NULL. */
static __always_inline struct senda_ct4_value *senda_ct4_lookup(const struct senda_pkt4 *p, __u8 dir)
{
	struct senda_ct4_key k;

	senda_ct4_key_of(&k, p, dir);
	return bpf_map_lookup_elem(&senda_ct4_v1, &k);
}

/* Marks an entry as used now. */
static __always_inline void senda_ct4_touch(struct senda_ct4_value *v)
{
	__u32 now = senda_ct_now();

	if (v->last_seen != now)  /* avoid dirtying the cache line on every packet */
		v->last_seen = now;
}

/* True when a forward entry must not be reused by this packet (see above). */
static __always_inline int senda_ct4_stale_for(const struct senda_pkt4 *p, const struct senda_ct4_value *v)
{
	if (p->proto != IPPROTO_TCP)
		return 0;
	if ((p->tcp_flags & (SENDA_TCP_SYN | SENDA_TCP_ACK)) != SENDA_TCP_SYN)
		return 0;
	return senda_ct_now() - v->last_seen > SENDA_CT_SYN_REUSE_AGE;
}

/*
 * Describes one translated flow, from the client's point of view.
 * vip/vport: what the client sent to; backend/bport: where it goes;
 * client/cport: the client's real source; flags: SENDA_CT_FLAG_*.
 */
struct senda_ct4_flow {
	__be32 client;
	__be32 vip;
	__be32 backend;
	__be16 cport;
	__be16 vport;
	__be16 bport;
	__u8   proto;
	__u8   flags;
	__u32  service_id;
};

/* Writes (or refreshes) the reply entry of a flow. */
static __always_inline int senda_ct4_put_reply(const struct senda_ct4_flow *f, __u32 now)
{
	struct senda_ct4_key k = {
		.saddr = f->backend,
		/* hairpin: the backend saw the VIP as source, so it replies to the VIP */
		.daddr = (f->flags & SENDA_CT_FLAG_HAIRPIN) ? f->vip : f->client,
		.sport = f->bport,
		.dport = f->cport,
		.proto = f->proto,
		.dir = SENDA_CT_DIR_REPLY,
	};
	struct senda_ct4_value v = {
		.nat_addr = f->vip,
		.nat_port = f->vport,
		.orig_addr = f->client,
		.orig_port = f->cport,
		.service_id = f->service_id,
		.flags = f->flags,
		.last_seen = now,
	};

	return bpf_map_update_elem(&senda_ct4_v1, &k, &v, BPF_ANY);
}

/* True when the flow's reply entry exists (it may have been evicted alone). */
static __always_inline int senda_ct4_has_reply(const struct senda_ct4_flow *f)
{
	struct senda_ct4_key k = {
		.saddr = f->backend,
		.daddr = (f->flags & SENDA_CT_FLAG_HAIRPIN) ? f->vip : f->client,
		.sport = f->bport,
		.dport = f->cport,
		.proto = f->proto,
		.dir = SENDA_CT_DIR_REPLY,
	};

	return bpf_map_lookup_elem(&senda_ct4_v1, &k) != NULL;
}

/* Creates both entries of a new flow. Reply first: once the forward entry
 * exists, packets of the flow are translated and their replies must be too. */
static __always_inline int senda_ct4_create(const struct senda_ct4_flow *f)
{
	__u32 now = senda_ct_now();
	struct senda_ct4_key k = {
		.saddr = f->client,
		.daddr = f->vip,
		.sport = f->cport,
		.dport = f->vport,
		.proto = f->proto,
		.dir = SENDA_CT_DIR_FORWARD,
	};
	struct senda_ct4_value v = {
		.nat_addr = f->backend,
		.nat_port = f->bport,
		.orig_addr = f->client,
		.orig_port = f->cport,
		.service_id = f->service_id,
		.flags = f->flags,
		.last_seen = now,
	};
	int err;

	err = senda_ct4_put_reply(f, now);
	if (err < 0)
		goto fail;
	err = bpf_map_update_elem(&senda_ct4_v1, &k, &v, BPF_ANY);
	if (err < 0)
		goto fail;
	return 0;
fail:
	senda_count(SENDA_M_CT_FULL);
	return err;
}

#endif /* SENDA_CT_H */
