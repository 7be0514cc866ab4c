/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The packet context: one interface over tc (struct __sk_buff) and XDP
 * (struct xdp_md), so parsing, NAT and reject code is written once.
 *
 * An entry file includes exactly one implementation first, ctx/skb.h or
 * ctx/xdp.h; every packet helper includes this file, which checks that one
 * was chosen. Each implementation provides:
 *
 *   struct senda_ctx              the hook's context type (a macro naming
 *                                 __sk_buff or xdp_md, so BTF and the
 *                                 verifier see the real type)
 *   SENDA_CTX_PASS / _DROP        the hook's verdicts for "continue" / "drop"
 *   senda_ctx_data/_data_end(c)   packet pointers for direct access
 *   senda_ctx_len(c)              whole packet length in bytes
 *   senda_ctx_pull(c, n)          make the first n bytes directly readable
 *   senda_ctx_load/_store(...)    copy bytes out of / into the packet at an
 *                                 offset (the flags of store are the skb ones;
 *                                 XDP has no skb->csum and ignores them)
 *   senda_ctx_set_len(c, n)       grow (zero-filled) or cut the packet at its tail
 *   senda_ctx_open_room(c, l2, n) insert n zero bytes after the l2-byte link
 *                                 header (in front of the L3 header)
 *   senda_ctx_l3_csum_replace     the kernel's bpf_l3/l4_csum_replace contract
 *   senda_ctx_l4_csum_replace     (size 2/4, or 0 = "to" is a diff; flags
 *                                 BPF_F_PSEUDO_HDR, BPF_F_MARK_MANGLED_0);
 *                                 XDP implements it with RFC 1624 (csum.h)
 *   senda_ctx_csum_complete_add   add a diff to the device's whole-packet
 *                                 checksum, where the context carries one
 *   senda_ctx_bounce(c)           verdict that sends the packet back out of
 *                                 the device it came in on
 *   senda_ctx_is_local4/6(c, a)   whether a is an address of this node (FIB);
 *                                 XDP: never
 *   senda_ctx_route_out4/6(c, s, d)  verdict that sends a packet from source s
 *                                 to d out of the device the FIB names, past
 *                                 the stack's input checks (NodePort replies,
 *                                 whose source is this node's); XDP: pass
 *
 * Every function that changes the packet invalidates pointers from
 * senda_ctx_data(); callers keep offsets, not pointers, across them.
 */
#ifndef SENDA_CTX_H
#define SENDA_CTX_H

#if !defined(SENDA_CTX_SKB_H) && !defined(SENDA_CTX_XDP_H)
#error "include lib/ctx/skb.h (tc) or lib/ctx/xdp.h (XDP) before the packet helpers"
#endif

#endif /* SENDA_CTX_H */
