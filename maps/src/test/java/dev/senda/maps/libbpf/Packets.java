package dev.senda.maps.libbpf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Minimal hand-built frames for test runs (Ethernet + IPv4 + TCP, checksums correct). */
public final class Packets {
    private Packets() {
    }

    /** A TCP SYN from {@code src:sport} to {@code dst:dport}, 54 bytes. */
    public static byte[] tcpSyn(String src, int sport, String dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20);
        b.put(new byte[] {2, 0, 0, 0, 0, 1}).put(new byte[] {2, 0, 0, 0, 0, 2}).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).put(addr(src)).put(addr(dst));
        b.putShort(ip + 10, checksum(b.array(), ip, 20, 0));
        int tcp = b.position();
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        long pseudo = sum(addr(src), 0, 4) + sum(addr(dst), 0, 4) + 6 + 20;
        b.putShort(tcp + 16, checksum(b.array(), tcp, 20, pseudo));
        return b.array();
    }

    static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // literal: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static short checksum(byte[] data, int off, int len, long initial) {
        long s = initial + sum(data, off, len);
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (short) ~s;
    }

    private static long sum(byte[] data, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xff;
            int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }
}
