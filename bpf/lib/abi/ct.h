/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack map ABI shared by both address families: size, directions, flags.
 * The per-family structs and maps are in ct4.h and ct6.h.
 *
 * Each flow the per-packet LB translates has two entries in its family's
 * conntrack map (an LRU map):
 *   - the forward entry, keyed by the client's original tuple
 *     {client, VIP, client port, service port}, remembers the chosen backend
 *     (address, port and its backend-map id), so an established flow keeps it
 *     when the Service's slots change;
 *   - the reply entry, keyed by the tuple of the backend's replies
 *     {backend, client-or-VIP, backend port, client port}, says what to restore.
 */
#ifndef SENDA_ABI_CT_H
#define SENDA_ABI_CT_H

#include "../common.h"

/* The compiled size, used only where no size is set (tools, tests): the agent
 * sets every LRU map's size from memory (MapSizeSetting), with this as floor. */
#define SENDA_CT_MAX_ENTRIES 131072

/* senda_ct{4,6}_key.dir */
#define SENDA_CT_DIR_FORWARD 0
#define SENDA_CT_DIR_REPLY   1

/* senda_ct{4,6}_value.flags */
#define SENDA_CT_FLAG_HAIRPIN 0x1  /* source was rewritten to the VIP (client == backend) */
#define SENDA_CT_FLAG_NODE_VIP 0x2  /* the frontend is an address of this node (NodePort): replies get a
				     * local source address, which the stack drops on input as a
				     * martian, so the reply stage routes them out itself */
#define SENDA_CT_FLAG_SNAT 0x4  /* from outside to a backend behind another node: source-NATed to this node's
				 * address (nat.h); replies, back through the NAT, are routed out as NODE_VIP ones */

#endif /* SENDA_ABI_CT_H */
