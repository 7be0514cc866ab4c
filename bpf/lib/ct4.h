/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection-tracking operations on senda_ct4_v2 (layout: abi/ct4.h; the
 * two entries of a flow and the shared rules: ct.h).
 */
#ifndef SENDA_CT4_H
#define SENDA_CT4_H

#include "common.h"
#include "abi/ct4.h"
#include "ct.h"
#include "pkt4.h"
#include "metrics.h"
#include "lru.h"

/* Fills every field of a CT key (pad included: keys are hashed as bytes). */
static __always_inline void senda_ct4_key_set(struct senda_ct4_key *k, __be32 saddr, __be32 daddr,
					      __be16 sport, __be16 dport, __u8 proto, __u8 dir)
{
	k->saddr = saddr;
	k->daddr = daddr;
	k->sport = sport;
	k->dport = dport;
	k->proto = proto;
	k->dir = dir;
	k->pad = 0;
}

static __always_inline void senda_ct4_key_of(struct senda_ct4_key *k, const struct senda_pkt4 *p, __u8 dir)
{
	senda_ct4_key_set(k, p->saddr, p->daddr, p->sport, p->dport, p->proto, dir);
}

/* The other layout version's map while the agent migrates it (abi/ct4.h), or NULL. */
static __always_inline void *senda_ct4_prior_map(void)
{
	__u32 slot = 0;

	return bpf_map_lookup_elem(&senda_ct4_prior, &slot);
}

/*
 * The entry under k: this version's, else, during a layout migration, the one
 * the other version's programs wrote, carried over now (fields this version
 * added are zero, "unknown", as the agent's own copy makes them). Never
 * overwrites: the agent's second pass may copy the same entry meanwhile. Not
 * counted as created: the agent's copies are not either (lru.h).
 */
static __always_inline struct senda_ct4_value *senda_ct4_find(const struct senda_ct4_key *k)
{
	struct senda_ct4_value *own = bpf_map_lookup_elem(&senda_ct4_v2, k);
	struct senda_ct4_value v = {};
	struct senda_ct4_value *other;
	void *prior;

	if (own)
		return own;
	prior = senda_ct4_prior_map();
	if (!prior)
		return NULL;
	other = bpf_map_lookup_elem(prior, k);
	if (!other)
		return NULL;
	/* only the first SENDA_CT4_PRIOR_READ bytes: the fields every version has */
	v.nat_addr = other->nat_addr;
	v.orig_addr = other->orig_addr;
	v.nat_port = other->nat_port;
	v.orig_port = other->orig_port;
	v.service_id = other->service_id;
	v.flags = other->flags;
	v.last_seen = other->last_seen;
	v.backend_id = other->backend_id;
	bpf_map_update_elem(&senda_ct4_v2, k, &v, BPF_NOEXIST);
	return bpf_map_lookup_elem(&senda_ct4_v2, k);
}

/* The entry for this packet's own tuple in direction dir, or NULL. */
static __always_inline struct senda_ct4_value *senda_ct4_lookup(const struct senda_pkt4 *p, __u8 dir)
{
	struct senda_ct4_key k;

	senda_ct4_key_of(&k, p, dir);
	return senda_ct4_find(&k);
}

/*
 * Describes one translated flow, from the client's point of view.
 * vip/vport: what the client sent to; backend/bport: where it goes (backend_id
 * its senda_backend4_v1 key); client/cport: the client's real source;
 * flags: SENDA_CT_FLAG_*.
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
	__u32  backend_id;
};

/* Key of the flow's reply entry: the tuple of the backend's answers. */
static __always_inline void senda_ct4_reply_key(struct senda_ct4_key *k, const struct senda_ct4_flow *f)
{
	/* hairpin: the backend saw the VIP as source, so it replies to the VIP */
	senda_ct4_key_set(k, f->backend, (f->flags & SENDA_CT_FLAG_HAIRPIN) ? f->vip : f->client,
			  f->bport, f->cport, f->proto, SENDA_CT_DIR_REPLY);
}

/* Key of the flow's forward entry: the client's original tuple. */
static __always_inline void senda_ct4_forward_key(struct senda_ct4_key *k, const struct senda_ct4_flow *f)
{
	senda_ct4_key_set(k, f->client, f->vip, f->cport, f->vport, f->proto, SENDA_CT_DIR_FORWARD);
}

