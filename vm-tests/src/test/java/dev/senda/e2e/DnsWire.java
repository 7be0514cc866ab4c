package dev.senda.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few bytes of RFC 1035 a stub resolver needs: a query for one name's A or AAAA records, and the
 * addresses of that type in a response. No system resolver is involved: the e2e clients ask the
 * cluster DNS Service directly over their own sockets.
 */
final class DnsWire {
    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;

    private DnsWire() {
    }

    /** A standard query (recursion desired) with {@code id} for {@code name}'s records of {@code type}. */
    static byte[] query(int id, String name, int type) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0).putShort((short) type).putShort((short) CLASS_IN);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * The addresses of {@code type} in the answer section of a response to query {@code id}; empty when
     * it is no such response or its rcode is not NOERROR.
     */
    static Optional<List<InetAddress>> answers(byte[] msg, int length, int id, int type) {
        ByteBuffer b = ByteBuffer.wrap(msg, 0, length);
        if (length < 12 || (b.getShort(0) & 0xffff) != id || (b.get(2) & 0x80) == 0 || (b.get(3) & 0x0f) != 0) {
            return Optional.empty();
        }
        int questions = b.getShort(4) & 0xffff;
        int answers = b.getShort(6) & 0xffff;
        b.position(12);
        for (int i = 0; i < questions; i++) {
            skipName(b);
            b.position(b.position() + 4);
        }
        List<InetAddress> out = new ArrayList<>();
        for (int i = 0; i < answers; i++) {
            skipName(b);
            int rrType = b.getShort() & 0xffff;
            b.getShort(); // class
            b.getInt(); // ttl
            int len = b.getShort() & 0xffff;
            byte[] data = new byte[len];
            b.get(data);
            if (rrType == type) {
                try {
                    out.add(InetAddress.getByAddress(data));
                } catch (UnknownHostException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(out);
    }

    private static void skipName(ByteBuffer b) {
        while (true) {
            int len = b.get() & 0xff;
            if (len == 0) return;
            if ((len & 0xc0) == 0xc0) {
                b.get(); // a compression pointer ends the name
                return;
            }
            b.position(b.position() + len);
        }
    }
}
