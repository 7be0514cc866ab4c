/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Source-NAT map ABI shared by both address families: size, directions, the
 * port range. The per-family structs and maps are in nat4.h and nat6.h.
 *
 * Traffic that arrives from outside the node (--node-devices) for a frontend of
 * externalTrafficPolicy Cluster and is balanced to a backend behind another
 * node leaves with this node's address as its source (the node address in
 * senda_nodeaddr{4,6}_v1, written by the agent from its Node object), so the
 * backend's replies come back through this node, which alone can undo the
 * translation. Each such flow has two entries in its family's NAT map (an LRU
 * map the datapath writes):
 *   - OUT, keyed by the packet after DNAT, before SNAT:
 *     {client, backend, client port, backend port}; value: the node address and
 *     the NAT port the flow got;
 *   - IN, keyed by the backend's reply as it arrives:
 *     {backend, node address, backend port, NAT port}; value: the client
 *     address and port to put back as destination.
 * The conntrack entries (ct.h, SENDA_CT_FLAG_SNAT) keep the Service side; the
 * NAT entries only the node side, so a NAT port is unique per
 * {backend, backend port, protocol}. A port is taken by creating its IN entry
 * with BPF_NOEXIST, so two CPUs never hand out the same one, or by taking over
 * an IN entry idle past the limits below.
 */
#ifndef SENDA_ABI_NAT_H
#define SENDA_ABI_NAT_H

#include "../common.h"

/* The compiled size, used only where no size is set (tools, tests): the agent
 * sets every LRU map's size from memory (MapSizeSetting), with this as floor. */
#define SENDA_NAT_MAX_ENTRIES 65536

/* senda_nat{4,6}_key.dir */
#define SENDA_NAT_DIR_OUT 0
#define SENDA_NAT_DIR_IN  1

/* NAT ports: above Linux's default ip_local_port_range (32768-60999), so a NAT
 * port never meets one of the node's own connections to the same backend. */
#define SENDA_NAT_PORT_MIN 61000
#define SENDA_NAT_PORT_MAX 65535
/* Candidates tried per new flow before giving up (counted, packet dropped). */
#define SENDA_NAT_PORT_TRIES 16

/* struct senda_nat{4,6}_value.flags */
#define SENDA_NAT_FLAG_CLOSING 0x1  /* a TCP FIN or RST went through the flow */

/*
 * A port whose IN entry has been idle this long (in ~1.07 s units, ct.h's
 * clock) is taken over by a new flow instead of waiting for the LRU: a TCP
 * flow that saw FIN or RST after the backend's TIME_WAIT (60 s) has passed;
 * any other TCP flow after 6 hours; UDP and SCTP after 3 minutes.
 */
#define SENDA_NAT_IDLE_CLOSED 64
#define SENDA_NAT_IDLE_TCP    20160
#define SENDA_NAT_IDLE_OTHER  168

#endif /* SENDA_ABI_NAT_H */