/* Writes (or refreshes) the reply entry of a flow. */
static __always_inline int senda_ct4_put_reply(const struct senda_ct4_flow *f, __u32 now)
{
	struct senda_ct4_key k;
	struct senda_ct4_value v = {
		.nat_addr = f->vip,
		.nat_port = f->vport,
		.orig_addr = f->client,
		.orig_port = f->cport,
		.service_id = f->service_id,
		.flags = f->flags,
		.last_seen = now,
		.backend_id = f->backend_id,
	};

	senda_ct4_reply_key(&k, f);
	return senda_lru_put(&senda_ct4_v2, &k, &v, SENDA_M_CT_CREATED);
}

/* True when the flow's reply entry exists (it may have been evicted alone). */
static __always_inline int senda_ct4_has_reply(const struct senda_ct4_flow *f)
{
	struct senda_ct4_key k;

	senda_ct4_reply_key(&k, f);
	return bpf_map_lookup_elem(&senda_ct4_v2, &k) != NULL;
}

/* Creates both entries of a new flow. Reply first: once the forward entry
 * exists, packets of the flow are translated and their replies must be too. */
static __always_inline int senda_ct4_create(const struct senda_ct4_flow *f)
{
	__u32 now = senda_ct_now();
	struct senda_ct4_key k;
	struct senda_ct4_value v = {
		.nat_addr = f->backend,
		.nat_port = f->bport,
		.orig_addr = f->client,
		.orig_port = f->cport,
		.service_id = f->service_id,
		.flags = f->flags,
		.last_seen = now,
		.backend_id = f->backend_id,
	};
	int err;

	senda_ct4_forward_key(&k, f);
	err = senda_ct4_put_reply(f, now);
	if (err < 0)
		goto fail;
	err = senda_lru_put(&senda_ct4_v2, &k, &v, SENDA_M_CT_CREATED);
	if (err < 0)
		goto fail;
	return 0;
fail:
	senda_count(SENDA_M_CT_FULL);
	return err;
}

/* Whether v, found under the reply key of f, is f's reply entry (reads only
 * fields every version has, so v may be the other version's). */
static __always_inline int senda_ct4_is_reply_of(const struct senda_ct4_value *v, const struct senda_ct4_flow *f)
{
	return v->nat_addr == f->vip && v->nat_port == f->vport &&
	       v->orig_addr == f->client && v->orig_port == f->cport;
}

/*
 * Forgets a flow that is about to be balanced afresh: its forward entry, and
 * its reply entry if that still describes this flow. The reply entry must go:
 * it would keep rewriting whatever later comes from {old backend, port} to
 * {client, port} (the address may belong to a new pod by then, talking to the
 * same client port directly) as coming from the VIP. It is left alone when
 * another flow has since taken the same reply tuple (same backend and client
 * port reached through another VIP): that entry is the other flow's. Deleting
 * before the new entries are written also covers a new backend with the same
 * reply tuple (the same pod under a new id). Deletes that find nothing are fine.
 */
static __always_inline void senda_ct4_retire(const struct senda_ct4_flow *f)
{
	/* During a migration the flow may live in the other version's map only:
	 * deleted there too, read in place (senda_ct4_find() would copy the entry
	 * over first, only to delete it, and could evict a live one doing so). */
	void *prior = senda_ct4_prior_map();
	struct senda_ct4_key k;
	struct senda_ct4_value *r;

	senda_ct4_reply_key(&k, f);
	r = bpf_map_lookup_elem(&senda_ct4_v2, &k);
	if (r && senda_ct4_is_reply_of(r, f))
		senda_lru_delete(&senda_ct4_v2, &k, SENDA_M_CT_DELETED);
	if (prior) {
		r = bpf_map_lookup_elem(prior, &k);
		if (r && senda_ct4_is_reply_of(r, f))
			bpf_map_delete_elem(prior, &k);
	}
	senda_ct4_forward_key(&k, f);
	senda_lru_delete(&senda_ct4_v2, &k, SENDA_M_CT_DELETED);
	if (prior)
		bpf_map_delete_elem(prior, &k);
}

#endif /* SENDA_CT4_H */
