package dev.senda.e2e;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A stub resolver as long-running programs have them: one connected UDP socket from a fixed source
 * port to the cluster DNS Service, asking for one name's A record without pause (the case where a
 * query can stick to a DNS pod that is gone), through {@link ConnectedUdpLoop}. Run by
 * {@link DnsStream} as a process in a pod (and, for socket LB, the node's cgroup).
 *
 * <p>Arguments: {@code <dns-ip> <name> <source-port> <wait-ms> <max-seconds>}. Output as
 * {@link ConnectedUdpLoop} says, the answer being the first address.
 */
public final class DnsStreamClient {
    private DnsStreamClient() {
    }

    public static void main(String[] args) throws java.io.IOException {
        InetSocketAddress dns = new InetSocketAddress(InetAddress.getByName(args[0]), 53);
        String name = args[1];
        int[] id = {0};
        ConnectedUdpLoop.run(dns, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                (ch, waitMs) -> {
                    id[0] = (id[0] + 1) & 0xffff;
                    ch.write(ByteBuffer.wrap(DnsWire.query(id[0], name, DnsWire.TYPE_A)));
                    long deadline = System.currentTimeMillis() + waitMs;
                    while (System.currentTimeMillis() < deadline) {
                        DatagramPacket p = new DatagramPacket(new byte[512], 512);
                        ch.socket().receive(p); // a late answer to an earlier query is skipped by its id
                        var a = DnsWire.answers(p.getData(), p.getLength(), id[0], DnsWire.TYPE_A);
                        if (a.isPresent() && !a.get().isEmpty()) return a.get().getFirst().getHostAddress();
                    }
                    throw new SocketTimeoutException();
                });
    }
}
