package dev.senda.maps.lb;

import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** struct senda_sock_destroyed as the iterator writes it: addresses and port in network order, the rest host order. */
class DestroyedSocketTest {
    private static byte[] record(byte[] address, int port, int family, int result, long cookie) {
        ByteBuffer b = ByteBuffer.allocate(DestroyedSocket.SIZE).order(ByteOrder.nativeOrder());
        b.put(0, address);
        b.put(16, (byte) (port >>> 8)).put(17, (byte) port).put(18, (byte) family);
        b.putInt(20, result).putLong(24, cookie);
        return b.array();
    }

    @Test
    void decodesBothFamiliesInOrder() {
        byte[] v4 = new byte[16];
        System.arraycopy(new byte[]{10, (byte) 244, 2, 5}, 0, v4, 0, 4);
        IpAddress six = IpAddress.parse("fd00:10:244:2::5").orElseThrow();
        byte[] out = new byte[2 * DestroyedSocket.SIZE];
        System.arraycopy(record(v4, 8080, 4, 0, 77L), 0, out, 0, DestroyedSocket.SIZE);
        System.arraycopy(record(six.bytes(), 53, 6, -2, 78L), 0, out, DestroyedSocket.SIZE, DestroyedSocket.SIZE);

        List<DestroyedSocket> sockets = DestroyedSocket.decodeAll(out);

        assertEquals(List.of(new DestroyedSocket(IpAddress.parse("10.244.2.5").orElseThrow(), 8080, 0, 77L),
                new DestroyedSocket(six, 53, -2, 78L)), sockets);
        assertEquals("10.244.2.5:8080 (closed)", sockets.get(0).toString());
        assertEquals("[fd00:10:244:2::5]:53 (errno 2)", sockets.get(1).toString());
    }

    @Test
    void refusesPartialRecordsAndUnknownFamilies() {
        assertThrows(IllegalArgumentException.class, () -> DestroyedSocket.decodeAll(new byte[31]));
        assertThrows(IllegalArgumentException.class,
                () -> DestroyedSocket.decodeAll(record(new byte[16], 1, 5, 0, 1)));
        assertEquals(List.of(), DestroyedSocket.decodeAll(new byte[0]));
    }
}
