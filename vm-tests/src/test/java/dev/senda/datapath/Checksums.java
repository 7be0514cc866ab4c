package dev.senda.datapath;

/**
 * Internet checksums (RFC 1071) and the SCTP CRC32c (RFC 9260 appendix A) computed from scratch,
 * the reference the datapath's updates are checked against.
 */
final class Checksums {
    private Checksums() {
    }

    /** One's complement sum of {@code len} bytes (odd length padded with zero), not folded. */
    static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xff) << 8;
        return s;
    }

    /** The 16-bit checksum field value for data whose running sum is {@code s}. */
    static int fold(long s) {
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (int) (~s & 0xffff);
    }

    static int of(byte[] b, int off, int len) {
        return fold(sum(b, off, len));
    }

    /**
     * Sum of the pseudo header for {@code l4Len} bytes of protocol {@code proto}: IPv4's (RFC 793) for
     * 4-byte addresses, IPv6's (RFC 8200 8.1, 32-bit length and next header) for 16-byte ones; both
     * add up to the same words.
     */
    static long pseudoHeaderSum(byte[] src, byte[] dst, int proto, int l4Len) {
        return sum(src, 0, src.length) + sum(dst, 0, dst.length) + proto + (l4Len >>> 16) + (l4Len & 0xffff);
    }

    /** CRC32c's reflected polynomial (Castagnoli, 0x1EDC6F41 bit-reversed). */
    private static final int CRC32C_POLY = 0x82f63b78;

    /**
     * CRC32c of {@code len} bytes, bit by bit (no table, so it shares nothing with the datapath's
     * table-driven code): initial register all ones, reflected input and output, final complement.
     */
    static int crc32c(byte[] b, int off, int len) {
        int crc = 0xffffffff;
        for (int i = 0; i < len; i++) {
            crc ^= b[off + i] & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ CRC32C_POLY : crc >>> 1;
            }
        }
        return ~crc;
    }
}
