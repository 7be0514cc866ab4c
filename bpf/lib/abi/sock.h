/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Socket-LB map ABI shared by both address families: sizes. The per-family
 * structs and maps are in sock4.h and sock6.h.
 *
 * Two maps per family, both LRU (entries die with use, not with sockets):
 *   - socket reverse NAT (senda_sockrevnat{4,6}_v1): per socket cookie and
 *     backend, the Service address the application asked for, so that
 *     getpeername() and recvmsg() report the VIP instead of the backend;
 *   - socket flow (senda_sockflow{4,6}_v1): per socket cookie and Service,
 *     the backend an unconnected UDP socket got first, so that repeated
 *     sendto()s keep reaching it (as kube-proxy's conntrack keeps one 5-tuple
 *     on one backend). Connected sockets need none: connect() translated
 *     them once.
 */
#ifndef SENDA_ABI_SOCK_H
#define SENDA_ABI_SOCK_H

#include "../common.h"

/* The compiled size, used only where no size is set (tools, tests): the agent
 * sets every LRU map's size from memory (MapSizeSetting), with this as floor. */
#define SENDA_SOCK_REVNAT_MAX_ENTRIES 65536
#define SENDA_SOCK_FLOW_MAX_ENTRIES   32768

#endif /* SENDA_ABI_SOCK_H */
