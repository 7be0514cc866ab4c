/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection-tracking operations on senda_ct6_v1 (layout: abi/ct6.h; the
 * two entries of a flow and the shared rules: ct.h). Step for step the
 * operations of ct4.h, on 16-byte addresses; the reasons are written there.
 */
#ifndef SENDA_CT6_H
#define SENDA_CT6_H

#include "common.h"
#include "abi/ct6.h"
#include "ct.h"
#include "addr6.h"
#include "pkt6.h"
#include "metrics.h"
#include "lru.h"

/* Fills every field of a CT key (pad included: keys are hashed as bytes). */
static __always_inline void senda_ct6_key_set(struct senda_ct6_key *k, const __be32 *saddr, const __be32 *daddr,
					      __be16 sport, __be16 dport, __u8 proto, __u8 dir)
{
	senda_addr6_copy(k->saddr, saddr);
	senda_addr6_copy(k->daddr, daddr);
	k->sport = sport;
	k->dport = dport;
	k->proto = proto;
	k->dir = dir;
	k->pad = 0;
}

/* The other layout version's map while the agent migrates it (abi/ct6.h), or NULL. */
static __always_inline void *senda_ct6_prior_map(void)
{
	__u32 slot = 0;

	return bpf_map_lookup_elem(&senda_ct6_prior, &slot);
}

/* The entry under k: this version's, else the other version's during a layout
 * migration, carried over now (see senda_ct4_find()). */
static __always_inline struct senda_ct6_value *senda_ct6_find(const struct senda_ct6_key *k)
{
	struct senda_ct6_value *own = bpf_map_lookup_elem(&senda_ct6_v1, k);
	struct senda_ct6_value v = {};
	struct senda_ct6_value *other;
	void *prior;

	if (own)
		return own;
	prior = senda_ct6_prior_map();
	if (!prior)
		return NULL;
	other = bpf_map_lookup_elem(prior, k);
	if (!other)
		return NULL;
	/* only the first SENDA_CT6_PRIOR_READ bytes: the fields every version has */
	__builtin_memcpy(v.nat_addr, other->nat_addr, sizeof(v.nat_addr));
	__builtin_memcpy(v.orig_addr, other->orig_addr, sizeof(v.orig_addr));
	v.nat_port = other->nat_port;
	v.orig_port = other->orig_port;
	v.service_id = other->service_id;
	v.flags = other->flags;
	v.last_seen = other->last_seen;
	v.backend_id = other->backend_id;
	bpf_map_update_elem(&senda_ct6_v1, k, &v, BPF_NOEXIST);
	return bpf_map_lookup_elem(&senda_ct6_v1, k);
}

/* The entry for this packet's own tuple in direction dir, or NULL. */
static __always_inline struct senda_ct6_value *senda_ct6_lookup(const struct senda_pkt6 *p, __u8 dir)
{
	struct senda_ct6_key k;

	senda_ct6_key_set(&k, p->saddr, p->daddr, p->sport, p->dport, p->proto, dir);
	return senda_ct6_find(&k);
}

/* One translated flow, from the client's point of view (as struct senda_ct4_flow). */
struct senda_ct6_flow {
	__be32 client[4];
	__be32 vip[4];
	__be32 backend[4];
	__be16 cport;
	__be16 vport;
	__be16 bport;
	__u8   proto;
	__u8   flags;
	__u32  service_id;
	__u32  backend_id;
};

/* Key of the flow's reply entry: the tuple of the backend's answers. */
static __always_inline void senda_ct6_reply_key(struct senda_ct6_key *k, const struct senda_ct6_flow *f)
{
	/* hairpin: the backend saw the VIP as source, so it replies to the VIP */
	senda_ct6_key_set(k, f->backend, (f->flags & SENDA_CT_FLAG_HAIRPIN) ? f->vip : f->client,
			  f->bport, f->cport, f->proto, SENDA_CT_DIR_REPLY);
}

