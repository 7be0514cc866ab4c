package dev.senda.maps.lb;

import dev.senda.net.IpAddress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One socket the socket-destroy iterator closed (or failed to close): {@code struct senda_sock_destroyed}
 * of {@code bpf/lib/abi/sock_destroy.h}, 32 bytes, read from the iterator's output rather than a map.
 *
 * @param backend the stale backend the socket was connected to
 * @param port    that backend's port
 * @param result  what {@code bpf_sock_destroy} returned: 0, or a negative errno
 * @param cookie  the socket's cookie
 */
public record DestroyedSocket(IpAddress backend, int port, int result, long cookie) {
    /** sizeof(struct senda_sock_destroyed). */
    public static final int SIZE = 32;
    private static final int FAMILY_IPV4 = 4, FAMILY_IPV6 = 6;

    public boolean destroyed() {
        return result == 0;
    }

    /**
     * Every record of one iterator run, in order.
     *
     * @throws IllegalArgumentException when the output is not whole records or names an unknown family
     */
    public static List<DestroyedSocket> decodeAll(byte[] output) {
        if (output.length % SIZE != 0) {
            throw new IllegalArgumentException("iterator output of " + output.length + " bytes is not whole "
                    + SIZE + "-byte records");
        }
        List<DestroyedSocket> out = new ArrayList<>(output.length / SIZE);
        ByteBuffer b = ByteBuffer.wrap(output).order(ByteOrder.nativeOrder());
        for (int off = 0; off < output.length; off += SIZE) {
            byte[] address = Arrays.copyOfRange(output, off, off + 16);            // be
            int port = ((output[off + 16] & 0xff) << 8) | (output[off + 17] & 0xff); // be
            int family = output[off + 18] & 0xff;                                 // host, one byte
            int result = b.getInt(off + 20);                                       // host
            long cookie = b.getLong(off + 24);                                     // host
            IpAddress backend = switch (family) {
                case FAMILY_IPV4 -> IpAddress.of(Arrays.copyOf(address, 4));
                case FAMILY_IPV6 -> IpAddress.of(address);
                default -> throw new IllegalArgumentException("record at " + off + ": unknown family " + family);
            };
            out.add(new DestroyedSocket(backend, port, result, cookie));
        }
        return out;
    }

    /** "10.244.2.5:8080 (closed)" or "[fd00::5]:53 (errno 2)". */
    @Override
    public String toString() {
        return backend.withPort(port) + (destroyed() ? " (closed)" : " (errno " + -result + ")");
    }
}
