package dev.senda.bench.datapath;

import java.nio.ByteBuffer;

/**
 * An Ethernet + IPv4 + TCP SYN frame as Linux sends it (20 bytes of options: MSS, SACK permitted,
 * timestamps, window scale), with valid IPv4 and TCP checksums, for {@code BPF_PROG_TEST_RUN}.
 */
final class SynFrame {
    private static final byte[] SYN_OPTIONS = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 1, (byte) 0xe2, 0x40, 0, 0,
            0, 0, 1, 3, 3, 7};
    static final int ETH_LEN = 14;
    static final int IP_DST_OFFSET = ETH_LEN + 16;
    private static final int IP_LEN = 20;
    private static final int TCP_LEN = 20 + SYN_OPTIONS.length;

    private SynFrame() {
    }

    /** A SYN from {@code src:sport} to {@code dst:dport}; addresses as ints in host order. */
    static byte[] of(int src, int sport, int dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(ETH_LEN + IP_LEN + TCP_LEN); // network byte order
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x01}).put(new byte[] {0x02, 0, 0, 0, 0, 0x02}).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (IP_LEN + TCP_LEN)).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort(ip + 10, (short) checksum(b.array(), ip, IP_LEN, 0));
        int tcp = b.position();
        b.putShort((short) sport).putShort((short) dport).putInt(1_000_000).putInt(0)
                .put((byte) ((TCP_LEN / 4) << 4)).put((byte) 0x02).putShort((short) 64240).putShort((short) 0)
                .putShort((short) 0).put(SYN_OPTIONS);
        long pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + TCP_LEN;
        b.putShort(tcp + 16, (short) checksum(b.array(), tcp, TCP_LEN, pseudo));
        return b.array();
    }

    /** The Internet checksum of {@code len} bytes at {@code off}, starting from the partial sum {@code sum}. */
    private static int checksum(byte[] data, int off, int len, long sum) {
        for (int i = 0; i + 1 < len; i += 2) sum += ((data[off + i] & 0xff) << 8) | (data[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (data[off + len - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    /** The IPv4 destination of a frame, as an int. */
    static int destination(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(IP_DST_OFFSET);
    }
}
