/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Common includes and conventions for every Senda BPF object.
 *
 * ABI conventions for every struct shared with the Java control plane
 * (dev.senda.maps.abi checks each layout against this object's BTF):
 *   - fixed-width fields only, no bitfields, explicit padding fields named pad*;
 *   - every field's byte order is written next to it: "be" = network order,
 *     "host" = the node's CPU order;
 *   - a layout change gets a new map version suffix (_v2), never an in-place edit.
 */
#ifndef SENDA_COMMON_H
#define SENDA_COMMON_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define SENDA_PIN LIBBPF_PIN_BY_NAME

/*
 * A global BPF function (noinline, not static): the verifier checks its body
 * once per program that calls it, knowing its arguments only by type, where a
 * static subprogram is checked again for every state a caller reaches it in,
 * and each distinct return value then continues the caller as a path of its
 * own. Used for the per-packet stages, it cut senda_tc.o's verification from
 * 0.6 s to 0.1 s on 6.18 (the agent pays it at every start, restarts included).
 * The contract the verifier enforces: arguments are the context, scalars, or
 * a pointer to a struct of scalars the caller fully initialized, which the
 * callee must test for NULL before use. The caller learns nothing of the
 * return value but its type, and after the call nothing of what its struct
 * holds; the callee knows nothing of the struct's fields. So a field may reach
 * the packet only through helpers, which check offsets at run time (as every
 * stage does), never as the bound of a direct packet access.
 */
#define SENDA_GLOBAL_CALL __attribute__((noinline))

#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif
#ifndef IPPROTO_UDP
#define IPPROTO_UDP 17
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

#endif /* SENDA_COMMON_H */
