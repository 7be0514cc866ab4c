/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * CO-RE views of the few kernel types a socket iterator reads (BPF iterators
 * hand out kernel objects, not uapi structs). Only the fields used are
 * declared; preserve_access_index makes libbpf relocate each access to the
 * running kernel's layout (its BTF), so no vmlinux.h is needed. The ___senda
 * suffix is a CO-RE "flavour": ignored when matching against kernel names.
 */
#ifndef SENDA_KERNEL_SOCK_H
#define SENDA_KERNEL_SOCK_H

#include "common.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct in6_addr___senda {
	union {
		__be32 u6_addr32[4];
	} in6_u;
} __attribute__((preserve_access_index));

/* The start of every struct sock (and so of struct udp_sock). */
struct sock_common {
	__be32 skc_daddr;                       /* peer of a connected socket, IPv4 */
	__be16 skc_dport;                       /* peer port, network order */
	unsigned short skc_family;              /* AF_INET / AF_INET6 */
	struct in6_addr___senda skc_v6_daddr;   /* peer of a connected socket, IPv6 */
} __attribute__((preserve_access_index));

struct udp_sock;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

/* The context of an iter/udp program (one call per UDP socket of the netns). */
struct bpf_iter__udp {
	struct bpf_iter_meta *meta;
	struct udp_sock *udp_sk;  /* NULL once, after the last socket */
} __attribute__((preserve_access_index));

#endif /* SENDA_KERNEL_SOCK_H */
