/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SCTP (RFC 9260, formerly RFC 4960): the common header, the first chunk's
 * type, and the CRC32c checksum that covers the whole SCTP packet.
 *
 * Unlike TCP/UDP, the SCTP checksum has no pseudo header: an address change
 * leaves it valid; a port change needs it recomputed over the whole packet
 * (CRC32c cannot be updated incrementally from the changed field alone
 * without the packet length, which this does not attempt). The computation
 * is in global BPF functions, checked by the verifier once each whatever the
 * number of call sites; at run time a packet of up to SENDA_SCTP_CRC_MAX_LEN
 * bytes costs one table look-up per byte (about 10 instructions).
 *
 * Packets longer than SENDA_SCTP_CRC_MAX_LEN are translated and keep their
 * checksum field. On a pod interface (MTU <= 9000) only a GSO skb can be that
 * long, and a GSO SCTP skb is CHECKSUM_PARTIAL: its CRC is computed when it
 * is segmented, from the rewritten bytes. (An skb that is CHECKSUM_PARTIAL
 * for the SCTP CRC, skb->csum_not_inet, is also fine with the CRC written
 * here: it is either recomputed later or never checked, see bpf/README.md.)
 */
#ifndef SENDA_SCTP_H
#define SENDA_SCTP_H

#include "common.h"
#include "ctx/ctx.h"

/* SCTP common header, as on the wire. 12 bytes. */
struct senda_sctp_wire {
	__be16 sport;
	__be16 dport;
	__be32 vtag;    /* be: verification tag, 0 in an INIT */
	__u32  check;   /* CRC32c, least significant byte first (RFC 9260 appendix A) */
};

/* Chunk header, as on the wire. 4 bytes. */
struct senda_sctp_chunk_wire {
	__u8   type;
	__u8   flags;
	__be16 len;     /* be: chunk length without padding */
};

#define SENDA_SCTP_HLEN      12  /* common header */
#define SENDA_SCTP_CSUM_OFF  8   /* checksum field, from the start of the SCTP header */
#define SENDA_SCTP_MIN_LEN   (SENDA_SCTP_HLEN + 4)  /* common header + one chunk header */
#define SENDA_SCTP_INIT      1   /* chunk type INIT: opens an association */

/* Longest SCTP packet (common header + chunks) whose CRC32c is recomputed:
 * a 9000-byte jumbo MTU less the shortest IP header. */
#define SENDA_SCTP_CRC_MAX_LEN 8980
#define SENDA_SCTP_CRC_CHUNK   64  /* bytes loaded per step; a power of two */

/* CRC32c (Castagnoli, reflected polynomial 0x82f63b78) of every byte value:
 * table[b] is the CRC register after shifting b through it from 0. */
static const __u32 senda_crc32c_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
	0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
	0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
	0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
	0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
	0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
	0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
	0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
	0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
	0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
	0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
	0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
	0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
	0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
	0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
	0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
	0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
	0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
	0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
	0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
	0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
	0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

/*
 * Continues the CRC32c register crc over the n bytes at off (n in 1..64; the
 * checksum field zeroed when off is the packet's start, first). Returns the
 * new register (0..2^32-1), or -1 when the bytes cannot be read.
 *
 * Global (not static, never inlined), as is its caller: the verifier checks
 * each once on its own, whatever the number of call sites, and this one's
 * 64 byte steps once, not once per chunk of the packet. Arguments are unknown
 * scalars to the verifier, so bounds are checked here.
 */
__attribute__((noinline)) long senda_crc32c_chunk(struct senda_ctx *ctx, __u32 off, __u32 n, __u32 crc,
						  __u32 zero_csum)
{
	__u8 buf[SENDA_SCTP_CRC_CHUNK];

	if (n == 0 || n > SENDA_SCTP_CRC_CHUNK)
		return -1;
	/* 1..64, restated in a form the verifier follows (as in reject6.h) */
	barrier_var(n);
	n = ((n - 1) & (SENDA_SCTP_CRC_CHUNK - 1)) + 1;
	if (senda_ctx_load(ctx, off, buf, n) < 0)
		return -1;
	if (zero_csum)  /* the caller passes a chunk of at least 12 bytes */
		__builtin_memset(buf + SENDA_SCTP_CSUM_OFF, 0, 4);
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < SENDA_SCTP_CRC_CHUNK; i++) {
		if (i >= n)
			break;
		crc = senda_crc32c_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	}
	return crc;
}

/*
 * Recomputes the CRC32c of the len-byte SCTP packet at off (the checksum field
 * counted as zero, RFC 9260 appendix A) and writes it, least significant byte
 * first. Returns 0, or -1 when len is out of 12..SENDA_SCTP_CRC_MAX_LEN or the
 * bytes cannot be read or written. Global, see senda_crc32c_chunk().
 */
__attribute__((noinline)) int senda_sctp_csum_store(struct senda_ctx *ctx, __u32 off, __u32 len)
{
	__u32 crc = 0xffffffff;
	__u8 out[4];

	if (len < SENDA_SCTP_HLEN || len > SENDA_SCTP_CRC_MAX_LEN)
		return -1;

#pragma clang loop unroll(disable)
	for (__u32 done = 0; done < SENDA_SCTP_CRC_MAX_LEN; done += SENDA_SCTP_CRC_CHUNK) {
		__u32 n;
		long r;

		if (done >= len)
			break;
		n = len - done;
		if (n > SENDA_SCTP_CRC_CHUNK)
			n = SENDA_SCTP_CRC_CHUNK;
		r = senda_crc32c_chunk(ctx, off + done, n, crc, done == 0);
		if (r < 0)
			return -1;
		crc = r;
	}
	crc = ~crc;
	out[0] = crc;
	out[1] = crc >> 8;
	out[2] = crc >> 16;
	out[3] = crc >> 24;
	/* BPF_F_RECOMPUTE_CSUM: keeps a CHECKSUM_COMPLETE skb's sum in step */
	return senda_ctx_store(ctx, off + SENDA_SCTP_CSUM_OFF, out, sizeof(out), BPF_F_RECOMPUTE_CSUM) < 0 ? -1 : 0;
}

#endif /* SENDA_SCTP_H */
