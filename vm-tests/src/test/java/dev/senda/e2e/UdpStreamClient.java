package dev.senda.e2e;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A UDP client with a fixed source port that sends to one target without pause, as the Kubernetes
 * conntrack e2e client does ({@code nc -u -p <port>} in a loop), but through one long-lived connected
 * socket ({@link ConnectedUdpLoop}). Run by {@link UdpStream} as a process inside a pod (and, for
 * socket LB, the node's cgroup).
 *
 * <p>Arguments: {@code <ip> <port> <source-port> <wait-ms> <max-seconds>}. Each round sends "ping" and
 * waits at most wait-ms for the answer; output as {@link ConnectedUdpLoop} says.
 */
public final class UdpStreamClient {
    private UdpStreamClient() {
    }

    public static void main(String[] args) throws java.io.IOException {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
        ConnectedUdpLoop.run(target, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                (ch, waitMs) -> {
                    ch.write(ByteBuffer.wrap(ping));
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    ch.socket().receive(p);
                    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip();
                });
    }
}
