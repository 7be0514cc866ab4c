package dev.senda.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

/** Reads fields of Ethernet + IPv4 frames and checks their checksums from scratch. */
final class Frames {
    private Frames() {
    }

    static int u8(byte[] f, int off) {
        return f[off] & 0xff;
    }

    static int u16(byte[] f, int off) {
        return ((f[off] & 0xff) << 8) | (f[off + 1] & 0xff);
    }

    static long u32(byte[] f, int off) {
        return ((long) u16(f, off) << 16) | u16(f, off + 2);
    }

    static int ipHeaderLength(byte[] f) {
        return (f[PacketBuilder.ETH_HLEN] & 0x0f) * 4;
    }

    static int l4Offset(byte[] f) {
        return PacketBuilder.ETH_HLEN + ipHeaderLength(f);
    }

    static int protocol(byte[] f) {
        return u8(f, PacketBuilder.ETH_HLEN + 9);
    }

    static String ipv4At(byte[] f, int off) {
        return u8(f, off) + "." + u8(f, off + 1) + "." + u8(f, off + 2) + "." + u8(f, off + 3);
    }

    /** "addr:port" of the source (TCP/UDP). */
    static String source(byte[] f) {
        return ipv4At(f, PacketBuilder.ETH_HLEN + 12) + ":" + u16(f, l4Offset(f));
    }

    /** "addr:port" of the destination (TCP/UDP). */
    static String destination(byte[] f) {
        return ipv4At(f, PacketBuilder.ETH_HLEN + 16) + ":" + u16(f, l4Offset(f) + 2);
    }

    /**
     * Asserts that the IPv4 header checksum and the TCP/UDP/ICMP checksum of the frame are
     * what a full recomputation gives (a UDP checksum of 0, "none", is accepted as such).
     */
    static void assertChecksumsValid(byte[] f) {
        int ip = PacketBuilder.ETH_HLEN;
        int ihl = ipHeaderLength(f);
        assertEquals(0, Checksums.of(f, ip, ihl), "IPv4 header checksum of " + hex(f));
        int totLen = u16(f, ip + 2);
        int l4 = ip + ihl;
        int l4Len = totLen - ihl;
        int proto = protocol(f);
        byte[] src = java.util.Arrays.copyOfRange(f, ip + 12, ip + 16);
        byte[] dst = java.util.Arrays.copyOfRange(f, ip + 16, ip + 20);
        switch (proto) {
            case PacketBuilder.PROTO_TCP -> assertEquals(0, Checksums.fold(
                    Checksums.pseudoHeaderSum(src, dst, proto, l4Len) + Checksums.sum(f, l4, l4Len)),
                    "TCP checksum of " + hex(f));
            case PacketBuilder.PROTO_UDP -> {
                if (u16(f, l4 + 6) != 0) {
                    assertEquals(0, Checksums.fold(
                            Checksums.pseudoHeaderSum(src, dst, proto, l4Len) + Checksums.sum(f, l4, l4Len)),
                            "UDP checksum of " + hex(f));
                }
            }
            case PacketBuilder.PROTO_ICMP -> assertEquals(0, Checksums.of(f, l4, l4Len), "ICMP checksum of " + hex(f));
            default -> throw new AssertionError("unexpected protocol " + proto);
        }
    }

    /** Hex dump, 16 bytes per line, for failure messages and byte-exact comparisons. */
    static String hex(byte[] f) {
        StringBuilder sb = new StringBuilder();
        HexFormat hf = HexFormat.ofDelimiter(" ");
        for (int i = 0; i < f.length; i += 16) {
            sb.append('\n').append(String.format("%04x  ", i))
                    .append(hf.formatHex(f, i, Math.min(f.length, i + 16)));
        }
        return sb.toString();
    }
}
