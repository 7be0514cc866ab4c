package dev.senda.maps.libbpf;

import dev.senda.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The peer of a socket as sock_diag reports it (struct inet_diag_sockid), for each kind of socket. */
class UdpSockDiagTest {
    private static final int AF_INET = 2, AF_INET6 = 10;

    /** sport, dport (network order), src[16], dst[16], if, cookie[2] (host order). */
    private static byte[] id(String peer, int peerPort, long cookie) {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        b.put(0, (byte) 0x30).put(1, (byte) 0x39); // local port 12345
        b.put(2, (byte) (peerPort >>> 8)).put(3, (byte) peerPort);
        if (peer != null) b.put(20, IpAddress.parse(peer).orElseThrow().bytes());
        b.putInt(40, (int) cookie).putInt(44, (int) (cookie >>> 32));
        return b.array();
    }

    private static byte[] mapped(String v4, int port, long cookie) {
        byte[] id = id(null, port, cookie);
        id[30] = (byte) 0xff;
        id[31] = (byte) 0xff;
        System.arraycopy(IpAddress.parse(v4).orElseThrow().bytes(), 0, id, 32, 4);
        return id;
    }

    @Test
    void peersOfEachKindOfSocket() {
        assertEquals(new UdpSockDiag.Peer(IpAddress.parse("10.244.2.5").orElseThrow(), 8080, 0x1_0000_0002L),
                UdpSockDiag.peer(AF_INET, id("10.244.2.5", 8080, 0x1_0000_0002L)));
        assertEquals(new UdpSockDiag.Peer(IpAddress.parse("fd00:10:244:2::5").orElseThrow(), 53, 7),
                UdpSockDiag.peer(AF_INET6, id("fd00:10:244:2::5", 53, 7)));
        // a dual-stack socket connected to ::ffff:a.b.c.d: socket LB keeps it in the IPv4 maps
        assertEquals(new UdpSockDiag.Peer(IpAddress.parse("10.244.2.5").orElseThrow(), 8080, -1L),
                UdpSockDiag.peer(AF_INET6, mapped("10.244.2.5", 8080, -1L)));
        // not connected: no peer
        assertNull(UdpSockDiag.peer(AF_INET, id(null, 0, 9)));
        assertNull(UdpSockDiag.peer(AF_INET6, id(null, 0, 9)));
    }
}