/* Key of the flow's forward entry: the client's original tuple. */
static __always_inline void senda_ct6_forward_key(struct senda_ct6_key *k, const struct senda_ct6_flow *f)
{
	senda_ct6_key_set(k, f->client, f->vip, f->cport, f->vport, f->proto, SENDA_CT_DIR_FORWARD);
}

/* Fills every field of a CT value (pad included). */
static __always_inline void senda_ct6_value_set(struct senda_ct6_value *v, const __be32 *nat_addr,
						__be16 nat_port, const struct senda_ct6_flow *f, __u32 now)
{
	senda_addr6_copy(v->nat_addr, nat_addr);
	senda_addr6_copy(v->orig_addr, f->client);
	v->nat_port = nat_port;
	v->orig_port = f->cport;
	v->service_id = f->service_id;
	v->flags = f->flags;
	v->pad[0] = 0;
	v->pad[1] = 0;
	v->pad[2] = 0;
	v->last_seen = now;
	v->backend_id = f->backend_id;
}

/* Writes (or refreshes) the reply entry of a flow. */
static __always_inline int senda_ct6_put_reply(const struct senda_ct6_flow *f, __u32 now)
{
	struct senda_ct6_key k;
	struct senda_ct6_value v;

	senda_ct6_value_set(&v, f->vip, f->vport, f, now);
	senda_ct6_reply_key(&k, f);
	return senda_lru_put(&senda_ct6_v1, &k, &v, SENDA_M_CT_CREATED);
}

/* True when the flow's reply entry exists (it may have been evicted alone). */
static __always_inline int senda_ct6_has_reply(const struct senda_ct6_flow *f)
{
	struct senda_ct6_key k;

	senda_ct6_reply_key(&k, f);
	return bpf_map_lookup_elem(&senda_ct6_v1, &k) != NULL;
}

/* Creates both entries of a new flow, reply first (see senda_ct4_create()). */
static __always_inline int senda_ct6_create(const struct senda_ct6_flow *f)
{
	__u32 now = senda_ct_now();
	struct senda_ct6_key k;
	struct senda_ct6_value v;
	int err;

	err = senda_ct6_put_reply(f, now);
	if (err < 0)
		goto fail;
	senda_ct6_value_set(&v, f->backend, f->bport, f, now);
	senda_ct6_forward_key(&k, f);
	err = senda_lru_put(&senda_ct6_v1, &k, &v, SENDA_M_CT_CREATED);
	if (err < 0)
		goto fail;
	return 0;
fail:
	senda_count(SENDA_M_CT_FULL);
	return err;
}

/* Whether v, found under the reply key of f, is f's reply entry (see senda_ct4_is_reply_of()). */
static __always_inline int senda_ct6_is_reply_of(const struct senda_ct6_value *v, const struct senda_ct6_flow *f)
{
	return senda_addr6_eq(v->nat_addr, f->vip) && v->nat_port == f->vport &&
	       senda_addr6_eq(v->orig_addr, f->client) && v->orig_port == f->cport;
}

/* Forgets a flow about to be balanced afresh (see senda_ct4_retire()). */
static __always_inline void senda_ct6_retire(const struct senda_ct6_flow *f)
{
	/* the other version's map read in place, never copied (see senda_ct4_retire()) */
	void *prior = senda_ct6_prior_map();
	struct senda_ct6_key k;
	struct senda_ct6_value *r;

	senda_ct6_reply_key(&k, f);
	r = bpf_map_lookup_elem(&senda_ct6_v1, &k);
	if (r && senda_ct6_is_reply_of(r, f))
		senda_lru_delete(&senda_ct6_v1, &k, SENDA_M_CT_DELETED);
	if (prior) {
		r = bpf_map_lookup_elem(prior, &k);
		if (r && senda_ct6_is_reply_of(r, f))
			bpf_map_delete_elem(prior, &k);
	}
	senda_ct6_forward_key(&k, f);
	senda_lru_delete(&senda_ct6_v1, &k, SENDA_M_CT_DELETED);
	if (prior)
		bpf_map_delete_elem(prior, &k);
}

#endif /* SENDA_CT6_H */
